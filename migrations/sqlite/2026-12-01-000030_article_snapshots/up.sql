-- Article snapshots (src/evidence): what an article's page showed when it was fetched, after its
-- first report, when it was resolved, or on an editor's request. One row per attempt: a failed
-- one keeps its error (and the HTTP status, when the server answered) and no text. `text` is the
-- extracted main text, `text_sha256` its SHA-256 (hex), so a later snapshot that differs is
-- found without comparing texts. `requested_url` is the article's address as fetched,
-- `final_url` where the redirects ended.
CREATE TABLE article_snapshots (
    id INTEGER PRIMARY KEY NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    reason TEXT NOT NULL,
    requested_url TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    http_status INTEGER,
    final_url TEXT,
    last_modified TEXT,
    etag TEXT,
    content_type TEXT,
    title TEXT,
    text TEXT,
    text_sha256 TEXT,
    error TEXT
);
CREATE INDEX article_snapshots_article_idx ON article_snapshots (article_id, id);

-- The word index of the reports' text (src/reports/search.rs makes its tokens: passage,
-- explanation and the words of the article's URL, folded, Chinese/Japanese/Korean runs as
-- overlapping pairs). The tsvector is written by the application as a literal, positions
-- included, so PostgreSQL's own parser and dictionaries never see the text: the tokens are the
-- same as SQLite's. A deleted report leaves the index with it.
CREATE TABLE report_search (
    report_id BIGINT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    words TSVECTOR NOT NULL
);
CREATE INDEX report_search_words_idx ON report_search USING gin (words);

-- The reports that exist now, indexed by the application after the migrations (SQL cannot make
-- the tokens): `disinfo-desk migrate` and every start take them in batches until none is left.
CREATE TABLE report_search_backlog (
    report_id BIGINT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE
);
INSERT INTO report_search_backlog (report_id) SELECT id FROM reports;

-- A search for a web address reads the articles by host and path prefix (LIKE 'path/%', which
-- text_pattern_ops serves whatever the database's collation).
CREATE INDEX articles_host_path_idx ON articles (host, path text_pattern_ops);
CREATE INDEX articles_path_idx ON articles (path text_pattern_ops);

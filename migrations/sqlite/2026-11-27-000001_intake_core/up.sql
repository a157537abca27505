CREATE TABLE articles (
    id INTEGER PRIMARY KEY NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    report_count BIGINT NOT NULL DEFAULT 0,
    open_report_count BIGINT NOT NULL DEFAULT 0,
    first_reported_at TIMESTAMP NOT NULL,
    last_reported_at TIMESTAMP NOT NULL
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY NOT NULL,
    tracking_code TEXT NOT NULL UNIQUE,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    submitted_url TEXT NOT NULL,
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    passage TEXT,
    explanation TEXT NOT NULL,
    evidence_urls TEXT NOT NULL DEFAULT '[]',
    language TEXT NOT NULL,
    reporter_name TEXT,
    reporter_email TEXT,
    wants_outcome BOOLEAN NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    client_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_article_id_idx ON reports (article_id);
CREATE INDEX reports_created_at_idx ON reports (created_at);

CREATE TABLE report_events (
    id INTEGER PRIMARY KEY NOT NULL,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX report_events_report_id_idx ON report_events (report_id);

CREATE TABLE idempotency_keys (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

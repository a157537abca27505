CREATE TABLE desks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE reports ADD COLUMN desk_id BIGINT REFERENCES desks (id);
ALTER TABLE reports ADD COLUMN reporter_unsubscribed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX reports_article_created_idx ON reports (article_id, created_at);

CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    recipients TEXT NOT NULL,
    language TEXT NOT NULL,
    report_id BIGINT REFERENCES reports (id),
    article_id BIGINT REFERENCES articles (id),
    desk_id BIGINT REFERENCES desks (id),
    coalesce_key TEXT,
    window_start TIMESTAMP,
    window_end TIMESTAMP,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox (status, due_at);
CREATE INDEX outbox_coalesce_idx ON outbox (coalesce_key, id);

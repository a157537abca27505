CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE desk_members (
    user_id BIGINT NOT NULL REFERENCES users (id),
    desk_id BIGINT NOT NULL REFERENCES desks (id),
    PRIMARY KEY (user_id, desk_id)
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

ALTER TABLE reports ADD COLUMN assignee_id BIGINT REFERENCES users (id);
ALTER TABLE reports ADD COLUMN outcome_note TEXT;
ALTER TABLE reports ADD COLUMN correction_url TEXT;
ALTER TABLE reports ADD COLUMN duplicate_of_id BIGINT REFERENCES reports (id);
ALTER TABLE reports ADD COLUMN decided_at TIMESTAMP;
CREATE INDEX reports_status_idx ON reports (status, id);
CREATE INDEX reports_assignee_idx ON reports (assignee_id);

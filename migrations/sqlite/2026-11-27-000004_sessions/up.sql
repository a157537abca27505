CREATE TABLE sessions (
    key_hash TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY NOT NULL,
    throttle_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (throttle_key, created_at);

CREATE TABLE auth_events (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT REFERENCES users (id),
    email TEXT NOT NULL,
    kind TEXT NOT NULL,
    client_hash TEXT,
    created_at TIMESTAMP NOT NULL
);

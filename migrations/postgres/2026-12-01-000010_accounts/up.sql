-- Whose session a row is, so that a password change or a disable ends them all in one DELETE.
-- No foreign key: a session row is written from the session's own state and lives minutes.
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
UPDATE sessions
SET user_id = (state::jsonb ->> 'user_id')::bigint
WHERE state::jsonb ->> 'user_id' ~ '^[0-9]+$';
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Every time a reporter's contact details were shown to someone: who, which report, where
-- (page, api, csv), when. A CSV export is one row: report_id NULL, the count and the filter.
-- No foreign keys: the record of who read personal data outlives the report it was about.
CREATE TABLE contact_reads (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL,
    report_id BIGINT,
    place TEXT NOT NULL,
    report_count BIGINT NOT NULL,
    detail TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_reads_report_idx ON contact_reads (report_id, created_at);
CREATE INDEX contact_reads_user_idx ON contact_reads (user_id, created_at);

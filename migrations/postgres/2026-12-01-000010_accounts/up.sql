-- Whose session a row is, so that a password change or a disable ends them all in one DELETE.
-- No foreign key: a session row is written from the session's own state and lives minutes.
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
UPDATE sessions
SET user_id = (state::jsonb ->> 'user_id')::bigint
WHERE state::jsonb ->> 'user_id' ~ '^[0-9]+$';
CREATE INDEX sessions_user_idx ON sessions (user_id);


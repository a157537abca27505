-- See the SQLite migration of the same name: the desk index gains `opened_at`, so the queue under
-- a desk reads its articles' mix from the index alone.
DROP INDEX reports_desk_status_idx;
CREATE INDEX reports_desk_status_idx ON reports (desk_id, status, article_id, created_at, category, opened_at);

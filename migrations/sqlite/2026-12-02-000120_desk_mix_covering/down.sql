DROP INDEX reports_desk_status_idx;
CREATE INDEX reports_desk_status_idx ON reports (desk_id, status, article_id, created_at, category);

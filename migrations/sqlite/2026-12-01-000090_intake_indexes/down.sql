DROP INDEX reports_article_created_idx;
CREATE INDEX reports_article_created_idx ON reports (article_id, created_at);

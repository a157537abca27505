DROP INDEX reports_article_id_idx;
CREATE INDEX reports_article_id_idx ON reports (article_id);

DROP TABLE outbox;
DROP INDEX reports_article_created_idx;
ALTER TABLE reports DROP COLUMN reporter_unsubscribed;
ALTER TABLE reports DROP COLUMN desk_id;
DROP TABLE desks;

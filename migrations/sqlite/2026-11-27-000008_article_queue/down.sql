DROP INDEX articles_queue_waiting_idx;
DROP INDEX articles_queue_newest_idx;
DROP INDEX articles_queue_most_idx;
ALTER TABLE articles DROP COLUMN newest_open_at;
ALTER TABLE articles DROP COLUMN oldest_open_at;

DROP TABLE contact_reads;
DROP INDEX sessions_user_idx;
ALTER TABLE sessions DROP COLUMN user_id;

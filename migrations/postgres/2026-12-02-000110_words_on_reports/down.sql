CREATE TABLE report_search (
    report_id BIGINT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    words TSVECTOR NOT NULL
);
INSERT INTO report_search (report_id, words)
    SELECT id, words FROM reports WHERE words IS NOT NULL;
CREATE INDEX report_search_words_idx ON report_search USING gin (words);
DROP INDEX reports_words_idx;
ALTER TABLE reports DROP COLUMN words;

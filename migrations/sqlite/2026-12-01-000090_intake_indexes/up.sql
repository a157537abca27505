-- Intake writes every index of reports, so each one must earn its place.
-- The index on article_id alone is a prefix of the next one (and of reports_article_mix_idx).
DROP INDEX reports_article_id_idx;
-- Escalation counts the distinct clients that reported an article within its window, for every
-- report on a busy article: with status and client_hash in the index, from the index alone.
DROP INDEX reports_article_created_idx;
CREATE INDEX reports_article_created_idx ON reports (article_id, created_at, status, client_hash);

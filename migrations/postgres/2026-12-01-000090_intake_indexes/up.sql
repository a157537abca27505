-- Escalation counts the distinct clients that reported an article within its window, for every
-- report on a busy article: with status and client_hash in the index, from the index alone.
-- (reports_article_id_idx stays: SQLite's planner needs it for the search by an article's
-- address, measured 100 times slower without it at a million reports.)
DROP INDEX reports_article_created_idx;
CREATE INDEX reports_article_created_idx ON reports (article_id, created_at, status, client_hash);

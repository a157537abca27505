-- The editors' queue lists articles with open reports. Keeping each article's open count and the
-- times of its oldest and newest open report on the article row lets the default queue (open
-- reports, any sort) read one index instead of grouping every open report on each page view.
ALTER TABLE articles ADD COLUMN oldest_open_at TIMESTAMP;
ALTER TABLE articles ADD COLUMN newest_open_at TIMESTAMP;

UPDATE articles SET
    open_report_count = (SELECT COUNT(*) FROM reports r WHERE r.article_id = articles.id
                         AND r.status IN ('new', 'triaged', 'investigating', 'reopened')),
    oldest_open_at = (SELECT MIN(r.created_at) FROM reports r WHERE r.article_id = articles.id
                      AND r.status IN ('new', 'triaged', 'investigating', 'reopened')),
    newest_open_at = (SELECT MAX(r.created_at) FROM reports r WHERE r.article_id = articles.id
                      AND r.status IN ('new', 'triaged', 'investigating', 'reopened'));

-- Recomputing an article's open aggregates reads only its open reports, through the
-- (article_id, status, created_at, …) index of migration 000007.
-- One index per queue order, holding only articles that have open reports.
CREATE INDEX articles_queue_most_idx ON articles (open_report_count, id) WHERE open_report_count > 0;
CREATE INDEX articles_queue_newest_idx ON articles (newest_open_at, id) WHERE open_report_count > 0;
CREATE INDEX articles_queue_waiting_idx ON articles (oldest_open_at, id) WHERE open_report_count > 0;

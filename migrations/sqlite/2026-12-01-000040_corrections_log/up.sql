-- The public corrections log (`/corrections`, `/api/v1/articles/correction`).
--
-- A decision's event keeps the correction's link it was made with (the report's own column is
-- cleared when the report is reopened), so the log can show a notice whatever happened after.
ALTER TABLE report_events ADD COLUMN correction_url TEXT;
UPDATE report_events
   SET correction_url = (SELECT r.correction_url FROM reports r WHERE r.id = report_events.report_id)
 WHERE kind = 'status_changed'
   AND to_status IN ('corrected', 'clarified')
   AND id = (SELECT MAX(e2.id) FROM report_events e2
              WHERE e2.report_id = report_events.report_id AND e2.kind = 'status_changed')
   AND EXISTS (SELECT 1 FROM reports r
                WHERE r.id = report_events.report_id AND r.status = report_events.to_status);

-- An article's public decision is the latest current decision of its resolved reports (corrected,
-- clarified or no_error: the newest by time, then event id). This table holds the articles whose
-- public decision is a correction or a clarification, one row each, pointing at that decision's
-- event: it is the log. Editorial moves into or out of a resolution rewrite the article's row.
CREATE TABLE correction_notices (
    article_id INTEGER PRIMARY KEY NOT NULL REFERENCES articles (id),
    event_id BIGINT NOT NULL REFERENCES report_events (id),
    outcome TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL
);
CREATE INDEX correction_notices_order_idx ON correction_notices (decided_at, article_id);

INSERT INTO correction_notices (article_id, event_id, outcome, decided_at)
SELECT r.article_id, e.id, e.to_status, e.created_at
  FROM report_events e JOIN reports r ON r.id = e.report_id
 WHERE e.kind = 'status_changed'
   AND e.to_status IN ('corrected', 'clarified')
   AND r.status IN ('corrected', 'clarified', 'no_error')
   AND NOT EXISTS (
       SELECT 1 FROM report_events e2 JOIN reports r2 ON r2.id = e2.report_id
        WHERE r2.article_id = r.article_id
          AND r2.status IN ('corrected', 'clarified', 'no_error')
          AND e2.kind = 'status_changed'
          AND e2.to_status IN ('corrected', 'clarified', 'no_error')
          AND (e2.created_at > e.created_at OR (e2.created_at = e.created_at AND e2.id > e.id)));

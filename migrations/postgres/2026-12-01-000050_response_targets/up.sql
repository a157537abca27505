-- Response targets (issue 14, item 4): per desk, a time to first triage and a time to decision.
--
-- A desk's own targets, in minutes, set by admins on the routing page; NULL: the configured
-- default ([targets] triage_minutes, decision_minutes).
ALTER TABLE desks ADD COLUMN triage_minutes INTEGER;
ALTER TABLE desks ADD COLUMN decision_minutes INTEGER;

-- The report's clocks, kept by the transition service so that "overdue" is read from indexed
-- columns instead of the events: when it first left `new` (triage), and when it last entered the
-- editorial queue (received, restored from spam, its article address completed, or reopened),
-- from which both targets count. `decided_at` (migration 000003) ends the decision clock.
ALTER TABLE reports ADD COLUMN triaged_at TIMESTAMP;
-- The default is for instances still running the previous release during a rolling upgrade
-- (their inserts do not name the column): the time of their transaction, which is the report's
-- receipt. This release always names it.
ALTER TABLE reports ADD COLUMN opened_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC');
-- The reminder digest (an outbox row) that told the desk the report passed its triage or its
-- decision target: set once, in the transaction that queued or joined the digest. 0: no reminder
-- is due (the report was already waiting when targets were introduced).
ALTER TABLE reports ADD COLUMN triage_reminder_id BIGINT;
ALTER TABLE reports ADD COLUMN decision_reminder_id BIGINT;

UPDATE reports SET opened_at = created_at;
UPDATE reports SET opened_at = latest.at
  FROM (SELECT report_id, MAX(created_at) AS at FROM report_events
         WHERE (kind = 'status_changed' AND to_status IN ('reopened', 'new'))
            OR kind = 'address_completed'
         GROUP BY report_id) AS latest
 WHERE reports.id = latest.report_id AND latest.at > reports.opened_at;
UPDATE reports SET triaged_at = first.at
  FROM (SELECT report_id, MIN(created_at) AS at FROM report_events
         WHERE kind = 'status_changed' AND from_status = 'new'
         GROUP BY report_id) AS first
 WHERE reports.id = first.report_id;
-- Reports already open are shown as overdue where they are, but not reminded of: the first sweep
-- would otherwise mail every desk its whole backlog.
UPDATE reports SET triage_reminder_id = 0, decision_reminder_id = 0
 WHERE status IN ('new', 'triaged', 'investigating', 'reopened');

-- The queue's per-article mix also reads each group's oldest clock, from the index alone.
DROP INDEX reports_article_mix_idx;
CREATE INDEX reports_article_mix_idx ON reports (article_id, status, created_at, desk_id, category, opened_at);
-- Overdue now: per status and desk, a range of clocks (the counts, from the index alone; the
-- filter reads a status's clocks from it too).
CREATE INDEX reports_status_opened_idx ON reports (status, desk_id, opened_at);
-- What the sweep looks for: reports in a step whose reminder has not gone out. Small: a report
-- leaves it when reminded or when it moves on.
CREATE INDEX reports_triage_unreminded_idx ON reports (desk_id, opened_at)
 WHERE status = 'new' AND triage_reminder_id IS NULL;
CREATE INDEX reports_decision_unreminded_idx ON reports (desk_id, opened_at)
 WHERE status IN ('triaged', 'investigating', 'reopened') AND decision_reminder_id IS NULL;
-- A reminder digest's reports, when it is written.
CREATE INDEX reports_triage_reminder_idx ON reports (triage_reminder_id) WHERE triage_reminder_id IS NOT NULL;
CREATE INDEX reports_decision_reminder_idx ON reports (decision_reminder_id) WHERE decision_reminder_id IS NOT NULL;
-- The figures: reports triaged, and decided, in the last 30 days, with what their durations need.
CREATE INDEX reports_triaged_idx ON reports (triaged_at, desk_id, created_at) WHERE triaged_at IS NOT NULL;
CREATE INDEX reports_decided_idx ON reports (decided_at, desk_id, opened_at) WHERE decided_at IS NOT NULL;

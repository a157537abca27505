DROP TABLE correction_notices;
ALTER TABLE report_events DROP COLUMN correction_url;

DROP INDEX reports_channel_idx;
ALTER TABLE reports DROP COLUMN contact_consent;
ALTER TABLE reports DROP COLUMN reporter_phone;

-- Reports taken by phone, letter or in person, entered by an editor: the caller's phone number
-- (personal data, like the name and email: purged and erased with them) and whether the caller
-- agreed to their contact details being kept (recorded by the editor; readers who type their own
-- details into the form or the API leave it false).
ALTER TABLE reports ADD COLUMN reporter_phone TEXT;
ALTER TABLE reports ADD COLUMN contact_consent BOOLEAN NOT NULL DEFAULT FALSE;

-- The lists filtered by channel (the hotline's reports are few among the web's): newest first
-- from the index instead of a walk over every report.
CREATE INDEX reports_channel_idx ON reports (channel, id);

-- One note again: the reader's, then the internal one after it.
UPDATE report_events
   SET note = CASE WHEN note IS NULL THEN public_note ELSE public_note || ' / ' || note END
 WHERE public_note IS NOT NULL;
ALTER TABLE report_events DROP COLUMN public_note;

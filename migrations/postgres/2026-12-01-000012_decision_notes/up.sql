-- A decision carries two notes: what the reader is told (public_note: the status page and the
-- outcome email) and what stays among editors (note). Until now one note did both; the notes of
-- decisions that reached the reader (an outcome or a closing) were the reader's, so they move.
ALTER TABLE report_events ADD COLUMN public_note TEXT;
UPDATE report_events SET public_note = note, note = NULL
 WHERE kind = 'status_changed'
   AND to_status IN ('corrected', 'clarified', 'no_error', 'duplicate', 'rejected');

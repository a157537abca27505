-- A message becomes a report or a comment once, even when the mail server delivers it twice at
-- the same instant (two `ingest-mail` processes): the duplicate check before the insert cannot see
-- an uncommitted twin; this index makes the second insert fail, and intake's retry then finds
-- the first. Copies stored twice before this index are kept, marked as ignored.
UPDATE mail_messages
SET outcome = 'ignored', reason = 'a second copy of a message stored twice'
WHERE outcome IN ('report', 'comment')
  AND message_id IS NOT NULL
  AND id NOT IN (
      SELECT MIN(id) FROM mail_messages
      WHERE outcome IN ('report', 'comment') AND message_id IS NOT NULL
      GROUP BY message_id
  );
CREATE UNIQUE INDEX mail_messages_stored_once_idx ON mail_messages (message_id)
WHERE outcome IN ('report', 'comment');

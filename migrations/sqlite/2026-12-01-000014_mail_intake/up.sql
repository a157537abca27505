-- The mail gateway (`disinfo-desk ingest-mail`): every message that arrived, what became of it
-- and, for a while (`[mail_intake] raw_retention_days`), its raw bytes, so an editor can see what
-- arrived. The raw message is personal data: the privacy purge clears it, and so does erasure.
-- `message_id` (the message's own, without <>) threads a sender's follow-ups to their report and
-- makes a delivery the mail server retries after our commit count once.
CREATE TABLE mail_messages (
    id INTEGER PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL,
    message_id TEXT,
    sender_hash TEXT,
    size_bytes BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    report_id BIGINT REFERENCES reports (id),
    raw BLOB
);
CREATE INDEX mail_messages_message_id_idx ON mail_messages (message_id);
CREATE INDEX mail_messages_sender_idx ON mail_messages (sender_hash, received_at);
CREATE INDEX mail_messages_report_idx ON mail_messages (report_id);
CREATE INDEX mail_messages_raw_idx ON mail_messages (received_at) WHERE raw IS NOT NULL;

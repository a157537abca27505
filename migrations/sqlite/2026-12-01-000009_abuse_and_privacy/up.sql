-- Abuse limits and retention (issue 8). The keyed hash of an email's recipient, so the daily cap
-- on acknowledgements per address can count without reading (or keeping) the address itself.
ALTER TABLE outbox ADD COLUMN recipient_hash TEXT;
CREATE INDEX outbox_recipient_idx ON outbox (recipient_hash, kind, created_at) WHERE recipient_hash IS NOT NULL;
-- Alerts per desk in a window (the round-up of many articles).
CREATE INDEX outbox_desk_kind_idx ON outbox (desk_id, kind, created_at);
-- What the purge looks for, without scanning every row.
CREATE INDEX reports_personal_data_idx ON reports (decided_at) WHERE reporter_name IS NOT NULL OR reporter_email IS NOT NULL;
CREATE INDEX reports_client_hash_idx ON reports (created_at) WHERE client_hash IS NOT NULL;
CREATE INDEX auth_events_created_idx ON auth_events (created_at);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
CREATE INDEX outbox_finished_idx ON outbox (created_at) WHERE recipients <> '[]' AND status IN ('sent', 'cancelled', 'dead');

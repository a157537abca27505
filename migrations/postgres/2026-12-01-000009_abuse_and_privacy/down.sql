DROP INDEX outbox_finished_idx;
DROP INDEX idempotency_keys_created_idx;
DROP INDEX auth_events_created_idx;
DROP INDEX reports_client_hash_idx;
DROP INDEX reports_personal_data_idx;
DROP INDEX outbox_desk_kind_idx;
DROP INDEX outbox_recipient_idx;
ALTER TABLE outbox DROP COLUMN recipient_hash;

ALTER TABLE outbox DROP COLUMN webhook_endpoint_id;
ALTER TABLE outbox DROP COLUMN payload;
DROP TABLE webhook_endpoints;

-- Webhook endpoints (docs/WEBHOOKS.md), registered by admins in the dashboard or with
-- `disinfo-desk webhook add`. `events` is a JSON array of event types. `secret` is the signing
-- secret encrypted under a key derived from server.secret_key (AES-256-GCM): the worker has to
-- read it back to sign, and nobody is shown it after its creation. `trusted` endpoints also get
-- the reporter's personal data and the texts a reader wrote. An endpoint that answered 410 Gone
-- is disabled, with why and when.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    trusted BOOLEAN NOT NULL DEFAULT 0,
    secret TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    disabled_at TIMESTAMP
);

-- A webhook delivery is an outbox row of kind `webhook`: its JSON body (without personal data:
-- a trusted endpoint's is completed from the report when it is sent) and its endpoint. No foreign
-- key: a removed endpoint's rows stay, and the worker cancels those not yet sent.
ALTER TABLE outbox ADD COLUMN payload TEXT;
ALTER TABLE outbox ADD COLUMN webhook_endpoint_id BIGINT;

-- Which instance holds a claim, so that a restarted instance can release its own claims at once
-- instead of waiting for their lease to run out.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;

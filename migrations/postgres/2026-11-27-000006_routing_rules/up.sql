-- Routing rules in the database: the rules file's (source 'file', replaced at start when the file
-- changed) and the dashboard's (source 'dashboard', kept across restarts).
CREATE TABLE routing_rules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    desk_id BIGINT NOT NULL REFERENCES desks (id),
    host TEXT,
    path_prefix TEXT,
    category TEXT,
    language TEXT,
    priority INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('file', 'dashboard')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row: bumped in every transaction that changes routing_rules, so that every instance can
-- tell cheaply whether its copy of the rules is current.
CREATE TABLE routing_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO routing_version (id, version, updated_at) VALUES (1, 0, (now() AT TIME ZONE 'UTC'));

-- Who changed which rule, when, and what it was before and after (JSON).
CREATE TABLE routing_rule_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id BIGINT,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Issue 20 (detection): behaviour baselines and anomalies, shared by every node.
--
-- agent_activity: per agent and hour, how often it did what. kind is 'tool' or 'data'
-- (a decision of the policy decision point: resource = the tool id or data resource,
-- action, code = 'allowed' or the denial's code), 'token' (tokens issued), 'exchange'
-- (token exchanges it made) or 'sub_agent' (sub-agents derived from it). Each node
-- counts in memory and adds its counts here every few seconds (one upsert per key and
-- flush, AnomalyCounts), so the decision path never writes here. Rows older than the
-- longest window read (baseline, unused permissions) are deleted by the nodes.
CREATE TABLE agent_activity (
    agent_id uuid         NOT NULL,
    hour     timestamptz  NOT NULL,
    kind     varchar(16)  NOT NULL,
    resource varchar(200) NOT NULL DEFAULT '',
    action   varchar(200) NOT NULL DEFAULT '',
    code     varchar(32)  NOT NULL DEFAULT '',
    calls    bigint       NOT NULL CHECK (calls >= 0),
    PRIMARY KEY (agent_id, hour, kind, resource, action, code)
);

CREATE INDEX agent_activity_hour ON agent_activity (hour);

-- The distinct targets (resource.properties.target) per agent, hour and resource.
CREATE TABLE agent_activity_target (
    agent_id uuid         NOT NULL,
    hour     timestamptz  NOT NULL,
    resource varchar(200) NOT NULL,
    target   varchar(200) NOT NULL,
    PRIMARY KEY (agent_id, hour, resource, target)
);

-- The short windows: per agent and minute, decisions, denials and sub-agents derived
-- (the rate, denials and sub_agents rules). Kept two hours.
CREATE TABLE agent_activity_minute (
    agent_id   uuid        NOT NULL,
    minute     timestamptz NOT NULL,
    calls      bigint      NOT NULL DEFAULT 0,
    denied     bigint      NOT NULL DEFAULT 0,
    sub_agents bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (agent_id, minute)
);

CREATE INDEX agent_activity_minute_minute ON agent_activity_minute (minute);

-- Which tools and data resources an agent has ever been allowed to use, and since when
-- (the new_resource rule: the first insert after the learning period is the anomaly).
CREATE TABLE agent_resource_seen (
    agent_id   uuid         NOT NULL,
    kind       varchar(16)  NOT NULL,
    resource   varchar(200) NOT NULL,
    first_seen timestamptz  NOT NULL,
    PRIMARY KEY (agent_id, kind, resource)
);

-- Every anomaly a rule found, with its evidence and reaction. dedupe names the
-- occurrence (the window, the resource, the hour): a unique key, so an anomaly seen
-- by several nodes at once is recorded, audited and reacted to once. A step_up anomaly
-- holds until cleared (cleared_at, cleared_by, clear_reason).
CREATE TABLE anomaly (
    id           uuid         PRIMARY KEY,
    agent_id     uuid         NOT NULL,
    rule         varchar(32)  NOT NULL,
    reaction     varchar(16)  NOT NULL CHECK (reaction IN ('flag', 'step_up', 'suspend')),
    dedupe       varchar(300) NOT NULL,
    evidence     jsonb        NOT NULL,
    detected_at  timestamptz  NOT NULL,
    cleared_at   timestamptz,
    cleared_by   varchar(256),
    clear_reason varchar(500),
    UNIQUE (agent_id, rule, dedupe)
);

CREATE INDEX anomaly_agent_detected ON anomaly (agent_id, detected_at DESC);

CREATE INDEX anomaly_open_step_up ON anomaly (agent_id) WHERE reaction = 'step_up' AND cleared_at IS NULL;

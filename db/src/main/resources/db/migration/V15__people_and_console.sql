-- Issue 18: people who sign in to the console, and the throttle of their failed sign-ins.
-- A person signs in with a username or an email address (normalized to lower case); the
-- password is an Argon2 hash (Spring Security's encoded form, "$argon2id$..."). Roles:
-- admin, owner, auditor, approver:<role> (docs/console.md).
CREATE TABLE person (
    id            uuid         PRIMARY KEY,
    username      varchar(64)  NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9._-]{1,64}$'),
    email         varchar(250) UNIQUE CHECK (email IS NULL OR (email = lower(email) AND position('@' in email) > 1)),
    password_hash varchar(255) NOT NULL,
    roles         text[]       NOT NULL DEFAULT '{}',
    created_at    timestamptz  NOT NULL,
    disabled_at   timestamptz
);

-- Failed sign-ins per key (an account from one source, a source, an account), counted in a
-- window and locked for a while past a limit (SignInThrottle); shared by every node. Rows
-- idle for a day are deleted by the nodes.
CREATE TABLE sign_in_failure (
    key           varchar(400) PRIMARY KEY,
    failures      integer      NOT NULL,
    window_start  timestamptz  NOT NULL,
    locked_until  timestamptz
);

CREATE INDEX sign_in_failure_window ON sign_in_failure (window_start);

-- The console's inventory (issue 18): an owner's agents page through this index, and the
-- counts at its top are an index-only scan of the second, with 100,000 agents as well.
CREATE INDEX agent_owner_page ON agent (owner, created_at, id);
CREATE INDEX agent_status_risk ON agent (status, risk_level);

-- A person acts as "user:<email>" (at most 5 + 250 characters): the versions' actor column
-- takes what the audit trail's does (varchar(256)). Widening a varchar rewrites nothing.
ALTER TABLE agent_version ALTER COLUMN actor TYPE varchar(256);

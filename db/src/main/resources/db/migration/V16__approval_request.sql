-- Issue 19: human approvals by OpenID CIBA Core 1.0 (poll mode) with RFC 9396
-- authorization details. One row per backchannel authentication request. The
-- auth_req_id (>= 128 random bits) is never stored, only its SHA-256. A poll and a
-- decision lock the row (FOR UPDATE), so every node sees one status, one last poll
-- (slow_down is counted across nodes) and one issued token (single use). uses counts
-- the PDP's allowed decisions under the approval, one conditional UPDATE each
-- (uses < max_uses), so no node allows more than max_uses.
CREATE TABLE approval_request (
    id                     uuid         PRIMARY KEY,
    auth_req_hash          bytea        NOT NULL UNIQUE,
    client_id              varchar(128) NOT NULL,
    agent_id               uuid         NOT NULL,
    owner                  varchar(320) NOT NULL,
    scopes                 text[]       NOT NULL,
    authorization_details  jsonb        NOT NULL,
    binding_message        varchar(128),
    login_hint             varchar(320),
    approver_roles         text[]       NOT NULL DEFAULT '{}',
    status                 varchar(16)  NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    decided_by             varchar(320),
    decided_at             timestamptz,
    comment                varchar(1024),
    created_at             timestamptz  NOT NULL,
    expires_at             timestamptz  NOT NULL,
    poll_interval_seconds  integer      NOT NULL CHECK (poll_interval_seconds > 0),
    last_poll_at           timestamptz,
    token_issued_at        timestamptz,
    token_jti              varchar(64),
    max_uses               integer      NOT NULL DEFAULT 1 CHECK (max_uses > 0),
    uses                   integer      NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
    CHECK ((status = 'pending') = (decided_at IS NULL) OR status = 'expired')
);

-- The approvers' queue: pending requests, oldest first (keyset paging on created_at, id).
CREATE INDEX approval_request_queue ON approval_request (status, created_at, id);
CREATE INDEX approval_request_agent ON approval_request (agent_id, created_at);

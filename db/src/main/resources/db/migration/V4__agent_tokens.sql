-- Agent tokens (issue 4): what introspection, revocation and delegation need from the
-- token store, still keyed by jti. token_hash (SHA-256 of the token as issued) lets
-- introspection recognise a token it issued with one comparison; kid lets it refuse
-- tokens whose signing key was withdrawn.
ALTER TABLE issued_token
    ADD COLUMN agent_id       uuid,
    ADD COLUMN kid            varchar(128),
    ADD COLUMN token_hash     bytea,
    ADD COLUMN depth          integer NOT NULL DEFAULT 0 CHECK (depth >= 0),
    ADD COLUMN act            jsonb,
    ADD COLUMN cnf_jkt        varchar(128),
    ADD COLUMN owner          varchar(320),
    ADD COLUMN agent_version  bigint;

CREATE INDEX issued_token_agent_live ON issued_token (agent_id) WHERE revoked_at IS NULL;
CREATE INDEX issued_token_task_live ON issued_token (task) WHERE task IS NOT NULL AND revoked_at IS NULL;

-- RFC 7523 §3 (7): a client assertion's jti is accepted once while the assertion could
-- still be valid. Shared by every node through the database.
CREATE TABLE client_assertion (
    client_id   varchar(128) NOT NULL,
    jti         varchar(256) NOT NULL,
    expires_at  timestamptz  NOT NULL,
    PRIMARY KEY (client_id, jti)
);

CREATE INDEX client_assertion_expires ON client_assertion (expires_at);

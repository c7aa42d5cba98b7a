-- The agent registry (issue 3): identity documents, their keys and every version.
-- The mutable parts of an identity document that are not queried on their own (team,
-- platform, description, role, capabilities, tools, data access, human oversight, token
-- policy) live in one jsonb column; the columns the admin API filters on, and the ones
-- the token endpoint reads on every request, are columns of their own.
CREATE TABLE agent (
    id           uuid         PRIMARY KEY,
    parent_id    uuid         REFERENCES agent (id),
    name         varchar(64)  NOT NULL CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
    owner        varchar(254) NOT NULL,
    environment  varchar(16)  CHECK (environment IN ('dev', 'staging', 'prod')),
    status       varchar(16)  NOT NULL CHECK (status IN ('active', 'suspended', 'retired')),
    risk_level   varchar(16)  NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    version      bigint       NOT NULL CHECK (version >= 1),
    profile      jsonb        NOT NULL,
    created_at   timestamptz  NOT NULL,
    updated_at   timestamptz  NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);

-- A name is unique per owner among root agents; a derived sub-agent's name is unique
-- under its parent (the same name under the same parent reuses the identity).
CREATE UNIQUE INDEX agent_owner_name ON agent (owner, name) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX agent_parent_name ON agent (parent_id, name) WHERE parent_id IS NOT NULL;
-- Cursor paging walks (created_at, id).
CREATE INDEX agent_page ON agent (created_at, id);

-- Public JWKs only: a private part is rejected by the application and, as a last line,
-- by the CHECK below. A retiring key counts as revoked from expires_at on.
CREATE TABLE agent_key (
    agent_id    uuid         NOT NULL REFERENCES agent (id),
    kid         varchar(64)  NOT NULL,
    jwk         jsonb        NOT NULL CHECK (NOT (jwk ? 'd')),
    status      varchar(16)  NOT NULL CHECK (status IN ('active', 'retiring', 'revoked')),
    created_at  timestamptz  NOT NULL,
    expires_at  timestamptz,
    PRIMARY KEY (agent_id, kid),
    CHECK (status <> 'retiring' OR expires_at IS NOT NULL)
);

-- Every version of every identity document, as the admin API showed it then.
CREATE TABLE agent_version (
    agent_id    uuid         NOT NULL REFERENCES agent (id),
    version     bigint       NOT NULL,
    document    jsonb        NOT NULL,
    actor       varchar(128),
    created_at  timestamptz  NOT NULL,
    PRIMARY KEY (agent_id, version)
);

-- Clients registered with a public key never carry its private part either.
ALTER TABLE oauth_client ADD CONSTRAINT oauth_client_public_jwk CHECK (jwk IS NULL OR NOT (jwk ? 'd'));

-- Clients that are not agents (admin clients, resource servers). Secrets are stored as the
-- lowercase hex SHA-256 of a generated secret of >= 256 random bits, never in clear.
CREATE TABLE oauth_client (
    client_id    varchar(128) PRIMARY KEY,
    name         varchar(128) NOT NULL,
    kind         varchar(32)  NOT NULL CHECK (kind IN ('admin', 'resource_server')),
    secret_hash  char(64),
    jwk          jsonb,
    scopes       text[]       NOT NULL DEFAULT '{}',
    created_at   timestamptz  NOT NULL DEFAULT now(),
    CHECK (secret_hash IS NOT NULL OR jwk IS NOT NULL)
);

-- The provider's own signing keys, shared by every node. The private part is encrypted
-- (AES-256-GCM, key from configuration); only the public JWK is stored in clear.
CREATE TABLE signing_key (
    kid              varchar(128) PRIMARY KEY,
    algorithm        varchar(16)  NOT NULL CHECK (algorithm IN ('EdDSA', 'ES256')),
    public_jwk       jsonb        NOT NULL,
    private_key_enc  bytea        NOT NULL,
    status           varchar(16)  NOT NULL CHECK (status IN ('active', 'retired')),
    created_at       timestamptz  NOT NULL DEFAULT now(),
    retired_at       timestamptz
);

CREATE UNIQUE INDEX signing_key_one_active ON signing_key (algorithm) WHERE status = 'active';

-- One row per issued access token, keyed by jti (never by the token's value).
CREATE TABLE issued_token (
    jti          varchar(64)  PRIMARY KEY,
    client_id    varchar(128) NOT NULL,
    subject      varchar(128) NOT NULL,
    parent_jti   varchar(64),
    root_jti     varchar(64)  NOT NULL,
    task         varchar(128),
    scopes       text[]       NOT NULL DEFAULT '{}',
    audience     text[]       NOT NULL DEFAULT '{}',
    issued_at    timestamptz  NOT NULL,
    expires_at   timestamptz  NOT NULL,
    revoked_at   timestamptz,
    revoked_why  varchar(256)
);

CREATE INDEX issued_token_root ON issued_token (root_jti);
CREATE INDEX issued_token_parent ON issued_token (parent_jti) WHERE parent_jti IS NOT NULL;
CREATE INDEX issued_token_client ON issued_token (client_id);
CREATE INDEX issued_token_expires ON issued_token (expires_at);

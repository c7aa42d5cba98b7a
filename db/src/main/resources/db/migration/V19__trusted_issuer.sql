-- Trusted issuers (issue 21): the token issuers whose JWTs this provider accepts as an
-- agent's client assertion (workload identity federation: Kubernetes service-account
-- tokens, SPIFFE JWT-SVIDs, OIDC ID tokens) or as a client attestation (kind attester).
-- In PostgreSQL so that every node trusts the same issuers; their keys are fetched from
-- jwks_uri (or the issuer's OpenID metadata) and cached per node, or given inline (jwks).
CREATE TABLE trusted_issuer (
    id                   uuid        PRIMARY KEY,
    issuer               text        NOT NULL UNIQUE,
    kind                 text        NOT NULL CHECK (kind IN ('kubernetes', 'spiffe', 'attester', 'oidc')),
    jwks                 jsonb,
    jwks_uri             text,
    audiences            jsonb       NOT NULL DEFAULT '[]'::jsonb,
    subject_pattern      text,
    trust_domain         text,
    max_token_age_seconds integer    NOT NULL CHECK (max_token_age_seconds BETWEEN 1 AND 86400),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CHECK (jwks IS NULL OR jwks_uri IS NULL)
);

-- Issue 17: the key of the DPoP server nonces (RFC 9449 §8), shared by every node so that a
-- nonce one node issued is accepted by any other (no sticky sessions). One row; the first
-- node that starts with idp.tokens.dpop-nonce.enabled inserts a random key (INSERT ... ON
-- CONFLICT DO NOTHING, so concurrent starts agree on one) and every node reads it back. A
-- nonce proves freshness only, never who the client is: the key is kept in clear.
CREATE TABLE dpop_nonce_key (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    secret     bytea       NOT NULL CHECK (octet_length(secret) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The OpenID Shared Signals Framework 1.0 transmitter (issue 20, docs/signals.md).
--
-- A stream belongs to the client (a resource server or admin client) that created it.
-- delivery_method is urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll); a push
-- stream's endpoint_url is the receiver's, and its authorization header (sent with each
-- push) is kept encrypted under the key-encryption key, the stream id as associated data.
CREATE TABLE ssf_stream (
    id                 uuid        PRIMARY KEY,
    client_id          text        NOT NULL,
    iss                text        NOT NULL,
    aud                text        NOT NULL,
    delivery_method    text        NOT NULL CHECK (delivery_method IN ('urn:ietf:rfc:8935', 'urn:ietf:rfc:8936')),
    endpoint_url       text,
    authorization_enc  bytea,
    events_requested   text[]      NOT NULL,
    events_delivered   text[]      NOT NULL,
    description        text,
    status             text        NOT NULL CHECK (status IN ('enabled', 'paused', 'disabled')),
    status_reason      text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX ssf_stream_client ON ssf_stream (client_id);

-- One signed Security Event Token per event and stream, until acknowledged (poll,
-- RFC 8936 §2.4) or accepted with 202 (push, RFC 8935 §2.2), or until it is given up
-- after 24 h of retries (push). Claimed like webhook deliveries (lease, SKIP LOCKED).
CREATE TABLE ssf_set (
    jti             text        PRIMARY KEY,
    stream_id       uuid        NOT NULL REFERENCES ssf_stream (id) ON DELETE CASCADE,
    set_jwt         text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    created_at      timestamptz NOT NULL
);

CREATE INDEX ssf_set_pending ON ssf_set (stream_id, created_at) WHERE status = 'pending';
CREATE INDEX ssf_set_due ON ssf_set (next_attempt_at) WHERE status = 'pending';

-- Outbound signals (issue 20, docs/signals.md "Outbound signals").
--
-- The outbox: one row per domain event that is signalled, inserted in the transaction
-- of the change it describes (a rolled-back change leaves no row, a committed one
-- cannot lose its row). The delivery worker of any node claims undispatched rows with
-- FOR UPDATE SKIP LOCKED and fans each out to the webhook subscriptions and SSF streams
-- that want it, in one transaction, then marks it dispatched.
CREATE TABLE signal_outbox (
    id            uuid        PRIMARY KEY,
    event_type    text        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    payload       jsonb       NOT NULL,
    dispatched_at timestamptz
);

CREATE INDEX signal_outbox_pending ON signal_outbox (occurred_at) WHERE dispatched_at IS NULL;

-- Webhook subscriptions. The secret signs each delivery (HMAC-SHA-256), so it is kept
-- encrypted (AES-GCM under the key-encryption key, the subscription id as associated
-- data), never as a hash.
CREATE TABLE webhook_subscription (
    id          uuid        PRIMARY KEY,
    url         text        NOT NULL,
    events      text[]      NOT NULL,
    secret_enc  bytea       NOT NULL,
    description text,
    created_by  text,
    created_at  timestamptz NOT NULL
);

-- One row per event and subscription: the delivery log, and the retry queue. A row is
-- claimed by moving next_attempt_at past the lease (FOR UPDATE SKIP LOCKED), so a node
-- that dies while delivering leaves a row another node retries after the lease.
CREATE TABLE webhook_delivery (
    id              uuid        PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    body            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (subscription_id, event_id)
);

CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_log ON webhook_delivery (subscription_id, created_at DESC);

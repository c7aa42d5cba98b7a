-- The audit trail (docs/audit.md "Contract"): one SHA-256 hash chain per agent, `_system` for
-- events with no known agent. Append-only: a trigger rejects UPDATE, DELETE and TRUNCATE.
-- hash = lowercase hex SHA-256 of UTF-8(prev_hash || '\n' || JCS(record)), genesis prev_hash
-- = 64 zeros. Chains sort bytewise (COLLATE "C") so that verify streams them in index order.
CREATE TABLE audit_record (
    chain        varchar(128) COLLATE "C" NOT NULL,
    seq          bigint       NOT NULL CHECK (seq >= 1),
    occurred_at  timestamptz  NOT NULL,
    actor        varchar(256),
    action       varchar(64)  NOT NULL,
    target       varchar(256),
    decision     varchar(5)   NOT NULL CHECK (decision IN ('allow', 'deny')),
    reason       varchar(1024),
    details      jsonb        NOT NULL DEFAULT '{}',
    prev_hash    char(64)     NOT NULL,
    hash         char(64)     NOT NULL,
    PRIMARY KEY (chain, seq)
);

-- Newest-first listing with keyset paging on (occurred_at, chain, seq).
CREATE INDEX audit_record_time ON audit_record (occurred_at, chain, seq);

-- The head of every chain: the per-chain lock appends take (the row lock of UPDATE), so that
-- appends from many threads and many nodes keep each chain gap-free while different chains
-- do not contend. Written in the same transaction as the record it points to.
CREATE TABLE audit_chain_head (
    chain      varchar(128) COLLATE "C" PRIMARY KEY,
    seq        bigint      NOT NULL CHECK (seq >= 0),
    prev_hash  varchar(64),
    hash       varchar(64) NOT NULL
);

-- Signed checkpoints: a JWS over every chain's head, made every 60 s when the trail changed.
CREATE TABLE audit_checkpoint (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    chains      integer     NOT NULL,
    records     bigint      NOT NULL,
    jws         text        NOT NULL
);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_record_no_update_delete BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

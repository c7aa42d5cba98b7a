-- Issue 22, item 3: the token store partitioned by expiry day (docs/scaling.md, "Partitioning").
-- PostgreSQL 15 docs, 5.11.2 "Declarative Partitioning": `PARTITION BY RANGE (expires_at)`, one
-- partition per UTC day, [day 00:00Z, next day 00:00Z). The purge then drops whole days
-- (issued_token_drop_partitions_before) instead of deleting rows one by one, and what it leaves
-- behind is no dead tuples for autovacuum to chase.
--
-- 5.11.2.3 "Limitations": "To create a unique or primary key constraint on a partitioned table, the
-- partition keys must not include any expressions or function calls and the constraint's columns
-- must include all of the partition key columns." The primary key becomes (jti, expires_at): jti
-- is a random UUID (Jti.random, 122 random bits), so it stays unique in practice; docs/tokens.md
-- says why that is enough. budget_carve (V13) referenced issued_token (jti); a foreign key to a partitioned table
-- must name a unique key of it, so the carve carries its token's expires_at and references
-- (jti, expires_at). Dropping a partition is not a DELETE and cascades nothing: DETACH refuses
-- while carves still reference the partition, so the purge deletes them first, in its own
-- transaction.
--
-- Existing rows are kept: the old table renamed away, the new one made under its name with a
-- partition for every day the rows expire on and for today and the days ahead, the rows copied,
-- the old table dropped, then the indexes (5.11.2.2: an index made on the partitioned table is
-- made on every partition, present and future). issued_token_expires (V1) served only the
-- row-by-row purge: it is not made again.

-- The partitions of issued_token are made by one function, here and by the provider's
-- maintenance (dev.agentidp.tokens.TokenPartitions, at start and every hour), under one advisory
-- lock so that nodes making the same days at once do not collide (two CREATE TABLE IF NOT EXISTS
-- of one name can both pass the check). 1346458196 = 'PART' as int4: the class of these locks.
CREATE FUNCTION issued_token_ensure_partitions(p_from date, p_to date) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_day date;
    v_name text;
    v_made integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(1346458196, hashtext('issued_token'));
    FOR v_day IN SELECT d::date FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') AS g(d) LOOP
        v_name := 'issued_token_' || to_char(v_day, 'YYYY_MM_DD');
        IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = v_name AND relnamespace = current_schema()::regnamespace) THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF issued_token FOR VALUES FROM (%L) TO (%L)', v_name,
                           v_day::text || ' 00:00:00+00', (v_day + 1)::text || ' 00:00:00+00');
            v_made := v_made + 1;
        END IF;
    END LOOP;
    RETURN v_made;
END
$$;

-- The purge: every partition whose whole range lies before the cutoff goes, with the carves of its
-- tokens (deleted first: 5.11.2.3, a partition referenced by a foreign key is detached only once
-- no row references it, and dropped only once detached). Answers how many token rows went.
-- Detaching and dropping take an ACCESS EXCLUSIVE lock on issued_token for an instant (5.11.2.2);
-- lock_timeout bounds the wait behind a long reader, and the next purge tries again.
CREATE FUNCTION issued_token_drop_partitions_before(p_cutoff timestamptz) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SET lock_timeout = '5s' AS $$
DECLARE
    v_part record;
    v_bounds text[];
    v_rows bigint;
    v_dropped bigint := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(1346458196, hashtext('issued_token'));
    FOR v_part IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'issued_token'::regclass
                ORDER BY c.relname LOOP
        -- FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2026-12-02 00:00:00+00'): the bounds
        -- are written with their offset, whatever the session's TimeZone
        v_bounds := regexp_match(v_part.bound, '^FOR VALUES FROM \(''([^'']+)''\) TO \(''([^'']+)''\)$');
        CONTINUE WHEN v_bounds IS NULL OR v_bounds[2]::timestamptz > p_cutoff;
        EXECUTE format('SELECT count(*) FROM %I', v_part.relname) INTO v_rows;
        DELETE FROM budget_carve WHERE expires_at >= v_bounds[1]::timestamptz AND expires_at < v_bounds[2]::timestamptz;
        EXECUTE format('ALTER TABLE issued_token DETACH PARTITION %I', v_part.relname);
        EXECUTE format('DROP TABLE %I', v_part.relname);
        v_dropped := v_dropped + v_rows;
    END LOOP;
    RETURN v_dropped;
END
$$;

ALTER TABLE budget_carve DROP CONSTRAINT budget_carve_jti_fkey;
ALTER TABLE budget_carve ADD COLUMN expires_at timestamptz;
UPDATE budget_carve b SET expires_at = t.expires_at FROM issued_token t WHERE t.jti = b.jti;
ALTER TABLE budget_carve ALTER COLUMN expires_at SET NOT NULL;

ALTER TABLE issued_token RENAME TO issued_token_v24;
CREATE TABLE issued_token (LIKE issued_token_v24 INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (expires_at);

SELECT issued_token_ensure_partitions(v_day, v_day)
FROM (SELECT DISTINCT (expires_at AT TIME ZONE 'UTC')::date AS v_day FROM issued_token_v24) AS existing;
SELECT issued_token_ensure_partitions((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 3);

INSERT INTO issued_token SELECT * FROM issued_token_v24;
DROP TABLE issued_token_v24;

ALTER TABLE issued_token ADD PRIMARY KEY (jti, expires_at);
CREATE INDEX issued_token_root ON issued_token (root_jti);
CREATE INDEX issued_token_parent ON issued_token (parent_jti) WHERE parent_jti IS NOT NULL;
CREATE INDEX issued_token_client ON issued_token (client_id);
CREATE INDEX issued_token_agent_live ON issued_token (agent_id) WHERE revoked_at IS NULL;
CREATE INDEX issued_token_task_live ON issued_token (task) WHERE task IS NOT NULL AND revoked_at IS NULL;
CREATE INDEX issued_token_client_kid_live ON issued_token (client_id, client_kid)
    WHERE client_kid IS NOT NULL AND revoked_at IS NULL;
CREATE INDEX issued_token_agent_issued ON issued_token (agent_id, issued_at) WHERE agent_id IS NOT NULL;

ALTER TABLE budget_carve ADD CONSTRAINT budget_carve_token_fkey
    FOREIGN KEY (jti, expires_at) REFERENCES issued_token (jti, expires_at) ON DELETE CASCADE;

-- Issue 22, item 3: the audit trail partitioned by month (docs/scaling.md, "Partitioning"; the
-- contract of docs/audit.md is unchanged). PostgreSQL 15 docs, 5.11.2 "Declarative Partitioning":
-- `PARTITION BY RANGE (occurred_at)`, one partition per UTC month, [1st 00:00Z, next 1st 00:00Z).
-- Partitions are never dropped by the provider: records are kept (docs/audit.md).
--
-- 5.11.2.3 "Limitations": a primary key of a partitioned table must include the partition key, so
-- it becomes (chain, seq, occurred_at). (chain, seq) stays unique as before by how records are
-- written (ChainAppender takes the next seq from the chain's head, row-locked, in the record's
-- transaction), and a second record at an existing (chain, seq) is a break verify reports, as any
-- record inserted behind the trail's back is.
--
-- The append-only rule (V2) holds on every partition. CREATE TRIGGER docs: a row trigger made on a
-- partitioned table is made on each of its partitions, present and future, so
-- audit_record_no_update_delete covers them; a statement-level TRUNCATE trigger is not (TRUNCATE of
-- the partitioned table fires the parent's, TRUNCATE of one partition only that partition's), so
-- audit_record_ensure_partitions puts audit_record_no_truncate on every partition it finds without
-- it, each time it runs (here and in the provider's maintenance,
-- dev.agentidp.audit.AuditPartitions, at start and every hour).
--
-- The generated column details (V11) is made again with its expression (CREATE TABLE ... LIKE
-- INCLUDING GENERATED) and generated again from details_jcs as the rows are copied.

-- Under the advisory lock of class 'PART' (1346458196, V25) so that nodes making the same months at
-- once do not collide.
CREATE FUNCTION audit_record_ensure_partitions(p_from date, p_to date) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_month date;
    v_name text;
    v_part record;
    v_made integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(1346458196, hashtext('audit_record'));
    FOR v_month IN SELECT m::date FROM generate_series(date_trunc('month', p_from::timestamp), p_to::timestamp, interval '1 month') AS g(m) LOOP
        v_name := 'audit_record_' || to_char(v_month, 'YYYY_MM');
        IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = v_name AND relnamespace = current_schema()::regnamespace) THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_record FOR VALUES FROM (%L) TO (%L)', v_name,
                           v_month::text || ' 00:00:00+00', (v_month + interval '1 month')::date::text || ' 00:00:00+00');
            v_made := v_made + 1;
        END IF;
    END LOOP;
    -- every partition, however it was made (here, or attached by hand): TRUNCATE refused
    FOR v_part IN SELECT i.inhrelid::regclass AS rel
                FROM pg_inherits i
                WHERE i.inhparent = 'audit_record'::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_trigger t
                                  WHERE t.tgrelid = i.inhrelid AND t.tgname = 'audit_record_no_truncate') LOOP
        EXECUTE format('CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON %s'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()', v_part.rel);
    END LOOP;
    RETURN v_made;
END
$$;

ALTER TABLE audit_record RENAME TO audit_record_v25;
CREATE TABLE audit_record (LIKE audit_record_v25 INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)
    PARTITION BY RANGE (occurred_at);

SELECT audit_record_ensure_partitions(v_month, v_month)
FROM (SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date AS v_month FROM audit_record_v25) AS existing;
-- the month before this one too: a node whose clock is a little behind at a month's turn
SELECT audit_record_ensure_partitions(((now() AT TIME ZONE 'UTC') - interval '1 month')::date,
                                      ((now() AT TIME ZONE 'UTC') + interval '3 months')::date);

-- details is generated: it is not copied, PostgreSQL computes it again
INSERT INTO audit_record (chain, seq, occurred_at, actor, action, target, decision, reason, details_jcs, prev_hash, hash)
SELECT chain, seq, occurred_at, actor, action, target, decision, reason, details_jcs, prev_hash, hash
FROM audit_record_v25;
DROP TABLE audit_record_v25;

ALTER TABLE audit_record ADD PRIMARY KEY (chain, seq, occurred_at);
-- Newest-first listing with keyset paging on (occurred_at, chain, seq), as V2.
CREATE INDEX audit_record_time ON audit_record (occurred_at, chain, seq);

CREATE TRIGGER audit_record_no_update_delete BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
-- and on each partition made above (they were made before the partitioned table's trigger)
SELECT audit_record_ensure_partitions((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date);

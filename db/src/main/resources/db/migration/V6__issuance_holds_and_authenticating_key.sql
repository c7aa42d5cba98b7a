-- Issue 14, item 6: a token issued while its agent is suspended or retired must not
-- escape the revocation. Issuing takes a shared hold on the agent for its transaction
-- and checks the agent's status with a fresh snapshot (a VOLATILE function takes one per
-- statement in READ COMMITTED); suspending, retiring and removing a capability take the exclusive hold, so they wait for every issuance in flight to commit (their revocation,
-- a later statement, then sees its token) and every later issuance waits for them and
-- sees the new status. Advisory locks, not row locks: a shared hold writes nothing (a
-- FOR SHARE row lock would write the row's header and WAL on every token).
-- 1095190100 = 'AGNT' as int4: the class of these holds (the two-int4 key space).
-- It answers the agent's version, or NULL when the agent is not active: a version other
-- than the one the request was decided on means the document changed meanwhile (a
-- capability removed, say), and the request is decided again.
CREATE FUNCTION agent_hold_for_issuance(p_agent uuid) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1095190100, hashtext(p_agent::text));
    RETURN (SELECT version FROM agent WHERE id = p_agent AND status = 'active');
END
$$;

CREATE FUNCTION agent_stop_issuance(p_agent uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1095190100, hashtext(p_agent::text));
END
$$;

-- Issue 14, item 18: which of the agent's keys authenticated the request that got each
-- token (the client assertion's kid), so that withdrawing a key can revoke them.
ALTER TABLE issued_token ADD COLUMN client_kid varchar(64);
CREATE INDEX issued_token_client_kid_live ON issued_token (client_id, client_kid)
    WHERE client_kid IS NOT NULL AND revoked_at IS NULL;

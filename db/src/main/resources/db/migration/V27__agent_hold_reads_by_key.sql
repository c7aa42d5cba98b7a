-- Issue 22 (PostgreSQL's share of an issuance): agent_hold_for_issuance's read named the
-- agent by its primary key AND by status = 'active', and the planner's generic plan for
-- the function's statement (PL/pgSQL caches one after five calls) chose the
-- agent_status_risk index: it walked every active agent and filtered by id (21 buffer
-- hits per issuance with 150 agents in the benchmark, 120 us of its 480 us of
-- statements; more with every agent registered). The status is now read from the row
-- the primary key finds, so the only predicate is the key. Same answer: the version, or
-- NULL when the agent is not active (or does not exist). The hold itself is unchanged
-- (V6).
CREATE OR REPLACE FUNCTION agent_hold_for_issuance(p_agent uuid) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1095190100, hashtext(p_agent::text));
    RETURN (SELECT CASE WHEN status = 'active' THEN version END FROM agent WHERE id = p_agent);
END
$$;

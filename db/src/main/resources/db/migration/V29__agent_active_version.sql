-- Issue 22: the registry's rule "an agent may act when it and every ancestor are active"
-- (Agents.activeVersion, AgentRegistry.ACTIVE_VERSION_FUNCTION) as one function, so that
-- the token store reads a presented token's row and its agent's state in one statement:
-- one round trip less per introspection and per policy decision. The agent's version when
-- it and every ancestor (at most 64 levels up, as the registry's other chain reads) are
-- active; NULL when one is not, or the agent does not exist. STABLE: inside a statement it
-- sees that statement's snapshot, the same one as the token row read beside it.
CREATE FUNCTION agent_active_version(p_agent uuid) RETURNS bigint
    LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
    RETURN (
        WITH RECURSIVE chain (id, parent_id, status, version, depth) AS (
            SELECT id, parent_id, status, version, 1 FROM agent WHERE id = p_agent
            UNION ALL
            SELECT a.id, a.parent_id, a.status, a.version, chain.depth + 1
            FROM agent a JOIN chain ON a.id = chain.parent_id
            WHERE chain.depth < 64
        )
        SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE status <> 'active') = 0
                    THEN max(version) FILTER (WHERE depth = 1) END
        FROM chain);
END
$$;

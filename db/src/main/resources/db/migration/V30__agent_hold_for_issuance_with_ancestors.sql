-- Issue 22 (round trips of a token exchange): a sub-agent's token was written after two
-- statements, the issuance hold on the sub-agent (V6, V27) and then the read of its chain
-- of ancestors (V29). This function is both in one round trip, in the same order: the
-- shared hold first, then the chain read. It is VOLATILE, so each statement in it takes a
-- fresh snapshot in READ COMMITTED: the chain is read on a snapshot taken after the hold
-- was granted, and sees a suspension or retirement the hold waited for, as the separate
-- second statement did (agent_active_version is STABLE: called from one outer statement
-- beside the hold, it would read that statement's snapshot, taken before the wait).
-- The agent's version when it is held and it and every ancestor are active; NULL when one
-- is not, or the agent does not exist.
CREATE FUNCTION agent_hold_for_issuance_with_ancestors(p_agent uuid) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF agent_hold_for_issuance(p_agent) IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN agent_active_version(p_agent);
END
$$;

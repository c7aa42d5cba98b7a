-- The console's inventory (issue 18): each agent's last token issued, for one page of
-- agents in one statement, read backwards from this index once per agent (the partial
-- index on live tokens cannot answer it: a revoked token is not in it).
CREATE INDEX issued_token_agent_issued ON issued_token (agent_id, issued_at) WHERE agent_id IS NOT NULL;

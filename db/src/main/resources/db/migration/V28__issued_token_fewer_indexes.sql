-- Issue 22 (PostgreSQL's share of an issuance): every issued token maintained nine
-- indexes. Two of them served (almost) no statement:
-- * issued_token_root (root_jti): no statement selects by the root; a family is walked
--   through parent_jti (issued_token_parent), the budget ledger through jti.
-- * issued_token_client (client_id) on every row: the only statement that selects by
--   client_id alone revokes the tokens of a disabled client that is not an agent
--   (client_id = ? AND agent_id IS NULL, IssuedTokens.REVOKE_CLIENT); an agent's tokens
--   are found by agent_id, and by (client_id, client_kid) when a key is withdrawn
--   (issued_token_client_kid_live). A partial index on the rows of clients that are not
--   agents answers that statement, and an agent's token (nearly every token) no longer
--   enters it.
-- IF EXISTS: the partitioned table of V25 may carry them under these names or not.
DROP INDEX IF EXISTS issued_token_root;
DROP INDEX IF EXISTS issued_token_client;
CREATE INDEX issued_token_client ON issued_token (client_id) WHERE agent_id IS NULL;

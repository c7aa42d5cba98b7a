-- A registered client's row never changes: ClientRegistry keeps found clients in memory on
-- that promise (a short time, for rows deleted by hand). A new secret or key is a new client.
CREATE FUNCTION oauth_client_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a registered client is immutable: register a new client instead of updating %', OLD.client_id
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER oauth_client_no_update BEFORE UPDATE ON oauth_client
    FOR EACH ROW EXECUTE FUNCTION oauth_client_immutable();

-- Issue 14, item 9. A client can be disabled (once: it is never enabled again, a new client
-- is registered instead), and the bootstrap admin client's secret hash is replaced when
-- IDP_BOOTSTRAP_ADMIN_SECRET changes (client idp-admin only). Every other column of a registered client stays
-- immutable: V5's trigger now lets exactly these two changes through.
ALTER TABLE oauth_client
    ADD COLUMN disabled_at   timestamptz,
    ADD COLUMN disabled_by   varchar(128),
    ADD COLUMN disabled_why  varchar(512);

CREATE OR REPLACE FUNCTION oauth_client_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.client_id IS DISTINCT FROM OLD.client_id OR NEW.name IS DISTINCT FROM OLD.name
            OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.jwk IS DISTINCT FROM OLD.jwk
            OR NEW.scopes IS DISTINCT FROM OLD.scopes OR NEW.created_at IS DISTINCT FROM OLD.created_at
            -- disabled once, for good
            OR (OLD.disabled_at IS NOT NULL AND (NEW.disabled_at IS DISTINCT FROM OLD.disabled_at
                OR NEW.disabled_by IS DISTINCT FROM OLD.disabled_by
                OR NEW.disabled_why IS DISTINCT FROM OLD.disabled_why))
            OR (NEW.disabled_at IS NULL AND (NEW.disabled_by IS NOT NULL OR NEW.disabled_why IS NOT NULL))
            -- only the bootstrap admin client's secret is replaced (by another secret)
            OR (NEW.secret_hash IS DISTINCT FROM OLD.secret_hash
                AND (OLD.client_id <> 'idp-admin' OR OLD.secret_hash IS NULL OR NEW.secret_hash IS NULL)) THEN
        RAISE EXCEPTION 'a registered client is immutable but for disabling it and replacing its secret: register a new client instead of updating %', OLD.client_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

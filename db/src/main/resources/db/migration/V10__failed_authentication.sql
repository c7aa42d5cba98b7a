-- Issue 14, item 4: failed private_key_jwt authentications per client and source address,
-- shared by every node. One upsert per failure; the happy path never touches this table.
-- Rows idle for an hour are deleted by the nodes (FailedAuthentications).
CREATE TABLE failed_authentication (
    client_id       varchar(256) NOT NULL,
    source          varchar(64)  NOT NULL,
    failures        integer      NOT NULL,
    last_failure_at timestamptz  NOT NULL,
    PRIMARY KEY (client_id, source)
);

CREATE INDEX failed_authentication_last_failure ON failed_authentication (last_failure_at);

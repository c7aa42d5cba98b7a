-- Issue 16: sub-budgets carved at token exchange (budget=<amount>, docs/tokens.md). One
-- row per derived token that carries one, keyed by its jti; the token and every token
-- derived from it spend from the carve and from the main ledger (budget_ledger, V12,
-- root_agent_id and ledger_key) in one transaction (BudgetLedger). A carve is a ceiling
-- inside the main ledger, not a reservation: it holds nothing back from the others.
-- parent_jti is the subject token it was carved from. Rows go with their token when the
-- token store purges it.
CREATE TABLE budget_carve (
    jti           varchar(64)  PRIMARY KEY REFERENCES issued_token (jti) ON DELETE CASCADE,
    parent_jti    varchar(64)  NOT NULL,
    root_agent_id uuid         NOT NULL,
    ledger_key    varchar(160) NOT NULL,
    unit          varchar(16)  NOT NULL,
    limit_amount  numeric      NOT NULL CHECK (limit_amount > 0 AND limit_amount <= 1e12),
    spent         numeric      NOT NULL DEFAULT 0 CHECK (spent >= 0),
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    CHECK (spent <= limit_amount)
);

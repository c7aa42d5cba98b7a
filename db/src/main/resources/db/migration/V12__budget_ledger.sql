-- Issue 16: the policy decision point's budget ledger, shared by every node. One row per
-- root agent and task: ledger_key is 'task:<task>', or 'jti:<root token jti>' for the
-- tokens of a delegation family without a task. A debit is one conditional UPDATE
-- (spent + cost <= limit_amount, BudgetLedger), so concurrent debits on any number of
-- nodes never overspend; amounts are exact decimals. limit_amount and unit are the
-- budget as the last debit applied it.
CREATE TABLE budget_ledger (
    root_agent_id uuid         NOT NULL,
    ledger_key    varchar(160) NOT NULL,
    unit          varchar(16)  NOT NULL,
    limit_amount  numeric      NOT NULL CHECK (limit_amount > 0),
    spent         numeric      NOT NULL DEFAULT 0 CHECK (spent >= 0),
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (root_agent_id, ledger_key)
);

-- 0002: account statements received (MT940/MT950, later camt.053): kept, never booked.
SET lock_timeout = '5s';

CREATE TABLE statements (
    statement_id      text PRIMARY KEY,
    document_id       text NOT NULL REFERENCES documents,
    idx               integer NOT NULL,
    sender            text NOT NULL,
    message_type      text NOT NULL,
    reference         text,                 -- MT :20:
    account_id        text NOT NULL,        -- MT :25:
    currency          char(3),
    statement_number  text,                 -- MT :28C: statement / page
    sequence_number   text,
    entry_count       integer NOT NULL,
    canonical         jsonb NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, idx)
);
CREATE INDEX statements_account ON statements (account_id, statement_number, sequence_number);

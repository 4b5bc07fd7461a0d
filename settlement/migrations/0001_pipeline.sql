-- 0001: documents, payments and their history; the double-entry ledger; parked messages.
-- Forward-only. Amounts in the ledger are bigint minor units (ISO 4217 exponent), never floats.

SET lock_timeout = '5s';

-- Inbound documents, raw bytes kept for audit and replay -------------------------------------
CREATE TABLE documents (
    document_id     text PRIMARY KEY,
    sender          text NOT NULL,
    channel         text NOT NULL,
    format          text NOT NULL,
    msg_id          text,
    file_name       text,
    sha256          bytea NOT NULL,
    size_bytes      bigint NOT NULL,
    raw             bytea NOT NULL,
    received_at     timestamptz NOT NULL,
    status          text NOT NULL CHECK (status IN ('received', 'accepted', 'rejected')),
    payment_count   integer,
    rejected_count  integer,
    issues          jsonb NOT NULL DEFAULT '[]',
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_sender_msg_id ON documents (sender, msg_id);
CREATE INDEX documents_sha256 ON documents (sha256);

-- Business duplicate check: one accepted document per sender and message id (DOMAIN §8.13).
CREATE TABLE document_keys (
    sender       text NOT NULL,
    msg_id       text NOT NULL,
    document_id  text NOT NULL REFERENCES documents,
    PRIMARY KEY (sender, msg_id)
);

-- Status ranks: a payment's status only moves forward (a late 'routed' never hides 'settled').
CREATE FUNCTION gw_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE status
        WHEN 'received'  THEN 0
        WHEN 'validated' THEN 1
        WHEN 'routed'    THEN 2
        WHEN 'settled'   THEN 3
        WHEN 'delivered' THEN 4
        WHEN 'reported'  THEN 5
        WHEN 'rejected'  THEN 9
        ELSE -1 END
$$;

CREATE TABLE payments (
    payment_id     text PRIMARY KEY,
    document_id    text NOT NULL REFERENCES documents,
    idx            integer NOT NULL,
    sender         text NOT NULL,
    msg_id         text,
    instr_id       text,
    end_to_end_id  text,
    tx_id          text,
    uetr           text,
    amount         numeric,
    currency       char(3),
    canonical      jsonb,           -- the canonical payment as intake produced it (NULL if unreadable)
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, idx)
);
CREATE INDEX payments_uetr ON payments (uetr) WHERE uetr IS NOT NULL;
CREATE INDEX payments_end_to_end_id ON payments (end_to_end_id);

-- Every status change of a payment (or, with no payment id, of a document): append-only.
CREATE TABLE payment_events (
    event_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  text NOT NULL,
    payment_id   text,
    status       text NOT NULL,
    stage        text NOT NULL,
    reason_code  text,
    detail       jsonb NOT NULL DEFAULT '{}',
    at           timestamptz NOT NULL DEFAULT now()
);
-- one event per status per payment: a redelivered message records nothing twice
CREATE UNIQUE INDEX payment_events_once ON payment_events (document_id, coalesce(payment_id, ''), status);
CREATE INDEX payment_events_payment ON payment_events (payment_id);

-- A payment's current status is derived from its history (rows are never updated in place).
CREATE VIEW payment_status AS
SELECT p.payment_id, p.document_id, p.idx, p.sender, p.msg_id, p.end_to_end_id, p.uetr, p.amount, p.currency,
       latest.status,
       (SELECT e.reason_code FROM payment_events e
         WHERE e.payment_id = p.payment_id AND e.status = 'rejected' LIMIT 1) AS reason_code,
       (SELECT e.detail ->> 'rail' FROM payment_events e
         WHERE e.payment_id = p.payment_id AND e.status = 'routed' LIMIT 1) AS rail
  FROM payments p
  LEFT JOIN LATERAL (
        SELECT e.status FROM payment_events e WHERE e.payment_id = p.payment_id
         ORDER BY gw_status_rank(e.status) DESC LIMIT 1) latest ON true;

-- The ledger ---------------------------------------------------------------------------------
CREATE TABLE ledger_accounts (
    account_id             text PRIMARY KEY,
    currency               char(3) NOT NULL,
    kind                   text NOT NULL CHECK (kind IN ('customer', 'clearing', 'equity')),
    name                   text,
    balance_minor          bigint NOT NULL DEFAULT 0,
    overdraft_limit_minor  bigint CHECK (overdraft_limit_minor IS NULL OR overdraft_limit_minor >= 0),
    blocked                boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL DEFAULT now(),
    -- NULL limit: unlimited (clearing and equity accounts); otherwise never below -limit
    CONSTRAINT ledger_accounts_no_overdraft
        CHECK (overdraft_limit_minor IS NULL OR balance_minor >= -overdraft_limit_minor)
);

-- The settle stage's idempotency key: one verdict per payment, booked or rejected.
CREATE TABLE settlements (
    payment_id      text PRIMARY KEY,
    outcome         text NOT NULL CHECK (outcome IN ('booked', 'rejected')),
    rule            text,
    reason_code     text,
    reason_path     text,
    reason_text     text,
    debit_account   text,
    credit_account  text,
    currency        char(3),
    amount_minor    bigint,
    body_sha256     bytea NOT NULL,
    settled_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE postings (
    posting_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id    text NOT NULL,
    leg           smallint NOT NULL,
    account_id    text NOT NULL REFERENCES ledger_accounts,
    currency      char(3) NOT NULL,
    amount_minor  bigint NOT NULL CHECK (amount_minor <> 0),     -- debit < 0 < credit
    booked_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (payment_id, leg)
);
CREATE INDEX postings_account ON postings (account_id);

-- Every INSERT into postings must leave each payment it touches balanced per currency.
CREATE FUNCTION postings_must_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unbalanced text;
BEGIN
    SELECT p.payment_id INTO unbalanced
      FROM postings p
     WHERE p.payment_id IN (SELECT DISTINCT payment_id FROM new_postings)
     GROUP BY p.payment_id, p.currency
    HAVING sum(p.amount_minor) <> 0
     LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'postings of payment % do not balance to zero per currency', unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_balanced AFTER INSERT ON postings
    REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION postings_must_balance();

-- Postings are append-only: corrections are reversal postings.
CREATE FUNCTION postings_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'postings are append-only; book a reversal instead' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER postings_no_update_delete BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION postings_append_only();

-- Deliveries: at most one per payment and rail ------------------------------------------------
CREATE TABLE deliveries (
    payment_id    text NOT NULL,
    rail          text NOT NULL,
    file_name     text NOT NULL,
    sha256        bytea NOT NULL,
    delivered_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (payment_id, rail)
);

-- Status reports sent back to senders --------------------------------------------------------
CREATE TABLE reports (
    report_id     text PRIMARY KEY,
    document_id   text NOT NULL,
    payment_id    text,
    status        text NOT NULL,
    reason_code   text,
    channel       text NOT NULL,
    destination   text NOT NULL,
    message_type  text NOT NULL,
    reported_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_document ON reports (document_id);

-- Parked messages: what operators look at and replay -----------------------------------------
CREATE TABLE parked_messages (
    parked_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stage         text NOT NULL,
    queue         text NOT NULL,
    message_id    text,
    document_id   text,
    payment_id    text,
    reason        text NOT NULL,
    reason_code   text,
    issues        jsonb NOT NULL DEFAULT '[]',
    attempts      integer NOT NULL DEFAULT 0,
    body          bytea NOT NULL,
    headers       jsonb NOT NULL DEFAULT '{}',
    properties    jsonb NOT NULL DEFAULT '{}',
    state         text NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'replayed', 'purged')),
    parked_at     timestamptz NOT NULL DEFAULT now(),
    times_parked  integer NOT NULL DEFAULT 1
);
-- a redelivered park does not make a second row
CREATE UNIQUE INDEX parked_messages_once ON parked_messages
    (stage, coalesce(message_id, ''), coalesce(document_id, ''), coalesce(payment_id, '')) WHERE state = 'parked';

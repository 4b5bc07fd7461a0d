"""The double-entry ledger: one verdict per payment, booked at most once.

A booking debits the debtor's account and credits the rail's clearing account in
the settlement currency, both in minor units. Safety does not rest on this code
alone: the database refuses a second booking (`settlements` primary key and
`postings (payment_id, leg)`), an unbalanced payment (statement trigger) and an
overdraft (check constraint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from schemas.canonical import Payment, debited_account_key
from schemas.codes import fits_currency, is_currency, to_minor_units
from schemas.issues import Issue

DEBIT_LEG = 1
CREDIT_LEG = 2


class ConcurrentBooking(Exception):
    """Another consumer booked some of these payments at the same moment: retry the batch."""


@dataclass(frozen=True)
class AccountState:
    account_id: str
    currency: str
    kind: str
    balance_minor: int
    overdraft_limit_minor: int | None      # None: unlimited
    blocked: bool


@dataclass(frozen=True)
class BookingRequest:
    payment: Payment
    body_sha256: bytes


@dataclass(frozen=True)
class Verdict:
    payment_id: str
    booked: bool
    issue: Issue | None = None
    debit_account: str | None = None
    credit_account: str | None = None
    currency: str | None = None
    amount_minor: int | None = None
    decided_at: datetime | None = None
    replayed: bool = False                 # decided by an earlier delivery of the same payment


def clearing_account_id(rail: str, currency: str) -> str:
    return f"clearing:{rail}:{currency}"


def debtor_account_id(payment: Payment) -> str | None:
    return debited_account_key(payment)


def decide(requests: Sequence[BookingRequest], accounts: dict[str, AccountState],
           at: datetime | None = None) -> list[Verdict]:
    """Pure: the verdict for each payment in order, with running balances (an earlier
    payment in the batch can use up the funds a later one needed)."""
    balances = {a.account_id: a.balance_minor for a in accounts.values()}
    verdicts: list[Verdict] = []
    for request in requests:
        payment = request.payment
        verdict = replace(_decide_one(payment, accounts, balances), decided_at=at)
        if verdict.booked:
            assert verdict.debit_account and verdict.credit_account and verdict.amount_minor
            balances[verdict.debit_account] -= verdict.amount_minor
            balances[verdict.credit_account] += verdict.amount_minor
        verdicts.append(verdict)
    return verdicts


def _reject(payment: Payment, rule: str, code: str, path: str, message: str) -> Verdict:
    return Verdict(payment.payment_id, False, Issue(code=code, rule=rule, path=path, message=message))


def _decide_one(payment: Payment, accounts: dict[str, AccountState], balances: dict[str, int]) -> Verdict:
    amount = payment.interbank_settlement_amount
    debtor_id = debtor_account_id(payment)
    debtor = accounts.get(debtor_id) if debtor_id else None
    if debtor is None or debtor.kind != "customer":
        return _reject(payment, "settle.unknown_debtor_account", "AC02", "CdtTrfTxInf/DbtrAcct",
                       "the debtor account is not held by this institution")
    if debtor.currency != amount.currency:
        return _reject(payment, "settle.account_currency", "AM03", "CdtTrfTxInf/IntrBkSttlmAmt/@Ccy",
                       f"the debtor account is held in {debtor.currency}, not {amount.currency}")
    if debtor.blocked:
        return _reject(payment, "settle.account_blocked", "AC06", "CdtTrfTxInf/DbtrAcct",
                       "the debtor account is blocked")
    if payment.rail is None:
        return _reject(payment, "settle.no_clearing_account", "AM03", "CdtTrfTxInf",
                       "the payment reached settlement without a rail")
    clearing_id = clearing_account_id(payment.rail, amount.currency)
    clearing = accounts.get(clearing_id)
    if clearing is None or clearing.currency != amount.currency:
        return _reject(payment, "settle.no_clearing_account", "AM03", "CdtTrfTxInf/IntrBkSttlmAmt/@Ccy",
                       f"rail {payment.rail} has no clearing account in {amount.currency}")
    if not fits_currency(amount.value, amount.currency):
        return _reject(payment, "money.precision", "CH20", "CdtTrfTxInf/IntrBkSttlmAmt",
                       f"{amount.currency} does not allow that many decimals")
    minor = to_minor_units(amount.value, amount.currency)
    if minor <= 0:
        return _reject(payment, "money.zero", "AM01", "CdtTrfTxInf/IntrBkSttlmAmt", "the amount is zero")
    limit = debtor.overdraft_limit_minor
    if limit is not None and balances[debtor.account_id] - minor < -limit:
        return _reject(payment, "settle.insufficient_funds", "AM04", "CdtTrfTxInf/IntrBkSttlmAmt",
                       "the debtor account does not hold enough funds for this amount")
    return Verdict(payment.payment_id, True, None, debtor.account_id, clearing_id, amount.currency, minor)


async def book(connection: Any, requests: Sequence[BookingRequest], at: datetime) -> list[Verdict]:
    """Book a batch inside the caller's transaction; one verdict per request, in order.

    Redelivered payments get their earlier verdict back (`replayed=True`) and book nothing.
    """
    ids = [r.payment.payment_id for r in requests]
    rows = await connection.fetch(
        "SELECT payment_id, outcome, rule, reason_code, reason_path, reason_text, debit_account, credit_account, "
        "currency, amount_minor, settled_at "
        "FROM settlements WHERE payment_id = ANY($1::text[])", ids)
    earlier = {r["payment_id"]: _verdict_from_row(r) for r in rows}
    fresh: list[BookingRequest] = []
    seen: set[str] = set(earlier)
    for request in requests:
        if request.payment.payment_id not in seen:
            seen.add(request.payment.payment_id)
            fresh.append(request)

    decided: dict[str, Verdict] = {}
    if fresh:
        wanted = sorted({k for r in fresh for k in _account_ids(r.payment)})
        states = await _lock_accounts(connection, wanted)
        if await _open_clearing_accounts(connection, fresh, {s["account_id"] for s in states}):
            states = await _lock_accounts(connection, wanted)
        accounts = {s["account_id"]: AccountState(
            s["account_id"], s["currency"].strip(), s["kind"], s["balance_minor"], s["overdraft_limit_minor"],
            s["blocked"]) for s in states}
        verdicts = decide(fresh, accounts, at)
        await _record(connection, fresh, verdicts)
        decided = {v.payment_id: v for v in verdicts}
    out = []
    for request in requests:
        pid = request.payment.payment_id
        out.append(decided[pid] if pid in decided else replace(earlier[pid], replayed=True))
    return out


async def _lock_accounts(connection: Any, wanted: list[str]) -> list[Any]:
    return await connection.fetch(  # type: ignore[no-any-return]
        "SELECT account_id, currency, kind, balance_minor, overdraft_limit_minor, blocked "
        "FROM ledger_accounts WHERE account_id = ANY($1::text[]) ORDER BY account_id FOR UPDATE", wanted)


async def _open_clearing_accounts(connection: Any, requests: Sequence[BookingRequest], known: set[str]) -> bool:
    """A rail routed by a rule for any currency ("*") gets its clearing account in a currency the
    first time a payment in that currency reaches it; True when one was opened."""
    needed = {(clearing_account_id(r.payment.rail, currency), currency) for r in requests
              if r.payment.rail and is_currency(currency := r.payment.interbank_settlement_amount.currency)}
    missing = sorted((account, currency) for account, currency in needed if account not in known)
    if not missing:
        return False
    await connection.execute(
        "INSERT INTO ledger_accounts (account_id, currency, kind, name, overdraft_limit_minor, blocked) "
        "SELECT a, c, 'clearing', a, NULL, false FROM unnest($1::text[], $2::text[]) AS x(a, c) "
        "ON CONFLICT (account_id) DO NOTHING", [m[0] for m in missing], [m[1] for m in missing])
    return True


def _account_ids(payment: Payment) -> list[str]:
    ids = []
    debtor = debtor_account_id(payment)
    if debtor:
        ids.append(debtor)
    if payment.rail:
        ids.append(clearing_account_id(payment.rail, payment.interbank_settlement_amount.currency))
    return ids


async def _record(connection: Any, requests: Sequence[BookingRequest], verdicts: Sequence[Verdict]) -> None:
    inserted = await connection.fetch(
        "INSERT INTO settlements (payment_id, outcome, rule, reason_code, reason_path, reason_text, "
        "debit_account, credit_account, currency, amount_minor, body_sha256, settled_at) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
        "$8::text[], $9::text[], $10::bigint[], $11::bytea[], $12::timestamptz[]) "
        "ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id",
        [v.payment_id for v in verdicts], ["booked" if v.booked else "rejected" for v in verdicts],
        [v.issue.rule if v.issue else None for v in verdicts], [v.issue.code if v.issue else None for v in verdicts],
        [v.issue.path if v.issue else None for v in verdicts], [v.issue.message if v.issue else None for v in verdicts],
        [v.debit_account for v in verdicts], [v.credit_account for v in verdicts],
        [v.currency for v in verdicts], [v.amount_minor for v in verdicts], [r.body_sha256 for r in requests],
        [v.decided_at for v in verdicts])
    if len(inserted) != len(verdicts):
        raise ConcurrentBooking(f"{len(verdicts) - len(inserted)} payments were decided concurrently")
    booked = [v for v in verdicts if v.booked]
    if not booked:
        return
    payment_ids, legs, accounts, currencies, amounts = [], [], [], [], []
    deltas: dict[str, int] = {}
    for v in booked:
        assert v.debit_account and v.credit_account and v.amount_minor and v.currency
        for leg, account, amount in ((DEBIT_LEG, v.debit_account, -v.amount_minor),
                                     (CREDIT_LEG, v.credit_account, v.amount_minor)):
            payment_ids.append(v.payment_id)
            legs.append(leg)
            accounts.append(account)
            currencies.append(v.currency)
            amounts.append(amount)
            deltas[account] = deltas.get(account, 0) + amount
    await connection.execute(
        "INSERT INTO postings (payment_id, leg, account_id, currency, amount_minor) "
        "SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::bigint[])",
        payment_ids, legs, accounts, currencies, amounts)
    ordered = sorted(deltas)
    await connection.execute(
        "UPDATE ledger_accounts a SET balance_minor = a.balance_minor + d.delta "
        "FROM unnest($1::text[], $2::bigint[]) AS d(account_id, delta) WHERE a.account_id = d.account_id",
        ordered, [deltas[k] for k in ordered])


def _verdict_from_row(row: Any) -> Verdict:
    issue = None
    if row["outcome"] == "rejected":
        issue = Issue(code=row["reason_code"] or "NARR", rule=row["rule"] or "settle.rejected",
                      path=row["reason_path"] or "", message=row["reason_text"] or "rejected by the ledger")
    return Verdict(row["payment_id"], row["outcome"] == "booked", issue, row["debit_account"],
                   row["credit_account"], row["currency"].strip() if row["currency"] else None, row["amount_minor"],
                   row["settled_at"])

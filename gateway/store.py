"""The pipeline's records in PostgreSQL: documents, payments, their history, deliveries,
reports and parked messages. Every write is idempotent (a redelivery records nothing twice).

Functions take an asyncpg connection (inside the caller's transaction when it matters).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gateway.broker import ParkedMessage
from schemas.canonical import Payment, Source, Statement
from schemas.issues import Issue

# status names kept in payment_events, in the order a payment normally passes them
RECEIVED, VALIDATED, ROUTED, SETTLED, DELIVERED, REPORTED, REJECTED = (
    "received", "validated", "routed", "settled", "delivered", "reported", "rejected")


@dataclass(frozen=True)
class Event:
    document_id: str
    payment_id: str | None
    status: str
    stage: str
    at: datetime
    reason_code: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def issues_json(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    return [i.model_dump(mode="json") for i in issues]


async def record_document(connection: Any, *, document_id: str, source: Source, data: bytes,
                          detected_format: str) -> bool:
    """Keep the raw document; False when this document id was recorded before (a redelivery)."""
    row = await connection.fetchrow(
        "INSERT INTO documents (document_id, sender, channel, format, file_name, sha256, size_bytes, raw, "
        "received_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received') "
        "ON CONFLICT (document_id) DO NOTHING RETURNING document_id",
        document_id, source.sender, source.channel, detected_format, source.file_name,
        hashlib.sha256(data).digest(), len(data), data, source.received_at)
    return row is not None


async def finish_document(connection: Any, document_id: str, *, status: str, msg_id: str | None,
                          payment_count: int, rejected_count: int, issues: Sequence[Issue],
                          detected_format: str) -> None:
    await connection.execute(
        "UPDATE documents SET status = $2, msg_id = coalesce($3, msg_id), payment_count = $4, "
        "rejected_count = $5, issues = $6, format = $7, updated_at = now() WHERE document_id = $1",
        document_id, status, msg_id, payment_count, rejected_count, issues_json(issues), detected_format)


async def claim_document_key(connection: Any, sender: str, msg_id: str, document_id: str) -> str:
    """The document that owns (sender, msg id): ours, or the earlier one we duplicate."""
    owner: str | None = await connection.fetchval(
        "INSERT INTO document_keys (sender, msg_id, document_id) VALUES ($1, $2, $3) "
        "ON CONFLICT (sender, msg_id) DO NOTHING RETURNING document_id", sender, msg_id, document_id)
    if owner is not None:
        return owner
    existing: str = await connection.fetchval(
        "SELECT document_id FROM document_keys WHERE sender = $1 AND msg_id = $2", sender, msg_id)
    return existing


async def record_payments(connection: Any, payments: Sequence[Payment]) -> None:
    """Keep each canonical payment (its JSON as sent on the wire, cast to jsonb by the server)."""
    if not payments:
        return
    await connection.execute(
        "INSERT INTO payments (payment_id, document_id, idx, sender, msg_id, instr_id, end_to_end_id, tx_id, uetr, "
        "amount, currency, canonical) SELECT p, d, i, s, m, ins, e, t, u, a, c, j::jsonb FROM unnest($1::text[], "
        "$2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
        "$10::numeric[], $11::text[], $12::text[]) AS x(p, d, i, s, m, ins, e, t, u, a, c, j) "
        "ON CONFLICT (payment_id) DO NOTHING",
        [p.payment_id for p in payments], [p.document_id for p in payments], [p.index for p in payments],
        [p.source.sender for p in payments], [p.msg_id for p in payments], [p.instr_id for p in payments],
        [p.end_to_end_id for p in payments], [p.tx_id for p in payments], [p.uetr for p in payments],
        [p.interbank_settlement_amount.value for p in payments],
        [p.interbank_settlement_amount.currency for p in payments],
        [p.model_dump_json(exclude_defaults=True) for p in payments])


@dataclass(frozen=True)
class RejectedTransaction:
    index: int
    payment_id: str
    payment: Payment | None       # None when the transaction could not even be read as a payment


async def record_rejected_transactions(connection: Any, document_id: str, source: Source,
                                       rejected: Sequence[RejectedTransaction]) -> None:
    """Rejected transactions still get a row, so `status` finds them (their reason is in the history)."""
    if not rejected:
        return
    payments = [r.payment for r in rejected]
    await connection.execute(
        "INSERT INTO payments (payment_id, document_id, idx, sender, msg_id, end_to_end_id, tx_id, uetr, amount, "
        "currency, canonical) SELECT p, d, i, s, m, e, t, u, a, c, j::jsonb FROM unnest($1::text[], $2::text[], "
        "$3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::text[], "
        "$11::text[]) AS x(p, d, i, s, m, e, t, u, a, c, j) ON CONFLICT (payment_id) DO NOTHING",
        [r.payment_id for r in rejected], [document_id] * len(rejected), [r.index for r in rejected],
        [source.sender] * len(rejected), [p.msg_id if p else None for p in payments],
        [p.end_to_end_id if p else None for p in payments], [p.tx_id if p else None for p in payments],
        [p.uetr if p else None for p in payments],
        [p.interbank_settlement_amount.value if p else None for p in payments],
        [p.interbank_settlement_amount.currency if p else None for p in payments],
        [p.model_dump_json(exclude_defaults=True) if p else None for p in payments])


async def record_statements(connection: Any, statements: Sequence[Statement]) -> None:
    """Keep statements as read (canonical JSON); they are not booked in the ledger."""
    if not statements:
        return
    await connection.execute(
        "INSERT INTO statements (statement_id, document_id, idx, sender, message_type, reference, account_id, "
        "currency, statement_number, sequence_number, entry_count, canonical) SELECT s, d, i, snd, m, r, a, c, n, "
        "q, e, j::jsonb FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], "
        "$7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::text[]) "
        "AS x(s, d, i, snd, m, r, a, c, n, q, e, j) ON CONFLICT (statement_id) DO NOTHING",
        [s.statement_id for s in statements], [s.document_id for s in statements], [s.index for s in statements],
        [s.source.sender for s in statements], [s.message_type for s in statements],
        [s.reference for s in statements], [s.account.id for s in statements],
        [_statement_currency(s) for s in statements], [s.statement_number for s in statements],
        [s.sequence_number for s in statements], [len(s.entries) for s in statements],
        [s.model_dump_json(exclude_defaults=True) for s in statements])


def _statement_currency(statement: Statement) -> str | None:
    for balance in statement.balances:
        return balance.amount.currency
    return statement.account.currency


async def record_events(connection: Any, events: Sequence[Event]) -> None:
    """Append history, once per status and payment (a redelivery records nothing twice).

    A payment's status is never updated in place: the `payment_status` view derives it.
    """
    if not events:
        return
    await connection.execute(
        "INSERT INTO payment_events (document_id, payment_id, status, stage, reason_code, detail, at) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], "
        "$7::timestamptz[]) ON CONFLICT DO NOTHING",
        [e.document_id for e in events], [e.payment_id for e in events], [e.status for e in events],
        [e.stage for e in events], [e.reason_code for e in events], [e.detail for e in events],
        [e.at for e in events])


async def record_deliveries(connection: Any, rows: Sequence[tuple[str, str, str, bytes]]) -> None:
    """(payment id, rail, file name, sha256) — one delivery per payment and rail, ever."""
    if not rows:
        return
    await connection.execute(
        "INSERT INTO deliveries (payment_id, rail, file_name, sha256) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[]) ON CONFLICT DO NOTHING",
        [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows])


@dataclass(frozen=True)
class ReportRecord:
    report_id: str
    document_id: str
    payment_id: str | None
    status: str
    reason_code: str | None
    channel: str
    destination: str
    message_type: str


async def record_reports(connection: Any, rows: Sequence[ReportRecord]) -> None:
    if not rows:
        return
    await connection.execute(
        "INSERT INTO reports (report_id, document_id, payment_id, status, reason_code, channel, destination, "
        "message_type) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
        "$6::text[], $7::text[], $8::text[]) ON CONFLICT DO NOTHING",
        [r.report_id for r in rows], [r.document_id for r in rows], [r.payment_id for r in rows],
        [r.status for r in rows], [r.reason_code for r in rows], [r.channel for r in rows],
        [r.destination for r in rows], [r.message_type for r in rows])


async def record_parked(connection: Any, parked: ParkedMessage) -> None:
    """One row per parked message; parking it again only counts."""
    await connection.execute(
        "INSERT INTO parked_messages (stage, queue, message_id, document_id, payment_id, reason, reason_code, "
        "issues, attempts, body, headers, properties) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
        "ON CONFLICT (stage, coalesce(message_id, ''), coalesce(document_id, ''), coalesce(payment_id, '')) "
        "WHERE state = 'parked' DO UPDATE SET times_parked = parked_messages.times_parked + 1, "
        "reason = EXCLUDED.reason, issues = EXCLUDED.issues, parked_at = now()",
        parked.stage, parked.queue, parked.message_id, parked.document_id, parked.payment_id, parked.reason[:1000],
        parked.issues[0].code if parked.issues else None, issues_json(parked.issues), parked.attempts,
        parked.body, dict(parked.headers), dict(parked.properties))

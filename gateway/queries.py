"""Read-side questions operators ask: where is this payment, what became of this document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from gateway import store


@dataclass
class PaymentView:
    payment_id: str
    document_id: str
    index: int
    status: str
    reason_code: str | None
    rail: str | None
    end_to_end_id: str | None
    uetr: str | None
    amount: Decimal | None
    currency: str | None
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def statuses(self) -> set[str]:
        return {e["status"] for e in self.events}

    @property
    def final(self) -> str | None:
        """ACSC once settled, delivered and reported; RJCT once rejected and reported."""
        seen = self.statuses
        if store.REJECTED in seen and store.REPORTED in seen:
            return "RJCT"
        if {store.SETTLED, store.DELIVERED, store.REPORTED} <= seen:
            return "ACSC"
        return None


@dataclass
class DocumentView:
    document_id: str
    sender: str
    channel: str
    format: str
    msg_id: str | None
    file_name: str | None
    status: str
    received_at: datetime
    payment_count: int | None
    issues: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)
    payments: list[PaymentView] = field(default_factory=list)
    statements: int = 0                          # MT940/MT950 pages kept from this document

    @property
    def final(self) -> bool:
        if self.status == "rejected":
            return any(e["status"] == store.REPORTED for e in self.events)
        if self.status != "accepted":
            return False
        return all(p.final is not None for p in self.payments)


def _event(row: Any) -> dict[str, Any]:
    return {"status": row["status"], "stage": row["stage"], "at": row["at"], "reason_code": row["reason_code"],
            "detail": row["detail"]}


async def document_view(connection: Any, document_id: str) -> DocumentView | None:
    row = await connection.fetchrow(
        "SELECT document_id, sender, channel, format, msg_id, file_name, status, received_at, payment_count, issues "
        "FROM documents WHERE document_id = $1", document_id)
    if row is None:
        return None
    view = DocumentView(row["document_id"], row["sender"], row["channel"], row["format"], row["msg_id"],
                        row["file_name"], row["status"], row["received_at"], row["payment_count"], row["issues"])
    events = await connection.fetch(
        "SELECT payment_id, status, stage, at, reason_code, detail FROM payment_events WHERE document_id = $1 "
        "ORDER BY at, event_id", document_id)
    payments = await connection.fetch(
        "SELECT payment_id, document_id, idx, status, reason_code, rail, end_to_end_id, uetr, amount, currency "
        "FROM payment_status WHERE document_id = $1 ORDER BY idx", document_id)
    by_payment: dict[str, PaymentView] = {}
    for p in payments:
        by_payment[p["payment_id"]] = PaymentView(
            p["payment_id"], p["document_id"], p["idx"], p["status"] or store.RECEIVED, p["reason_code"], p["rail"],
            p["end_to_end_id"], p["uetr"], p["amount"], p["currency"].strip() if p["currency"] else None)
    for e in events:
        if e["payment_id"] is None:
            view.events.append(_event(e))
        elif e["payment_id"] in by_payment:
            by_payment[e["payment_id"]].events.append(_event(e))
    view.payments = list(by_payment.values())
    view.statements = await connection.fetchval("SELECT count(*) FROM statements WHERE document_id = $1",
                                                document_id)
    return view


async def find(connection: Any, key: str) -> tuple[str, str] | None:
    """Resolve a payment id, document id, UETR, message id or id prefix to ('payment'|'document', id)."""
    row = await connection.fetchrow(
        "SELECT payment_id FROM payments WHERE payment_id = $1 OR uetr = $1 LIMIT 1", key)
    if row:
        return "payment", row["payment_id"]
    row = await connection.fetchrow(
        "SELECT document_id FROM documents WHERE document_id = $1 OR msg_id = $1 ORDER BY received_at DESC LIMIT 1",
        key)
    if row:
        return "document", row["document_id"]
    if len(key) >= 8:
        row = await connection.fetchrow(
            "SELECT payment_id FROM payments WHERE payment_id LIKE $1 || '%' LIMIT 2", key)
        if row:
            return "payment", row["payment_id"]
        row = await connection.fetchrow(
            "SELECT document_id FROM documents WHERE document_id LIKE $1 || '%' LIMIT 1", key)
        if row:
            return "document", row["document_id"]
    return None


async def payment_document(connection: Any, payment_id: str) -> str | None:
    document_id: str | None = await connection.fetchval(
        "SELECT document_id FROM payments WHERE payment_id = $1", payment_id)
    return document_id

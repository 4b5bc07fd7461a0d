"""`gateway status PAYMENT_ID|DOCUMENT_ID [--json]`: the history of a payment or a document.

Also accepts a UETR, a GrpHdr/MsgId, or an id prefix of 8 characters or more.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from gateway.cli.aio import run_async
from gateway.cli.main import Exit, load_settings_from
from gateway.config import Settings
from gateway.db import connect
from gateway.queries import DocumentView, PaymentView, document_view, find, payment_document


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="payment id, document id, UETR, message id, or an id prefix (8+ characters)")
    parser.add_argument("--json", action="store_true", help="one JSON object (schema gateway.status/1)")


async def lookup(settings: Settings, key: str) -> tuple[str, str, DocumentView] | None:
    connection = await connect(settings.database)
    try:
        found = await find(connection, key)
        if found is None:
            return None
        kind, ident = found
        document_id = ident if kind == "document" else await payment_document(connection, ident)
        assert document_id is not None
        view = await document_view(connection, document_id)
        assert view is not None
        return kind, ident, view
    finally:
        await connection.close()


def _payment_json(p: PaymentView) -> dict[str, Any]:
    return {"payment_id": p.payment_id, "index": p.index, "status": p.status, "final_status": p.final,
            "reason_code": p.reason_code, "rail": p.rail, "end_to_end_id": p.end_to_end_id, "uetr": p.uetr,
            "amount": str(p.amount) if p.amount is not None else None, "currency": p.currency,
            "history": [_event_json(e) for e in p.events]}


def _event_json(e: dict[str, Any]) -> dict[str, Any]:
    return {"status": e["status"], "stage": e["stage"], "at": e["at"].isoformat(), "reason_code": e["reason_code"],
            "detail": e["detail"]}


def _document_json(d: DocumentView) -> dict[str, Any]:
    return {"document_id": d.document_id, "sender": d.sender, "channel": d.channel, "format": d.format,
            "msg_id": d.msg_id, "file_name": d.file_name, "status": d.status,
            "received_at": d.received_at.isoformat(), "payment_count": d.payment_count, "statements": d.statements,
            "issues": d.issues,
            "history": [_event_json(e) for e in d.events]}


def _print_events(events: list[dict[str, Any]], indent: str) -> None:
    for e in events:
        reason = f" {e['reason_code']}" if e["reason_code"] else ""
        extra = ""
        detail = e["detail"] or {}
        if e["status"] == "rejected" and detail.get("issues"):
            first = detail["issues"][0]
            extra = f"  {first.get('path', '')}: {first.get('message', '')}"
        elif e["status"] in {"delivered", "reported"}:
            extra = f"  {detail.get('file') or detail.get('destination') or ''}"
        elif e["status"] == "routed":
            extra = f"  rule {detail.get('rule')}"
        print(f"{indent}{e['at']:%Y-%m-%d %H:%M:%S.%f}"[:-3] + f"  {e['status']:<9} {e['stage']:<8}{reason}{extra}")


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    found = run_async(lookup(settings, args.id))
    if found is None:
        if args.json:
            print(json.dumps({"schema": "gateway.status/1", "found": False, "id": args.id}))
        else:
            print(f"no payment or document matches {args.id!r}")
        return Exit.REJECTED
    kind, ident, view = found
    payments = [p for p in view.payments if kind == "document" or p.payment_id == ident]
    if args.json:
        print(json.dumps({"schema": "gateway.status/1", "found": True, "kind": kind,
                          "document": _document_json(view), "payments": [_payment_json(p) for p in payments]},
                         default=str))
        return 0
    print(f"document {view.document_id}  {view.format}  from {view.sender} via {view.channel}"
          + (f"  file {view.file_name}" if view.file_name else "") + f"  msg id {view.msg_id or '-'}")
    kept = f", {view.statements} statement(s) kept" if view.statements else ""
    print(f"  status {view.status}, {view.payment_count if view.payment_count is not None else '?'} payment(s){kept}")
    _print_events(view.events, "    ")
    for issue in view.issues[:10]:
        print(f"    {issue.get('severity', 'error')} {issue['code']} {issue['rule']} {issue['path']}: "
              f"{issue['message']}")
    for p in payments:
        amount = f"{p.amount} {p.currency}" if p.amount is not None else "-"
        print(f"payment {p.payment_id}  #{p.index + 1}  {amount}  e2e {p.end_to_end_id or '-'}  "
              f"status {p.final or p.status}" + (f" {p.reason_code}" if p.reason_code else "")
              + (f"  rail {p.rail}" if p.rail else ""))
        _print_events(p.events, "    ")
    return 0

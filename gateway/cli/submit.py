"""`gateway submit PATH... [--sender ID] [--wait]`: publish documents like a bank would.

Each file is published to the ingress exchange with the sender id as routing key and
a fresh message id (one submission each); with `--wait` the command follows every
document until each payment reached its final status and prints it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from gateway.broker import H_CHANNEL, H_DOCUMENT_ID, H_FILE_NAME, H_SENDER, SENDER_PATTERN, Publisher, connect
from gateway.cli.aio import run_async
from gateway.cli.main import Exit, UsageError, load_settings_from
from gateway.config import Settings
from gateway.db import connect as db_connect
from gateway.outcomes import Publish
from gateway.queries import DocumentView, document_view
from gateway.topology import Names
from schemas.canonical import stable_id


@dataclass(frozen=True)
class Submission:
    path: Path
    document_id: str
    message_id: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files to submit")
    parser.add_argument("--sender", default="cli", help="sender id (routing key), default 'cli'")
    parser.add_argument("--wait", action="store_true", help="wait for every payment's final status and print it")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait with --wait (default 120)")
    parser.add_argument("--json", action="store_true", help="with --wait: one JSON line per document")


async def submit(settings: Settings, paths: list[Path], sender: str) -> list[Submission]:
    names = Names(settings.broker.prefix)
    connection = await connect(settings.broker, "gateway-submit")
    submissions = []
    try:
        publisher = await Publisher.open(connection, settings.broker)
        for path in paths:
            message_id = uuid.uuid4().hex
            document_id = stable_id("document", "amqp", sender, message_id)
            await publisher.publish(Publish(
                exchange=names.ingress, routing_key=sender, body=path.read_bytes(), message_id=message_id,
                type="raw-document", content_type="application/octet-stream",
                headers={H_SENDER: sender, H_CHANNEL: "amqp", H_FILE_NAME: path.name, H_DOCUMENT_ID: document_id}))
            submissions.append(Submission(path, document_id, message_id))
        await publisher.close()
    finally:
        await connection.close()
    return submissions


async def wait_for(settings: Settings, document_ids: list[str], timeout: float) -> dict[str, DocumentView | None]:
    """Poll until every document (and each of its payments) has its final status, or time runs out."""
    deadline = time.monotonic() + timeout
    views: dict[str, DocumentView | None] = dict.fromkeys(document_ids)
    connection = await db_connect(settings.database)
    try:
        while True:
            for document_id in document_ids:
                view = views[document_id]
                if view is None or not view.final:
                    views[document_id] = await document_view(connection, document_id)
            if all(v is not None and v.final for v in views.values()) or time.monotonic() > deadline:
                return views
            await asyncio.sleep(0.25)
    finally:
        await connection.close()


def outcome_lines(view: DocumentView | None, label: str) -> tuple[list[str], bool]:
    """Human lines for one document, and whether everything in it settled."""
    if view is None:
        return [f"{label}: not received by the gateway yet"], False
    if view.status == "rejected":
        issue = view.issues[0] if view.issues else {}
        return [f"{label}: document RJCT {issue.get('code', '')} {issue.get('path', '')}: "
                f"{issue.get('message', '')}".rstrip()], False
    lines = [f"{label}: {view.format}, {len(view.payments)} payment(s)"]
    ok = view.final
    for p in view.payments:
        final = p.final or f"pending ({p.status})"
        amount = f"{p.amount} {p.currency}" if p.amount is not None else ""
        reason = f" {p.reason_code}" if p.final == "RJCT" and p.reason_code else ""
        rail = f" via {p.rail}" if p.final == "ACSC" and p.rail else ""
        lines.append(f"  #{p.index + 1} {p.end_to_end_id or '-'} {amount}: {final}{reason}{rail}")
        ok = ok and p.final == "ACSC"
    return lines, ok


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    if not SENDER_PATTERN.match(args.sender):
        raise UsageError(f"sender id {args.sender!r} must match {SENDER_PATTERN.pattern}")
    missing = [p for p in args.paths if not p.is_file()]
    if missing:
        raise UsageError(f"{missing[0]} is not a file")
    submissions = run_async(submit(settings, list(args.paths), args.sender))
    for s in submissions:
        print(f"submitted {s.path} as document {s.document_id}", file=sys.stderr)
    if not args.wait:
        return Exit.OK
    views = run_async(wait_for(settings, [s.document_id for s in submissions], args.timeout))
    all_ok = True
    for s in submissions:
        view = views[s.document_id]
        if args.json:
            payments = [{"payment_id": p.payment_id, "index": p.index, "end_to_end_id": p.end_to_end_id,
                         "amount": str(p.amount) if p.amount is not None else None, "currency": p.currency,
                         "status": p.final, "reason_code": p.reason_code if p.final == "RJCT" else None,
                         "rail": p.rail} for p in (view.payments if view else [])]
            print(json.dumps({"schema": "gateway.submit/1", "path": str(s.path), "document_id": s.document_id,
                              "document_status": view.status if view else None,
                              "final": bool(view and view.final), "issues": view.issues if view else [],
                              "payments": payments}))
            ok = bool(view and view.final and view.status == "accepted"
                      and all(p.final == "ACSC" for p in view.payments))
        else:
            lines, ok = outcome_lines(view, str(s.path))
            print("\n".join(lines))
        all_ok = all_ok and ok
    return Exit.OK if all_ok else Exit.REJECTED

"""`gateway demo [--follow]`: the whole gateway on the bundled samples, in a sandbox.

The sandbox is the `demo` environment (`config/demo.yaml`: its own queue prefix,
database and data folder); it is reset at every start so the samples settle every
time. The samples are dropped into a sender's inbox as files, and one is also
published over AMQP; each payment's progress is printed as it happens. Without
`--follow` the command exits 0 once every sample reached its expected final status;
with it, the gateway keeps running (drop more files into the inbox) until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gateway.adapters.filedrop import INBOX, ensure_sender
from gateway.broker import connect
from gateway.cli.aio import run_async
from gateway.cli.db import migrate_database, seed_accounts
from gateway.cli.main import Exit, UsageError
from gateway.cli.submit import submit
from gateway.cli.topology import apply_topology
from gateway.config import PROJECT_ROOT, Settings, load_settings
from gateway.db import connect as db_connect
from gateway.db import drop_database
from gateway.observability import configure_logging
from gateway.queries import DocumentView, document_view
from gateway.runtime import Gateway, install_signal_handlers
from gateway.topology import build_topology, delete

DEMO_CONFIG = PROJECT_ROOT / "config" / "demo.yaml"
SAMPLES = PROJECT_ROOT / "config" / "samples"
FILE_SENDER = "DEMOBANK"
AMQP_SENDER = "DEMOAMQP"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--follow", action="store_true",
                        help="keep the gateway running after the samples (Ctrl-C stops it cleanly)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the samples")


@dataclass(frozen=True)
class Expected:
    file: str
    document: str                 # accepted | RJCT <code>
    payments: tuple[str, ...]     # "ACSC" or "RJCT <code>" per transaction


def load_expected(samples: Path) -> list[Expected]:
    data = yaml.safe_load((samples / "expected.yaml").read_text(encoding="utf-8"))
    return [Expected(name, str(spec.get("document", "accepted")), tuple(spec.get("payments", [])))
            for name, spec in data["samples"].items()]


async def reset_sandbox(settings: Settings) -> None:
    """Drop the sandbox's database, queues and folders. Refuses outside the demo environment."""
    if settings.environment != "demo":
        raise UsageError("the demo resets its environment and only runs with `environment: demo` "
                         f"(this configuration says {settings.environment!r})")
    await drop_database(settings.database)
    connection = await connect(settings.broker, "gateway-demo-reset")
    try:
        await delete(connection.channel, build_topology(settings))
    finally:
        await connection.close()
    data_dir = settings.resolved_paths.data_dir
    if data_dir.exists():
        shutil.rmtree(data_dir)


def drop_file(inbox: Path, source: Path) -> None:
    """As a careful sender does: write under a temporary name, then rename into place."""
    temporary = inbox / f"{source.name}.part"
    shutil.copyfile(source, temporary)
    os.replace(temporary, inbox / source.name)


class Follower:
    """Prints every new history event as a line a payments person can read."""

    QUERY = (
        "SELECT e.event_id, e.at, e.status, e.stage, e.reason_code, e.detail, e.payment_id, d.file_name, d.sender, "
        "d.channel, p.idx, p.amount, p.currency FROM payment_events e JOIN documents d USING (document_id) "
        "LEFT JOIN payments p ON p.payment_id = e.payment_id WHERE e.event_id > $1 ORDER BY e.event_id")

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.watermark = 0

    async def poll(self, connection: Any) -> None:
        rows = await connection.fetch(self.QUERY, max(0, self.watermark - 1000))
        for row in rows:
            if row["event_id"] in self.seen:
                continue
            self.seen.add(row["event_id"])
            self.watermark = max(self.watermark, row["event_id"])
            print(self.line(row), flush=True)

    @staticmethod
    def line(row: Any) -> str:
        who = f"{row['file_name'] or '?'} ({row['channel']} {row['sender']})"
        if row["payment_id"] is not None:
            amount = f" {row['amount']} {row['currency'].strip()}" if row["amount"] is not None else ""
            who += f" #{(row['idx'] or 0) + 1}{amount}"
        detail = row["detail"] or {}
        what = row["status"]
        if row["status"] == "rejected":
            issues = detail.get("issues") or [{}]
            what = f"REJECTED {row['reason_code'] or ''} {issues[0].get('message', '')}".rstrip()
        elif row["status"] == "routed":
            what = f"routed by rule {detail.get('rule')}"
        elif row["status"] == "settled":
            what = f"settled: {detail.get('debit')} -> {detail.get('credit')}"
        elif row["status"] == "delivered":
            what = f"delivered to {detail.get('rail')} outbox as {detail.get('file')}"
        elif row["status"] == "reported":
            what = f"reported {detail.get('status')} to {detail.get('destination')}"
        elif row["status"] == "validated" and row["payment_id"] is None:
            what = f"accepted: {detail.get('payments')} payment(s), {detail.get('rejected')} rejected"
        return f"{row['at']:%H:%M:%S.%f}"[:-3] + f"  {who}: {what}"


def actual_outcome(view: DocumentView | None) -> tuple[str, tuple[str, ...]]:
    if view is None:
        return "missing", ()
    if view.status == "rejected":
        code = view.issues[0]["code"] if view.issues else ""
        return f"RJCT {code}".strip(), ()
    payments = tuple((p.final or "pending") + (f" {p.reason_code}" if p.final == "RJCT" and p.reason_code else "")
                     for p in view.payments)
    return ("accepted" if view.status == "accepted" else view.status), payments


async def demo(settings: Settings, follow: bool, timeout: float) -> int:
    print(f"resetting the demo sandbox (prefix {settings.broker.prefix!r}, database "
          f"{settings.database.database_name!r}, data {settings.resolved_paths.data_dir})", flush=True)
    await reset_sandbox(settings)
    applied = await migrate_database(settings)
    await apply_topology(settings)
    created = await seed_accounts(settings, SAMPLES / "accounts.yaml")
    print(f"migrations {len(applied)}, topology applied, {created} demo accounts seeded", flush=True)
    stop = asyncio.Event()
    install_signal_handlers(stop)
    gateway = Gateway(settings, connection_name="gateway-demo")
    await gateway.start()
    try:
        expected = load_expected(SAMPLES)
        root = settings.resolved_paths.filedrop_dir
        assert root is not None
        inbox = ensure_sender(root, FILE_SENDER)[INBOX]
        for sample in expected:
            drop_file(inbox, SAMPLES / sample.file)
        print(f"dropped {len(expected)} sample files into {inbox}", flush=True)
        amqp_sample = SAMPLES / expected[0].file
        submissions = await submit(settings, [amqp_sample], AMQP_SENDER)
        print(f"published {amqp_sample.name} over AMQP as sender {AMQP_SENDER}", flush=True)
        follower = Follower()
        ok = await watch(settings, follower, expected, submissions[0].document_id, expected[0], stop, timeout)
        if follow and not stop.is_set():
            print(f"\nthe gateway keeps running: drop pacs.008 files into {inbox} (Ctrl-C stops it)", flush=True)
            await follow_until(settings, follower, stop)
        return Exit.OK if ok else Exit.REJECTED
    finally:
        await gateway.stop()


async def watch(settings: Settings, follower: Follower, expected: list[Expected], amqp_document: str,
                amqp_expected: Expected, stop: asyncio.Event, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    connection = await db_connect(settings.database)
    views: dict[str, DocumentView | None] = {}
    try:
        while not stop.is_set():
            await follower.poll(connection)
            views = await sample_views(connection, expected)
            views[f"AMQP {amqp_expected.file}"] = await document_view(connection, amqp_document)
            if all(v is not None and v.final for v in views.values()) or time.monotonic() > deadline:
                await asyncio.sleep(0.3)
                await follower.poll(connection)
                break
            await asyncio.sleep(0.2)
        return print_summary(expected, amqp_expected, views)
    finally:
        await connection.close()


async def sample_views(connection: Any, expected: list[Expected]) -> dict[str, DocumentView | None]:
    views: dict[str, DocumentView | None] = {}
    for sample in expected:
        document_id = await connection.fetchval(
            "SELECT document_id FROM documents WHERE sender = $1 AND file_name = $2 ORDER BY received_at DESC "
            "LIMIT 1", FILE_SENDER, sample.file)
        views[sample.file] = await document_view(connection, document_id) if document_id else None
    return views


def print_summary(expected: list[Expected], amqp_expected: Expected, views: dict[str, DocumentView | None]) -> bool:
    print("\noutcome per sample (expected -> actual):")
    ok = True
    rows = [(e.file, e) for e in expected] + [(f"AMQP {amqp_expected.file}", amqp_expected)]
    for label, want in rows:
        document, payments = actual_outcome(views.get(label))
        match = document == want.document and payments == want.payments
        ok = ok and match
        print(f"  {'ok  ' if match else 'FAIL'} {label}: document {document}"
              + (f", payments {', '.join(payments)}" if payments else ""))
        if not match:
            print(f"       expected document {want.document}"
                  + (f", payments {', '.join(want.payments)}" if want.payments else ""))
    print("every sample reached its expected final status" if ok else "some samples did not reach their expected "
          "status", flush=True)
    return ok


async def follow_until(settings: Settings, follower: Follower, stop: asyncio.Event) -> None:
    connection = await db_connect(settings.database)
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.3)
            await follower.poll(connection)
    finally:
        await connection.close()


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config or DEMO_CONFIG)
    configure_logging(settings.log_level, settings.log_format)
    result = run_async(demo(settings, args.follow, args.timeout))
    if result != Exit.OK:
        print("see `gateway --config config/demo.yaml status <id>` for any payment's history", file=sys.stderr)
    return result

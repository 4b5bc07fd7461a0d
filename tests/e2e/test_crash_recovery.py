"""`gateway run` as a real process, killed on purpose.

A consumer SIGKILLed in the middle of a bulk file loses nothing and books nothing twice
once a new process takes over; SIGTERM stops it cleanly (exit 0, nothing half-done).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.documents import document
from gateway.cli.submit import submit
from gateway.config import Settings
from gateway.db import connect as db_connect
from tests.conftest import ROOT, eventually

pytestmark = [pytest.mark.rabbit, pytest.mark.pg, pytest.mark.slow]

GATEWAY = Path(sys.executable).with_name("gateway")


def start_gateway(settings: Settings, folder: Path) -> subprocess.Popen[bytes]:
    config = folder / "gateway.yaml"
    config.write_text(yaml.safe_dump(settings.model_dump(mode="json")))
    log = open(folder / f"gateway-{len(list(folder.glob('gateway-*.log')))}.log", "wb")  # noqa: SIM115
    command = [str(GATEWAY), "--config", str(config), "run"]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


async def count(settings: Settings, sql: str, *args: object) -> int:
    connection = await db_connect(settings.database)
    try:
        return int(await connection.fetchval(sql, *args))
    finally:
        await connection.close()


async def assert_booked_once(settings: Settings, document_id: str, payments: int) -> None:
    connection = await db_connect(settings.database)
    try:
        ids = [r["payment_id"] for r in await connection.fetch(
            "SELECT payment_id FROM payments WHERE document_id = $1", document_id)]
        assert len(ids) == payments
        legs = await connection.fetch(
            "SELECT payment_id, count(*) AS legs, sum(amount_minor) AS net FROM postings "
            "WHERE payment_id = ANY($1::text[]) GROUP BY payment_id", ids)
        assert len(legs) == payments, "every payment booked"
        assert all(r["legs"] == 2 and r["net"] == 0 for r in legs), "booked once, balanced"
        assert await connection.fetchval("SELECT count(*) FROM deliveries WHERE payment_id = ANY($1::text[])",
                                         ids) == payments
        assert await connection.fetchval(
            "SELECT count(DISTINCT payment_id) FROM reports WHERE payment_id = ANY($1::text[]) AND status = 'ACSC'",
            ids) == payments
        drift = await connection.fetch(
            "SELECT a.account_id FROM ledger_accounts a LEFT JOIN postings p USING (account_id) "
            "GROUP BY a.account_id, a.balance_minor HAVING a.balance_minor <> coalesce(sum(p.amount_minor), 0)")
        assert drift == []
        assert await connection.fetchval("SELECT count(*) FROM parked_messages") == 0, "recovery parks nothing"
    finally:
        await connection.close()
    outbox = settings.resolved_paths.outbox_dir
    assert outbox is not None
    assert len(list(outbox.rglob("pacs008-*.xml"))) == payments



def assert_no_half_written_files(settings: Settings) -> None:
    """Once the gateway has stopped, no temporary file is left: a reader never sees a part file."""
    outbox = settings.resolved_paths.outbox_dir
    assert outbox is not None
    assert list(outbox.rglob(".*.tmp")) == []


async def interrupt_mid_file(settings: Settings, tmp_path: Path, payments: int, sender: str, how: signal.Signals,
                             after_settled: int) -> tuple[str, int]:
    """Submit one bulk file to a gateway process and send it `how` once `after_settled`
    payments are settled; returns the document id and how many were settled by then."""
    source = tmp_path / "bulk.xml"
    source.write_bytes(document(payments, msg_id=f"BULK-{sender}-0001"))
    first = start_gateway(settings, tmp_path)
    try:
        [submission] = await submit(settings, [source], sender)

        async def some_settled() -> bool:
            return await count(settings, "SELECT count(*) FROM settlements") >= after_settled
        await eventually(some_settled, timeout=120, interval=0.05)
        settled = await count(settings, "SELECT count(*) FROM settlements")
        first.send_signal(how)
        code = first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    if how == signal.SIGTERM:
        assert code == 0, "graceful shutdown exits 0"
    return submission.document_id, settled


async def finish_with_a_new_process(settings: Settings, tmp_path: Path, document_id: str, payments: int) -> None:
    """A new gateway process takes over; everything ends booked once, delivered, reported."""
    second = start_gateway(settings, tmp_path)
    try:
        async def all_reported() -> bool:
            return await count(settings, "SELECT count(DISTINCT payment_id) FROM reports WHERE status = 'ACSC'") \
                >= payments and await count(settings, "SELECT count(*) FROM deliveries") >= payments
        await eventually(all_reported, timeout=300, interval=0.5)
        await asyncio.sleep(2)            # anything still in flight would show as a duplicate now
        await assert_booked_once(settings, document_id, payments)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    assert_no_half_written_files(settings)


async def test_sigkill_mid_batch_loses_nothing_and_books_nothing_twice(settings: Settings, tmp_path: Path) -> None:
    payments = 3000
    document_id, settled_at_kill = await interrupt_mid_file(settings, tmp_path, payments, "BANKK", signal.SIGKILL,
                                                            after_settled=300)
    assert settled_at_kill < payments, "killed mid-file, not after it"
    await finish_with_a_new_process(settings, tmp_path, document_id, payments)


async def test_sigterm_finishes_in_flight_work_and_exits_cleanly(settings: Settings, tmp_path: Path) -> None:
    payments = 1500
    document_id, _ = await interrupt_mid_file(settings, tmp_path, payments, "BANKT", signal.SIGTERM,
                                              after_settled=100)
    await finish_with_a_new_process(settings, tmp_path, document_id, payments)
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("gateway-*.log"))
    assert "gateway.signal_received" in logs and "Traceback" not in logs, logs[-3000:]


def test_the_gateway_command_is_installed_beside_python() -> None:
    assert GATEWAY.exists(), "make install puts `gateway` into .venv/bin"
    assert os.access(GATEWAY, os.X_OK)

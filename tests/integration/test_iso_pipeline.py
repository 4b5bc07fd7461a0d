"""ISO 20022 beyond pacs.008 through the running pipeline (issue 5): camt.053 statements are kept,
never booked; a pacs.009 debits the instructing bank's loro account; a 1,000-transaction pain.001
settles every payment once and each is answered with a pain.002."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli.submit import submit
from gateway.config import Settings
from gateway.db import connect as db_connect
from gateway.stages.common import build_catalogue
from tests.conftest import SAMPLES, eventually, running_gateway
from tests.integration.test_pipeline import ReportInbox, _at_least, final_view, ledger_checks
from translators.iso20022.xml import validate_bytes

pytestmark = [pytest.mark.rabbit, pytest.mark.pg]


async def test_a_camt053_is_stored_as_statements_and_nothing_is_booked(settings: Settings) -> None:
    async with running_gateway(settings):
        [submission] = await submit(settings, [SAMPLES / "camt053-statement.xml"], "BANKSTMT")
        view = await final_view(settings, submission.document_id)
    assert (view.status, view.format, view.payments, view.statements) == ("accepted", "camt.053.001.08", [], 2)
    connection = await db_connect(settings.database)
    try:
        rows = await connection.fetch("SELECT message_type, entry_count FROM statements WHERE document_id = $1 "
                                      "ORDER BY idx", submission.document_id)
        booked = await connection.fetchval("SELECT count(*) FROM postings WHERE payment_id NOT LIKE 'opening:%'")
    finally:
        await connection.close()
    assert booked == 0 and [r["message_type"] for r in rows] == ["camt.053.001.08"] * 2
    assert all(r["entry_count"] >= 1 for r in rows)


async def test_a_pacs009_debits_the_instructing_banks_loro_account_and_leaves_as_an_mt202(
        settings: Settings) -> None:
    golden = SAMPLES.parents[1] / "tests" / "golden" / "iso20022" / "pacs009" / "core" / "input.xml"
    async with running_gateway(settings):
        [submission] = await submit(settings, [golden], "DEUTBANK")
        view = await final_view(settings, submission.document_id)
    assert view.format == "pacs.009.001.09" and [p.final for p in view.payments] == ["ACSC"]
    [payment] = view.payments
    assert payment.rail == "swift-fin"
    connection = await db_connect(settings.database)
    try:
        debit = await connection.fetchval(
            "SELECT amount_minor FROM postings WHERE payment_id = $1 AND account_id = 'loro:DEUTDEFFXXX'",
            payment.payment_id)
    finally:
        await connection.close()
    assert debit == -500_000_000
    outbox = settings.resolved_paths.outbox_dir
    assert outbox is not None
    assert [p.name for p in (outbox / "swift-fin").iterdir()] == [f"mt202-{payment.payment_id}.fin"]


async def test_a_pain001_of_1000_transactions_settles_each_once_and_is_answered_with_pain002(
        settings: Settings, tmp_path: Path) -> None:
    from bench.pain001_documents import generate

    path = tmp_path / "salaries.xml"
    path.write_bytes(generate(1000, seed=11))
    async with ReportInbox(settings, "ACMECORP") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [path], "ACMECORP")
        view = await final_view(settings, submission.document_id, timeout=180)
        await eventually(lambda: _at_least(inbox.messages, 1000), timeout=60)
    assert view.format == "pain.001.001.09" and len(view.payments) == 1000
    assert {p.final for p in view.payments} == {"ACSC"}
    await ledger_checks(settings, [p.payment_id for p in view.payments])
    report = inbox.messages[0]
    assert report.type is not None and report.type.startswith("pain.002")
    assert validate_bytes(report.body, build_catalogue(settings).schema_for(
        f"urn:iso:std:iso:20022:tech:xsd:{report.type}")) == []

"""ISO 20022 beyond pacs.008 through the running pipeline (issue 5): camt.053 statements are kept,
never booked; a statement whose balances do not add up rejects its document, answered and parked."""

from __future__ import annotations

import pytest

from gateway.cli.submit import submit
from gateway.config import Settings
from gateway.db import connect as db_connect
from tests.conftest import SAMPLES, running_gateway
from tests.integration.test_pipeline import final_view

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

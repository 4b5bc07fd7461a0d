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

"""SWIFT MT through the running pipeline on the real broker and database.

What must hold (issue 4, ARCHITECTURE §3): an MT103 settles like a pacs.008 and leaves in
the rail's format; in a file of several MT103s a bad message is rejected alone, with its
issue and a status report, while the others settle; an MT202 debits the ordering bank's
loro account and leaves as an MT202 on a rail that speaks MT; MT940 statements are kept,
never booked; a statement whose balances do not add up is rejected whole and parked.
"""

from __future__ import annotations

import os
import shutil

import pytest

from gateway.cli.submit import submit
from gateway.config import Settings
from gateway.db import connect as db_connect
from tests.conftest import SAMPLES, eventually, running_gateway
from tests.integration.test_pipeline import (
    PACS002_NS,
    PACS008_NS,
    ReportInbox,
    _at_least,
    document_id_for_file,
    final_view,
    ledger_checks,
    schema,
)
from translators.iso20022 import pacs002
from translators.iso20022.xml import validate_bytes
from translators.swift.blocks import parse
from translators.swift.reader import validate_fin_message

pytestmark = [pytest.mark.rabbit, pytest.mark.pg]


def outbox(settings: Settings, rail: str) -> dict[str, bytes]:
    folder = settings.resolved_paths.outbox_dir
    assert folder is not None
    return {p.name: p.read_bytes() for p in (folder / rail).glob("*") if not p.name.startswith(".")}


async def test_an_mt103_settles_and_leaves_on_its_rail_as_a_valid_pacs008(settings: Settings) -> None:
    async with ReportInbox(settings, "COBAMT") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [SAMPLES / "mt103-single-eur.fin"], "COBAMT")
        view = await final_view(settings, submission.document_id)
        await eventually(lambda: _at_least(inbox.messages, 1))
    assert view.format == "mt103" and [p.final for p in view.payments] == ["ACSC"]
    [payment] = view.payments
    assert payment.uetr == "6f1c1f2e-3b7a-4d2c-9e51-0a8b7c6d5e4f"
    assert (payment.amount, payment.currency) == (18250, "EUR")
    await ledger_checks(settings, [payment.payment_id])

    [(name, data)] = outbox(settings, "target2").items()
    assert name == f"pacs008-{payment.payment_id}.xml"
    assert validate_bytes(data, schema(settings, PACS008_NS)) == []
    assert b"<UETR>6f1c1f2e-3b7a-4d2c-9e51-0a8b7c6d5e4f</UETR>" in data

    [report] = inbox.messages
    assert validate_bytes(report.body, schema(settings, PACS002_NS)) == []
    reading = pacs002.read(report.body)
    [group], [transaction] = reading.groups, reading.transactions
    assert transaction.status == "ACSC" and transaction.original_uetr == payment.uetr
    assert (group.original_msg_id, group.original_message_type) == ("COBA-MT-261125-1", "MT103")


async def test_a_bad_message_in_a_file_of_mt103s_is_rejected_alone(settings: Settings) -> None:
    async with ReportInbox(settings, "COBAMT") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [SAMPLES / "mt103-batch-one-bad.fin"], "COBAMT")
        view = await final_view(settings, submission.document_id)
        await eventually(lambda: _at_least(inbox.messages, 3))
    assert view.status == "accepted"
    assert [(p.final, p.reason_code) for p in view.payments] == [("ACSC", None), ("ACSC", None), ("RJCT", "FF01")]
    settled = [p.payment_id for p in view.payments[:2]]
    await ledger_checks(settings, settled)
    rejected = view.payments[2]
    [event] = [e for e in rejected.events if e["status"] == "rejected"]
    [issue] = event["detail"]["issues"]
    assert (issue["rule"], issue["path"]) == ("mt.field_format", "message 3/:20:")

    outcomes = {}
    for message in inbox.messages:
        [transaction] = pacs002.read(message.body).transactions
        outcomes[transaction.original_msg_id] = transaction.status
    assert outcomes == {"COBA-BATCH-0001": "ACSC", "COBA-BATCH-0002": "ACSC", "COBA-BATCH-0003-XYZ": "RJCT"}
    assert len(outbox(settings, "target2")) == 1 and len(outbox(settings, "chaps")) == 1


async def test_an_mt202_debits_the_banks_loro_account_and_leaves_as_an_mt202(settings: Settings) -> None:
    async with running_gateway(settings):
        [submission] = await submit(settings, [SAMPLES / "mt202-bank-transfer.fin"], "COBAMT")
        view = await final_view(settings, submission.document_id)
    assert view.format == "mt202" and [p.final for p in view.payments] == ["ACSC"]
    [payment] = view.payments
    await ledger_checks(settings, [payment.payment_id])
    connection = await db_connect(settings.database)
    try:
        debit = await connection.fetchval(
            "SELECT amount_minor FROM postings WHERE payment_id = $1 AND account_id = 'loro:COBADEFFXXX'",
            payment.payment_id)
    finally:
        await connection.close()
    assert debit == -100_000_000

    [(name, data)] = outbox(settings, "swift-fin").items()
    assert name == f"mt202-{payment.payment_id}.fin"
    [message] = parse(data).messages
    assert message.message_type == "202" and message.sender_bic == "QNXGDEFFXXX"
    assert [i for i in validate_fin_message(message) if i.severity.value == "error"] == []
    assert message.field("32A") is not None and message.field("32A").value == "261125EUR1000000,00"  # type: ignore[union-attr]


async def test_a_dropped_mt940_is_kept_as_statements_and_nothing_is_booked(settings: Settings) -> None:
    drop = settings.resolved_paths.filedrop_dir
    assert drop is not None
    inbox = drop / "COBAMT" / "inbox"
    async with running_gateway(settings):
        inbox.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / "mt940-statement.fin", inbox / "stmt.fin.part")
        os.replace(inbox / "stmt.fin.part", inbox / "stmt.fin")
        document_id = await document_id_for_file(settings, "COBAMT", "stmt.fin")
        view = await final_view(settings, document_id)
    assert (view.status, view.format, view.payments, view.statements) == ("accepted", "mt940", [], 2)
    connection = await db_connect(settings.database)
    try:
        rows = await connection.fetch(
            "SELECT reference, account_id, statement_number, sequence_number, entry_count, canonical "
            "FROM statements WHERE document_id = $1 ORDER BY idx", document_id)
        booked = await connection.fetchval("SELECT count(*) FROM postings WHERE payment_id NOT LIKE 'opening:%'")
    finally:
        await connection.close()
    assert booked == 0
    assert [(r["reference"], r["account_id"], r["sequence_number"], r["entry_count"]) for r in rows] == [
        ("STMT-261125-1", "DE89370400440532013000", "001", 2), ("STMT-261125-2", "DE89370400440532013000", "002", 1)]
    assert rows[0]["statement_number"] == "00211"
    reports = drop / "COBAMT" / "reports"
    assert not reports.exists() or list(reports.iterdir()) == []      # statements are not answered


async def test_a_statement_whose_balances_do_not_add_up_is_rejected_whole_and_parked(settings: Settings) -> None:
    broken = (SAMPLES / "mt940-statement.fin").read_bytes().replace(b":62F:C261125EUR262850,00",
                                                                     b":62F:C261125EUR262800,00")
    path = settings.resolved_paths.data_dir / "broken-statement.fin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(broken)
    async with ReportInbox(settings, "COBAMT") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [path], "COBAMT")
        view = await final_view(settings, submission.document_id)
        await eventually(lambda: _at_least(inbox.messages, 1))
    assert view.status == "rejected" and view.statements == 0
    assert any(i["path"].startswith("message 2/:62F:") for i in view.issues), view.issues
    [group] = pacs002.read(inbox.messages[0].body).groups
    assert group.status == "RJCT" and group.original_message_type == "MT940"
    connection = await db_connect(settings.database)
    try:
        parked = await connection.fetchval("SELECT count(*) FROM parked_messages WHERE document_id = $1",
                                           submission.document_id)
    finally:
        await connection.close()
    assert parked == 1

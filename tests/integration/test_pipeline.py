"""The pipeline end to end on the real broker and database: intake -> route -> settle ->
deliver -> report, for documents arriving by AMQP and by file drop.

What must hold (ARCHITECTURE §3, BROKER.md (a)): every payment booked once with
balanced postings, one outbound pacs.008 per payment valid against the official XSD,
one pacs.002 per payment back to the sender; a bad document rejected with the right
reason code, nothing booked, the original parked with its issues; a duplicate
submission rejected (AM05) while a redelivery books nothing twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from gateway.broker import H_CHANNEL, H_DOCUMENT_ID, H_SENDER
from gateway.cli.submit import submit
from gateway.config import Settings
from gateway.db import connect as db_connect
from gateway.queries import DocumentView, document_view
from gateway.stages.common import build_catalogue
from gateway.topology import Names
from schemas.canonical import stable_id
from tests.conftest import AMQP_URL, SAMPLES, eventually, running_gateway
from translators.iso20022 import pacs002
from translators.iso20022.xml import validate_bytes

pytestmark = [pytest.mark.rabbit, pytest.mark.pg]

PACS008_NS = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"
PACS002_NS = "urn:iso:std:iso:20022:tech:xsd:pacs.002.001.11"


async def final_view(settings: Settings, document_id: str, timeout: float = 60) -> DocumentView:
    connection = await db_connect(settings.database)
    try:
        async def done() -> DocumentView | None:
            view = await document_view(connection, document_id)
            return view if view is not None and view.final else None
        view: DocumentView = await eventually(done, timeout=timeout)
        return view
    finally:
        await connection.close()


async def document_id_for_file(settings: Settings, sender: str, file_name: str) -> str:
    connection = await db_connect(settings.database)
    try:
        async def found() -> str | None:
            return await connection.fetchval(  # type: ignore[no-any-return]
                "SELECT document_id FROM documents WHERE sender = $1 AND file_name = $2", sender, file_name)
        value: str = await eventually(found, timeout=30)
        return value
    finally:
        await connection.close()


class ReportInbox:
    """A bank's own queue bound to the reports exchange with its sender id."""

    def __init__(self, settings: Settings, sender: str) -> None:
        self.settings, self.sender = settings, sender
        self.messages: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def __aenter__(self) -> ReportInbox:
        self.connection = await aio_pika.connect(AMQP_URL)
        channel = await self.connection.channel()
        exchange = await channel.get_exchange(Names(self.settings.broker.prefix).reports)
        self.queue = await channel.declare_queue(exclusive=True)
        await self.queue.bind(exchange, routing_key=self.sender)
        await self.queue.consume(self._on_message, no_ack=True)
        return self

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        self.messages.append(message)

    async def __aexit__(self, *exc: object) -> None:
        await self.connection.close()


async def ledger_checks(settings: Settings, payment_ids: list[str]) -> None:
    """Each payment: exactly two postings that balance; every balance equals its postings."""
    connection = await db_connect(settings.database)
    try:
        rows = await connection.fetch(
            "SELECT payment_id, count(*) AS legs, sum(amount_minor) AS net FROM postings "
            "WHERE payment_id = ANY($1::text[]) GROUP BY payment_id", payment_ids)
        assert {r["payment_id"] for r in rows} == set(payment_ids)
        assert all(r["legs"] == 2 and r["net"] == 0 for r in rows)
        drift = await connection.fetch(
            "SELECT a.account_id FROM ledger_accounts a LEFT JOIN postings p USING (account_id) "
            "GROUP BY a.account_id, a.balance_minor HAVING a.balance_minor <> coalesce(sum(p.amount_minor), 0)")
        assert drift == []
        per_currency = await connection.fetch("SELECT currency, sum(amount_minor) FROM postings GROUP BY currency")
        assert all(r["sum"] == 0 for r in per_currency)
    finally:
        await connection.close()


def outbox_files(settings: Settings) -> dict[str, bytes]:
    outbox = settings.resolved_paths.outbox_dir
    assert outbox is not None
    return {p.name: p.read_bytes() for p in outbox.rglob("*.xml")}


def schema(settings: Settings, namespace: str) -> Any:
    found = build_catalogue(settings).schema_for(namespace)
    assert found is not None, f"no XSD for {namespace}: run `make install`"
    return found


async def test_a_multi_transaction_pacs008_over_amqp_settles_every_payment_once(settings: Settings) -> None:
    async with ReportInbox(settings, "BANKA") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [SAMPLES / "pacs008-multi-mixed.xml"], "BANKA")
        view = await final_view(settings, submission.document_id)
        await eventually(lambda: _at_least(inbox.messages, 5))
    assert [p.final for p in view.payments] == ["ACSC"] * 5
    payment_ids = [p.payment_id for p in view.payments]
    await ledger_checks(settings, payment_ids)

    files = outbox_files(settings)
    assert sorted(files) == sorted(f"pacs008-{pid}.xml" for pid in payment_ids)
    pacs008_xsd = schema(settings, PACS008_NS)
    for data in files.values():
        assert validate_bytes(data, pacs008_xsd) == []

    pacs002_xsd = schema(settings, PACS002_NS)
    statuses = []
    for message in inbox.messages:
        assert validate_bytes(message.body, pacs002_xsd) == []
        assert message.correlation_id == submission.message_id
        [tx] = pacs002.read(message.body).transactions
        statuses.append((tx.original_end_to_end_id, tx.status))
    assert sorted(statuses) == sorted((p.end_to_end_id, "ACSC") for p in view.payments)


async def _at_least(items: list[Any], count: int) -> bool:
    return len(items) >= count


async def test_a_dropped_file_is_archived_after_publishing_and_answered_with_report_files(
        settings: Settings) -> None:
    drop = settings.resolved_paths.filedrop_dir
    assert drop is not None
    inbox = drop / "BANKB" / "inbox"
    async with running_gateway(settings):
        inbox.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / "pacs008-multi-mixed.xml", inbox / "batch-001.xml.part")
        os.replace(inbox / "batch-001.xml.part", inbox / "batch-001.xml")
        document_id = await document_id_for_file(settings, "BANKB", "batch-001.xml")
        view = await final_view(settings, document_id)
    assert view.channel == "filedrop" and [p.final for p in view.payments] == ["ACSC"] * 5
    await ledger_checks(settings, [p.payment_id for p in view.payments])
    assert list(inbox.iterdir()) == [] and list((drop / "BANKB" / "processing").iterdir()) == []
    archived = list((drop / "BANKB" / "archive").rglob("*batch-001.xml"))
    assert len(archived) == 1
    reports = sorted((drop / "BANKB" / "reports").iterdir())
    assert [p.name for p in reports] == [f"batch-001.{n:05d}.ACSC.pacs002.xml" for n in range(1, 6)]
    pacs002_xsd = schema(settings, PACS002_NS)
    assert all(validate_bytes(p.read_bytes(), pacs002_xsd) == [] for p in reports)


async def test_an_invalid_document_is_rejected_FF01_nothing_booked_and_the_original_parked(
        settings: Settings) -> None:
    original = (SAMPLES / "pacs008-invalid-schema.xml").read_bytes()
    async with ReportInbox(settings, "BANKC") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [SAMPLES / "pacs008-invalid-schema.xml"], "BANKC")
        view = await final_view(settings, submission.document_id)
        await eventually(lambda: _at_least(inbox.messages, 1))
    assert view.status == "rejected" and view.payments == []
    assert view.issues[0]["code"] == "FF01" and view.issues[0]["rule"] == "iso.xsd"
    [report] = inbox.messages
    reading = pacs002.read(report.body)
    [group] = reading.groups
    assert group.status == "RJCT" and {r.code for r in group.reasons} == {"FF01"}
    assert group.original_msg_id == "COBA-20261124-000245"

    connection = await db_connect(settings.database)
    try:
        assert await connection.fetchval("SELECT count(*) FROM postings WHERE payment_id NOT LIKE 'opening:%'") == 0
        parked = await connection.fetchrow(
            "SELECT stage, reason_code, issues, body FROM parked_messages WHERE document_id = $1",
            submission.document_id)
    finally:
        await connection.close()
    assert parked["stage"] == "intake" and parked["reason_code"] == "FF01"
    assert bytes(parked["body"]) == original and parked["issues"][0]["rule"] == "iso.xsd"
    # and the parked copy waits in the intake parking queue with its issues in headers
    connection = await aio_pika.connect(AMQP_URL)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(Names(settings.broker.prefix).parked_queue("intake"))
        message = await queue.get(timeout=5)
        assert message.body == original
        assert json.loads(message.headers["x-gw-issues"])[0]["code"] == "FF01"
        await message.nack(requeue=True)
    finally:
        await connection.close()


async def test_the_same_document_submitted_twice_is_a_duplicate_AM05(settings: Settings) -> None:
    sample = SAMPLES / "pacs008-single-eur.xml"
    async with running_gateway(settings):
        [first] = await submit(settings, [sample], "BANKD")
        first_view = await final_view(settings, first.document_id)
        [second] = await submit(settings, [sample], "BANKD")
        second_view = await final_view(settings, second.document_id)
    assert [p.final for p in first_view.payments] == ["ACSC"]
    assert second_view.status == "rejected" and second_view.issues[0]["code"] == "AM05"
    await ledger_checks(settings, [first_view.payments[0].payment_id])


async def test_a_redelivered_document_books_nothing_twice(settings: Settings) -> None:
    """The same AMQP message again (same message id: a publisher retry, a broker redelivery)
    is not a new submission: the same payment ids, no second booking, no AM05."""
    body = (SAMPLES / "pacs008-multi-mixed.xml").read_bytes()
    message_id = uuid.uuid4().hex
    names = Names(settings.broker.prefix)
    document_id = stable_id("document", "amqp", "BANKE", message_id)

    async def publish() -> None:
        connection = await aio_pika.connect(AMQP_URL)
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(names.ingress)
        await exchange.publish(aio_pika.Message(body, message_id=message_id), routing_key="BANKE", mandatory=True)
        await connection.close()

    async with running_gateway(settings):
        await publish()
        view = await final_view(settings, document_id)
        await publish()                                   # again, after everything was booked
        await asyncio.sleep(3)
        again = await final_view(settings, document_id)
    assert [p.final for p in view.payments] == ["ACSC"] * 5
    assert again.status == "accepted" and [p.payment_id for p in again.payments] == [p.payment_id for p in
                                                                                       view.payments]
    await ledger_checks(settings, [p.payment_id for p in view.payments])
    connection = await db_connect(settings.database)
    try:
        assert await connection.fetchval("SELECT count(*) FROM documents") == 1
        assert await connection.fetchval("SELECT count(*) FROM deliveries") == 5
        assert await connection.fetchval("SELECT count(*) FROM postings WHERE payment_id NOT LIKE 'opening:%'") == 10
    finally:
        await connection.close()
    assert len(outbox_files(settings)) == 5


async def test_a_payment_the_ledger_refuses_is_reported_RJCT_and_parked(settings: Settings) -> None:
    async with ReportInbox(settings, "BANKF") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [SAMPLES / "pacs008-insufficient-funds.xml"], "BANKF")
        view = await final_view(settings, submission.document_id)
        await eventually(lambda: _at_least(inbox.messages, 1))
    [payment] = view.payments
    assert payment.final == "RJCT" and payment.reason_code == "AM04"
    [tx] = pacs002.read(inbox.messages[0].body).transactions
    assert tx.status == "RJCT" and tx.reason_codes == ("AM04",)
    connection = await db_connect(settings.database)
    try:
        assert await connection.fetchval("SELECT count(*) FROM postings WHERE payment_id = $1",
                                         payment.payment_id) == 0
        assert await connection.fetchval("SELECT stage FROM parked_messages WHERE payment_id = $1",
                                         payment.payment_id) == "settle"
    finally:
        await connection.close()


async def test_unparseable_bytes_are_rejected_not_crashed_on(settings: Settings, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01\x02 this is not a payment message \xff\xfe")
    async with ReportInbox(settings, "BANKG") as inbox, running_gateway(settings):
        [submission] = await submit(settings, [garbage], "BANKG")
        view = await final_view(settings, submission.document_id)
        await eventually(lambda: _at_least(inbox.messages, 1))
    assert view.status == "rejected" and view.format == "unknown"
    assert view.issues[0]["code"] == "FF01"
    [group] = pacs002.read(inbox.messages[0].body).groups
    assert group.status == "RJCT"


async def test_a_message_without_a_usable_sender_is_parked(settings: Settings) -> None:
    names = Names(settings.broker.prefix)
    async with running_gateway(settings, ("intake",)):
        connection = await aio_pika.connect(AMQP_URL)
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(names.ingress)
        await exchange.publish(aio_pika.Message(b"<x/>", headers={H_SENDER: "bad sender!", H_CHANNEL: "amqp",
                                                                  H_DOCUMENT_ID: "d-no-sender"}),
                               routing_key="x", mandatory=True)
        queue = await channel.get_queue(names.parked_queue("intake"))

        async def parked() -> Any:
            return await queue.get(fail=False)
        message = await eventually(parked, timeout=20)
        assert message.headers["x-gw-park-reason"] == "no usable sender id"
        await connection.close()

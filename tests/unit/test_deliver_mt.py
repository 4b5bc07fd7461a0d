"""The deliver stage on a rail that speaks SWIFT MT: which message, to whom, checked before it is written."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.config import RailSettings
from gateway.stages.deliver import outbound_file_name, render_mt
from schemas.canonical import Payment
from tests.unit.test_swift_reader import SAMPLES, read
from translators.swift.blocks import parse

MT_RAIL = RailSettings(format="mt", settlement_method="INDA")
US = "QNXGDEFFXXX"


def settled(sample: str) -> Payment:
    [transaction] = list(read((SAMPLES / sample).read_bytes().decode()).transactions())
    assert transaction.payment is not None
    at = datetime(2026, 11, 25, tzinfo=UTC)
    return transaction.payment.model_copy(update={"rail": "swift-fin", "settled_at": at})


def test_a_customer_transfer_leaves_as_an_mt103_from_us_to_the_creditor_agent() -> None:
    rendered = render_mt(settled("mt103-single-eur.fin"), MT_RAIL, US)
    assert rendered.issues == () and rendered.name.startswith("mt103-") and rendered.name.endswith(".fin")
    [message] = parse(rendered.data).messages
    assert (message.message_type, message.sender_bic, message.receiver_bic) == ("103", US, "BSCHESMMXXX")
    assert message.uetr == "6f1c1f2e-3b7a-4d2c-9e51-0a8b7c6d5e4f"
    assert message.field("72") is not None and "/INS/COBADEFFXXX" in message.field("72").value  # type: ignore[union-attr]


def test_an_stp_rail_sends_mt103_stp_and_a_correspondent_rail_sends_to_the_correspondent() -> None:
    rail = RailSettings(format="mt", mt_stp=True, instructed_agent_bic="CHASUS33XXX")
    rendered = render_mt(settled("mt103-single-eur.fin"), rail, US)
    [message] = parse(rendered.data).messages
    assert rendered.issues == () and message.validation_flag == "STP" and message.receiver_bic == "CHASUS33XXX"


def test_a_transfer_between_banks_leaves_as_an_mt202() -> None:
    payment = settled("mt202-bank-transfer.fin")
    rendered = render_mt(payment, MT_RAIL, US)
    assert rendered.issues == () and rendered.name == outbound_file_name(payment, MT_RAIL)
    assert rendered.name.startswith("mt202-")
    assert parse(rendered.data).messages[0].message_type == "202"


def test_without_a_receiver_bic_nothing_is_written_and_the_reason_is_rc04() -> None:
    payment = settled("mt103-single-eur.fin").model_copy(update={"creditor_agent": None})
    rendered = render_mt(payment, MT_RAIL, US)
    assert rendered.data == b"" and [(i.rule, i.code) for i in rendered.issues] == [("deliver.no_receiver", "RC04")]

"""A Document that comes with a Business Application Header must agree with it (DOMAIN §2.8, CBPR+)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schemas.canonical import Source
from tests.conftest import SAMPLES
from translators.base import ReadContext
from translators.detect import read_document
from translators.iso20022.apphdr import wrap_with_app_header

SAMPLE = (SAMPLES / "pacs008-single-eur.xml").read_bytes()
CONTEXT = ReadContext(document_id="doc", source=Source(channel="cli", sender="T", format="unknown",
                                                       received_at=datetime(2026, 11, 25, tzinfo=UTC)))
MSG_ID = "COBA-20261124-000187"


def wrapped(*, msg_id: str = MSG_ID, message_name: str = "pacs.008.001.08") -> bytes:
    return wrap_with_app_header(SAMPLE, sender_bic="COBADEFFXXX", receiver_bic="QNXGDEFFXXX", msg_id=msg_id,
                                message_name=message_name, created_at=datetime(2026, 11, 25, 9, tzinfo=UTC))


def test_the_sample_carries_the_message_id_the_header_repeats() -> None:
    assert f"<MsgId>{MSG_ID}</MsgId>".encode() in SAMPLE


def test_a_document_with_an_agreeing_header_is_read_as_without_one() -> None:
    alone, enveloped = read_document(SAMPLE, CONTEXT), read_document(wrapped(), CONTEXT)
    assert enveloped.accepted and enveloped.msg_id == alone.msg_id == MSG_ID
    assert len(list(enveloped.transactions())) == len(list(alone.transactions())) == 1


@pytest.mark.parametrize(("change", "rule", "path"), [
    ({"msg_id": "OTHER-ID"}, "apphdr.business_message_id", "AppHdr/BizMsgIdr"),
    ({"message_name": "pacs.009.001.08"}, "apphdr.message_definition", "AppHdr/MsgDefIdr"),
])
def test_a_header_that_disagrees_with_its_document_rejects_it(change: dict[str, str], rule: str, path: str) -> None:
    reading = read_document(wrapped(**change), CONTEXT)
    assert not reading.accepted
    assert [(i.rule, i.path) for i in reading.issues if i.rule.startswith("apphdr.")] == [(rule, path)]

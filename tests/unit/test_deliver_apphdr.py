"""A CBPR+ rail sends each pacs.008 with its Business Application Header (DOMAIN §2.8-2.9)."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from gateway.config import RailSettings
from gateway.stages.deliver import render_for_rail, with_app_header
from schemas.canonical import Payment
from tests.unit.test_apphdr_documents import CONTEXT, SAMPLE
from translators.detect import read_document

CBPR = RailSettings(settlement_method="INDA", app_header=True)
US = "QNXGDEFFXXX"


def settled() -> Payment:
    [transaction] = list(read_document(SAMPLE, CONTEXT).transactions())
    assert transaction.payment is not None
    return transaction.payment.model_copy(update={"rail": "swift", "settled_at": datetime(2026, 11, 25, tzinfo=UTC)})


def test_the_header_names_us_the_instructed_agent_and_the_documents_id_and_the_gateway_accepts_it() -> None:
    payment = settled()
    data = with_app_header(render_for_rail(payment, CBPR, US), payment, CBPR, US)
    root = etree.fromstring(data)
    header, document = root[0], root[1]
    assert etree.QName(header).localname == "AppHdr" and etree.QName(document).localname == "Document"
    texts = {etree.QName(e).localname: e.text for e in header.iter() if e.text and e.text.strip()}
    assert texts["BizMsgIdr"] == payment.payment_id and texts["MsgDefIdr"] == "pacs.008.001.08"
    assert [e.text for e in header.iter() if etree.QName(e).localname == "BICFI"] == [
        US, payment.creditor_agent.bic]  # type: ignore[union-attr]
    again = read_document(data, CONTEXT)
    assert again.accepted and [i for i in again.issues if i.rule.startswith("apphdr.")] == []

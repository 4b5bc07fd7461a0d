"""pain.002 status reports to corporates, valid against the official XSD (DOMAIN §2.6).

A corporate correlates by its own ids: message, payment information block, InstrId /
EndToEndId (UETR from .10 on); a document-level verdict sets GrpSts.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from schemas.canonical import Source, StatusReport
from schemas.issues import Issue
from schemas.xsd import XsdCatalogue
from tests.conftest import skip_or_fail
from translators.iso20022 import pain002, xml

SOURCE = Source(channel="filedrop", sender="ACME", format="pain.001.001.09", file_name="salaries.xml",
                received_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
NOW = datetime(2026, 11, 25, 9, 1, tzinfo=UTC)
CACHED = ("pain.002.001.03", "pain.002.001.12")        # official XSDs `make install` puts in .cache/xsd


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    found = XsdCatalogue([])
    if any(found.schema_for(f"urn:iso:std:iso:20022:tech:xsd:{v}") is None for v in CACHED):
        skip_or_fail("the official pain.002 XSDs are not in .cache/xsd: run `make install`")
    return found


def verdict(payment: str | None, status: str, *, block: str | None = "PMT-1", reasons: tuple[Issue, ...] = (),
            end_to_end: str | None = None) -> StatusReport:
    return StatusReport(
        report_id=f"r-{payment}", document_id="doc", payment_id=payment, index=0 if payment else None, source=SOURCE,
        stage="intake", status=status, reasons=reasons, created_at=NOW, original_msg_id="ACME-SAL-2611",
        original_message_type="pain.001.001.09", original_payment_information_id=block,
        original_end_to_end_id=end_to_end, original_uetr="6f1c1f2e-3b7a-4d2c-9e51-0a8b7c6d5e4f" if payment else None,
        original_number_of_transactions=2)


REPORTS = [
    verdict("p1", "ACSC", end_to_end="SAL-0001"),
    verdict("p2", "RJCT", end_to_end="SAL-0002", reasons=(Issue(
        code="AC01", rule="iso.iban", path="PmtInf[1]/CdtTrfTxInf[2]/CdtrAcct/Id/IBAN",
        message="the IBAN fails the mod-97 check"),)),
]


@pytest.mark.parametrize("version", CACHED)
def test_a_report_is_valid_against_the_official_xsd(version: str, catalogue: XsdCatalogue) -> None:
    data = pain002.render(REPORTS, msg_id="RPT-1", created_at=NOW, version=version)
    assert xml.validate_bytes(data, catalogue.schema_for(f"urn:iso:std:iso:20022:tech:xsd:{version}")) == []


def test_transactions_are_answered_under_their_payment_information_block() -> None:
    data = pain002.render([*REPORTS, verdict("p3", "ACSC", block="PMT-2", end_to_end="SAL-0003")],
                          msg_id="RPT-1", created_at=NOW, version="pain.002.001.12")
    root = etree.fromstring(data)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.002.001.12"}
    blocks = root.findall(".//p:OrgnlPmtInfAndSts", ns)
    assert [b.findtext("p:OrgnlPmtInfId", namespaces=ns) for b in blocks] == ["PMT-1", "PMT-2"]
    assert [t.findtext("p:OrgnlEndToEndId", namespaces=ns) for t in blocks[0].findall("p:TxInfAndSts", ns)] == [
        "SAL-0001", "SAL-0002"]
    rejected = blocks[0].findall("p:TxInfAndSts", ns)[1]
    assert rejected.findtext("p:TxSts", namespaces=ns) == "RJCT"
    assert rejected.findtext("p:StsRsnInf/p:Rsn/p:Cd", namespaces=ns) == "AC01"
    assert root.findtext(".//p:OrgnlMsgNmId", namespaces=ns) == "pain.001.001.09"


def test_a_rejected_document_sets_the_group_status(catalogue: XsdCatalogue) -> None:
    whole = verdict(None, "RJCT", block=None, reasons=(Issue(code="AM18", rule="iso.nb_of_txs", path="GrpHdr/NbOfTxs",
                                                             message="NbOfTxs is 3 but the message holds 2"),))
    data = pain002.render([whole], msg_id="RPT-2", created_at=NOW, version="pain.002.001.03")
    assert xml.validate_bytes(data, catalogue.schema_for("urn:iso:std:iso:20022:tech:xsd:pain.002.001.03")) == []
    root = etree.fromstring(data)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"}
    assert root.findtext(".//p:GrpSts", namespaces=ns) == "RJCT"
    assert root.find(".//p:OrgnlPmtInfAndSts", ns) is None


def test_each_pain001_version_is_answered_in_its_release_when_available() -> None:
    assert pain002.answer_version("pain.001.001.03") == "pain.002.001.03"
    assert pain002.answer_version("pain.001.001.09", CACHED) == "pain.002.001.12"
    assert pain002.answer_version("pain.001.001.11", CACHED) == "pain.002.001.12"

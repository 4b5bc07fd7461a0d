"""pacs.002 status reports the gateway sends back, valid against the official XSD (DOMAIN §2.6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from schemas.canonical import Agent, Amount, Source, StatusReport
from schemas.issues import Issue, Severity
from schemas.xsd import XsdCatalogue
from tests.conftest import skip_or_fail
from translators.iso20022 import pacs002, xml

ROOT = Path(__file__).resolve().parents[2]
SHARED_XSD = ROOT / ".." / "shared" / "xsd"
NS = "urn:iso:std:iso:20022:tech:xsd:pacs.002.001.11"
SOURCE = Source(
    channel="filedrop",
    sender="COBA",
    format="pacs.008.001.08",
    received_at=datetime(2026, 11, 24, 9, 15, tzinfo=UTC),
    file_name="payments.xml",
)
NOW = datetime(2026, 11, 24, 9, 16, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    if not (SHARED_XSD / "pacs.002.001.11.xsd").is_file():
        skip_or_fail(f"the official XSDs of ../shared/xsd are not beside this checkout ({SHARED_XSD})")
    return XsdCatalogue([SHARED_XSD], use_cache=False)


def assert_valid(data: bytes, catalogue: XsdCatalogue) -> None:
    assert xml.validate_bytes(data, catalogue.schema_for(NS)) == []


def settled(**changes: object) -> StatusReport:
    report = StatusReport(
        report_id="r-1",
        document_id="doc-1",
        payment_id="p-1",
        index=0,
        source=SOURCE,
        stage="settle",
        status="ACSC",
        created_at=NOW,
        original_msg_id="COBA-20261124-000187",
        original_message_type="pacs.008.001.08",
        original_creation_date_time=datetime(2026, 11, 24, 8, 14, 32, tzinfo=UTC),
        original_instr_id="COBA-I-000187-01",
        original_end_to_end_id="MM-INV-2026-11873",
        original_tx_id="COBA-T-000187-01",
        original_uetr="abe43892-6d7f-4966-b7ed-d16f11871713",
        original_amount=Amount(value=Decimal("12480.5"), currency="EUR"),
        original_settlement_date=date(2026, 11, 25),
        effective_settlement_date=date(2026, 11, 25),
        instructing_agent=Agent(bic="QNXGDEFFXXX"),
        instructed_agent=Agent(bic="COBADEFFXXX"),
    )
    return report.model_copy(update=changes)


def document_rejected(**changes: object) -> StatusReport:
    report = StatusReport(
        report_id="r-doc",
        document_id="doc-2",
        source=SOURCE,
        stage="intake",
        status="RJCT",
        created_at=NOW,
        original_msg_id="COBA-20261124-000245",
        original_message_type="pacs.008.001.08",
        original_number_of_transactions=2,
        reasons=(
            Issue(
                code="FF01",
                rule="iso.xsd",
                path="CdtTrfTxInf[1]/Dbtr",
                message="Dbtr: the element is not expected here; expected one of: SttlmPrty, SttlmTmIndctn, "
                "SttlmTmReq, AccptncDtTm, PoolgAdjstmntDt, InstdAmt, XchgRate, ChrgBr. (line 32)",
            ),
            Issue(code="FF01", rule="iso.no_schema", path="", message="info only", severity=Severity.INFO),
        ),
    )
    return report.model_copy(update=changes)


def test_a_settled_transaction_is_reported_acsc_with_every_original_id(catalogue: XsdCatalogue) -> None:
    data = pacs002.render([settled()], msg_id="r-1", created_at=NOW)
    assert_valid(data, catalogue)
    reading = pacs002.read(data, catalogue)
    assert reading.issues == () and reading.msg_id == "r-1" and reading.creation_date_time == NOW
    [group] = reading.groups
    assert (group.original_msg_id, group.original_message_type, group.status) == (
        "COBA-20261124-000187",
        "pacs.008.001.08",
        None,
    )
    [transaction] = reading.transactions
    assert (
        transaction.status,
        transaction.original_instr_id,
        transaction.original_end_to_end_id,
        transaction.original_tx_id,
        transaction.original_uetr,
        transaction.original_msg_id,
    ) == (
        "ACSC",
        "COBA-I-000187-01",
        "MM-INV-2026-11873",
        "COBA-T-000187-01",
        "abe43892-6d7f-4966-b7ed-d16f11871713",
        "COBA-20261124-000187",
    )
    assert transaction.acceptance_date_time == NOW
    assert transaction.effective_settlement_date == date(2026, 11, 25)
    assert transaction.original_amount == Amount(value=Decimal("12480.50"), currency="EUR")
    assert transaction.original_settlement_date == date(2026, 11, 25)


def test_the_header_carries_a_utc_offset_and_the_agents(catalogue: XsdCatalogue) -> None:
    text = pacs002.render([settled()], msg_id="r-1", created_at=NOW).decode()
    assert "<CreDtTm>2026-11-24T09:16:03+00:00</CreDtTm>" in text
    assert "<InstgAgt>" in text and "QNXGDEFFXXX" in text and '<IntrBkSttlmAmt Ccy="EUR">12480.50<' in text


def test_a_rejected_transaction_carries_each_error_code_with_its_text(catalogue: XsdCatalogue) -> None:
    reasons = (
        Issue(
            code="AC01",
            rule="iban.invalid",
            path="CdtTrfTxInf[2]/CdtrAcct/Id/IBAN",
            message="the CdtrAcct IBAN is not valid (ISO 13616): Invalid checksum digits",
        ),
        Issue(
            code="AM04",
            rule="settle.insufficient_funds",
            path="",
            message="the debtor account cannot cover the amount",
        ),
        Issue(
            code="DU04",
            rule="iso.duplicate_end_to_end_id",
            path="",
            message="warning",
            severity=Severity.WARNING,
        ),
    )
    data = pacs002.render(
        [settled(status="RJCT", reasons=reasons, effective_settlement_date=None)],
        msg_id="r-2",
        created_at=NOW,
    )
    assert_valid(data, catalogue)
    [transaction] = pacs002.read(data).transactions
    assert transaction.status == "RJCT" and transaction.reason_codes == ("AC01", "AM04")
    assert transaction.reasons[0].additional_info == (
        "CdtTrfTxInf[2]/CdtrAcct/Id/IBAN: the CdtrAcct IBAN is not valid (ISO 13616): "
        "Invalid checksum digits",
    )
    assert transaction.acceptance_date_time is None


def test_a_long_reason_is_cut_into_max105text_lines(catalogue: XsdCatalogue) -> None:
    long = Issue(code="FF01", rule="iso.xsd", path="CdtTrfTxInf[1]/Dbtr", message="word " * 120)
    data = pacs002.render([settled(status="RJCT", reasons=(long,))], msg_id="r-3", created_at=NOW)
    assert_valid(data, catalogue)
    lines = pacs002.read(data).transactions[0].reasons[0].additional_info
    assert 1 < len(lines) <= pacs002.MAX_ADDITIONAL_INFO
    assert all(len(line) <= 105 for line in lines) and lines[-1].endswith("...")


def test_a_document_level_rejection_sets_the_group_status(catalogue: XsdCatalogue) -> None:
    data = pacs002.render([document_rejected()], msg_id="r-doc", created_at=NOW)
    assert_valid(data, catalogue)
    reading = pacs002.read(data, catalogue)
    [group] = reading.groups
    assert (group.original_msg_id, group.original_number_of_transactions, group.status) == (
        "COBA-20261124-000245",
        2,
        "RJCT",
    )
    assert [r.code for r in group.reasons] == ["FF01"]  # warnings and infos are not reasons
    assert reading.transactions == ()


def test_an_unreadable_original_gets_a_clear_placeholder_message_id(catalogue: XsdCatalogue) -> None:
    data = pacs002.render(
        [
            document_rejected(
                original_msg_id=None, original_message_type=None, original_number_of_transactions=None
            )
        ],
        msg_id="r-4",
        created_at=NOW,
    )
    assert_valid(data, catalogue)
    [group] = pacs002.read(data).groups
    assert group.original_msg_id == "UNKNOWN-doc-2" and group.original_message_type == "UNKNOWN"


def test_several_verdicts_on_one_message_share_its_group(catalogue: XsdCatalogue) -> None:
    reports = [
        settled(),
        settled(
            payment_id="p-2",
            index=1,
            status="RJCT",
            original_end_to_end_id="E2",
            reasons=(Issue(code="AM04", rule="settle.insufficient_funds", message="no funds"),),
        ),
    ]
    data = pacs002.render(reports, msg_id="r-5", created_at=NOW)
    assert_valid(data, catalogue)
    reading = pacs002.read(data)
    assert len(reading.groups) == 1
    assert [(t.status, t.reason_codes) for t in reading.transactions] == [("ACSC", ()), ("RJCT", ("AM04",))]


def test_render_refuses_an_unsupported_version_and_an_empty_report() -> None:
    with pytest.raises(ValueError, match=r"pacs\.002\.001\.10"):
        pacs002.render([settled()], msg_id="r", created_at=NOW, version="pacs.002.001.10")
    with pytest.raises(ValueError, match="at least one"):
        pacs002.render([], msg_id="r", created_at=NOW)


def test_reading_something_that_is_not_a_status_report_gives_issues() -> None:
    assert [i.rule for i in pacs002.read(b"<a><b></a>").issues] == ["xml.not_well_formed"]
    assert [
        i.rule
        for i in pacs002.read(
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">'
            b"<FIToFICstmrCdtTrf/></Document>"
        ).issues
    ] == ["xml.unknown_namespace"]


def test_reading_reports_xsd_errors_when_the_schema_is_known(catalogue: XsdCatalogue) -> None:
    root = etree.fromstring(pacs002.render([settled()], msg_id="r-6", created_at=NOW))
    status = root.find(f".//{{{NS}}}TxSts")
    status.text = "TOO-LONG"
    reading = pacs002.read(etree.tostring(root), catalogue)
    assert [(i.rule, i.path) for i in reading.issues] == [("iso.xsd", "TxInfAndSts/TxSts")]
    assert reading.transactions[0].status == "TOO-LONG"

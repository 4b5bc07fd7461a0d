"""pacs.009 read and render, core and COV, against the official XSD (DOMAIN §2.2, §3.2, §8.3-19)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.canonical import Agent, Amount, Charge, Instruction, Payment, RemittanceInfo, Source, StructuredRemittance
from schemas.issues import Issue, Severity
from schemas.xsd import XsdCatalogue, default_cache_dir, namespace_for
from tests.conftest import ON_CI, skip_or_fail
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import pacs009, xml

ROOT = Path(__file__).resolve().parents[2]
SHARED_XSD = ROOT / ".." / "shared" / "xsd"
GOLDEN = ROOT / "tests" / "golden" / "iso20022" / "pacs009"
SWIFT_GOLDEN = ROOT / "tests" / "golden" / "swift"
SOURCE = Source(channel="filedrop", sender="COBA", format="pacs.009.001.09",
                received_at=datetime(2026, 11, 24, 9, 15, tzinfo=UTC))
V09 = "pacs.009.001.09"
CREATED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    cache = default_cache_dir()
    if not (cache / "manifest.json").is_file():
        skip_or_fail(f"the official XSD cache is missing ({cache}): run `make install`")
    found = XsdCatalogue([SHARED_XSD] if SHARED_XSD.is_dir() else [], cache_dir=cache)
    if found.schema_for(namespace_for(V09)) is None:
        skip_or_fail(f"the official {V09} XSD of ../shared/xsd is not beside this checkout ({SHARED_XSD})")
    return found


def read(data: bytes, catalogue: XsdCatalogue | None) -> DocumentReading:
    return pacs009.read(data, ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue))


def transactions(reading: DocumentReading) -> list[TransactionReading]:
    assert reading.accepted, reading.issues
    return list(reading.transactions())


def errors(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues if i.severity is Severity.ERROR]


def xsd_errors(data: bytes, catalogue: XsdCatalogue, version: str = V09) -> list[Issue]:
    return xml.validate_bytes(data, catalogue.schema_for(namespace_for(version)))


def transaction(n: int, *, amount: str = "100.00", currency: str = "USD", instr_id: str | None = None,
                creditor_bic: str = "BOFAUS3NXXX", uetr: str = "abe43892-6d7f-4966-b7ed-d16f11871713") -> str:
    return (f"<CdtTrfTxInf><PmtId><InstrId>{instr_id or f'I-{n}'}</InstrId><EndToEndId>E-{n}</EndToEndId>"
            f"<UETR>{uetr}</UETR></PmtId>"
            f'<IntrBkSttlmAmt Ccy="{currency}">{amount}</IntrBkSttlmAmt><IntrBkSttlmDt>2026-11-25</IntrBkSttlmDt>'
            "<Dbtr><FinInstnId><BICFI>DEUTDEFFXXX</BICFI></FinInstnId></Dbtr>"
            f"<Cdtr><FinInstnId><BICFI>{creditor_bic}</BICFI></FinInstnId></Cdtr></CdtTrfTxInf>")


def document(*txs: str, nb: str | None = None, ctrl_sum: str | None = None, version: str = V09) -> bytes:
    header = (f"<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-11-24T09:00:00+00:00</CreDtTm>"
              f"<NbOfTxs>{nb if nb is not None else len(txs)}</NbOfTxs>"
              f"{f'<CtrlSum>{ctrl_sum}</CtrlSum>' if ctrl_sum else ''}"
              "<SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}">'
            f"<FICdtTrf>{header}{''.join(txs)}</FICdtTrf></Document>").encode()


# --- golden cases: input -> canonical JSON -> rendered output, valid against the XSD ---------------

CASES = sorted(path.name for path in GOLDEN.iterdir() if (path / "input.xml").is_file())


def _check_golden(path: Path, actual: bytes) -> None:
    if UPDATE:
        if ON_CI:
            pytest.fail("UPDATE_GOLDEN is refused on CI")
        path.write_bytes(actual)
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review the output"
    assert actual.decode() == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_golden_case_reads_to_its_canonical_json_and_renders_valid_xml(catalogue: XsdCatalogue, case: str) -> None:
    folder = GOLDEN / case
    reading = read((folder / "input.xml").read_bytes(), catalogue)
    payments = [t.payment for t in transactions(reading)]
    assert all(not t.issues for t in reading.transactions())
    assert all(p is not None and p.kind == "institution" for p in payments)
    canonical = json.dumps([p.model_dump(mode="json") for p in payments if p], indent=2) + "\n"
    _check_golden(folder / "canonical.json", canonical.encode())
    first = payments[0]
    assert first is not None and reading.msg_id and reading.creation_date_time
    rendered = pacs009.render([p for p in payments if p], msg_id=reading.msg_id,
                              created_at=reading.creation_date_time, settlement_method=first.settlement_method or "",
                              clearing_system=first.clearing_system, version=reading.format)
    assert xsd_errors(rendered, catalogue, reading.format) == []
    _check_golden(folder / "rendered.xml", rendered)
    again = [t.payment for t in transactions(read(rendered, catalogue))]
    assert again == payments


def test_the_cov_golden_carries_the_underlying_customer_transfer(catalogue: XsdCatalogue) -> None:
    (payment,) = [t.payment for t in transactions(read((GOLDEN / "cov" / "input.xml").read_bytes(), catalogue))]
    assert payment is not None and payment.underlying_customer_transfer is not None
    underlying = payment.underlying_customer_transfer
    assert underlying.debtor.name == "Muster Maschinenbau GmbH"
    assert underlying.debtor_account is not None and underlying.debtor_account.id == "DE89370400440532013000"
    assert underlying.instructed_amount == Amount(value=Decimal("11500.00"), currency="EUR")
    assert underlying.creditor_agent == Agent(bic="BOFAUS3NXXX")
    assert payment.debtor.identification is not None and payment.debtor.identification.any_bic == "COBADEFFXXX"


def test_the_core_golden_maps_settlement_info_and_time_indications(catalogue: XsdCatalogue) -> None:
    (payment,) = [t.payment for t in transactions(read((GOLDEN / "core" / "input.xml").read_bytes(), catalogue))]
    assert payment is not None
    assert payment.settlement_method == "INGA"
    reimbursement = payment.instructing_reimbursement_agent
    assert reimbursement is not None and reimbursement.bic == "DEUTUS33XXX"
    assert reimbursement.account is not None and reimbursement.account.id == "04012345"
    assert [(t.code, t.at.isoformat()) for t in payment.time_indications] == [
        ("DbtDtTm", "10:05:00+01:00"), ("CLSTm", "09:15:00+01:00")]
    assert payment.debtor.identification is not None and payment.debtor.identification.lei == "7LTWFZYICNSX8D621K86"
    assert payment.creditor_agent is not None and payment.creditor_agent.member_id == "021000089"


# --- MT202 / MT202 COV canonical payments as pacs.009 -------------------------------------------------

@pytest.mark.parametrize("name", ["mt202", "mt202-cov"])
def test_the_mt202_goldens_render_as_valid_pacs009_and_read_back_the_same(catalogue: XsdCatalogue, name: str) -> None:
    payment = Payment.model_validate_json((SWIFT_GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    rendered = pacs009.render([payment], msg_id=payment.msg_id, created_at=CREATED, version=V09)
    assert xsd_errors(rendered, catalogue) == []
    assert (b"<UndrlygCstmrCdtTrf>" in rendered) == (payment.underlying_customer_transfer is not None)
    (back,) = [t.payment for t in transactions(read(rendered, catalogue))]
    assert back is not None
    unchanged = {"payment_id", "document_id", "source", "message_type", "creation_date_time", "settlement_method"}
    assert back.model_dump(exclude=unchanged) == payment.model_dump(exclude=unchanged)
    assert back.settlement_method == "INDA" and back.message_type == V09


def test_version_08_renders_the_same_paths_in_its_own_namespace() -> None:
    payment = Payment.model_validate_json((SWIFT_GOLDEN / "mt202-cov.json").read_text(encoding="utf-8"))
    v08 = pacs009.render([payment], msg_id="M", created_at=CREATED)
    v09 = pacs009.render([payment], msg_id="M", created_at=CREATED, version=V09)
    assert v08.replace(b"pacs.009.001.08", b"pacs.009.001.09") == v09


def test_version_08_is_read_with_structural_checks_when_its_xsd_is_missing() -> None:
    reading = read(document(transaction(1), version="pacs.009.001.08"), None)
    assert [i.rule for i in reading.issues] == ["iso.no_schema"] and reading.accepted
    (only,) = transactions(reading)
    assert only.payment is not None and only.payment.message_type == "pacs.009.001.08"
    broken = document(transaction(1).replace("<Cdtr><FinInstnId><BICFI>BOFAUS3NXXX</BICFI></FinInstnId></Cdtr>", ""),
                      version="pacs.009.001.08")
    assert errors(read(broken, None).issues) == [("iso.structure", "FF01", "CdtTrfTxInf[1]/Cdtr")]


# --- document- and transaction-level issues ------------------------------------------------------------

def test_a_valid_document_reads_without_issues(catalogue: XsdCatalogue) -> None:
    found = transactions(read(document(transaction(1), transaction(2, uetr="0b7e5f1c-1d2e-4f3a-8b4c-5d6e7f8a9b0c")),
                              catalogue))
    assert [t.issues for t in found] == [(), ()]


def test_nb_of_txs_and_ctrl_sum_mismatches_reject_the_document(catalogue: XsdCatalogue) -> None:
    assert errors(read(document(transaction(1), nb="2"), catalogue).issues) == [
        ("iso.nb_of_txs", "AM18", "GrpHdr/NbOfTxs")]
    assert errors(read(document(transaction(1), ctrl_sum="99.00"), catalogue).issues) == [
        ("iso.ctrl_sum", "AM10", "GrpHdr/CtrlSum")]


def test_an_xsd_error_rejects_the_document_with_FF01(catalogue: XsdCatalogue) -> None:
    reading = read(document(transaction(1).replace("<IntrBkSttlmDt>", "<Bogus/><IntrBkSttlmDt>")), catalogue)
    assert [(i.rule, i.code) for i in reading.issues] == [("iso.xsd", "FF01")]


def test_an_unsupported_version_is_reported_with_its_namespace(catalogue: XsdCatalogue) -> None:
    reading = read(document(transaction(1), version="pacs.009.001.10"), catalogue)
    assert errors(reading.issues) == [("xml.unknown_namespace", "FF01", "Document")]


def outcome(catalogue: XsdCatalogue, *txs: str) -> list[list[tuple[str, str, str]]]:
    return [errors(t.issues) for t in transactions(read(document(*txs), catalogue))]


def test_a_bic_with_an_unknown_country_rejects_the_transaction_with_RC01(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, creditor_bic="BOFAZZ3NXXX")) == [
        [("bic.invalid", "RC01", "CdtTrfTxInf[1]/Cdtr/FinInstnId/BICFI")]]


def test_currency_and_decimals_reject_the_transaction(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, currency="XYZ")) == [
        [("money.currency", "CURR", "CdtTrfTxInf[1]/IntrBkSttlmAmt/@Ccy")]]
    assert outcome(catalogue, transaction(1, currency="JPY", amount="100.5")) == [
        [("money.precision", "CH20", "CdtTrfTxInf[1]/IntrBkSttlmAmt")]]


def test_a_repeated_instr_id_or_uetr_rejects_the_later_transaction_with_AM05(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, instr_id="FX-1"),
                   transaction(2, instr_id="FX-1", uetr="0b7e5f1c-1d2e-4f3a-8b4c-5d6e7f8a9b0c")) == [
        [], [("pacs009.duplicate_id", "AM05", "CdtTrfTxInf[2]/PmtId/InstrId")]]
    assert outcome(catalogue, transaction(1), transaction(2)) == [
        [], [("pacs009.duplicate_id", "AM05", "CdtTrfTxInf[2]/PmtId/UETR")]]


# --- render ---------------------------------------------------------------------------------------------

def outbound(**changes: object) -> Payment:
    payment = Payment.model_validate_json((SWIFT_GOLDEN / "mt202.json").read_text(encoding="utf-8"))
    return payment.model_copy(update=changes)


def test_the_hop_agents_replace_each_payments_own_at_transaction_level(catalogue: XsdCatalogue) -> None:
    rendered = pacs009.render([outbound()], msg_id="M", created_at=CREATED, version=V09,
                              instructing_agent=Agent(bic="COBADEFFXXX"), instructed_agent=Agent(bic="CITIUS33XXX"))
    assert xsd_errors(rendered, catalogue) == []
    (payment,) = [t.payment for t in transactions(read(rendered, catalogue))]
    assert payment is not None
    assert (payment.instructing_agent, payment.instructed_agent) == (Agent(bic="COBADEFFXXX"),
                                                                     Agent(bic="CITIUS33XXX"))


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "customer"}, "customer credit transfer"),
    ({"charge_bearer": "SHAR"}, "charge_bearer"),
    ({"charges": (Charge(amount=Amount(value=Decimal(1), currency="USD"), agent=Agent(bic="CHASUS33XXX")),)},
     "charges"),
    ({"remittance": RemittanceInfo(structured=(StructuredRemittance(additional_info=("X",)),))}, "Ustrd only"),
    ({"intermediary_agents": (Agent(bic="CITIUS33XXX"),) * 4}, "carries 3"),
])
def test_render_refuses_what_a_pacs009_cannot_carry(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pacs009.render([outbound(**changes)], msg_id="M", created_at=CREATED, version=V09)


def test_version_08_refuses_a_creditor_agent_code_outside_its_closed_list() -> None:
    payment = outbound(instructions_for_creditor_agent=(Instruction(code="HOLD"),))
    with pytest.raises(ValueError, match="PHOB, TELB"):
        pacs009.render([payment], msg_id="M", created_at=CREATED)
    assert b"<Cd>HOLD</Cd>" in pacs009.render([payment], msg_id="M", created_at=CREATED, version=V09)


def test_payments_that_differ_in_settlement_info_cannot_share_a_message() -> None:
    with pytest.raises(ValueError, match="settlement account"):
        pacs009.render([outbound(), outbound(settlement_account=None)], msg_id="M", created_at=CREATED)


def test_an_underlying_transfer_without_its_agents_gets_the_ordering_and_beneficiary_banks(
        catalogue: XsdCatalogue) -> None:
    cover = Payment.model_validate_json((SWIFT_GOLDEN / "mt202-cov.json").read_text(encoding="utf-8"))
    assert cover.underlying_customer_transfer is not None
    bare = cover.model_copy(update={"underlying_customer_transfer": cover.underlying_customer_transfer.model_copy(
        update={"debtor_agent": None, "creditor_agent": None})})
    rendered = pacs009.render([bare], msg_id="M", created_at=CREATED, version=V09)
    assert xsd_errors(rendered, catalogue) == []
    (back,) = [t.payment for t in transactions(read(rendered, catalogue))]
    assert back is not None and back.underlying_customer_transfer is not None
    assert back.underlying_customer_transfer.debtor_agent == Agent(bic="COBADEFFXXX")
    assert back.underlying_customer_transfer.creditor_agent == Agent(bic="BOFAUS3NXXX")

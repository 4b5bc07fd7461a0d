"""pacs.008 read and render, against the official XSDs (DOMAIN §2.4, §2.11, §8.3-19, §8.24-27)."""

from __future__ import annotations

import json
import string
import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from schemas.canonical import (
    Account,
    Agent,
    Amount,
    Charge,
    CreditorReference,
    GenericIdentification,
    Instruction,
    Party,
    PartyIdentification,
    Payment,
    PostalAddress,
    ReferredDocument,
    RemittanceInfo,
    Source,
    StructuredRemittance,
    payment_id_for,
)
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from schemas.xsd import XsdCatalogue, default_cache_dir
from tests.conftest import skip_or_fail
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import pacs008, xml

ROOT = Path(__file__).resolve().parents[2]
SHARED_XSD = ROOT / ".." / "shared" / "xsd"
SAMPLES = ROOT / "config" / "samples"
ISO = ROOT / "tests" / "fixtures" / "iso20022"
SOURCE = Source(
    channel="filedrop",
    sender="COBA",
    format="pacs.008.001.08",
    received_at=datetime(2026, 11, 24, 9, 15, tzinfo=UTC),
)
NS = "urn:iso:std:iso:20022:tech:xsd:"


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    cache = default_cache_dir()
    if not (cache / "manifest.json").is_file():
        skip_or_fail(f"the official XSD cache is missing ({cache}): run `make install`")
    return XsdCatalogue([SHARED_XSD] if SHARED_XSD.is_dir() else [], cache_dir=cache)


def read(data: bytes, catalogue: XsdCatalogue | None, profile: Profile | None = None) -> DocumentReading:
    context = ReadContext(
        document_id="doc-1", source=SOURCE, catalogue=catalogue, **({"profile": profile} if profile else {})
    )
    return pacs008.read(data, context)


def errors(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues if i.severity is Severity.ERROR]


def transactions(reading: DocumentReading) -> list[TransactionReading]:
    assert reading.accepted, reading.issues
    return list(reading.transactions())


# --- documents built for one rule at a time ---------------------------------------------------


def transaction(
    n: int,
    *,
    amount: str = "100.00",
    currency: str = "EUR",
    instr_id: str | None = None,
    tx_id: str | None = None,
    end_to_end_id: str | None = None,
    creditor_iban: str = "ES9121000418450200051332",
    creditor_bic: str = "CAIXESBBXXX",
    charge_bearer: str | None = "SLEV",
    settlement_date: str | None = "2026-11-25",
    uetr: str | None = "abe43892-6d7f-4966-b7ed-d16f11871713",
    payment_type: str = "",
) -> str:
    optional = {
        "InstrId": instr_id if instr_id is not None else f"I-{n}",
        "TxId": tx_id if tx_id is not None else f"T-{n}",
    }
    return (
        "<CdtTrfTxInf><PmtId>"
        f"{'<InstrId>' + optional['InstrId'] + '</InstrId>' if optional['InstrId'] else ''}"
        f"<EndToEndId>{end_to_end_id or f'E2E-{n}'}</EndToEndId>"
        f"{'<TxId>' + optional['TxId'] + '</TxId>' if optional['TxId'] else ''}"
        f"{f'<UETR>{uetr}</UETR>' if uetr else ''}</PmtId>{payment_type}"
        f'<IntrBkSttlmAmt Ccy="{currency}">{amount}</IntrBkSttlmAmt>'
        f"{f'<IntrBkSttlmDt>{settlement_date}</IntrBkSttlmDt>' if settlement_date else ''}"
        f"{f'<ChrgBr>{charge_bearer}</ChrgBr>' if charge_bearer else ''}"
        "<Dbtr><Nm>Muster Maschinenbau GmbH</Nm></Dbtr>"
        "<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>"
        "<DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>"
        f"<CdtrAgt><FinInstnId><BICFI>{creditor_bic}</BICFI></FinInstnId></CdtrAgt>"
        "<Cdtr><Nm>Talleres Mediterraneo S.L.</Nm></Cdtr>"
        f"<CdtrAcct><Id><IBAN>{creditor_iban}</IBAN></Id></CdtrAcct></CdtTrfTxInf>"
    )


def document(
    *transactions: str, nb_of_txs: str | None = None, header: str = "", version: str = "pacs.008.001.08"
) -> bytes:
    count = nb_of_txs if nb_of_txs is not None else str(len(transactions))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS}{version}"><FIToFICstmrCdtTrf>'
        f"<GrpHdr><MsgId>TEST-MSG-1</MsgId><CreDtTm>2026-11-24T09:00:00+01:00</CreDtTm>"
        f"<NbOfTxs>{count}</NbOfTxs>{header}<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>"
        + "\n".join(transactions)
        + "</FIToFICstmrCdtTrf></Document>"
    ).encode()


# --- the samples do what their README promises -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "outcomes"),
    [
        ("pacs008-single-eur.xml", [[]]),
        ("pacs008-multi-mixed.xml", [[], [], [], [], []]),
        ("pacs008-insufficient-funds.xml", [[]]),  # AM04 comes from the ledger, not from reading
        (
            "pacs008-bad-creditor-iban.xml",
            [[], [("iban.invalid", "AC01", "CdtTrfTxInf[2]/CdtrAcct/Id/IBAN")]],
        ),
    ],
)
def test_the_samples_read_as_their_readme_says(
    catalogue: XsdCatalogue, name: str, outcomes: list[list[tuple[str, str, str]]]
) -> None:
    reading = read((SAMPLES / name).read_bytes(), catalogue)
    assert reading.issues == []
    assert [errors(t.issues) for t in transactions(reading)] == outcomes


def test_the_invalid_schema_sample_is_rejected_whole_with_FF01_for_each_xsd_error(
    catalogue: XsdCatalogue,
) -> None:
    reading = read((SAMPLES / "pacs008-invalid-schema.xml").read_bytes(), catalogue)
    assert errors(reading.issues) == [
        ("iso.xsd", "FF01", "CdtTrfTxInf[1]/Dbtr"),
        ("iso.xsd", "FF01", "CdtTrfTxInf[2]/IntrBkSttlmAmt"),
    ]
    missing_charge_bearer, six_decimals = reading.issues
    assert "ChrgBr" in missing_charge_bearer.message and "(line 32)" in missing_charge_bearer.message
    assert "980.123456" in six_decimals.message
    assert list(reading.transactions()) == []
    assert (reading.msg_id, reading.number_of_transactions) == ("COBA-20261124-000245", 2)


def test_a_valid_document_maps_to_canonical_payments(catalogue: XsdCatalogue) -> None:
    reading = read((SAMPLES / "pacs008-single-eur.xml").read_bytes(), catalogue)
    assert (reading.format, reading.msg_id, reading.number_of_transactions) == (
        "pacs.008.001.08",
        "COBA-20261124-000187",
        1,
    )
    assert reading.creation_date_time == datetime(
        2026, 11, 24, 9, 14, 32, tzinfo=timezone(timedelta(hours=1))
    )
    [only] = transactions(reading)
    payment = only.payment
    assert payment is not None and only.index == 0
    assert payment.payment_id == payment_id_for("doc-1", 0)
    assert (payment.msg_id, payment.instr_id, payment.end_to_end_id, payment.tx_id, payment.uetr) == (
        "COBA-20261124-000187",
        "COBA-I-000187-01",
        "MM-INV-2026-11873",
        "COBA-T-000187-01",
        "abe43892-6d7f-4966-b7ed-d16f11871713",
    )
    assert payment.interbank_settlement_amount == Amount(value=Decimal("12480.50"), currency="EUR")
    assert payment.interbank_settlement_date == date(2026, 11, 25)
    assert (payment.settlement_method, payment.clearing_system, payment.charge_bearer) == (
        "CLRG",
        "TGT",
        "SHAR",
    )
    assert payment.category_purpose == "SUPP" and payment.instant is False
    assert payment.debtor == Party(
        name="Muster Maschinenbau GmbH",
        postal_address=PostalAddress(
            street_name="Industriestrasse",
            building_number="42",
            post_code="70565",
            town_name="Stuttgart",
            country="DE",
        ),
    )
    assert payment.debtor_account == Account(id="DE89370400440532013000")
    assert payment.debtor_agent == Agent(bic="COBADEFFXXX")
    assert payment.creditor_account == Account(id="ES9121000418450200051332")
    assert (payment.instructing_agent, payment.instructed_agent) == (
        Agent(bic="COBADEFFXXX"),
        Agent(bic="QNXGDEFFXXX"),
    )
    assert payment.remittance is not None and payment.remittance.unstructured == (
        "Invoice 2026-11873 of 2026-11-02, spindle bearings, order PO-44120",
    )
    assert payment.source == SOURCE and payment.message_type == "pacs.008.001.08"


def test_a_us_account_and_a_clearing_member_agent_are_mapped(catalogue: XsdCatalogue) -> None:
    usd = transactions(read((SAMPLES / "pacs008-multi-mixed.xml").read_bytes(), catalogue))[2].payment
    assert usd is not None
    assert usd.debtor_account == Account(id="987654321012", scheme="")
    assert usd.debtor_agent is not None
    assert (usd.debtor_agent.clearing_system, usd.debtor_agent.member_id, usd.debtor_agent.name) == (
        "USABA",
        "021000021",
        "JPMorgan Chase Bank, N.A.",
    )
    structured = transactions(read((SAMPLES / "pacs008-multi-mixed.xml").read_bytes(), catalogue))[4].payment
    assert structured is not None and structured.remittance is not None
    [block] = structured.remittance.structured
    assert block.creditor_reference is not None and block.creditor_reference.reference == "RF18539007547034"
    assert block.referred_documents[0].type_code == "CINV"
    assert block.due_payable_amount == Amount(value=Decimal("560.00"), currency="EUR")


def test_group_level_values_apply_to_each_transaction_that_lacks_them(catalogue: XsdCatalogue) -> None:
    first, second = transactions(read((ISO / "pacs008-rich-sepa-inst.xml").read_bytes(), catalogue))
    for reading in (first, second):
        payment = reading.payment
        assert payment is not None
        assert payment.interbank_settlement_date == date(2026, 11, 24)
        assert (payment.service_levels, payment.local_instrument, payment.instant) == (
            ("SEPA",),
            "INST",
            True,
        )
        assert payment.instruction_priority == "HIGH" and payment.clearing_system == "RT1"
        assert payment.instructing_agent == Agent(bic="BNPAFRPPXXX")
    assert first.payment is not None and second.payment is not None
    assert (first.payment.category_purpose, second.payment.category_purpose) == ("SUPP", None)
    rich = first.payment
    assert rich.instructed_amount == Amount(value=Decimal("1150.00"), currency="CHF")
    assert rich.exchange_rate == Decimal("1.0434782609")
    assert rich.charges[0].amount == Amount(value=Decimal("1.50"), currency="EUR")
    assert rich.intermediary_agents[0].account == Account(id="DE75512108001245126199")
    assert rich.ultimate_debtor is not None and rich.ultimate_debtor.identification is not None
    assert rich.ultimate_debtor.identification.lei == "969500KSV493XWY0PS54"
    assert (
        rich.debtor.identification is not None and rich.debtor.identification.others[0].scheme_code == "TXID"
    )
    assert rich.debtor.postal_address is not None and rich.debtor.postal_address.address_type == "BIZZ"
    assert rich.debtor_account is not None and (rich.debtor_account.type_code, rich.debtor_account.name) == (
        "CACC",
        "Compte courant",
    )
    assert rich.creditor.identification is not None and rich.creditor.identification.birth_date == date(
        1984, 3, 17
    )
    assert rich.creditor_agent is not None and rich.creditor_agent.branch_id == "FRA-01"
    assert (rich.instructions_for_creditor_agent[0].code, rich.instructions_for_next_agent[0].text) == (
        "PHOB",
        "Urgent, rent due",
    )
    assert rich.purpose == "RENT" and rich.remittance is not None and len(rich.remittance.unstructured) == 2
    assert second.payment.end_to_end_id == "NOTPROVIDED" and second.payment.instr_id is None


def test_a_document_inside_an_apphdr_wrapper_is_read(catalogue: XsdCatalogue) -> None:
    reading = read((ISO / "pacs008-apphdr-wrapped.xml").read_bytes(), catalogue)
    assert reading.msg_id == "COBA-20261124-000190"
    assert [t.payment.instructed_agent for t in transactions(reading)] == [Agent(bic="QNXGDEFFXXX")]  # type: ignore[union-attr]


# --- document-level rules --------------------------------------------------------------------


def test_nb_of_txs_mismatch_rejects_document_with_AM18(catalogue: XsdCatalogue) -> None:
    reading = read(document(transaction(1), transaction(2), nb_of_txs="3"), catalogue)
    assert errors(reading.issues) == [("iso.nb_of_txs", "AM18", "GrpHdr/NbOfTxs")]
    assert "2 transactions" in reading.issues[0].message


def test_nb_of_txs_is_compared_as_a_number() -> None:
    assert errors(read(document(transaction(1), nb_of_txs="001"), None).issues) == []


def test_ctrl_sum_mismatch_rejects_document_with_AM10(catalogue: XsdCatalogue) -> None:
    reading = read(
        document(
            transaction(1, amount="60.00"), transaction(2, amount="50.00"), header="<CtrlSum>100.00</CtrlSum>"
        ),
        catalogue,
    )
    assert errors(reading.issues) == [("iso.ctrl_sum", "AM10", "GrpHdr/CtrlSum")]


def test_ctrl_sum_is_compared_as_a_decimal(catalogue: XsdCatalogue) -> None:
    reading = read(
        document(
            transaction(1, amount="0.1"), transaction(2, amount="0.2"), header="<CtrlSum>0.30</CtrlSum>"
        ),
        catalogue,
    )
    assert errors(reading.issues) == []


def test_total_interbank_settlement_amount_mismatch_rejects_with_AM10(catalogue: XsdCatalogue) -> None:
    reading = read(
        document(
            transaction(1, amount="5.00"),
            transaction(2, amount="6.00"),
            header='<TtlIntrBkSttlmAmt Ccy="EUR">10.00</TtlIntrBkSttlmAmt>',
        ),
        catalogue,
    )
    assert errors(reading.issues) == [("iso.total_amount", "AM10", "GrpHdr/TtlIntrBkSttlmAmt")]


def test_total_in_another_currency_than_the_transactions_rejects_with_AM03(catalogue: XsdCatalogue) -> None:
    reading = read(
        document(
            transaction(1, currency="USD"), header='<TtlIntrBkSttlmAmt Ccy="EUR">100.00</TtlIntrBkSttlmAmt>'
        ),
        catalogue,
    )
    assert errors(reading.issues) == [("iso.total_currency", "AM03", "GrpHdr/TtlIntrBkSttlmAmt")]


def test_xsd_errors_are_all_collected_with_their_transaction_index(catalogue: XsdCatalogue) -> None:
    """Errors past the validation batches still name the right CdtTrfTxInf (records are pruned)."""
    batch = [transaction(n) for n in range(1, 701)]
    batch[0] = transaction(1, charge_bearer=None)
    batch[299] = transaction(300, amount="1.123456")
    batch[699] = transaction(700, creditor_bic="cobadeff")
    reading = read(document(*batch), catalogue)
    assert [(i.rule, i.path) for i in reading.issues] == [
        ("iso.xsd", "CdtTrfTxInf[1]/Dbtr"),
        ("iso.xsd", "CdtTrfTxInf[300]/IntrBkSttlmAmt"),
        ("iso.xsd", "CdtTrfTxInf[700]/CdtrAgt/FinInstnId/BICFI"),
    ]
    assert reading.number_of_transactions == 700
    assert "pattern" in reading.issues[2].message and "{" not in reading.issues[2].message.split(":")[0]


def test_xsd_errors_are_capped_at_100(catalogue: XsdCatalogue) -> None:
    reading = read(document(*(transaction(n, charge_bearer=None) for n in range(1, 301))), catalogue)
    assert len(reading.issues) == pacs008.MAX_ISSUES
    assert {i.rule for i in reading.issues} == {"iso.xsd"}


def test_an_element_outside_the_transactions_is_reported_at_its_path(catalogue: XsdCatalogue) -> None:
    reading = read(document(transaction(1), header="<Unknown>x</Unknown>"), catalogue)
    assert errors(reading.issues) == [("iso.xsd", "FF01", "GrpHdr/Unknown")]


def test_without_an_official_xsd_the_reader_says_so_and_checks_structure() -> None:
    reading = read(document(transaction(1), transaction(2, charge_bearer=None)), None)
    assert (reading.issues[0].rule, reading.issues[0].severity) == ("iso.no_schema", Severity.INFO)
    assert errors(reading.issues) == [("iso.structure", "FF01", "CdtTrfTxInf[2]/ChrgBr")]
    good = read(document(transaction(1)), None)
    assert good.accepted and len(transactions(good)) == 1


def test_an_unsupported_pacs008_version_is_reported_with_its_namespace(catalogue: XsdCatalogue) -> None:
    reading = read(document(transaction(1), version="pacs.008.001.02"), catalogue)
    assert errors(reading.issues) == [("xml.unknown_namespace", "FF01", "Document")]
    assert "pacs.008.001.02" in reading.issues[0].message


@pytest.mark.parametrize("version", ["pacs.008.001.09", "pacs.008.001.10"])
def test_versions_09_and_10_are_validated_against_their_own_xsd(
    catalogue: XsdCatalogue, version: str
) -> None:
    reading = read(document(transaction(1), version=version), catalogue)
    assert reading.format == version and reading.issues == []
    invalid = read(document(transaction(1, charge_bearer=None), version=version), catalogue)
    assert errors(invalid.issues) == [("iso.xsd", "FF01", "CdtTrfTxInf[1]/Dbtr")]


# --- profile rules ----------------------------------------------------------------------------


def test_a_message_type_the_profile_does_not_accept_is_rejected_with_FF01(catalogue: XsdCatalogue) -> None:
    profile = Profile(id="v09-only", message_types=frozenset({"pacs.008.001.09"}))
    assert errors(read(document(transaction(1)), catalogue, profile).issues) == [
        ("profile.message_type", "FF01", "Document")
    ]


def test_more_transactions_than_the_profile_allows_is_rejected_with_CH17(catalogue: XsdCatalogue) -> None:
    profile = Profile(id="cbpr", max_transactions_per_message=1)
    assert errors(read(document(transaction(1), transaction(2)), catalogue, profile).issues) == [
        ("profile.max_transactions", "CH17", "CdtTrfTxInf[2]")
    ]


def test_profile_requirements_reject_the_transaction_that_misses_them(catalogue: XsdCatalogue) -> None:
    profile = Profile(id="strict", require_uetr=True, require_tx_id=True, currencies=frozenset({"EUR"}))
    reading = read(
        document(transaction(1), transaction(2, uetr=None, tx_id=""), transaction(3, currency="USD")),
        catalogue,
        profile,
    )
    assert [errors(t.issues) for t in transactions(reading)] == [
        [],
        [
            ("profile.uetr_required", "CH21", "CdtTrfTxInf[2]/PmtId/UETR"),
            ("profile.tx_id_required", "CH21", "CdtTrfTxInf[2]/PmtId/TxId"),
        ],
        [("profile.currency", "CURR", "CdtTrfTxInf[3]/IntrBkSttlmAmt/@Ccy")],
    ]


def test_a_rule_the_profile_turns_off_is_not_reported(catalogue: XsdCatalogue) -> None:
    profile = Profile(id="lenient", rules_off=frozenset({"iban.invalid"}))
    reading = read((SAMPLES / "pacs008-bad-creditor-iban.xml").read_bytes(), catalogue, profile)
    assert [t.rejected for t in transactions(reading)] == [False, False]


# --- transaction-level rules -------------------------------------------------------------------


def outcome(catalogue: XsdCatalogue, *txs: str) -> list[list[tuple[str, str, str]]]:
    return [errors(t.issues) for t in transactions(read(document(*txs), catalogue))]


def test_a_currency_that_is_not_iso_4217_rejects_the_transaction_with_CURR(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1), transaction(2, currency="XYZ")) == [
        [],
        [("money.currency", "CURR", "CdtTrfTxInf[2]/IntrBkSttlmAmt/@Ccy")],
    ]


@pytest.mark.parametrize(("amount", "currency"), [("10.123", "EUR"), ("100.5", "JPY"), ("1.2345", "BHD")])
def test_more_decimals_than_the_currency_allows_rejects_with_CH20(
    catalogue: XsdCatalogue, amount: str, currency: str
) -> None:
    assert outcome(catalogue, transaction(1, amount=amount, currency=currency)) == [
        [("money.precision", "CH20", "CdtTrfTxInf[1]/IntrBkSttlmAmt")]
    ]


def test_trailing_zeros_are_not_extra_decimals(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, amount="1000.000", currency="JPY")) == [[]]


def test_a_zero_amount_rejects_the_transaction_with_AM01(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, amount="0.00")) == [
        [("money.zero", "AM01", "CdtTrfTxInf[1]/IntrBkSttlmAmt")]
    ]


def test_an_invalid_creditor_iban_rejects_only_that_transaction_with_AC01(catalogue: XsdCatalogue) -> None:
    result = outcome(
        catalogue,
        transaction(1),
        transaction(2, creditor_iban="DE89370400440532013001"),
        transaction(3, creditor_iban="DE8937040044053201300"),
        transaction(4),
    )
    assert result == [
        [],
        [("iban.invalid", "AC01", "CdtTrfTxInf[2]/CdtrAcct/Id/IBAN")],
        [("iban.invalid", "AC01", "CdtTrfTxInf[3]/CdtrAcct/Id/IBAN")],
        [],
    ]


def test_a_bic_with_an_unknown_country_rejects_the_transaction_with_RC01(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, creditor_bic="DEUTZZFF")) == [
        [("bic.invalid", "RC01", "CdtTrfTxInf[1]/CdtrAgt/FinInstnId/BICFI")]
    ]
    assert outcome(catalogue, transaction(1, creditor_bic="XKBKXKPR")) == [[]]  # Kosovo (DOMAIN §4.4)


def test_a_duplicate_instr_id_rejects_the_later_transaction_with_DU05(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, instr_id="A1"), transaction(2, instr_id="A1")) == [
        [],
        [("iso.duplicate_instr_id", "DU05", "CdtTrfTxInf[2]/PmtId/InstrId")],
    ]


def test_a_duplicate_tx_id_rejects_the_later_transaction_with_RF01(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, transaction(1, tx_id="T1"), transaction(2), transaction(3, tx_id="T1")) == [
        [],
        [],
        [("iso.duplicate_tx_id", "RF01", "CdtTrfTxInf[3]/PmtId/TxId")],
    ]


def test_a_duplicate_end_to_end_id_is_only_a_DU04_warning(catalogue: XsdCatalogue) -> None:
    _, second = transactions(
        read(document(transaction(1, end_to_end_id="E1"), transaction(2, end_to_end_id="E1")), catalogue)
    )
    assert not second.rejected
    assert [(i.rule, i.code, i.severity) for i in second.issues] == [
        ("iso.duplicate_end_to_end_id", "DU04", Severity.WARNING)
    ]
    assert "CdtTrfTxInf[1]" in second.issues[0].message


def test_notprovided_end_to_end_ids_never_count_as_duplicates(catalogue: XsdCatalogue) -> None:
    readings = transactions(
        read(document(*(transaction(n, end_to_end_id="NOTPROVIDED") for n in (1, 2))), catalogue)
    )
    assert [t.issues for t in readings] == [(), ()]


def test_no_settlement_date_at_either_level_rejects_the_transaction_with_DT01(
    catalogue: XsdCatalogue,
) -> None:
    assert outcome(catalogue, transaction(1), transaction(2, settlement_date=None)) == [
        [],
        [("iso.settlement_date", "DT01", "CdtTrfTxInf[2]/IntrBkSttlmDt")],
    ]
    grouped = read(
        document(transaction(1, settlement_date=None), header="<IntrBkSttlmDt>2026-11-26</IntrBkSttlmDt>"),
        catalogue,
    )
    assert [t.payment.interbank_settlement_date for t in transactions(grouped)] == [date(2026, 11, 26)]  # type: ignore[union-attr]


def test_a_rejected_transaction_still_carries_its_payment_for_the_status_report(
    catalogue: XsdCatalogue,
) -> None:
    [rejected] = transactions(read(document(transaction(1, amount="0")), catalogue))
    assert rejected.rejected and rejected.payment is not None and rejected.payment.end_to_end_id == "E2E-1"


def test_transactions_can_be_streamed_twice_and_from_other_threads(catalogue: XsdCatalogue) -> None:
    import threading

    reading = read(document(*(transaction(n) for n in range(1, 6))), catalogue)
    iterator = reading.transactions()
    first = next(iterator)
    rest: list[TransactionReading] = []
    worker = threading.Thread(target=lambda: rest.extend(iterator))
    worker.start()
    worker.join()
    assert [t.index for t in [first, *rest]] == [0, 1, 2, 3, 4]
    assert [t.index for t in reading.transactions()] == [0, 1, 2, 3, 4]


# --- render -------------------------------------------------------------------------------

CREATED = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)


def outbound(**changes: object) -> Payment:
    base = Payment(
        payment_id="p-1",
        document_id="doc-1",
        index=0,
        source=SOURCE,
        message_type="pacs.008.001.08",
        msg_id="OUT-1",
        end_to_end_id="E2E-1",
        tx_id="T-1",
        uetr="abe43892-6d7f-4966-b7ed-d16f11871713",
        interbank_settlement_amount=Amount(value=Decimal("10.5"), currency="EUR"),
        interbank_settlement_date=date(2026, 11, 25),
        charge_bearer="SHAR",
        debtor=Party(name="Muster Maschinenbau GmbH"),
        debtor_account=Account(id="DE89370400440532013000"),
        debtor_agent=Agent(bic="COBADEFFXXX"),
        creditor_agent=Agent(bic="CAIXESBBXXX"),
        creditor=Party(name="Talleres Mediterraneo S.L."),
        creditor_account=Account(id="ES9121000418450200051332"),
    )
    return base.model_copy(update=changes)


def render(*payments: Payment, version: str = "pacs.008.001.08") -> bytes:
    return pacs008.render(
        list(payments),
        msg_id="QNXG-OUT-1",
        created_at=CREATED,
        clearing_system="TGT",
        instructing_agent=Agent(bic="QNXGDEFFXXX"),
        instructed_agent=Agent(bic="TRGTXEPMXXX"),
        version=version,
    )


@pytest.mark.parametrize("version", pacs008.SUPPORTED_VERSIONS)
def test_render_is_valid_against_the_official_xsd(catalogue: XsdCatalogue, version: str) -> None:
    data = render(outbound(), outbound(end_to_end_id=None, instr_id="I-2", tx_id="T-2"), version=version)
    assert xml.validate_bytes(data, catalogue.schema_for(NS + version)) == []


def test_render_writes_a_utc_offset_never_z_and_exact_currency_decimals() -> None:
    data = render(
        outbound(),
        outbound(interbank_settlement_amount=Amount(value=Decimal("1000"), currency="JPY")),
        outbound(interbank_settlement_amount=Amount(value=Decimal("1.5"), currency="KWD")),
    )
    text = data.decode()
    assert "<CreDtTm>2026-11-25T08:30:00+00:00</CreDtTm>" in text and "Z<" not in text
    assert '<IntrBkSttlmAmt Ccy="EUR">10.50</IntrBkSttlmAmt>' in text
    assert '<IntrBkSttlmAmt Ccy="JPY">1000</IntrBkSttlmAmt>' in text
    assert '<IntrBkSttlmAmt Ccy="KWD">1.500</IntrBkSttlmAmt>' in text
    assert "<EndToEndId>E2E-1</EndToEndId>" in text


def test_render_omits_empty_elements() -> None:
    root = etree.fromstring(
        render(outbound(debtor=Party(name="A", postal_address=PostalAddress(country="DE"))))
    )
    empty = [e.tag for e in root.iter() if len(e) == 0 and not (e.text or "").strip()]
    assert empty == []


def test_render_refuses_what_a_pacs008_cannot_carry() -> None:
    with pytest.raises(ValueError, match="decimals"):
        render(outbound(interbank_settlement_amount=Amount(value=Decimal("1.001"), currency="EUR")))
    with pytest.raises(ValueError, match="charge bearer"):
        render(outbound(charge_bearer=None))
    with pytest.raises(ValueError, match="offset"):
        pacs008.render([outbound()], msg_id="M", created_at=datetime(2026, 11, 25))
    with pytest.raises(ValueError, match=r"pacs\.008\.001\.02"):
        render(outbound(), version="pacs.008.001.02")


def test_read_gives_back_what_render_wrote(catalogue: XsdCatalogue) -> None:
    payment = outbound(
        instructing_agent=Agent(bic="QNXGDEFFXXX"),
        instructed_agent=Agent(bic="TRGTXEPMXXX"),
        msg_id="QNXG-OUT-1",
        creation_date_time=CREATED,
        settlement_method="CLRG",
        clearing_system="TGT",
        payment_id=payment_id_for("doc-1", 0),
    )
    [back] = transactions(read(render(payment), catalogue))
    assert back.issues == () and back.payment == payment


def test_the_group_agents_of_this_hop_replace_the_payments_own(catalogue: XsdCatalogue) -> None:
    arrived = outbound(instructing_agent=Agent(bic="COBADEFFXXX"), instructed_agent=Agent(bic="QNXGDEFFXXX"))
    [back] = transactions(read(render(arrived), catalogue))
    assert back.payment is not None
    assert (back.payment.instructing_agent, back.payment.instructed_agent) == (
        Agent(bic="QNXGDEFFXXX"),
        Agent(bic="TRGTXEPMXXX"),
    )


def test_without_group_agents_each_payment_keeps_its_own(catalogue: XsdCatalogue) -> None:
    first = outbound(instructing_agent=Agent(bic="COBADEFFXXX"), instructed_agent=Agent(bic="QNXGDEFFXXX"))
    second = outbound(instr_id="I-2", tx_id="T-2", instructing_agent=Agent(bic="BNPAFRPPXXX"))
    data = pacs008.render([first, second], msg_id="M", created_at=CREATED)
    assert xml.validate_bytes(data, catalogue.schema_for(NS + "pacs.008.001.08")) == []
    payments = [t.payment for t in transactions(read(data, catalogue))]
    agents = [(p.instructing_agent, p.instructed_agent) for p in payments if p is not None]
    assert agents == [(Agent(bic="COBADEFFXXX"), Agent(bic="QNXGDEFFXXX")), (Agent(bic="BNPAFRPPXXX"), None)]


# --- bulk: speed and bounded memory ---------------------------------------------------------


def test_reading_a_100_transaction_document_takes_a_few_milliseconds(catalogue: XsdCatalogue) -> None:
    data = document(*(transaction(n) for n in range(1, 101)))
    read(data, catalogue)  # compile the schema once
    best = min(_timed(lambda: read(data, catalogue)) for _ in range(5))
    assert best < 0.05, f"pass 1 of 100 transactions took {best * 1000:.1f} ms"


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


BULK_SCRIPT = textwrap.dedent("""
    import json, re, resource, sys, tempfile, time
    from datetime import UTC, datetime
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from schemas.canonical import Source
    from schemas.xsd import XsdCatalogue, default_cache_dir
    from tests.unit.test_pacs008 import document, transaction
    count = int(sys.argv[2])
    with tempfile.TemporaryFile() as spool:   # build on disk, then hold the bytes exactly once
        spool.write(document(*(transaction(n, instr_id=f"I{n}", tx_id=f"T{n}") for n in range(1, count + 1))))
        spool.seek(0)
        data = spool.read()
    from translators.base import ReadContext
    from translators.iso20022 import pacs008
    catalogue = XsdCatalogue([], cache_dir=default_cache_dir())
    context = ReadContext(document_id="bulk", source=Source(channel="cli", sender="bulk", format="x",
                          received_at=datetime.now(UTC)), catalogue=catalogue)
    catalogue.schema_for("urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08")

    def status(field):
        return int(re.search(field + r":\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))

    try:
        Path("/proc/self/clear_refs").write_text("5")   # Linux: restart the peak-RSS count here
        baseline = status("VmRSS")
    except OSError:
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    reading = pacs008.read(data, context)
    validated = time.perf_counter()
    seen = rejected = 0
    for item in reading.transactions():
        seen += 1
        rejected += item.rejected
    done = time.perf_counter()
    try:
        peak = status("VmHWM")
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"bytes": len(data), "issues": len(reading.issues),
                      "declared": reading.number_of_transactions, "seen": seen, "rejected": rejected,
                      "pass1_s": validated - started,
                      "pass2_s": done - validated, "baseline_kb": baseline, "peak_kb": peak}))
""")


@pytest.mark.slow
def test_a_100000_transaction_document_is_read_in_bounded_memory(catalogue: XsdCatalogue) -> None:
    """DOMAIN §8.24 / ARCHITECTURE §1: a bulk file passes without ever holding its tree."""
    done = subprocess.run(
        [sys.executable, "-c", BULK_SCRIPT, str(ROOT), "100000"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    print(result)
    assert (result["issues"], result["declared"], result["seen"], result["rejected"]) == (
        0,
        100_000,
        100_000,
        0,
    )
    growth_mb = (result["peak_kb"] - result["baseline_kb"]) / 1024
    document_mb = result["bytes"] / 1024 / 1024
    assert growth_mb < min(100, document_mb), f"reading grew the process by {growth_mb:.0f} MB"
    assert result["pass1_s"] + result["pass2_s"] < 90


# --- round trip: read(render(p)) == p, for payments hypothesis makes up ----------------------

SAFE_TEXT = st.text(
    alphabet=string.ascii_letters + string.digits + " .,-/()+:'?", min_size=1, max_size=35
).map(lambda s: s.strip() or "X")
IDENTIFIER = st.text(alphabet=string.ascii_uppercase + string.digits + "-/", min_size=1, max_size=35)
BICS = st.sampled_from(
    ["COBADEFFXXX", "BNPAFRPPXXX", "NWBKGB2LXXX", "ABNANL2AXXX", "CAIXESBBXXX", "DEUTDEFF"]
)
IBANS = st.sampled_from(
    [
        "DE89370400440532013000",
        "FR1420041010050500013M02606",
        "GB29NWBK60161331926819",
        "ES9121000418450200051332",
        "IT60X0542811101000000123456",
        "BE68539007547034",
    ]
)
COUNTRIES = st.sampled_from(["DE", "FR", "GB", "ES", "IT", "US", "JP"])
CURRENCIES = st.sampled_from(["EUR", "USD", "GBP", "JPY", "CHF", "KWD"])
MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))]),
).map(lambda moment: moment.replace(microsecond=0))


@st.composite
def amounts(draw: st.DrawFn, currency: str | None = None) -> Amount:
    code = currency or draw(CURRENCIES)
    exponent = {"JPY": 0, "KWD": 3}.get(code, 2)
    minor = draw(st.integers(min_value=1, max_value=10**12))
    return Amount(value=Decimal(minor).scaleb(-exponent), currency=code)


ADDRESSES = st.builds(
    PostalAddress,
    address_type=st.none() | st.sampled_from(["ADDR", "BIZZ", "HOME"]),
    street_name=st.none() | SAFE_TEXT,
    building_number=st.none() | st.text("0123456789", min_size=1, max_size=5),
    post_code=st.none() | st.text("0123456789", min_size=4, max_size=6),
    town_name=SAFE_TEXT,
    country=COUNTRIES,
    address_lines=st.lists(SAFE_TEXT, max_size=2).map(tuple),
)
OTHERS = st.builds(
    GenericIdentification,
    id=IDENTIFIER,
    scheme_code=st.none() | st.sampled_from(["TXID", "CUST"]),
    issuer=st.none() | SAFE_TEXT,
)
IDENTIFICATIONS = st.one_of(
    st.builds(
        PartyIdentification,
        kind=st.just("organisation"),
        any_bic=st.none() | BICS,
        lei=st.just("969500KSV493XWY0PS54"),
        others=st.lists(OTHERS, max_size=2).map(tuple),
    ),
    st.builds(
        PartyIdentification,
        kind=st.just("private"),
        birth_date=st.dates(date(1930, 1, 1), date(2005, 1, 1)),
        birth_city=SAFE_TEXT,
        birth_country=COUNTRIES,
        birth_province=st.none() | SAFE_TEXT,
    ),
)
PARTIES = st.builds(
    Party,
    name=SAFE_TEXT,
    postal_address=st.none() | ADDRESSES,
    identification=st.none() | IDENTIFICATIONS,
    country_of_residence=st.none() | COUNTRIES,
)
ACCOUNTS = st.one_of(
    st.builds(
        Account,
        id=IBANS,
        currency=st.none() | CURRENCIES,
        name=st.none() | SAFE_TEXT,
        type_code=st.none() | st.sampled_from(["CACC", "SVGS"]),
    ),
    st.builds(Account, id=st.text("0123456789", min_size=6, max_size=17), scheme=st.just("")),
    st.builds(Account, id=IDENTIFIER.map(lambda s: s[:34]), scheme=st.just("BBAN")),  # Max34Text
    st.builds(
        Account, id=IDENTIFIER.map(lambda s: s[:34]), scheme=SAFE_TEXT, scheme_is_proprietary=st.just(True)
    ),
)


@st.composite
def agents(draw: st.DrawFn, with_account: bool = True) -> Agent:
    member = draw(
        st.none()
        | st.tuples(st.sampled_from(["USABA", "GBDSC"]), st.text("0123456789", min_size=6, max_size=9))
    )
    return Agent(
        bic=draw(BICS) if member is None or draw(st.booleans()) else None,
        clearing_system=member[0] if member else None,
        member_id=member[1] if member else None,
        name=draw(st.none() | SAFE_TEXT),
        postal_address=draw(st.none() | ADDRESSES),
        branch_id=draw(st.none() | IDENTIFIER),
        account=draw(st.none() | ACCOUNTS) if with_account else None,
    )


REMITTANCES = st.builds(
    RemittanceInfo,
    unstructured=st.lists(SAFE_TEXT, min_size=1, max_size=2).map(tuple),
    structured=st.lists(
        st.builds(
            StructuredRemittance,
            referred_documents=st.lists(
                st.builds(
                    ReferredDocument,
                    type_code=st.sampled_from(["CINV", "CREN"]),
                    number=IDENTIFIER,
                    related_date=st.none() | st.dates(),
                ),
                max_size=2,
            ).map(tuple),
            creditor_reference=st.builds(CreditorReference, type_code=st.just("SCOR"), reference=IDENTIFIER),
            additional_info=st.lists(SAFE_TEXT, max_size=2).map(tuple),
        ),
        max_size=1,
    ).map(tuple),
)


@st.composite
def outbound_payments(draw: st.DrawFn) -> Payment:
    local_instrument = draw(st.none() | st.sampled_from(["INST", "CORE", "B2B"]))
    settlement = draw(amounts())
    return Payment(
        payment_id=payment_id_for("doc-1", 0),
        document_id="doc-1",
        index=0,
        source=SOURCE,
        message_type="pacs.008.001.08",
        msg_id="QNXG-OUT-1",
        creation_date_time=CREATED,
        instr_id=draw(st.none() | IDENTIFIER),
        end_to_end_id=draw(IDENTIFIER),
        tx_id=draw(st.none() | IDENTIFIER),
        uetr=draw(st.none() | st.uuids(version=4).map(str)),
        clearing_system_reference=draw(st.none() | IDENTIFIER),
        interbank_settlement_amount=settlement,
        interbank_settlement_date=draw(st.dates(date(2020, 1, 1))),
        instructed_amount=draw(st.none() | amounts()),
        exchange_rate=draw(
            st.none() | st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("999"), places=6)
        ),
        acceptance_date_time=draw(st.none() | MOMENTS),
        settlement_method="CLRG",
        clearing_system="TGT",
        instruction_priority=draw(st.none() | st.sampled_from(["HIGH", "NORM"])),
        service_levels=tuple(draw(st.lists(st.sampled_from(["SEPA", "URGP", "SDVA", "G001"]), max_size=2))),
        local_instrument=local_instrument,
        instant=local_instrument == "INST",
        category_purpose=draw(st.none() | st.sampled_from(["SUPP", "SALA", "INTC"])),
        purpose=draw(st.none() | st.sampled_from(["GDDS", "RENT", "TRPT"])),
        charge_bearer=draw(st.sampled_from(["DEBT", "CRED", "SHAR", "SLEV"])),
        charges=tuple(
            draw(st.lists(st.builds(Charge, amount=amounts(), agent=agents(with_account=False)), max_size=2))
        ),
        instructing_agent=Agent(bic="QNXGDEFFXXX"),
        instructed_agent=Agent(bic="TRGTXEPMXXX"),
        previous_instructing_agents=tuple(draw(st.lists(agents(), max_size=3))),
        intermediary_agents=tuple(draw(st.lists(agents(), max_size=3))),
        initiating_party=draw(st.none() | PARTIES),
        ultimate_debtor=draw(st.none() | PARTIES),
        debtor=draw(PARTIES),
        debtor_account=draw(st.none() | ACCOUNTS),
        debtor_agent=draw(agents()),
        creditor_agent=draw(agents()),
        creditor=draw(PARTIES),
        creditor_account=draw(st.none() | ACCOUNTS),
        ultimate_creditor=draw(st.none() | PARTIES),
        instructions_for_creditor_agent=tuple(
            draw(
                st.lists(
                    st.builds(
                        Instruction,
                        code=st.sampled_from(["CHQB", "HOLD", "PHOB", "TELB"]),
                        text=st.none() | SAFE_TEXT,
                    ),
                    max_size=2,
                )
            )
        ),
        instructions_for_next_agent=tuple(
            draw(
                st.lists(
                    st.builds(
                        Instruction, code=st.none() | st.sampled_from(["PHOA", "TELA"]), text=SAFE_TEXT
                    ),
                    max_size=2,
                )
            )
        ),
        remittance=draw(st.none() | REMITTANCES),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(outbound_payments())
def test_read_of_render_gives_back_the_same_canonical_payment(payment: Payment) -> None:
    catalogue = XsdCatalogue([], cache_dir=default_cache_dir())
    if catalogue.schema_for(NS + "pacs.008.001.08") is None:
        skip_or_fail(f"the official XSD cache is missing ({default_cache_dir()}): run `make install`")
    data = render(payment)
    reading = read(data, catalogue)
    assert reading.issues == []
    [back] = list(reading.transactions())
    assert back.payment == payment

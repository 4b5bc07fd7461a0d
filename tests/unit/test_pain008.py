"""pain.008 read: goldens per version, group and PmtInf totals, per-collection checks (IBAN, BIC, money,
duplicates, SEPA SDD mandate, sequence type, local instrument, creditor identifier), hostile input,
streaming, and the intake view (`read_document`) (DOMAIN §2, §4; EPC SDD Core/B2B rulebooks)."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from schemas.canonical import Source
from schemas.codes import RULES
from schemas.collections import Collection
from schemas.issues import Severity
from schemas.profiles import Limits, Profile
from schemas.xsd import XsdCatalogue, default_cache_dir
from tests.conftest import skip_or_fail
from translators.base import ReadContext
from translators.iso20022 import pain008
from translators.iso20022.pain008 import CollectionReading, CollectionsReading
from translators.iso20022.pain008_collection import creditor_identifier_problem

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "iso20022" / "pain008"
SOURCE = Source(channel="filedrop", sender="MUST", format="pain.008",
                received_at=datetime(2026, 1, 20, 9, 31, tzinfo=UTC))
NS = "urn:iso:std:iso:20022:tech:xsd:"
SEPA_ID = '<Id><PrvtId><Othr><Id>{}</Id><SchmeNm><Prtry>SEPA</Prtry></SchmeNm></Othr></PrvtId></Id>'


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    cache = default_cache_dir()
    if not (cache / "manifest.json").is_file():
        skip_or_fail(f"the official XSD cache is missing ({cache}): run `make install`")
    return XsdCatalogue([], cache_dir=cache)


def context(catalogue: XsdCatalogue | None, profile: Profile | None = None) -> ReadContext:
    if profile is None:
        return ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue)
    return ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue, profile=profile)


def read(data: bytes, catalogue: XsdCatalogue | None) -> CollectionsReading:
    return pain008.read(data, context(catalogue))


def collections(reading: CollectionsReading) -> list[CollectionReading]:
    assert reading.accepted, reading.issues
    return list(reading.collections())


def rules(issues: object) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues]  # type: ignore[attr-defined]


def tx(e2e: str, amount: str = "10.00", *, instr: str | None = None, ccy: str = "EUR",
       iban: str = "FR1420041010050500013M02606", bic: str = "BNPAFRPPXXX",
       mandate: str | None = "<MndtId>M1</MndtId><DtOfSgntr>2025-01-10</DtOfSgntr>", drct_dbt_extra: str = "",
       seq: str | None = None, extra: str = "") -> str:
    instr_id = f"<InstrId>{instr}</InstrId>" if instr else ""
    payment_type = f"<PmtTpInf><SeqTp>{seq}</SeqTp></PmtTpInf>" if seq else ""
    direct_debit = (f"<DrctDbtTx>{f'<MndtRltdInf>{mandate}</MndtRltdInf>' if mandate is not None else ''}"
                    f"{drct_dbt_extra}</DrctDbtTx>") if mandate is not None or drct_dbt_extra else ""
    return (f"<DrctDbtTxInf><PmtId>{instr_id}<EndToEndId>{e2e}</EndToEndId></PmtId>{payment_type}"
            f'<InstdAmt Ccy="{ccy}">{amount}</InstdAmt>{direct_debit}'
            f"<DbtrAgt><FinInstnId><BICFI>{bic}</BICFI></FinInstnId></DbtrAgt><Dbtr><Nm>D</Nm></Dbtr>"
            f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>{extra}</DrctDbtTxInf>")


def block(txs: list[str], *, pid: str = "B1", count: str | None = None, total: str | None = None,
          seq: str | None = "RCUR", local: str = "CORE", scheme: str | None = "DE98ZZZ09999999999",
          creditor_iban: str = "DE89370400440532013000", creditor_bic: str = "COBADEFFXXX") -> str:
    nb = f"<NbOfTxs>{count}</NbOfTxs>" if count is not None else ""
    cs = f"<CtrlSum>{total}</CtrlSum>" if total is not None else ""
    sequence = f"<SeqTp>{seq}</SeqTp>" if seq else ""
    scheme_id = f"<CdtrSchmeId>{SEPA_ID.format(scheme)}</CdtrSchmeId>" if scheme else ""
    return (f"<PmtInf><PmtInfId>{pid}</PmtInfId><PmtMtd>DD</PmtMtd>{nb}{cs}"
            f"<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>{local}</Cd></LclInstrm>{sequence}</PmtTpInf>"
            "<ReqdColltnDt>2026-02-02</ReqdColltnDt><Cdtr><Nm>C</Nm></Cdtr>"
            f"<CdtrAcct><Id><IBAN>{creditor_iban}</IBAN></Id></CdtrAcct>"
            f"<CdtrAgt><FinInstnId><BICFI>{creditor_bic}</BICFI></FinInstnId></CdtrAgt>{scheme_id}"
            + "".join(txs) + "</PmtInf>")


def document(blocks: list[str], *, count: int | str, total: str | None = None,
             version: str = "pain.008.001.08") -> bytes:
    cs = f"<CtrlSum>{total}</CtrlSum>" if total is not None else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS}{version}"><CstmrDrctDbtInitn>'
            f"<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-01-20T09:30:00+01:00</CreDtTm><NbOfTxs>{count}</NbOfTxs>"
            f"{cs}<InitgPty><Nm>I</Nm></InitgPty></GrpHdr>" + "".join(blocks)
            + "</CstmrDrctDbtInitn></Document>").encode()


# --- goldens ----------------------------------------------------------------------------------

CASES = sorted(GOLDEN.glob("*.xml"))


def test_goldens_cover_02_and_08() -> None:
    assert {case.stem for case in CASES} >= {"pain.008.001.02", "pain.008.001.08"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden(case: Path, catalogue: XsdCatalogue) -> None:
    reading = read(case.read_bytes(), catalogue)
    assert reading.format == case.stem
    assert reading.issues == []
    found = collections(reading)
    assert all(not c.issues for c in found)
    got = [json.loads(c.collection.model_dump_json()) if c.collection else None for c in found]
    expected = case.with_suffix(".json")
    if os.environ.get("UPDATE_GOLDEN"):
        assert not os.environ.get("CI"), "goldens are never rewritten on CI"
        expected.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")
    assert got == json.loads(expected.read_text())
    assert all(Collection.model_validate(item) for item in got)                    # the JSON reads back


def test_supported_versions_are_the_catalogue_ones(catalogue: XsdCatalogue) -> None:
    assert {"pain.008.001.02", "pain.008.001.08"} <= set(pain008.SUPPORTED_VERSIONS)
    for version in pain008.SUPPORTED_VERSIONS:
        assert catalogue.schema_for(NS + version) is not None, version


def test_version_differences(catalogue: XsdCatalogue) -> None:
    legacy = [c.collection for c in collections(read((GOLDEN / "pain.008.001.02.xml").read_bytes(), catalogue))]
    assert legacy[0] is not None and legacy[1] is not None
    assert legacy[0].debtor_agent is not None and legacy[0].debtor_agent.bic == "BNPAFRPP"      # .02 <BIC>
    assert legacy[0].creditor_agent is not None and legacy[0].creditor_agent.bic == "COBADEFFXXX"
    assert legacy[1].debtor.identification is not None
    assert legacy[1].debtor.identification.any_bic == "BEHAATWWXXX"                            # .02 <BICOrBEI>
    assert legacy[1].mandate is not None and legacy[1].mandate.frequency == "MNTH"              # Frequency1Code
    amendment = legacy[1].mandate.amendment
    assert legacy[1].mandate.amendment_indicator and amendment is not None
    assert amendment.original_debtor_account is not None and amendment.original_debtor_account.id == "SMNDA"
    current = [c.collection for c in collections(read((GOLDEN / "pain.008.001.08.xml").read_bytes(), catalogue))]
    first, second, third = current
    assert first is not None and second is not None and third is not None
    assert first.uetr == "7a562c67-ca16-48ba-b074-65581be6f001"                                 # .08 UETR
    assert first.mandate is not None and first.mandate.frequency == "MNTH"                     # Frqcy/Tp
    assert (first.sequence_type, first.local_instrument, third.sequence_type, third.local_instrument) == (
        "FRST", "CORE", "OOFF", "B2B")
    assert first.creditor_scheme_id == "DE98ZZZ09999999999"                                    # PmtInf level
    assert third.creditor_scheme_id == "IT66ZZZA1B2C3D4E5F6G7H8"                               # DrctDbtTx level
    assert third.requested_collection_date == date(2026, 2, 24)
    assert [c.index for c in (first, second, third)] == [0, 1, 2]                               # global over PmtInf
    assert len({c.collection_id for c in (first, second, third)}) == 3


# --- group and PmtInf totals ------------------------------------------------------------------------

def test_group_count_and_sum(catalogue: XsdCatalogue) -> None:
    reading = read(document([block([tx("A"), tx("B")])], count=3, total="25.00"), catalogue)
    assert rules(reading.issues) == [("pain008.nb_of_txs", "AM18", "GrpHdr/NbOfTxs"),
                                     ("pain008.ctrl_sum", "AM10", "GrpHdr/CtrlSum")]
    assert not reading.accepted and list(reading.collections()) == []


def test_group_totals_pass(catalogue: XsdCatalogue) -> None:
    reading = read(document([block([tx("A", "0.10"), tx("B", "0.20")])], count="002", total="0.3"), catalogue)
    assert reading.issues == [] and reading.number_of_transactions == 2


def test_pmt_inf_totals_reject_only_their_block(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A"), tx("B")], pid="B1", count="3"),
                     block([tx("C"), tx("D")], pid="B2", total="25.00"),
                     block([tx("E")], pid="B3", count="1", total="10.00")], count=5, total="50.00")
    reading = read(data, catalogue)
    assert reading.issues == []
    found = collections(reading)
    assert [rules(c.issues) for c in found[:4]] == [
        [("pain008.pmt_inf_nb_of_txs", "AM18", "PmtInf[1]/NbOfTxs")]] * 2 + [
        [("pain008.pmt_inf_ctrl_sum", "AM10", "PmtInf[2]/CtrlSum")]] * 2
    assert [c.rejected for c in found] == [True, True, True, True, False]


def test_duplicate_pmt_inf_id(catalogue: XsdCatalogue) -> None:
    found = collections(read(document([block([tx("A")]), block([tx("B")])], count=2), catalogue))
    assert not found[0].issues
    assert rules(found[1].issues) == [("pain008.duplicate_pmt_inf_id", "DU02", "PmtInf[2]/PmtInfId")]


# --- per-collection checks ------------------------------------------------------------------------

def test_duplicate_ids(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", instr="I1"), tx("A", instr="I2")], pid="B1"),
                     block([tx("B", instr="I1"), tx("NOTPROVIDED"), tx("NOTPROVIDED")], pid="B2")], count=5)
    found = collections(read(data, catalogue))
    assert rules(found[1].issues) == [
        ("pain008.duplicate_end_to_end_id", "AM05", "PmtInf[1]/DrctDbtTxInf[2]/PmtId/EndToEndId")]
    assert found[1].rejected and "PmtInf[1]/DrctDbtTxInf[1]" in found[1].issues[0].message
    assert rules(found[2].issues) == [("pain008.duplicate_instr_id", "AM05", "PmtInf[2]/DrctDbtTxInf[1]/PmtId/InstrId")]
    assert not found[0].issues and not found[3].issues and not found[4].issues


def test_bad_iban_and_bic(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", iban="FR1420041010050500013M02607"), tx("B", bic="BNPAZZPPXXX")]),
                     block([tx("C")], pid="B2", creditor_iban="GB82WEST12345698765431",
                           creditor_bic="COBAZZFFXXX")], count=3)
    found = collections(read(data, catalogue))
    assert rules(found[0].issues) == [("iban.invalid", "AC01", "PmtInf[1]/DrctDbtTxInf[1]/DbtrAcct/Id/IBAN")]
    assert rules(found[1].issues) == [("bic.invalid", "RC01", "PmtInf[1]/DrctDbtTxInf[2]/DbtrAgt/FinInstnId/BICFI")]
    assert rules(found[2].issues) == [("iban.invalid", "AC01", "PmtInf[2]/CdtrAcct/Id/IBAN"),
                                      ("bic.invalid", "RC01", "PmtInf[2]/CdtrAgt/FinInstnId/BICFI")]


def test_currency_decimals_and_zero(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", "1.234"), tx("B", "100.5", ccy="JPY"), tx("C", ccy="XYZ"),
                            tx("D", "0.00")])], count=4)
    found = collections(read(data, catalogue))
    assert [rules(c.issues)[0][:2] for c in found] == [
        ("money.precision", "CH20"), ("money.precision", "CH20"), ("money.currency", "CURR"), ("money.zero", "AM01")]


def test_profile_currency(catalogue: XsdCatalogue) -> None:
    sepa = Profile(id="sepa-sdd", currencies=frozenset({"EUR"}))
    reading = pain008.read(document([block([tx("A", ccy="USD"), tx("B")])], count=2), context(catalogue, sepa))
    found = collections(reading)
    assert rules(found[0].issues) == [("profile.currency", "CURR", "PmtInf[1]/DrctDbtTxInf[1]/InstdAmt/@Ccy")]
    assert not found[1].issues


def test_mandate_checks(catalogue: XsdCatalogue) -> None:
    where = "PmtInf[1]/DrctDbtTxInf[{}]/DrctDbtTx/MndtRltdInf"
    data = document([block([
        tx("A", mandate=None),
        tx("B", mandate="<MndtId>M2</MndtId>"),
        tx("C", mandate="<MndtId>M3</MndtId><DtOfSgntr>2026-03-01</DtOfSgntr>"),
        tx("D", mandate="<MndtId>M4</MndtId><DtOfSgntr>2025-01-01</DtOfSgntr><AmdmntInd>true</AmdmntInd>"),
        tx("E", mandate="<MndtId>M5</MndtId><DtOfSgntr>2025-01-01</DtOfSgntr><AmdmntInd>true</AmdmntInd>"
                        "<AmdmntInfDtls><OrgnlMndtId>OLD-5</OrgnlMndtId></AmdmntInfDtls>"),
    ])], count=5)
    found = collections(read(data, catalogue))
    assert rules(found[0].issues) == [("sdd.mandate_id", "MD01", where.format(1) + "/MndtId"),
                                      ("sdd.mandate_signature_date", "MD02", where.format(1) + "/DtOfSgntr")]
    assert rules(found[1].issues) == [("sdd.mandate_signature_date", "MD02", where.format(2) + "/DtOfSgntr")]
    assert rules(found[2].issues) == [("sdd.mandate_date_order", "DT01", where.format(3) + "/DtOfSgntr")]
    assert rules(found[3].issues) == [("sdd.mandate_amendment", "MD02", where.format(4) + "/AmdmntInfDtls")]
    assert not found[4].issues
    mandate = found[4].collection.mandate if found[4].collection else None
    assert mandate is not None and mandate.amendment is not None and mandate.amendment.original_mandate_id == "OLD-5"


def test_sequence_type_and_local_instrument(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A"), tx("B", seq="RPRE"), tx("C", seq="FNAL")], pid="B1"),
                     block([tx("D")], pid="B2", seq=None),
                     block([tx("E")], pid="B3", local="COR1")], count=5)
    found = collections(read(data, catalogue))
    assert not found[0].issues and not found[2].issues
    assert found[2].collection is not None and found[2].collection.sequence_type == "FNAL"   # Tx overrides PmtInf
    assert rules(found[1].issues) == [("sdd.sequence_type", "FF03", "PmtInf[1]/DrctDbtTxInf[2]/PmtTpInf/SeqTp")]
    assert rules(found[3].issues) == [("sdd.sequence_type", "FF03", "PmtInf[2]/DrctDbtTxInf[1]/PmtTpInf/SeqTp")]
    assert rules(found[4].issues) == [("sdd.local_instrument", "FF05", "PmtInf[3]/DrctDbtTxInf[1]/PmtTpInf/LclInstrm")]


def test_creditor_scheme_id(catalogue: XsdCatalogue) -> None:
    at_tx = f"<CdtrSchmeId>{SEPA_ID.format('DE98ZZZ09999999999')}</CdtrSchmeId>"
    data = document([block([tx("A"), tx("B", drct_dbt_extra=at_tx)], pid="B1", scheme=None),
                     block([tx("C")], pid="B2", scheme="DE99ZZZ09999999999")], count=3)
    found = collections(read(data, catalogue))
    assert rules(found[0].issues) == [("sdd.creditor_scheme_id", "CH21", "PmtInf[1]/CdtrSchmeId")]
    assert not found[1].issues                                       # given at transaction level instead
    assert rules(found[2].issues) == [("sdd.creditor_identifier", "CH16", "PmtInf[2]/CdtrSchmeId")]
    assert "98" in found[2].issues[0].message


@pytest.mark.parametrize(("value", "valid"), [
    ("DE98ZZZ09999999999", True), ("IT66ZZZA1B2C3D4E5F6G7H8", True), ("FR72ZZZ123456", True),
    ("DE99ZZZ09999999999", False), ("DE98", False), ("9898ZZZ0999", False), ("DE98ZZZ0999-9999", False),
])
def test_creditor_identifier_check_digits(value: str, valid: bool) -> None:
    assert (creditor_identifier_problem(value) is None) is valid


def test_rules_off_in_profile(catalogue: XsdCatalogue) -> None:
    lenient = Profile(id="non-sepa", rules_off=frozenset({"sdd.creditor_scheme_id", "sdd.sequence_type"}))
    data = document([block([tx("A")], seq=None, scheme=None)], count=1)
    found = collections(pain008.read(data, context(catalogue, lenient)))
    assert not found[0].issues and not found[0].rejected


def test_every_rule_is_registered() -> None:
    for rule in ("pain008.nb_of_txs", "pain008.ctrl_sum", "pain008.pmt_inf_nb_of_txs", "pain008.pmt_inf_ctrl_sum",
                 "pain008.duplicate_pmt_inf_id", "pain008.duplicate_end_to_end_id", "pain008.duplicate_instr_id",
                 "pain008.more_issues", "sdd.mandate_id", "sdd.mandate_signature_date", "sdd.mandate_date_order",
                 "sdd.mandate_amendment", "sdd.sequence_type", "sdd.local_instrument", "sdd.creditor_scheme_id",
                 "sdd.creditor_identifier"):
        assert rule in RULES, rule


# --- XSD and structure ------------------------------------------------------------------------------

def test_xsd_errors_reject_the_document(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", extra="<Bad/>"), tx("B")])], count=2)
    reading = read(data, catalogue)
    assert [(i.rule, i.code) for i in reading.issues] == [("iso.xsd", "FF01")]
    assert reading.issues[0].path == "PmtInf[1]/DrctDbtTxInf[1]/Bad"
    assert list(reading.collections()) == []


def test_xsd_error_paths_count_blocks_and_batches(catalogue: XsdCatalogue) -> None:
    many = [tx(f"E{n}", extra="<Purp><Cd>TOOLONG</Cd></Purp>" if n == 299 else "") for n in range(300)]
    reading = read(document([block([tx("A")], pid="B1"), block(many, pid="B2")], count=301), catalogue)
    assert [(i.rule, i.path) for i in reading.issues] == [("iso.xsd", "PmtInf[2]/DrctDbtTxInf[300]/Purp/Cd")]


def test_v02_rejects_v08_shapes(catalogue: XsdCatalogue) -> None:
    reading = read(document([block([tx("A")])], count=1, version="pain.008.001.02"), catalogue)
    assert {i.rule for i in reading.issues} == {"iso.xsd"}                                    # BICFI in a .02


def test_rpre_is_schema_invalid_in_02(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A")], seq="RPRE")], count=1, version="pain.008.001.02")
    data = data.replace(b"BICFI", b"BIC")
    reading = read(data, catalogue)
    assert any(i.rule == "iso.xsd" and i.path == "PmtInf[1]/PmtTpInf/SeqTp" for i in reading.issues)


def test_without_schema_structural_checks() -> None:
    reading = read(document([block([tx("A")]).replace("<Cdtr><Nm>C</Nm></Cdtr>", "")], count=1), None)
    assert [(i.rule, i.severity) for i in reading.issues] == [
        ("iso.no_schema", Severity.INFO), ("iso.structure", Severity.ERROR)]
    assert reading.issues[1].path == "PmtInf[1]/Cdtr"


# --- the intake view ------------------------------------------------------------------------------

def test_read_document_is_other_with_collection_errors(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", iban="FR1420041010050500013M02607"), tx("B"), tx("C", mandate=None)])],
                    count=3)
    reading = pain008.read_document(data, context(catalogue))
    assert reading.kind == "other" and reading.format == "pain.008.001.08"
    assert reading.msg_id == "M1" and reading.number_of_transactions == 3
    assert [i.rule for i in reading.issues] == ["iban.invalid", "sdd.mandate_id", "sdd.mandate_signature_date"]
    assert not reading.accepted and list(reading.transactions()) == []


def test_read_document_clean_and_rejected_file(catalogue: XsdCatalogue) -> None:
    clean = pain008.read_document((GOLDEN / "pain.008.001.08.xml").read_bytes(), context(catalogue))
    assert clean.accepted and clean.issues == [] and clean.kind == "other"
    rejected = pain008.read_document(document([block([tx("A")])], count=2), context(catalogue))
    assert [i.rule for i in rejected.issues] == ["pain008.nb_of_txs"]
    block_error = pain008.read_document(document([block([tx("A"), tx("B")], count="3")], count=2), context(catalogue))
    assert rules(block_error.issues) == [("pain008.pmt_inf_nb_of_txs", "AM18", "PmtInf[1]/NbOfTxs")]   # listed once


def test_read_document_caps_the_issue_list(catalogue: XsdCatalogue) -> None:
    data = document([block([tx(f"E{n}", mandate=None, extra="") for n in range(600)])], count=600)
    reading = pain008.read_document(data, context(catalogue))
    assert len(reading.issues) == pain008.MAX_DOCUMENT_ISSUES + 1
    assert reading.issues[-1].rule == "pain008.more_issues" and "200 more" in reading.issues[-1].message


# --- hostile input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "rule"), [
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Document/>',
     "xml.forbidden_construct"),
    (b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://attacker.example/x.dtd"><Document/>',
     "xml.forbidden_construct"),
    (document([block([tx("A")])], count=1)[:-40], "xml.not_well_formed"),
    (b"\x00\xff garbage", "xml.not_well_formed"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.99"/>', "xml.unknown_namespace"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>', "xml.unknown_namespace"),
])
def test_hostile_input(data: bytes, rule: str, catalogue: XsdCatalogue) -> None:
    started = time.monotonic()
    reading = read(data, catalogue)
    assert rule in {i.rule for i in reading.issues}
    assert not reading.accepted and list(reading.collections()) == []
    assert not pain008.read_document(data, context(catalogue)).accepted
    assert time.monotonic() - started < 2


def test_deep_nesting_is_a_limit() -> None:
    deep = "<Ustrd>" * 100 + "</Ustrd>" * 100
    reading = read(document([block([tx("A", extra=f"<RmtInf>{deep}</RmtInf>")])], count=1), None)
    assert "xml.limit" in {i.rule for i in reading.issues}


def test_too_many_collections_is_a_limit(catalogue: XsdCatalogue) -> None:
    small = Profile(id="small", limits=Limits(max_transactions=5))
    reading = pain008.read(document([block([tx(f"E{n}") for n in range(8)])], count=8), context(catalogue, small))
    assert [i.rule for i in reading.issues] == ["xml.limit"]


# --- streaming ---------------------------------------------------------------------------------------

def test_thousand_collections_stream(catalogue: XsdCatalogue) -> None:
    blocks = [block([tx(f"E{b}-{n}", "1.50", mandate=f"<MndtId>M{b}-{n}</MndtId><DtOfSgntr>2025-01-10</DtOfSgntr>")
                     for n in range(250)], pid=f"B{b}", count="250", total="375.00") for b in range(4)]
    reading = read(document(blocks, count=1000, total="1500.00"), catalogue)
    assert reading.issues == [] and reading.number_of_transactions == 1000
    found = list(reading.collections())
    assert len(found) == 1000 and not any(c.rejected for c in found)
    last = found[-1].collection
    assert last is not None and last.payment_information_id == "B3" and last.index == 999
    assert last.mandate is not None and last.mandate.mandate_id == "M3-249"

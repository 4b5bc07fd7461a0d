"""pain.001 read: goldens per version, group and PmtInf totals, ids, identifiers, hostile input, streaming
(DOMAIN §2.5, §4.4, §8.14-15, §8.22-24)."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.canonical import Source
from schemas.issues import Severity
from schemas.xsd import XsdCatalogue, default_cache_dir
from tests.conftest import skip_or_fail
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import pain001

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "iso20022" / "pain001"
SOURCE = Source(channel="filedrop", sender="MUST", format="pain.001",
                received_at=datetime(2026, 1, 20, 9, 31, tzinfo=UTC))
NS = "urn:iso:std:iso:20022:tech:xsd:"


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    cache = default_cache_dir()
    if not (cache / "manifest.json").is_file():
        skip_or_fail(f"the official XSD cache is missing ({cache}): run `make install`")
    return XsdCatalogue([], cache_dir=cache)


def read(data: bytes, catalogue: XsdCatalogue | None) -> DocumentReading:
    return pain001.read(data, ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue))


def transactions(reading: DocumentReading) -> list[TransactionReading]:
    assert reading.accepted, reading.issues
    return list(reading.transactions())


def rules(issues: object) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues]  # type: ignore[attr-defined]


def tx(e2e: str, amount: str = "10.00", *, instr: str | None = None, extra: str = "", ccy: str = "EUR",
       iban: str = "FR1420041010050500013M02606", bic: str = "BNPAFRPPXXX", amt: str | None = None) -> str:
    instr_id = f"<InstrId>{instr}</InstrId>" if instr else ""
    amount_xml = amt or f'<InstdAmt Ccy="{ccy}">{amount}</InstdAmt>'
    return (f"<CdtTrfTxInf><PmtId>{instr_id}<EndToEndId>{e2e}</EndToEndId></PmtId><Amt>{amount_xml}</Amt>"
            f"<CdtrAgt><FinInstnId><BICFI>{bic}</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>C</Nm></Cdtr>"
            f"<CdtrAcct><Id><IBAN>{iban}</IBAN></Id></CdtrAcct>{extra}</CdtTrfTxInf>")


def block(txs: list[str], *, pid: str = "B1", count: str | None = None, total: str | None = None,
          debtor_iban: str = "DE89370400440532013000") -> str:
    nb = f"<NbOfTxs>{count}</NbOfTxs>" if count is not None else ""
    cs = f"<CtrlSum>{total}</CtrlSum>" if total is not None else ""
    return (f"<PmtInf><PmtInfId>{pid}</PmtInfId><PmtMtd>TRF</PmtMtd>{nb}{cs}"
            "<ReqdExctnDt><Dt>2026-01-21</Dt></ReqdExctnDt><Dbtr><Nm>D</Nm></Dbtr>"
            f"<DbtrAcct><Id><IBAN>{debtor_iban}</IBAN></Id></DbtrAcct>"
            "<DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>" + "".join(txs) + "</PmtInf>")


def document(blocks: list[str], *, count: int | str, total: str | None = None,
             version: str = "pain.001.001.09") -> bytes:
    cs = f"<CtrlSum>{total}</CtrlSum>" if total is not None else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS}{version}"><CstmrCdtTrfInitn>'
            f"<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-01-20T09:30:00+01:00</CreDtTm><NbOfTxs>{count}</NbOfTxs>"
            f"{cs}<InitgPty><Nm>I</Nm></InitgPty></GrpHdr>" + "".join(blocks)
            + "</CstmrCdtTrfInitn></Document>").encode()


# --- goldens ----------------------------------------------------------------------------------

CASES = sorted(GOLDEN.glob("*.xml"))


def test_goldens_cover_03_and_09() -> None:
    assert {case.stem for case in CASES} >= {"pain.001.001.03", "pain.001.001.09"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden(case: Path, catalogue: XsdCatalogue) -> None:
    reading = read(case.read_bytes(), catalogue)
    assert reading.format == case.stem
    assert reading.issues == []
    got = [json.loads(t.payment.model_dump_json()) if t.payment else None for t in transactions(reading)]
    assert all(not t.issues for t in reading.transactions())
    expected = case.with_suffix(".json")
    if os.environ.get("UPDATE_GOLDEN"):
        assert not os.environ.get("CI"), "goldens are never rewritten on CI"
        expected.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")
    assert got == json.loads(expected.read_text())


def test_supported_versions_are_the_catalogue_ones(catalogue: XsdCatalogue) -> None:
    assert {"pain.001.001.03", "pain.001.001.09"} <= set(pain001.SUPPORTED_VERSIONS)
    for version in pain001.SUPPORTED_VERSIONS:
        assert catalogue.schema_for(NS + version) is not None, version


def test_version_differences(catalogue: XsdCatalogue) -> None:
    legacy = transactions(read((GOLDEN / "pain.001.001.03.xml").read_bytes(), catalogue))
    assert legacy[0].payment is not None and legacy[0].payment.debtor_agent is not None
    assert legacy[0].payment.debtor_agent.bic == "BKAUATWW"                        # v03 <BIC>
    identification = legacy[0].payment.debtor.identification
    assert identification is not None and identification.any_bic == "BEHAATWWXXX"  # v03 <BICOrBEI>
    current = transactions(read((GOLDEN / "pain.001.001.09.xml").read_bytes(), catalogue))
    third = current[2].payment
    assert third is not None and third.interbank_settlement_date.isoformat() == "2026-01-22"  # DtTm
    assert current[0].payment is not None and current[0].payment.uetr is not None
    assert [t.payment.payment_information_id for t in current if t.payment] == [
        "BATCH-SAL-01", "BATCH-SAL-01", "BATCH-SUP-02"]
    assert [t.index for t in current] == [0, 1, 2]                                  # global over PmtInf


# --- group and PmtInf totals ------------------------------------------------------------------------

def test_group_count_and_sum(catalogue: XsdCatalogue) -> None:
    reading = read(document([block([tx("A"), tx("B")])], count=3, total="25.00"), catalogue)
    assert rules(reading.issues) == [("pain.nb_of_txs", "AM18", "GrpHdr/NbOfTxs"),
                                     ("pain.ctrl_sum", "AM10", "GrpHdr/CtrlSum")]
    assert not reading.accepted


def test_group_totals_are_decimal_and_numeric_text(catalogue: XsdCatalogue) -> None:
    reading = read(document([block([tx("A", "0.10"), tx("B", "0.20")])], count="002", total="0.3"), catalogue)
    assert reading.issues == []


def test_pmt_inf_totals_reject_only_their_block(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A"), tx("B")], pid="B1", count="3"),
                     block([tx("C"), tx("D")], pid="B2", total="25.00"),
                     block([tx("E")], pid="B3", count="1", total="10.00")], count=5, total="50.00")
    reading = read(data, catalogue)
    assert reading.issues == []
    found = transactions(reading)
    assert [rules(t.issues) for t in found[:4]] == [
        [("pain.pmt_inf_nb_of_txs", "AM18", "PmtInf[1]/NbOfTxs")]] * 2 + [
        [("pain.pmt_inf_ctrl_sum", "AM10", "PmtInf[2]/CtrlSum")]] * 2
    assert [t.rejected for t in found] == [True, True, True, True, False]


def test_duplicate_pmt_inf_id(catalogue: XsdCatalogue) -> None:
    found = transactions(read(document([block([tx("A")]), block([tx("B")])], count=2), catalogue))
    assert not found[0].issues
    assert rules(found[1].issues) == [("pain.duplicate_pmt_inf_id", "DU02", "PmtInf[2]/PmtInfId")]


# --- transactions -----------------------------------------------------------------------------------

def test_duplicate_ids(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", instr="I1"), tx("A", instr="I2")], pid="B1"),
                     block([tx("B", instr="I1"), tx("NOTPROVIDED"), tx("NOTPROVIDED")], pid="B2")], count=5)
    found = transactions(read(data, catalogue))
    assert [(i.rule, i.code, i.path, i.severity) for i in found[1].issues] == [
        ("pain.duplicate_end_to_end_id", "AM05", "PmtInf[1]/CdtTrfTxInf[2]/PmtId/EndToEndId", Severity.WARNING)]
    assert rules(found[2].issues) == [("pain.duplicate_instr_id", "AM05", "PmtInf[2]/CdtTrfTxInf[1]/PmtId/InstrId")]
    assert "PmtInf[1]/CdtTrfTxInf[1]" in found[2].issues[0].message
    assert not found[3].issues and not found[4].issues


def test_bad_iban_and_bic(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", iban="FR1420041010050500013M02607"), tx("B", bic="BNPAZZPPXXX"),
                            tx("C", iban="DE8937040044053201300")]),
                     block([tx("D")], pid="B2", debtor_iban="GB82WEST12345698765431")], count=4)
    found = transactions(read(data, catalogue))
    assert rules(found[0].issues) == [("iban.invalid", "AC01", "PmtInf[1]/CdtTrfTxInf[1]/CdtrAcct/Id/IBAN")]
    assert rules(found[1].issues) == [("bic.invalid", "RC01", "PmtInf[1]/CdtTrfTxInf[2]/CdtrAgt/FinInstnId/BICFI")]
    assert rules(found[2].issues) == [("iban.invalid", "AC01", "PmtInf[1]/CdtTrfTxInf[3]/CdtrAcct/Id/IBAN")]
    assert rules(found[3].issues) == [("iban.invalid", "AC01", "PmtInf[2]/DbtrAcct/Id/IBAN")]


def test_currency_decimals_and_zero(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", "1.234"), tx("B", "100.5", ccy="JPY"), tx("C", ccy="XYZ"),
                            tx("D", "0.00")])], count=4)
    found = transactions(read(data, catalogue))
    assert [rules(t.issues)[0][:2] for t in found] == [
        ("money.precision", "CH20"), ("money.precision", "CH20"), ("money.currency", "CURR"), ("money.zero", "AM01")]


def test_equivalent_amount_is_rejected_alone(catalogue: XsdCatalogue) -> None:
    equivalent = '<EqvtAmt><Amt Ccy="USD">12.00</Amt><CcyOfTrf>EUR</CcyOfTrf></EqvtAmt>'
    data = document([block([tx("A", amt=equivalent), tx("B")])], count=2, total="22.00")
    reading = read(data, catalogue)
    assert reading.issues == []                                   # CtrlSum counts the equivalent amount
    found = transactions(reading)
    assert found[0].payment is None and found[0].reference == "A"
    assert rules(found[0].issues) == [("pain.equivalent_amount", "CH17", "PmtInf[1]/CdtTrfTxInf[1]/Amt/EqvtAmt")]
    assert found[1].payment is not None and not found[1].issues


def test_xsd_errors_reject_the_document(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A", extra="<Bad/>"), tx("B")])], count=2)
    reading = read(data, catalogue)
    assert [(i.rule, i.code) for i in reading.issues] == [("iso.xsd", "FF01")]
    assert reading.issues[0].path == "PmtInf[1]/CdtTrfTxInf[1]/Bad" and "not expected" in reading.issues[0].message
    assert list(reading.transactions()) == []


def test_xsd_error_paths_count_blocks_and_batches(catalogue: XsdCatalogue) -> None:
    many = [tx(f"E{n}", extra="<ChrgBr>XX</ChrgBr>" if n == 299 else "") for n in range(300)]
    reading = read(document([block([tx("A")], pid="B1"), block(many, pid="B2")], count=301), catalogue)
    assert [(i.rule, i.path) for i in reading.issues] == [("iso.xsd", "PmtInf[2]/CdtTrfTxInf[300]/ChrgBr")]


def test_message_level_structure_is_validated(catalogue: XsdCatalogue) -> None:
    data = document([block([tx("A")])], count=1).replace(b"</PmtInf>", b"</PmtInf><Extra/>")
    assert [(i.rule, i.path) for i in read(data, catalogue).issues] == [("iso.xsd", "Extra")]


def test_v03_rejects_v09_shapes(catalogue: XsdCatalogue) -> None:
    reading = read(document([block([tx("A")])], count=1, version="pain.001.001.03"), catalogue)
    assert {i.rule for i in reading.issues} == {"iso.xsd"}


def test_without_schema_structural_checks() -> None:
    reading = read(document([block([tx("A")]).replace("<Dbtr><Nm>D</Nm></Dbtr>", "")], count=1), None)
    assert [(i.rule, i.severity) for i in reading.issues] == [
        ("iso.no_schema", Severity.INFO), ("iso.structure", Severity.ERROR)]
    assert reading.issues[1].path == "PmtInf[1]/Dbtr"


# --- hostile input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "rule"), [
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Document/>',
     "xml.forbidden_construct"),
    (document([block([tx("A")])], count=1)[:-40], "xml.not_well_formed"),
    (b"\x00\xff garbage", "xml.not_well_formed"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.99"/>', "xml.unknown_namespace"),
])
def test_hostile_input(data: bytes, rule: str, catalogue: XsdCatalogue) -> None:
    started = time.monotonic()
    reading = read(data, catalogue)
    assert rule in {i.rule for i in reading.issues}
    assert not reading.accepted and list(reading.transactions()) == []
    assert time.monotonic() - started < 2


def test_deep_nesting_is_a_limit(catalogue: XsdCatalogue) -> None:
    deep = "<Ustrd>" * 100 + "</Ustrd>" * 100
    reading = read(document([block([tx("A", extra=f"<RmtInf>{deep}</RmtInf>")])], count=1), None)
    assert "xml.limit" in {i.rule for i in reading.issues}


# --- streaming ---------------------------------------------------------------------------------------

def test_thousand_transactions_stream(catalogue: XsdCatalogue) -> None:
    blocks = [block([tx(f"E{b}-{n}", "1.50") for n in range(250)], pid=f"B{b}", count="250", total="375.00")
              for b in range(4)]
    reading = read(document(blocks, count=1000, total="1500.00"), catalogue)
    assert reading.issues == [] and reading.number_of_transactions == 1000
    found = list(reading.transactions())
    assert len(found) == 1000 and not any(t.rejected for t in found)
    assert found[-1].payment is not None and found[-1].payment.payment_information_id == "B3"

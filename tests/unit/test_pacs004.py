"""pacs.004 payment return: read, checks and render against the official XSD (DOMAIN §2.10, §4.3)."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.canonical import Source
from schemas.issues import Issue, Severity
from schemas.xsd import XsdCatalogue, default_cache_dir, namespace_for
from tests.conftest import ON_CI, skip_or_fail
from translators.base import ReadContext
from translators.iso20022 import pacs004, xml

ROOT = Path(__file__).resolve().parents[2]
SHARED_XSD = ROOT / ".." / "shared" / "xsd"
GOLDEN = ROOT / "tests" / "golden" / "iso20022" / "returns"
SOURCE = Source(channel="filedrop", sender="COBA", format="pacs.004.001.10",
                received_at=datetime(2026, 11, 25, 9, 15, tzinfo=UTC))
V10 = "pacs.004.001.10"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    found = XsdCatalogue([SHARED_XSD] if SHARED_XSD.is_dir() else [], cache_dir=default_cache_dir())
    if found.schema_for(namespace_for(V10)) is None:
        skip_or_fail(f"the official {V10} XSD of ../shared/xsd is not beside this checkout ({SHARED_XSD})")
    return found


def read(data: bytes, catalogue: XsdCatalogue | None) -> pacs004.ReturnsReading:
    return pacs004.read(data, ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue))


def errors(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues if i.severity is Severity.ERROR]


def warnings(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[str, str]]:
    return [(i.rule, i.code) for i in issues if i.severity is Severity.WARNING]


def tx(n: int, *, amount: str = "100.00", currency: str = "EUR", reason: str = "AC04", rtr_id: str | None = None,
       original: str = "100.00", settled: str = "2026-11-24", returned: str = "2026-11-25") -> str:
    return (f"<TxInf><RtrId>{rtr_id or f'R-{n}'}</RtrId>"
            "<OrgnlGrpInf><OrgnlMsgId>M-0</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>"
            f"<OrgnlEndToEndId>E-{n}</OrgnlEndToEndId><OrgnlTxId>T-{n}</OrgnlTxId>"
            f'<OrgnlIntrBkSttlmAmt Ccy="EUR">{original}</OrgnlIntrBkSttlmAmt>'
            f"<OrgnlIntrBkSttlmDt>{settled}</OrgnlIntrBkSttlmDt>"
            f'<RtrdIntrBkSttlmAmt Ccy="{currency}">{amount}</RtrdIntrBkSttlmAmt>'
            f"<IntrBkSttlmDt>{returned}</IntrBkSttlmDt>"
            f"<RtrRsnInf><Rsn><Cd>{reason}</Cd></Rsn></RtrRsnInf></TxInf>")


def document(*txs: str, nb: str | None = None, ctrl_sum: str | None = None, total: str | None = None,
             version: str = V10) -> bytes:
    header = (f"<GrpHdr><MsgId>RTR-1</MsgId><CreDtTm>2026-11-25T09:00:00+00:00</CreDtTm>"
              f"<NbOfTxs>{nb if nb is not None else len(txs)}</NbOfTxs>"
              f"{f'<CtrlSum>{ctrl_sum}</CtrlSum>' if ctrl_sum else ''}"
              f"""{f'<TtlRtrdIntrBkSttlmAmt Ccy="EUR">{total}</TtlRtrdIntrBkSttlmAmt>' if total else ''}"""
              "<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}">'
            f"<PmtRtr>{header}{''.join(txs)}</PmtRtr></Document>").encode()


def _check_golden(path: Path, actual: bytes) -> None:
    if UPDATE:
        if ON_CI:
            pytest.fail("UPDATE_GOLDEN is refused on CI")
        path.write_bytes(actual)
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review the output"
    assert actual.decode() == path.read_text(encoding="utf-8")


CASES = sorted(p.name for p in GOLDEN.iterdir() if p.name.startswith("pacs004") and (p / "input.xml").is_file())


@pytest.mark.parametrize("case", CASES)
def test_golden_case_reads_to_its_canonical_json_and_renders_valid_xml(catalogue: XsdCatalogue, case: str) -> None:
    folder = GOLDEN / case
    reading = read((folder / "input.xml").read_bytes(), catalogue)
    assert reading.accepted and reading.issues == []
    assert all(not r.issues for r in reading.returns)
    returns = [r.payment_return for r in reading.returns if r.payment_return is not None]
    assert len(returns) == reading.number_of_transactions
    canonical = json.dumps([r.model_dump(mode="json") for r in returns], indent=2) + "\n"
    _check_golden(folder / "canonical.json", canonical.encode())
    assert reading.msg_id and reading.creation_date_time
    first = returns[0]
    rendered = pacs004.render(returns, msg_id=reading.msg_id, created_at=reading.creation_date_time,
                              instructing_agent=first.instructing_agent, instructed_agent=first.instructed_agent,
                              settlement_method=first.settlement_method or "CLRG",
                              clearing_system=first.clearing_system)
    assert xml.validate_bytes(rendered, catalogue.schema_for(namespace_for(V10))) == []
    _check_golden(folder / "rendered.xml", rendered)
    again = read(rendered, catalogue)
    assert [r.payment_return for r in again.returns] == returns


def test_the_golden_maps_reasons_originals_and_charges(catalogue: XsdCatalogue) -> None:
    reading = read((GOLDEN / "pacs004-sepa-ac04" / "input.xml").read_bytes(), catalogue)
    first, second = (r.payment_return for r in reading.returns)
    assert first is not None and second is not None
    assert first.reason_code == "AC04" and first.reasons[0].additional_info == ("Account closed on 2026-10-31",)
    assert first.original.uetr == "eb6305c9-1f7f-49de-aed0-16487c27b42d"
    assert first.original.message_name_id == "pacs.008.001.08"
    assert str(second.charges[0].amount.value) == "2.50" and second.reason_code == "MD07"
    assert first.interbank_settlement_date is not None and first.interbank_settlement_date.isoformat() == "2026-11-25"


def test_render_takes_the_settlement_method_and_refuses_nothing_to_return(catalogue: XsdCatalogue) -> None:
    reading = read(document(tx(1)), catalogue)
    returns = [r.payment_return for r in reading.returns if r.payment_return]
    created = datetime(2026, 11, 25, 10, tzinfo=UTC)
    out = pacs004.render(returns, msg_id="OUT-1", created_at=created, instructing_agent=None, instructed_agent=None,
                         settlement_method="INDA")
    assert b"<SttlmMtd>INDA</SttlmMtd>" in out
    assert xml.validate_bytes(out, catalogue.schema_for(namespace_for(V10))) == []
    with pytest.raises(ValueError, match="at least one"):
        pacs004.render([], msg_id="OUT-1", created_at=created, instructing_agent=None, instructed_agent=None)
    with pytest.raises(ValueError, match=r"pacs\.004\.001\.11"):
        pacs004.render(returns, msg_id="OUT-1", created_at=created, instructing_agent=None, instructed_agent=None,
                       version="pacs.004.001.11")


# --- document-level checks ------------------------------------------------------------------

def test_a_valid_document_reads_without_issues(catalogue: XsdCatalogue) -> None:
    reading = read(document(tx(1), tx(2), ctrl_sum="200.00", total="200.00"), catalogue)
    assert reading.issues == [] and [r.issues for r in reading.returns] == [(), ()]


def test_group_totals_reject_the_document(catalogue: XsdCatalogue) -> None:
    assert errors(read(document(tx(1), nb="2"), catalogue).issues) == [("iso.nb_of_txs", "AM18", "GrpHdr/NbOfTxs")]
    assert errors(read(document(tx(1), ctrl_sum="99.00"), catalogue).issues) == [
        ("iso.ctrl_sum", "AM10", "GrpHdr/CtrlSum")]
    assert errors(read(document(tx(1), total="99.00"), catalogue).issues) == [
        ("iso.total_amount", "AM10", "GrpHdr/TtlRtrdIntrBkSttlmAmt")]
    assert errors(read(document(tx(1, currency="USD"), total="100.00"), catalogue).issues) == [
        ("iso.total_currency", "AM03", "GrpHdr/TtlRtrdIntrBkSttlmAmt")]


def test_an_xsd_error_rejects_the_document_and_yields_no_returns(catalogue: XsdCatalogue) -> None:
    reading = read(document(tx(1).replace("<IntrBkSttlmDt>", "<Bogus/><IntrBkSttlmDt>")), catalogue)
    assert [(i.rule, i.code) for i in reading.issues] == [("iso.xsd", "FF01")] and reading.returns == []


def test_the_unofficial_v11_is_not_a_supported_version(catalogue: XsdCatalogue) -> None:
    assert pacs004.SUPPORTED_VERSIONS == (V10,)
    reading = read(document(tx(1), version="pacs.004.001.11"), catalogue)
    assert errors(reading.issues) == [("xml.unknown_namespace", "FF01", "Document")]


def test_without_an_xsd_the_reader_checks_structure() -> None:
    reading = read(document(tx(1)), None)
    assert [i.rule for i in reading.issues] == ["iso.no_schema"] and reading.accepted
    broken = document(tx(1).replace('<RtrdIntrBkSttlmAmt Ccy="EUR">100.00</RtrdIntrBkSttlmAmt>', ""))
    assert errors(read(broken, None).issues) == [("iso.structure", "FF01", "TxInf[1]/RtrdIntrBkSttlmAmt")]


# --- per-return checks -------------------------------------------------------------------------

def outcome(catalogue: XsdCatalogue, *txs: str) -> list[tuple[list[tuple[str, str, str]], list[tuple[str, str]]]]:
    reading = read(document(*txs), catalogue)
    assert reading.accepted, reading.issues
    return [(errors(r.issues), warnings(r.issues)) for r in reading.returns]


def test_a_duplicate_return_id_rejects_the_later_return_with_AM05(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, rtr_id="R"), tx(2, rtr_id="R")) == [
        ([], []), ([("pacs004.duplicate_return_id", "AM05", "TxInf[2]/RtrId")], [])]


def test_an_unknown_return_reason_is_a_warning(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, reason="ZZ99"), tx(2, reason="FOCR")) == [
        ([], [("pacs004.reason_code", "CH16")]), ([], [])]


def test_currency_and_decimals_of_the_returned_amount(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, amount="100.001", original="100.001")) == [
        ([("money.precision", "CH20", "TxInf[1]/RtrdIntrBkSttlmAmt"),
          ("money.precision", "CH20", "TxInf[1]/OrgnlIntrBkSttlmAmt")], [])]
    assert outcome(catalogue, tx(1, currency="XYZ")) == [
        ([("money.currency", "CURR", "TxInf[1]/RtrdIntrBkSttlmAmt/@Ccy")], [("pacs004.original_currency", "AM03")])]


def test_a_return_larger_than_the_original_is_rejected_with_AM09(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, amount="120.00")) == [
        ([("pacs004.amount_exceeds_original", "AM09", "TxInf[1]/RtrdIntrBkSttlmAmt")], [])]


def test_dates_before_the_original_and_after_the_time_limit(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, returned="2026-11-20")) == [([("rtrx.date", "DT01", "TxInf[1]/IntrBkSttlmDt")], [])]
    # settled Tuesday 24 Nov, returned Tuesday 1 Dec: 5 business days > 3
    assert outcome(catalogue, tx(1, returned="2026-12-01")) == [([], [("rtrx.time_limit", "TM01")])]
    assert outcome(catalogue, tx(1, returned="2026-11-27")) == [([], [])]


def test_read_document_is_kind_other_with_the_per_return_errors(catalogue: XsdCatalogue) -> None:
    reading = pacs004.read_document(document(tx(1, rtr_id="R"), tx(2, rtr_id="R")),
                                    ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue))
    assert reading.kind == "other" and reading.format == V10 and reading.msg_id == "RTR-1"
    assert errors(reading.issues) == [("pacs004.duplicate_return_id", "AM05", "TxInf[2]/RtrId")]
    assert not reading.accepted and list(reading.transactions()) == []


# --- hostile input ----------------------------------------------------------------------------------

def test_an_entity_bomb_is_refused_before_parsing(catalogue: XsdCatalogue) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            + document(tx(1)).split(b"?>", 1)[1].replace(b"<MsgId>RTR-1", b"<MsgId>&b;"))
    started = time.monotonic()
    reading = read(bomb, catalogue)
    assert errors(reading.issues) == [("xml.forbidden_construct", "FF01", "line 1")]
    assert time.monotonic() - started < 1.0


def test_truncated_and_garbage_input_never_raises(catalogue: XsdCatalogue) -> None:
    whole = document(tx(1))
    for data in (whole[: len(whole) // 2], b"", b"\xff\xfe<\x00", b"not xml at all"):
        reading = read(data, catalogue)
        assert not reading.accepted and reading.returns == []

"""camt.056 FI to FI payment cancellation request (recall): read and checks (DOMAIN §2.10, §4.3)."""

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
from translators.iso20022 import camt056

ROOT = Path(__file__).resolve().parents[2]
SHARED_XSD = ROOT / ".." / "shared" / "xsd"
GOLDEN = ROOT / "tests" / "golden" / "iso20022" / "returns"
SOURCE = Source(channel="filedrop", sender="BNPA", format="camt.056.001.09",
                received_at=datetime(2026, 11, 26, 9, tzinfo=UTC))
V09 = "camt.056.001.09"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    found = XsdCatalogue([SHARED_XSD] if SHARED_XSD.is_dir() else [], cache_dir=default_cache_dir())
    if found.schema_for(namespace_for(V09)) is None:
        skip_or_fail(f"the official {V09} XSD of ../shared/xsd is not beside this checkout ({SHARED_XSD})")
    return found


def read(data: bytes, catalogue: XsdCatalogue | None) -> camt056.RecallsReading:
    return camt056.read(data, ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue))


def errors(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues if i.severity is Severity.ERROR]


def warnings(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[str, str]]:
    return [(i.rule, i.code) for i in issues if i.severity is Severity.WARNING]


def tx(n: int, *, reason: str = "DUPL", cxl_id: str | None = None, settled: str = "2026-11-24",
       amount: str = "100.00", ids: bool = True) -> str:
    refs = f"<OrgnlEndToEndId>E-{n}</OrgnlEndToEndId><OrgnlTxId>T-{n}</OrgnlTxId>" if ids else ""
    return (f"<TxInf><CxlId>{cxl_id or f'C-{n}'}</CxlId>{refs}"
            f'<OrgnlIntrBkSttlmAmt Ccy="EUR">{amount}</OrgnlIntrBkSttlmAmt>'
            f"<OrgnlIntrBkSttlmDt>{settled}</OrgnlIntrBkSttlmDt>"
            f"<CxlRsnInf><Rsn><Cd>{reason}</Cd></Rsn></CxlRsnInf></TxInf>")


def document(*txs: str, nb: str | None = None, ctrl_sum: str | None = None, created: str = "2026-11-26T08:30:00+01:00",
             version: str = V09) -> bytes:
    control = (f"<CtrlData><NbOfTxs>{nb}</NbOfTxs>{f'<CtrlSum>{ctrl_sum}</CtrlSum>' if ctrl_sum else ''}</CtrlData>"
               if nb is not None else "")
    return (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}">'
            "<FIToFIPmtCxlReq><Assgnmt><Id>A-1</Id>"
            "<Assgnr><Agt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></Agt></Assgnr>"
            "<Assgne><Agt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></Agt></Assgne>"
            f"<CreDtTm>{created}</CreDtTm></Assgnmt>{control}"
            f"<Undrlyg>{''.join(txs)}</Undrlyg></FIToFIPmtCxlReq></Document>").encode()


def _check_golden(path: Path, actual: bytes) -> None:
    if UPDATE:
        if ON_CI:
            pytest.fail("UPDATE_GOLDEN is refused on CI")
        path.write_bytes(actual)
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review the output"
    assert actual.decode() == path.read_text(encoding="utf-8")


CASES = sorted(p.name for p in GOLDEN.iterdir() if p.name.startswith("camt056") and (p / "input.xml").is_file())


@pytest.mark.parametrize("case", CASES)
def test_golden_case_reads_to_its_canonical_json(catalogue: XsdCatalogue, case: str) -> None:
    folder = GOLDEN / case
    reading = read((folder / "input.xml").read_bytes(), catalogue)
    assert reading.accepted and reading.issues == [] and all(not r.issues for r in reading.recalls)
    recalls = [r.recall for r in reading.recalls if r.recall is not None]
    assert len(recalls) == reading.number_of_transactions
    canonical = json.dumps([r.model_dump(mode="json") for r in recalls], indent=2) + "\n"
    _check_golden(folder / "canonical.json", canonical.encode())


def test_the_golden_maps_assignment_case_originals_and_reasons(catalogue: XsdCatalogue) -> None:
    reading = read((GOLDEN / "camt056-sepa-dupl" / "input.xml").read_bytes(), catalogue)
    first, second = (r.recall for r in reading.recalls)
    assert first is not None and second is not None and reading.msg_id == "CXLREQ-20261126-7"
    assert first.assigner.agent is not None and first.assigner.agent.bic == "BNPAFRPPXXX"
    assert first.case_id == second.case_id == "CASE-2026-0815"
    assert first.original.message_id == second.original.message_id == "SCT-20261124-0042"
    assert (first.reason_code, second.reason_code) == ("DUPL", "CUST")
    assert second.originator is not None and second.originator.name == "Jeanne Martin"


def test_ctrl_data_is_checked_when_present(catalogue: XsdCatalogue) -> None:
    assert read(document(tx(1), tx(2), nb="2", ctrl_sum="200.00"), catalogue).issues == []
    assert read(document(tx(1)), catalogue).issues == []
    assert errors(read(document(tx(1), nb="3"), catalogue).issues) == [("iso.nb_of_txs", "AM18", "CtrlData/NbOfTxs")]
    assert errors(read(document(tx(1), nb="1", ctrl_sum="1.00"), catalogue).issues) == [
        ("iso.ctrl_sum", "AM10", "CtrlData/CtrlSum")]


def test_an_xsd_error_rejects_the_document(catalogue: XsdCatalogue) -> None:
    reading = read(document(tx(1).replace("<CxlRsnInf>", "<Bogus/><CxlRsnInf>")), catalogue)
    assert [(i.rule, i.code) for i in reading.issues] == [("iso.xsd", "FF01")] and reading.recalls == []


def outcome(catalogue: XsdCatalogue, *txs: str, created: str = "2026-11-26T08:30:00+01:00"
            ) -> list[tuple[list[tuple[str, str, str]], list[tuple[str, str]]]]:
    reading = read(document(*txs, created=created), catalogue)
    assert reading.accepted, reading.issues
    return [(errors(r.issues), warnings(r.issues)) for r in reading.recalls]


def test_a_reason_outside_the_sepa_set_is_a_warning(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, reason="COVR"), tx(2, reason="FRAD"), tx(3, reason="AM09")) == [
        ([], [("camt056.reason_code", "CH16")]), ([], []), ([], [])]


def test_dates_and_sepa_time_limits(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, settled="2026-11-27")) == [
        ([("rtrx.date", "DT01", "Undrlyg[1]/TxInf/OrgnlIntrBkSttlmDt")], [])]
    assert outcome(catalogue, tx(1, settled="2026-11-02")) == [([], [("rtrx.time_limit", "TM01")])]
    assert outcome(catalogue, tx(1, settled="2026-11-02", reason="CUST")) == [([], [])]
    assert outcome(catalogue, tx(1, settled="2025-09-01", reason="CUST")) == [([], [("rtrx.time_limit", "TM01")])]


def test_duplicate_cancellation_ids_and_missing_references_reject_the_recall(catalogue: XsdCatalogue) -> None:
    assert outcome(catalogue, tx(1, cxl_id="C"), tx(2, cxl_id="C"), tx(3, ids=False)) == [
        ([], []), ([("camt056.duplicate_cancellation_id", "AM05", "Undrlyg[1]/TxInf[2]/CxlId")], []),
        ([("camt056.no_original_reference", "CH21", "Undrlyg[1]/TxInf[3]")], [])]


def test_read_document_is_kind_other_with_the_per_recall_errors(catalogue: XsdCatalogue) -> None:
    reading = camt056.read_document(document(tx(1, cxl_id="C"), tx(2, cxl_id="C")),
                                    ReadContext(document_id="doc-1", source=SOURCE, catalogue=catalogue))
    assert reading.kind == "other" and reading.format == V09 and reading.msg_id == "A-1"
    assert errors(reading.issues) == [("camt056.duplicate_cancellation_id", "AM05", "Undrlyg[1]/TxInf[2]/CxlId")]


def test_an_unsupported_version_and_hostile_input(catalogue: XsdCatalogue) -> None:
    assert errors(read(document(tx(1), version="camt.056.001.08"), catalogue).issues) == [
        ("xml.unknown_namespace", "FF01", "Document")]
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           + document(tx(1)).split(b"?>", 1)[1].replace(b"<Id>A-1", b"<Id>&x;"))
    started = time.monotonic()
    assert errors(read(xxe, catalogue).issues) == [("xml.forbidden_construct", "FF01", "line 1")]
    assert time.monotonic() - started < 1.0
    whole = document(tx(1))
    for data in (whole[: len(whole) // 2], b"", b"<Document/>"):
        assert not read(data, catalogue).accepted

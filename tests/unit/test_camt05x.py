"""camt.052/053/054 read and camt.053/054 render, against the official XSDs (DOMAIN §2.7, §2.11, §3.3).

Golden cases are discovered in tests/golden/iso20022/camt/ (SOURCE.md there says what each shows):
`<name>.xml` is read, `<name>.json` holds the canonical statements, `<name>.out.xml` the statements
rendered back (camt.054 as camt.054.001.08, the others as camt.053.001.08). `UPDATE_GOLDEN=1`
rewrites the expectations (refused on CI).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from schemas.canonical import Source as CanonicalSource
from schemas.canonical import Statement
from schemas.issues import Issue, Severity
from schemas.xsd import XsdCatalogue, default_cache_dir, namespace_for
from tests.conftest import ON_CI, skip_or_fail
from translators.base import DocumentReading, ReadContext, StatementReading
from translators.iso20022 import camt05x, xml

ROOT = Path(__file__).resolve().parents[2]
SHARED_XSD = ROOT / ".." / "shared" / "xsd"
GOLDEN = ROOT / "tests" / "golden" / "iso20022" / "camt"
SWIFT_GOLDEN = ROOT / "tests" / "golden" / "swift"
SOURCE = CanonicalSource(channel="filedrop", sender="golden", format="camt",
                         received_at=datetime(2025, 12, 31, tzinfo=UTC))
CREATED = datetime(2025, 11, 25, 6, 0, tzinfo=UTC)
STATEMENTS = TypeAdapter(list[Statement])
# What camt does not carry from a canonical statement (camt05x_write.py).
NOT_CARRIED = {"statement_id", "document_id", "index", "source", "message_type", "related_reference"}


@pytest.fixture(scope="module")
def catalogue() -> XsdCatalogue:
    cache = default_cache_dir()
    if not (cache / "manifest.json").is_file():
        skip_or_fail(f"the official XSD cache is missing ({cache}): run `make install`")
    return XsdCatalogue([SHARED_XSD] if SHARED_XSD.is_dir() else [], cache_dir=cache)


def read(data: bytes, catalogue: XsdCatalogue | None, document_id: str = "doc-1") -> DocumentReading:
    return camt05x.read(data, ReadContext(document_id=document_id, source=SOURCE, catalogue=catalogue))


def readings(reading: DocumentReading) -> list[StatementReading]:
    assert reading.accepted, reading.issues
    assert reading.kind == "statements"
    return list(reading.statements())


def statements(reading: DocumentReading) -> list[Statement]:
    found = readings(reading)
    assert all(not r.rejected and r.issues == () for r in found), [r.issues for r in found]
    return [r.statement for r in found if r.statement is not None]


def errors(issues: tuple[Issue, ...] | list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues if i.severity is Severity.ERROR]


def xsd_errors(data: bytes, version: str, catalogue: XsdCatalogue) -> list[Issue]:
    schema = catalogue.schema_for(namespace_for(version))
    assert schema is not None, f"no official XSD for {version}"
    return xml.validate_bytes(data, schema)


def expect(path: Path, content: bytes) -> None:
    if os.environ.get("UPDATE_GOLDEN") == "1":
        assert not ON_CI, "UPDATE_GOLDEN is refused on CI"
        path.write_bytes(content)
    assert path.is_file(), f"{path.name} is missing: run with UPDATE_GOLDEN=1 and check it by hand"
    assert content == path.read_bytes(), f"{path.name} differs"


def carried(statement: Statement) -> dict[str, object]:
    """The statement without what camt does not carry (ids, source, :21:, funds codes)."""
    dumped = statement.model_dump(exclude=NOT_CARRIED)
    for entry in dumped["entries"]:
        entry["funds_code"] = None
    return dumped


def golden_cases() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*.xml") if not p.name.endswith(".out.xml"))


# --- golden files ------------------------------------------------------------------------

def test_golden_cases_are_there() -> None:
    names = {p.stem for p in golden_cases()}
    assert {"camt.053.001.02", "camt.053.001.08", "camt.052.001.08", "camt.054.001.08"} <= names


@pytest.mark.parametrize("case", golden_cases(), ids=lambda path: path.name)
def test_golden(case: Path, catalogue: XsdCatalogue) -> None:
    reading = read(case.read_bytes(), catalogue, document_id=f"golden-{case.stem}")
    assert reading.format == case.stem
    found = statements(reading)
    expect(case.with_suffix(".json"), STATEMENTS.dump_json(found, indent=2) + b"\n")
    if case.stem.startswith("camt.054"):
        version, rendered = "camt.054.001.08", camt05x.render_camt054(found, msg_id="OUT-1", created_at=CREATED)
    else:
        version, rendered = "camt.053.001.08", camt05x.render_camt053(found, msg_id="OUT-1", created_at=CREATED)
    assert xsd_errors(rendered, version, catalogue) == []
    expect(case.with_suffix(".out.xml"), rendered)
    again = statements(read(rendered, catalogue, document_id=f"golden-{case.stem}"))
    assert [carried(s) for s in again] == [carried(s) for s in found]


def test_golden_053_mapping(catalogue: XsdCatalogue) -> None:
    first, second = statements(read((GOLDEN / "camt.053.001.08.xml").read_bytes(), catalogue))
    assert (first.reference, first.statement_number, first.sequence_number) == ("STMT-251124-EUR", "124", "1")
    assert first.account.id == "DE89370400440532013000" and first.account.currency == "EUR"
    assert first.account_servicer is not None and first.account_servicer.bic == "COBADEFFXXX"
    assert [b.type_code for b in first.balances] == ["OPBD", "CLBD", "CLAV"]
    received, rent, reversal = first.entries
    assert received.bank_transaction_code == "PMNT/RCDT/ESCT" and received.end_to_end_id == "E2E-INV-2025-118"
    assert received.remittance is not None
    assert received.remittance.structured[0].creditor_reference is not None
    assert received.remittance.structured[0].creditor_reference.reference == "RF18539007547034"
    assert (rent.credit, rent.booking_date.isoformat() if rent.booking_date else None) == (False, "2025-11-24")
    assert rent.account_owner_reference == "PO-4471" and rent.additional_info == "STANDING ORDER"
    assert rent.remittance is not None and rent.remittance.unstructured == ("RENT NOVEMBER 2025",)
    assert (reversal.credit, reversal.reversal, reversal.bank_transaction_code) == (True, True, "NRTI")
    assert reversal.information == "REVERSAL OF DIRECT DEBIT 2025-11-20"
    assert first.information == "END OF STATEMENT"
    assert second.account.scheme == "BBAN" and second.entries[1].status == "PDNG"
    assert second.entries[1].bank_transaction_code is None


def test_legacy_v02_servicer_bic_and_plain_status(catalogue: XsdCatalogue) -> None:
    (statement,) = statements(read((GOLDEN / "camt.053.001.02.xml").read_bytes(), catalogue))
    assert statement.account_servicer is not None and statement.account_servicer.bic == "COBADEFF"
    assert statement.statement_number == "42" and statement.entries[0].status == "BOOK"


# --- rendering -----------------------------------------------------------------------------

@pytest.mark.parametrize("version", camt05x.RENDER_VERSIONS)
def test_round_trip_every_render_version(version: str, catalogue: XsdCatalogue) -> None:
    source = STATEMENTS.validate_json((GOLDEN / "camt.053.001.08.json").read_bytes())
    render = camt05x.render_camt054 if version.startswith("camt.054") else camt05x.render_camt053
    rendered = render(source, msg_id="RT-1", created_at=CREATED, version=version)
    assert xsd_errors(rendered, version, catalogue) == []
    back = statements(read(rendered, catalogue))
    assert all(s.message_type == version for s in back)
    if version.startswith("camt.054"):                 # notifications carry no balances
        source = [s.model_copy(update={"balances": ()}) for s in source]
    assert [carried(s) for s in back] == [carried(s) for s in source]


@pytest.mark.parametrize("case", sorted(SWIFT_GOLDEN.glob("mt940-*.json")), ids=lambda path: path.name)
@pytest.mark.parametrize("version", ["camt.053.001.08", "camt.053.001.13"])
def test_mt940_goldens_render_as_valid_camt053(case: Path, version: str, catalogue: XsdCatalogue) -> None:
    source = STATEMENTS.validate_json(case.read_bytes())
    rendered = camt05x.render_camt053(source, msg_id="MT940-1", created_at=CREATED, version=version)
    assert xsd_errors(rendered, version, catalogue) == []
    back = statements(read(rendered, catalogue))
    assert [carried(s) for s in back] == [carried(s) for s in source]


def test_multipage_pagination(catalogue: XsdCatalogue) -> None:
    pages = STATEMENTS.validate_json((SWIFT_GOLDEN / "mt940-multipage.json").read_bytes())
    rendered = camt05x.render_camt053(pages, msg_id="MP-1", created_at=CREATED)
    assert rendered.count(b"<LastPgInd>false</LastPgInd>") == 2
    assert rendered.count(b"<LastPgInd>true</LastPgInd>") == 1


def test_render_refuses_what_camt_cannot_hold() -> None:
    (statement, _) = STATEMENTS.validate_json((GOLDEN / "camt.053.001.08.json").read_bytes())
    with pytest.raises(ValueError, match="supported"):
        camt05x.render_camt053([statement], msg_id="X", created_at=CREATED, version="camt.053.001.02")
    with pytest.raises(ValueError, match=r"not a camt\.054"):
        camt05x.render_camt054([statement], msg_id="X", created_at=CREATED, version="camt.053.001.08")
    with pytest.raises(ValueError, match="no balance"):
        camt05x.render_camt053([statement.model_copy(update={"balances": ()})], msg_id="X", created_at=CREATED)
    with pytest.raises(ValueError, match="500"):
        camt05x.render_camt053([statement.model_copy(update={"information": "X" * 501})], msg_id="X",
                               created_at=CREATED)


# --- checks ----------------------------------------------------------------------------------

def golden_053() -> str:
    return (GOLDEN / "camt.053.001.08.xml").read_text()


def test_balance_arithmetic_failure_names_the_figures(catalogue: XsdCatalogue) -> None:
    data = golden_053().replace('<Amt Ccy="EUR">1149.50</Amt>', '<Amt Ccy="EUR">1149.60</Amt>', 1)
    first, second = readings(read(data.encode(), catalogue))
    assert errors(first.issues) == [("camt.balance", "AM10", "BkToCstmrStmt/Stmt[1]/Bal")]
    message = first.issues[0].message
    assert "1000.00" in message and "149.50" in message and "1149.50" in message and "1149.60" in message
    assert first.rejected and not second.rejected


def test_transaction_summary_is_checked(catalogue: XsdCatalogue) -> None:
    data = golden_053().replace("<NbOfNtries>3</NbOfNtries>", "<NbOfNtries>4</NbOfNtries>")
    data = data.replace("<Sum>275.00</Sum>", "<Sum>276.00</Sum>")
    first, _ = readings(read(data.encode(), catalogue))
    assert errors(first.issues) == [
        ("camt.entry_count", "AM18", "BkToCstmrStmt/Stmt[1]/TxsSummry/TtlNtries/NbOfNtries"),
        ("camt.entry_sum", "AM10", "BkToCstmrStmt/Stmt[1]/TxsSummry/TtlCdtNtries/Sum")]


def test_currency_decimals(catalogue: XsdCatalogue) -> None:
    data = golden_053().replace('<Amt Ccy="USD">10.00</Amt>', '<Amt Ccy="USD">10.001</Amt>')
    _, second = readings(read(data.encode(), catalogue))
    assert errors(second.issues) == [("money.precision", "CH20", "BkToCstmrStmt/Stmt[2]/Ntry[2]/Amt")]


def test_unknown_entry_status_is_a_warning(catalogue: XsdCatalogue) -> None:
    data = golden_053().replace("<Sts><Cd>PDNG</Cd></Sts>", "<Sts><Cd>XXXX</Cd></Sts>")
    _, second = readings(read(data.encode(), catalogue))
    assert [(i.rule, i.severity) for i in second.issues] == [("camt.code", Severity.WARNING)]


def test_bad_date_is_refused_by_the_xsd(catalogue: XsdCatalogue) -> None:
    data = golden_053().replace("<BookgDt><Dt>2025-11-24</Dt></BookgDt>", "<BookgDt><Dt>2025-02-30</Dt></BookgDt>", 1)
    reading = read(data.encode(), catalogue)
    assert not reading.accepted
    assert [(i.rule, i.path) for i in reading.issues] == [("iso.xsd", "BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt/Dt")]


def test_bad_dates_without_xsd(catalogue: XsdCatalogue) -> None:
    data = golden_053().replace("<BookgDt><Dt>2025-11-24</Dt></BookgDt>", "<BookgDt><Dt>2025-02-30</Dt></BookgDt>", 1)
    data = data.replace("<Dt><Dt>2025-11-23</Dt></Dt>", "<Dt><Dt>2025-13-01</Dt></Dt>", 1)
    reading = read(data.encode(), None)
    assert [i.rule for i in reading.issues] == ["iso.no_schema"]
    first, second = readings(reading)
    assert first.statement is None
    assert errors(first.issues) == [("camt.date", "DT01", "BkToCstmrStmt/Stmt[1]/Bal[1]/Dt/Dt"),
                                    ("iso.structure", "FF01", "BkToCstmrStmt/Stmt[1]/Bal[1]/Dt")]
    assert not second.rejected


def test_streams_many_statements_with_record_paths(catalogue: XsdCatalogue) -> None:
    """More statements than one validation batch (256): XSD paths keep the record's index."""
    text = golden_053()
    start, end = text.index("<Stmt>"), text.index("</Stmt>") + len("</Stmt>")
    one = text[start:end]
    bad = one.replace('<Amt Ccy="EUR">250.00</Amt>', '<Amt Ccy="EUR">-250.00</Amt>')
    body = one * 299 + bad + one * 100
    data = (text[:start] + body + text[text.rindex("</BkToCstmrStmt>"):]).encode()
    reading = read(data, catalogue)
    assert [(i.rule, i.path) for i in reading.issues] == [("iso.xsd", "BkToCstmrStmt/Stmt[300]/Ntry[1]/Amt")]
    good = read(text[:start].encode() + (one * 400).encode() + text[text.rindex("</BkToCstmrStmt>"):].encode(),
                catalogue)
    found = readings(good)
    assert len(found) == 400 and good.number_of_transactions == 400
    assert found[399].statement is not None and found[399].statement.index == 399
    assert sum(s.statement.entries[0].amount.value for s in found if s.statement) == Decimal("100000.00")


# --- hostile and foreign input --------------------------------------------------------------------

def test_doctype_is_refused_fast(catalogue: XsdCatalogue) -> None:
    data = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            + golden_053().split("?>", 1)[1]).encode()
    started = time.perf_counter()
    reading = read(data, catalogue)
    assert time.perf_counter() - started < 1.0
    assert [(i.rule, i.code) for i in reading.issues] == [("xml.forbidden_construct", "FF01")]
    assert list(reading.statements()) == []


def test_truncated_document(catalogue: XsdCatalogue) -> None:
    data = golden_053().encode()[:1500]
    reading = read(data, catalogue)
    assert [i.rule for i in reading.issues] == ["xml.not_well_formed"]


def test_other_namespace_is_refused(catalogue: XsdCatalogue) -> None:
    data = golden_053().replace("camt.053.001.08", "pacs.008.001.08").encode()
    reading = read(data, catalogue)
    assert [(i.rule, i.path) for i in reading.issues] == [("xml.unknown_namespace", "Document")]


def test_supported_versions_have_official_xsds(catalogue: XsdCatalogue) -> None:
    assert len(camt05x.SUPPORTED_VERSIONS) == 39
    assert all(catalogue.schema_for(namespace_for(v)) is not None for v in camt05x.SUPPORTED_VERSIONS)

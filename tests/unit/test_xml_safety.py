"""The one XML entry point refuses what could attack the parser, quickly, as issues.

ARCHITECTURE §5, DOMAIN §8.20 and §8.23; fixtures in tests/fixtures/hostile (README there).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.canonical import Source
from schemas.issues import Issue
from schemas.profiles import Limits, Profile
from translators.base import DocumentReading, ReadContext
from translators.detect import read_document
from translators.iso20022 import xml

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
SAMPLE = ROOT / "config" / "samples" / "pacs008-single-eur.xml"
SOURCE = Source(
    channel="cli", sender="test", format="unknown", received_at=datetime(2026, 11, 24, tzinfo=UTC)
)
QUICKLY = 1.0  # seconds: hostile input is rejected at once, never after a long parse


def read(data: bytes, profile: Profile | None = None) -> tuple[DocumentReading, float]:
    context = ReadContext(document_id="hostile", source=SOURCE, **({"profile": profile} if profile else {}))
    started = time.perf_counter()
    reading = read_document(data, context)
    return reading, time.perf_counter() - started


def errors(reading: DocumentReading) -> list[Issue]:
    return [issue for issue in reading.issues if issue.is_error]


def rules(reading: DocumentReading) -> list[tuple[str, str]]:
    """(rule, code) of the errors (the INFO `iso.no_schema` of a catalogue-less read aside)."""
    return [(issue.rule, issue.code) for issue in reading.issues if issue.is_error]


@pytest.mark.parametrize(
    "name", ["xxe-external-entity.xml", "billion-laughs.xml", "external-dtd.xml", "parameter-entity.xml"]
)
def test_any_doctype_or_entity_declaration_is_refused_with_FF01(name: str) -> None:
    reading, elapsed = read((HOSTILE / name).read_bytes())
    assert rules(reading) == [("xml.forbidden_construct", "FF01")]
    assert reading.issues[0].path == "line 2"  # where the DOCTYPE starts
    assert elapsed < QUICKLY


def test_the_parser_itself_never_expands_entities_even_past_the_gate() -> None:
    """Defence in depth: were a DTD to reach the parser, no entity is expanded or fetched."""
    data = b'<!DOCTYPE a [<!ENTITY x "EXPANDED"><!ENTITY y SYSTEM "file:///etc/passwd">]><a>&x;&y;</a>'
    pulled = xml._Pull(data, ("end",), None)
    text = "".join("".join(element.itertext()) for _, element in pulled)
    assert "EXPANDED" not in text
    assert "root:" not in text


def test_truncated_xml_is_not_well_formed_with_line_and_column() -> None:
    reading, elapsed = read((HOSTILE / "truncated.xml").read_bytes())
    assert rules(reading) == [("xml.not_well_formed", "FF01")]
    assert re.fullmatch(r"line \d+, column \d+", errors(reading)[0].path)
    assert elapsed < QUICKLY


def test_nesting_deeper_than_the_profile_limit_is_an_xml_limit() -> None:
    reading, elapsed = read((HOSTILE / "deep-nesting.xml").read_bytes())
    assert rules(reading) == [("xml.limit", "FF01")]
    assert "64" in errors(reading)[0].message
    assert elapsed < QUICKLY


def test_nesting_beyond_the_parser_hard_limit_is_an_xml_limit_too() -> None:
    data = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">' + b"<a>" * 400 + b"</a>" * 400
    reading, elapsed = read(data + b"</Document>")
    assert rules(reading) == [("xml.limit", "FF01")]
    assert elapsed < QUICKLY


def test_a_document_above_the_byte_limit_is_refused_before_parsing() -> None:
    profile = Profile(id="tiny", limits=Limits(max_bytes=1000))
    reading, _ = read(SAMPLE.read_bytes(), profile)
    assert rules(reading) == [("xml.limit", "FF01")]
    assert "1,000" in errors(reading)[0].message


def test_more_transactions_than_the_limit_is_an_xml_limit() -> None:
    profile = Profile(id="few", limits=Limits(max_transactions=1))
    data = (ROOT / "config" / "samples" / "pacs008-multi-mixed.xml").read_bytes()
    reading, _ = read(data, profile)
    assert ("xml.limit", "FF01") in rules(reading)


def test_binary_garbage_is_an_unknown_format() -> None:
    reading, elapsed = read((HOSTILE / "binary-garbage.bin").read_bytes())
    assert rules(reading) == [("detect.unknown_format", "FF01")]
    assert elapsed < QUICKLY


def test_latin1_bytes_in_a_utf8_document_are_not_well_formed() -> None:
    reading, _ = read((HOSTILE / "latin1-undeclared.xml").read_bytes())
    assert rules(reading) == [("xml.not_well_formed", "FF01")]
    assert errors(reading)[0].path.startswith("line 66,")


def test_a_declared_latin1_document_is_read_with_its_accents() -> None:
    reading, _ = read((HOSTILE / "latin1-declared.xml").read_bytes())
    assert reading.format == "pacs.008.001.08"
    assert not [i for i in reading.issues if i.rule != "iso.no_schema"]
    payment = next(reading.transactions()).payment
    assert payment is not None and payment.creditor.name == "Talleres Mediterráneo S.L."


@pytest.mark.parametrize("name", ["utf16-le-bom.xml", "utf8-bom.xml"])
def test_a_bom_or_utf16_does_not_change_what_is_read(name: str) -> None:
    expected, _ = read(SAMPLE.read_bytes())
    reading, _ = read((HOSTILE / name).read_bytes())
    assert reading.format == expected.format == "pacs.008.001.08"
    assert (reading.msg_id, reading.number_of_transactions) == (
        expected.msg_id,
        expected.number_of_transactions,
    )
    assert [t.payment for t in reading.transactions()] == [t.payment for t in expected.transactions()]


def test_utf16_without_bom_is_recognised_by_its_shape() -> None:
    data = SAMPLE.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    reading, _ = read(data.encode("utf-16-le"))
    assert reading.format == "pacs.008.001.08"
    assert reading.msg_id == "COBA-20261124-000187"


def test_whitespace_before_the_xml_declaration_is_rejected_by_the_reader() -> None:
    reading, _ = read((HOSTILE / "leading-whitespace.xml").read_bytes())
    assert reading.format == "pacs.008.001.08"  # detection is not fooled...
    assert rules(reading) == [("xml.not_well_formed", "FF01")]  # ...but the XML is invalid (DOMAIN §8.20)
    assert "XML declaration" in errors(reading)[0].message


def test_prepare_strips_a_utf8_bom_and_reencodes_utf16() -> None:
    assert xml.normalise_encoding(b"\xef\xbb\xbf<a/>") == b"<a/>"
    assert xml.normalise_encoding('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16")) == (
        b'<?xml version="1.0" encoding="UTF-8"?><a/>'
    )


def test_undecodable_utf16_is_not_well_formed() -> None:
    prepared = xml.prepare(b"\xff\xfe<\x00\x00\xd8", Limits())
    assert [i.rule for i in prepared.issues] == ["xml.not_well_formed"]


PARSER_CONSTRUCTORS = re.compile(
    r"\b(XMLParser|XMLPullParser|iterparse|fromstring|XML|parse|HTMLParser)\s*\("
)


def test_no_module_but_xml_py_builds_an_lxml_parser() -> None:
    """STYLE rule 19: every instance document goes through translators/iso20022/xml.py."""
    offenders = []
    for package in ("schemas", "translators", "routers", "settlement", "gateway"):
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "translators" / "iso20022" / "xml.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "etree." in line and PARSER_CONSTRUCTORS.search(line.split("etree.", 1)[1][:40]):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048) | st.text(max_size=1024).map(str.encode))
def test_reading_arbitrary_bytes_never_raises(data: bytes) -> None:
    reading, _ = read(data)
    assert reading.format
    if reading.accepted:
        list(reading.transactions())


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE.read_bytes()) - 2))
def test_any_truncation_of_a_valid_document_gives_issues_not_exceptions(cut: int) -> None:
    reading, _ = read(SAMPLE.read_bytes()[:cut])
    assert not reading.accepted

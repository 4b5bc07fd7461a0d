"""Format detection from the first bytes, and dispatch that never raises (DOMAIN §1.1-1.3, §2.1, §5, §6.2)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.canonical import Source
from translators.base import ReadContext
from translators.detect import SUPPORTED_READERS, detect, read_document
from translators.iso20022 import pacs008

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
ISO = ROOT / "tests" / "fixtures" / "iso20022"
SAMPLE = (ROOT / "config" / "samples" / "pacs008-single-eur.xml").read_bytes()
CONTEXT = ReadContext(
    document_id="d",
    source=Source(
        channel="cli", sender="t", format="unknown", received_at=datetime(2026, 11, 24, tzinfo=UTC)
    ),
)


def iso_document(message: str, root: str, body: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{message}">'
        f"<{root}>{body}</{root}></Document>"
    ).encode()


@pytest.mark.parametrize(
    ("message", "root"),
    [
        ("pacs.008.001.08", "FIToFICstmrCdtTrf"),
        ("pacs.008.001.10", "FIToFICstmrCdtTrf"),
        ("pain.001.001.03", "CstmrCdtTrfInitn"),
        ("pain.001.001.09", "CstmrCdtTrfInitn"),
        ("camt.053.001.08", "BkToCstmrStmt"),
        ("pacs.002.001.11", "FIToFIPmtStsRpt"),
    ],
)
def test_iso20022_is_recognised_by_the_document_namespace(message: str, root: str) -> None:
    detection = detect(iso_document(message, root))
    assert (detection.format, detection.family) == (message, "iso20022")
    assert detection.namespace == f"urn:iso:std:iso:20022:tech:xsd:{message}"
    assert detection.issues == ()


def test_the_file_name_does_not_matter_only_the_namespace() -> None:
    assert detect(SAMPLE).format == "pacs.008.001.08"


def test_a_document_inside_an_apphdr_wrapper_is_found_at_any_depth() -> None:
    detection = detect((ISO / "pacs008-apphdr-wrapped.xml").read_bytes())
    assert (detection.format, detection.variant) == ("pacs.008.001.08", "apphdr")


@pytest.mark.parametrize(
    "name", ["utf8-bom.xml", "utf16-le-bom.xml", "leading-whitespace.xml", "latin1-declared.xml"]
)
def test_a_bom_utf16_or_leading_whitespace_does_not_fool_detection(name: str) -> None:
    assert detect((HOSTILE / name).read_bytes()).format == "pacs.008.001.08"


def test_a_document_without_an_iso_namespace_is_an_unknown_namespace() -> None:
    detection = detect(b"<Document><FIToFICstmrCdtTrf/></Document>")
    assert [(i.rule, i.code) for i in detection.issues] == [("xml.unknown_namespace", "FF01")]


def test_xml_without_a_document_element_is_an_unknown_format() -> None:
    detection = detect(b"<html><body>invoice</body></html>")
    assert (detection.format, detection.family) == ("unknown", "xml")
    assert [i.rule for i in detection.issues] == ["detect.unknown_format"]


def fin(block2: str, block3: str = "", text: str = ":20:REF\r\n") -> bytes:
    return f"{{1:F01COBADEFFAXXX0000000000}}{{2:{block2}}}{block3}{{4:\r\n{text}-}}".encode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (fin("I103QNXGDEFFXXXXN"), ("mt103", None)),
        (fin("O1031200261124COBADEFFAXXX12345678902611241201N"), ("mt103", None)),
        (
            fin("I103QNXGDEFFXXXXN", "{3:{119:STP}{121:abe43892-6d7f-4966-b7ed-d16f11871713}}"),
            ("mt103", "stp"),
        ),
        (fin("I103QNXGDEFFXXXXN", "{3:{119:REMIT}}"), ("mt103", "remit")),
        (fin("I202QNXGDEFFXXXXN"), ("mt202", None)),
        (fin("I202QNXGDEFFXXXXN", "{3:{119:COV}}"), ("mt202cov", "cov")),
        (fin("I940QNXGDEFFXXXXN"), ("mt940", None)),
        (fin("O9501200261124COBADEFFAXXX12345678902611241201N"), ("mt950", None)),
        (fin("I900QNXGDEFFXXXXN"), ("mt900", None)),
        (fin("I910QNXGDEFFXXXXN"), ("mt910", None)),
        (fin("I199QNXGDEFFXXXXN"), ("mt199", None)),
        (fin("I299QNXGDEFFXXXXN"), ("mt299", None)),
    ],
)
def test_swift_fin_is_recognised_by_blocks_1_2_and_the_119_flag(
    data: bytes, expected: tuple[str, str | None]
) -> None:
    detection = detect(data)
    assert (detection.format, detection.variant) == expected
    assert detection.family == "swift-mt"


def test_an_rje_file_of_dollar_separated_messages_is_marked_rje() -> None:
    data = fin("I103QNXGDEFFXXXXN") + b"\r\n$" + fin("I103QNXGDEFFXXXXN")
    assert (detect(data).format, detect(data).variant) == ("mt103", "rje")


def test_rje_framing_bytes_and_a_bom_before_block_1_are_ignored() -> None:
    assert detect(b"\x01" + fin("I103QNXGDEFFXXXXN") + b"\x03").format == "mt103"
    assert detect((HOSTILE / "bom-before-mt103.fin").read_bytes()).format == "mt103"


def test_a_bare_mt940_without_headers_is_recognised() -> None:
    data = (
        b":20:STMT2611\r\n:25:DE89370400440532013000\r\n:28C:00123/001\r\n:60F:C261123EUR1000,00\r\n"
        b":61:2611241124D12,50NTRFNONREF\r\n:62F:C261124EUR987,50\r\n"
    )
    detection = detect(data)
    assert (detection.format, detection.variant) == ("mt940", "no-headers")


def test_block_1_without_block_2_is_an_unknown_format() -> None:
    assert [i.rule for i in detect(b"{1:F01COBADEFFAXXX0000000000}{4:\r\n-}").issues] == [
        "detect.unknown_format"
    ]


def nacha_file() -> bytes:
    """A file header record (DOMAIN §5.2) and a batch header, 94 characters each."""
    header = (
        "1"
        + "01"
        + " 021000021"
        + "1234567890"
        + "261124"
        + "1200"
        + "A"
        + "094"
        + "10"
        + "1"
        + "QNEX GATEWAY DEMO".ljust(23)
        + "HUDSON TRADING LLC".ljust(23)
        + "00000001"
    )
    batch = "5220" + "HUDSON TRADING".ljust(16) + " " * 20 + "1234567890PPDPAYROLL   " + " " * 6 + "261125"
    batch = (batch + "   1" + "02100002" + "0000001").ljust(94)
    assert len(header) == len(batch) == 94
    return f"{header}\r\n{batch}\r\n".encode()


def test_nacha_is_recognised_by_its_file_header_record() -> None:
    assert (detect(nacha_file()).format, detect(nacha_file()).family) == ("nacha", "nacha")


def test_a_record_that_is_not_94_characters_is_not_taken_for_nacha() -> None:
    assert detect(b"101 021000021 1234567892611241200A094101QNEX\r\n").format == "unknown"


def test_legacy_fedwire_faim_is_recognised_by_its_1500_tag() -> None:
    data = b"{1500}30        P {1510}1000{1520}20261124QNXGDEFF000001{2000}000001234567{3100}021000021BANK*"
    assert (detect(data).format, detect(data).family) == ("fedwire", "fedwire")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t ", b"\x00\x00"])
def test_an_empty_document_is_reported_as_empty(data: bytes) -> None:
    assert [(i.rule, i.code) for i in detect(data).issues] == [("detect.empty", "FF01")]


def test_garbage_is_an_unknown_format() -> None:
    detection = detect((HOSTILE / "binary-garbage.bin").read_bytes())
    assert (detection.format, [i.rule for i in detection.issues]) == ("unknown", ["detect.unknown_format"])


def test_the_registry_processes_pacs008_08_to_10_camt_statements_and_swift_mt() -> None:
    pacs = {name for name in SUPPORTED_READERS if name.startswith("pacs.008")}
    assert pacs == {"pacs.008.001.08", "pacs.008.001.09", "pacs.008.001.10"}
    assert all(SUPPORTED_READERS[name] is pacs008.read for name in pacs)
    assert {"camt.052.001.08", "camt.053.001.02", "camt.053.001.08", "camt.054.001.08"} <= set(SUPPORTED_READERS)
    assert {name for name in SUPPORTED_READERS if name.startswith("mt")} == {
        "mt103", "mt202", "mt202cov", "mt940", "mt950", "mt900", "mt910", "mt199", "mt299"}


def test_read_document_dispatches_a_supported_format_to_its_reader() -> None:
    reading = read_document(SAMPLE, CONTEXT)
    assert (reading.format, reading.msg_id, reading.number_of_transactions) == (
        "pacs.008.001.08",
        "COBA-20261124-000187",
        1,
    )


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (iso_document("pacs.028.001.05", "FIToFIPmtStsReq"), "pacs.028.001.05"),
        (iso_document("pacs.008.001.02", "FIToFICstmrCdtTrf"), "pacs.008.001.02"),
        (nacha_file(), "nacha"),
    ],
)
def test_a_recognised_but_unsupported_format_is_an_issue_naming_it(data: bytes, named: str) -> None:
    reading = read_document(data, CONTEXT)
    assert [(i.rule, i.code) for i in reading.issues] == [("detect.unsupported_format", "FF01")]
    assert reading.issues[0].message.startswith(named)
    assert list(reading.transactions()) == []


@pytest.mark.parametrize(
    "path", sorted(p for p in HOSTILE.iterdir() if p.name != "README.md"), ids=lambda p: p.name
)
def test_hostile_input_never_raises_and_answers_quickly(path: Path) -> None:
    started = time.perf_counter()
    reading = read_document(path.read_bytes(), CONTEXT)
    assert time.perf_counter() - started < 1.0
    assert reading.format

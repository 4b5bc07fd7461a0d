"""Which format a document is, from its first bytes, and the registry of readers.

Detection never parses a document fully: ISO 20022 XML is recognised by the namespace
of its `Document` element (at any depth, e.g. next to a head.001 `AppHdr`, DOMAIN §2.8,
§8.20-21); SWIFT FIN by blocks 1 and 2 and the block 3 validation flag 119 (DOMAIN
§1.1-1.3), also RJE files of `$`-separated messages (§8.6) and bare MT940 text; NACHA by
its file header record (DOMAIN §5.2); legacy Fedwire FAIM by its `{1500}` tag (§6.2).
`read_document` dispatches to a reader and never raises: unknown, unsupported and
hostile input all come back as a reading with issues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from schemas.codes import RULES
from schemas.issues import Issue
from schemas.profiles import Limits
from schemas.xsd import name_for
from translators.base import DocumentReader, DocumentReading, ReadContext
from translators.iso20022 import camt05x, camt056, pacs004, pacs008, pacs009, pain001, pain008, xml
from translators.swift import reader as swift_reader

SNIFF_BYTES: Final = 64 * 1024
# Families
ISO20022: Final = "iso20022"
SWIFT_MT: Final = "swift-mt"
NACHA: Final = "nacha"
FEDWIRE: Final = "fedwire"
XML: Final = "xml"
UNKNOWN: Final = "unknown"

_CONTROL = b" \t\r\n\x01\x02\x03\x1a"  # whitespace and the RJE/ASCII framing bytes around messages
_BLOCK1 = re.compile(rb"\{1:[FAL]\d{2}[A-Z0-9]{12}")
_BLOCK2 = re.compile(rb"\{2:([IO])(\d{3})")
_FLAG = re.compile(rb"\{119:([A-Z]{1,8})\}")
_RJE_SEPARATOR = re.compile(rb"\}\s*\$\s*\{1:")
_BARE_MT940 = (re.compile(rb":20:"), re.compile(rb":6[02][FM]:"))
_NACHA_HEADER = re.compile(rb"101[ 0-9]{10}[ 0-9A-Z]{10}\d{6}")
_NACHA_RECORD: Final = 94
_COVER_MESSAGES: Final = frozenset({"202", "205"})


@dataclass(frozen=True)
class Detection:
    """What a document is: format id (`pacs.008.001.08`, `mt103`, `nacha`...), family,
    ISO namespace, variant (`stp`, `cov`, `remit`, `rje`, `apphdr`, `no-headers`), issues."""

    format: str
    family: str
    namespace: str | None = None
    variant: str | None = None
    issues: tuple[Issue, ...] = ()


def _issue(rule: str, message: str, path: str = "") -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message)


def detect(data: bytes) -> Detection:
    """Recognise the format of `data` from its head; never raises."""
    if not data.strip(_CONTROL + b"\x00"):
        return Detection(UNKNOWN, UNKNOWN, issues=(_issue("detect.empty", "the document is empty"),))
    try:  # a head cut inside a UTF-16/32 character would not decode: cut at a multiple of 4
        head = xml.normalise_encoding(data if len(data) <= SNIFF_BYTES else data[:SNIFF_BYTES - 4])
    except UnicodeDecodeError:
        head = data[:SNIFF_BYTES]
    text = head.lstrip(_CONTROL)
    if text.startswith(b"<"):
        return _detect_xml(data)
    if text.startswith(b"{1500}"):
        return Detection("fedwire", FEDWIRE)
    if text.startswith(b"{1:"):
        return _detect_fin(text)
    if _is_nacha(text):
        return Detection("nacha", NACHA)
    if all(pattern.search(text) for pattern in _BARE_MT940) and text.startswith(b":20:"):
        return Detection("mt940", SWIFT_MT, variant="no-headers")
    return Detection(UNKNOWN, UNKNOWN, issues=(_issue(
        "detect.unknown_format", "the document is not ISO 20022 XML, SWIFT FIN, NACHA or Fedwire FAIM"),))


def _detect_xml(data: bytes) -> Detection:
    prepared = xml.prepare(data, Limits(max_bytes=max(1, len(data))))  # size limits are the reader's
    if prepared.issues:
        return Detection(UNKNOWN, XML, issues=prepared.issues)
    located = xml.locate_document(prepared.data.lstrip())  # leading whitespace: the reader will say so
    if isinstance(located, Issue):
        return Detection(UNKNOWN, XML, issues=(located,))
    if located is None:
        return Detection(UNKNOWN, XML, issues=(_issue(
            "detect.unknown_format", "the XML document has no ISO 20022 Document element"),))
    name = name_for(located.namespace)
    if name is None:
        return Detection(UNKNOWN, ISO20022, located.namespace or None, issues=(_issue(
            "xml.unknown_namespace", f"the Document namespace {located.namespace!r} is not an ISO 20022 "
            "message namespace (urn:iso:std:iso:20022:tech:xsd:<message>)", "Document"),))
    variant = "apphdr" if located.app_header else ("wrapped" if located.wrapped else None)
    return Detection(name, ISO20022, located.namespace, variant)


def _detect_fin(text: bytes) -> Detection:
    """SWIFT FIN: the message type from block 2, variant from block 3 field 119 (DOMAIN §1.2-1.3)."""
    application = _BLOCK2.search(text, 0, 200)
    if _BLOCK1.match(text) is None or application is None:
        return Detection(UNKNOWN, SWIFT_MT, issues=(_issue(
            "detect.unknown_format",
            "a SWIFT FIN basic header without a valid application header (block 2)"),))
    message_type = application.group(2).decode()
    body_start = text.find(b"{4:")
    flag = _FLAG.search(text, 0, body_start if body_start > 0 else 400)
    variant = flag.group(1).decode().lower() if flag else None
    format_id = f"mt{message_type}"
    if variant == "cov" and message_type in _COVER_MESSAGES:
        format_id += "cov"
    if _RJE_SEPARATOR.search(text):
        variant = f"rje+{variant}" if variant else "rje"
    return Detection(format_id, SWIFT_MT, variant=variant)


def _is_nacha(text: bytes) -> bool:
    """File header record: type 1, priority code 01, 94-character records (DOMAIN §5.1-5.2)."""
    if _NACHA_HEADER.match(text) is None:
        return False
    first_line = text.split(b"\n", 1)[0].rstrip(b"\r")
    return len(first_line) == _NACHA_RECORD or len(first_line) % _NACHA_RECORD == 0


# Formats processed now, by detected format id (STYLE rule 5: one row per format).
SUPPORTED_READERS: Final[dict[str, DocumentReader]] = {
    **{version: pacs008.read for version in pacs008.SUPPORTED_VERSIONS},
    **{version: camt05x.read for version in camt05x.SUPPORTED_VERSIONS},
    **{version: pacs009.read for version in pacs009.SUPPORTED_VERSIONS},
    **{version: pain001.read for version in pain001.SUPPORTED_VERSIONS},
    **{version: pacs004.read_document for version in pacs004.SUPPORTED_VERSIONS},      # kept, not booked yet
    **{version: camt056.read_document for version in camt056.SUPPORTED_VERSIONS},      # kept, not acted on yet
    **{version: pain008.read_document for version in pain008.SUPPORTED_VERSIONS},      # collections: kept
    **{format_id: swift_reader.read for format_id in swift_reader.FORMATS},
}

# Families whose reader sorts out the message types itself (a FIN file may mix them).
FAMILY_READERS: Final[dict[str, DocumentReader]] = {SWIFT_MT: swift_reader.read}


def read_document(data: bytes, context: ReadContext) -> DocumentReading:
    """Detect the format and read the document with its reader; never raises."""
    detection = detect(data)
    if detection.issues:
        return DocumentReading(format=detection.format, issues=list(detection.issues))
    reader = SUPPORTED_READERS.get(detection.format) or FAMILY_READERS.get(detection.family)
    if reader is None:
        variant = f" ({detection.variant})" if detection.variant else ""
        return DocumentReading(format=detection.format, issues=[_issue(
            "detect.unsupported_format", f"{detection.format}{variant} is recognised but this gateway does "
            f"not process it yet; supported: {', '.join(sorted(SUPPORTED_READERS))}")])
    return reader(data, context)

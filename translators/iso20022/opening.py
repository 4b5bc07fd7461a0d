"""The first steps every ISO 20022 reader takes, in one place: make the bytes safe, find the
Document and its version, check the profile accepts it, find the official XSD (DOMAIN §2.1, §8.20-24).

`open_document` answers either an `Opened` document to stream, or the issues that stop
the reading before it starts (unsafe or malformed XML, no Document, a version this reader
does not read, a version the profile refuses). When no official XSD is available the
reading goes on with structural checks and an informational `iso.no_schema` issue says so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from schemas.codes import RULES
from schemas.issues import Issue, Severity
from schemas.xsd import name_for
from translators.base import ReadContext
from translators.iso20022 import xml


def _issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


@dataclass(frozen=True)
class Opened:
    data: bytes                                  # as `xml.prepare` left them
    located: xml.DocumentLocation
    version: str                                 # e.g. pain.001.001.09
    schema: Any | None                           # lxml XMLSchema, or None: structural checks only
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Refused:
    format: str                                  # the version when known, else the message family
    issues: list[Issue]


def open_document(data: bytes, context: ReadContext, *, family: str, supported: Collection[str],
                  validates_from_root: bool = False) -> Opened | Refused:
    """`family` names the message in issues (`pain.001`); `supported` are the versions read.
    `validates_from_root`: the reader validates while parsing from the root element, so a
    Document inside an envelope is checked structurally (an informational issue says so)."""
    profile = context.profile
    prepared = xml.prepare(data, profile.limits)
    if prepared.issues:
        return Refused(family, list(prepared.issues))
    located = xml.locate_document(prepared.data)
    if not isinstance(located, xml.DocumentLocation):
        sniffed = xml.locate_document(prepared.data.lstrip())     # name the version even if the XML is bad
        known = name_for(sniffed.namespace) if isinstance(sniffed, xml.DocumentLocation) else None
        return Refused(known or family, [located or _issue(
            "xml.unknown_namespace", "", "the document has no ISO 20022 Document element")])
    version = name_for(located.namespace)
    if version is None or version not in supported:
        return Refused(version or family, [_issue(
            "xml.unknown_namespace", "Document", f"namespace {located.namespace!r} is not a {family} version "
            f"this reader supports ({', '.join(sorted(supported))})")])
    if profile.message_types is not None and version not in profile.message_types:
        return Refused(version, [_issue("profile.message_type", "Document",
                                        f"profile {profile.id} does not accept {version}")])
    schema = context.catalogue.schema_for(located.namespace) if context.catalogue is not None else None
    issues: list[Issue] = []
    if schema is not None and located.wrapped and validates_from_root:
        schema = None
        issues.append(_issue("iso.no_schema", "Document", "the Document sits inside an envelope: the XSD "
                             "cannot validate it while streaming, structural checks only", Severity.INFO))
    elif schema is None:
        issues.append(_issue("iso.no_schema", "Document", f"no official XSD for {version} is available: "
                             "structural checks only", Severity.INFO))
    return Opened(prepared.data, located, version, schema, issues)

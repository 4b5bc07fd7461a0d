"""camt.052 account report, camt.053 statement and camt.054 debit/credit notification, .001.02-.14
(DOMAIN §2.7, §2.11, §3.3).

`read` makes two passes, as the pacs.008 reader does (DOMAIN §8.24): pass 1 streams the document,
validating it against the official XSD of its namespace in batches of records (`Rpt`, `Stmt`,
`Ntfctn`) that are then dropped; pass 2, run only by `DocumentReading.statements()`, streams the
records again, each as one canonical `Statement` with the issues that reject it alone
(`camt05x_read.py`). `render_camt053` / `render_camt054` (`camt05x_write.py`) write statements out.
Paths in issues start at the message element: `BkToCstmrStmt/Stmt[2]/Ntry[5]/Amt`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from schemas.xsd import name_for
from translators.base import DocumentReading, ReadContext, StatementReading
from translators.iso20022 import xml
from translators.iso20022.camt05x_read import issue, read_statement
from translators.iso20022.camt05x_versions import RENDER_VERSIONS, SUPPORTED_VERSIONS, CamtMessage, family_of
from translators.iso20022.camt05x_write import render_camt053, render_camt054
from translators.iso20022.common import Node, parse_datetime

__all__ = ["RENDER_VERSIONS", "SUPPORTED_VERSIONS", "read", "render_camt053", "render_camt054"]

MAX_ISSUES: Final = 100
_UNPREFIXED: Final = ("line ", "byte ")    # parser positions, not element paths


def read(data: bytes, context: ReadContext) -> DocumentReading:
    """Read a camt.052/053/054 (version from the namespace) as statements; never raises."""
    profile = context.profile
    prepared = xml.prepare(data, profile.limits)
    if prepared.issues:
        return DocumentReading(format="camt", kind="statements", issues=list(prepared.issues))
    located = xml.locate_document(prepared.data)
    if not isinstance(located, xml.DocumentLocation):
        sniffed = xml.locate_document(prepared.data.lstrip())
        known = name_for(sniffed.namespace) if isinstance(sniffed, xml.DocumentLocation) else None
        return DocumentReading(format=known or "camt", kind="statements", issues=[located or issue(
            "xml.unknown_namespace", "", "the document has no ISO 20022 Document element")])
    version = name_for(located.namespace)
    if version not in SUPPORTED_VERSIONS:
        return DocumentReading(format=version or "camt", kind="statements", issues=[issue(
            "xml.unknown_namespace", "Document", f"namespace {located.namespace!r} is not a camt.052/053/054 "
            f"version this reader supports (.001.02-.14)")])
    if profile.message_types is not None and version not in profile.message_types:
        return DocumentReading(format=version, kind="statements", issues=[issue(
            "profile.message_type", "Document", f"profile {profile.id} does not accept {version}")])
    family = family_of(version)
    schema = context.catalogue.schema_for(located.namespace) if context.catalogue is not None else None
    issues: list[Issue] = []
    if schema is None:
        issues.append(issue("iso.no_schema", "Document", f"no official XSD for {version} is available: "
                            "structural checks only", Severity.INFO))
    streamed = xml.stream_document(prepared.data, record=family.record, limits=profile.limits, schema=schema,
                                   on_record=_ignore, max_issues=MAX_ISSUES)
    issues += [_prefixed(i, family) for i in streamed.issues]
    message = streamed.message
    if message is not None and xml.local_name(message.tag) != family.message:
        issues.append(issue("iso.structure", xml.local_name(message.tag),
                            f"the message element of {version} is {family.message}"))
    header_element = message.find(f"{{{located.namespace}}}GrpHdr") if message is not None else None
    header = Node(header_element, f"{family.message}/GrpHdr") if header_element is not None else None
    if streamed.complete and header is None:
        issues.append(issue("iso.structure", f"{family.message}/GrpHdr", "the message has no group header"))
    if streamed.complete and streamed.records == 0:
        issues.append(issue("iso.structure", f"{family.message}/{family.record}",
                            f"the message holds no {family.record}"))
    reading = DocumentReading(
        format=version, kind="statements", issues=_applicable(issues, profile),
        msg_id=header.get("MsgId") if header is not None else None,
        creation_date_time=parse_datetime(header.get("CreDtTm")) if header is not None else None,
        number_of_transactions=streamed.records)
    if reading.accepted:
        body = prepared.data
        reading._statements = lambda: xml.confined(
            lambda: _statements(body, version, family, context), size=len(body))
    return reading


def _ignore(element: xml.XmlElement, index: int) -> None:
    """Pass 1 needs nothing from the records themselves: checks run per statement in pass 2."""


def _prefixed(found: Issue, family: CamtMessage) -> Issue:
    """An XSD or limit issue with its path from the message element (`BkToCstmrStmt/Stmt[2]/...`)."""
    path = found.path
    if not path or path.startswith(_UNPREFIXED) or path == "Document" or path.startswith(family.message):
        return found
    return found.model_copy(update={"path": f"{family.message}/{path}"})


def _applicable(issues: list[Issue], profile: Profile) -> list[Issue]:
    return [i for i in issues if i.rule not in profile.rules_off] if profile.rules_off else issues


def _statements(data: bytes, version: str, family: CamtMessage,
                context: ReadContext) -> Iterator[StatementReading]:
    for index, element in enumerate(xml.iter_records(data, record=family.record)):
        node = Node(element, f"{family.message}/{family.record}[{index + 1}]")
        reading = read_statement(node, index, version=version, family=family, document_id=context.document_id,
                                 source=context.source)
        issues = _applicable(list(reading.issues), context.profile)
        yield StatementReading(reading.index, reading.statement, tuple(issues))

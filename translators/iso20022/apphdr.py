"""The head.001 Business Application Header (`AppHdr`, .001.02 and .001.03; DOMAIN §2.8, §2.9).

`read_app_header` finds the AppHdr beside the Document (inside any wrapper) through the safe
XML factory and reads the elements the gateway uses; `header_issues` checks it against the
Document it travels with (MsgDefIdr names the message; CBPR+: BizMsgIdr equals GrpHdr/MsgId,
From/To are the instructing/instructed agents); `wrap_with_app_header` writes AppHdr and
Document side by side inside a wrapper element. Element order is BusinessApplicationHeaderV02
(head.001.001.02 XSD); .03 keeps the order of every element written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from lxml import etree

from schemas.codes import RULES
from schemas.issues import Issue, Severity
from schemas.profiles import Limits
from schemas.xsd import name_for
from translators.iso20022 import xml
from translators.iso20022.common import Node, add, bic_problem, container, format_datetime, parse_datetime

SUPPORTED_VERSIONS: Final = ("head.001.001.02", "head.001.001.03")
DEFAULT_VERSION: Final = "head.001.001.02"                  # CBPR+ (DOMAIN §2.2)
CBPR_BUSINESS_SERVICE: Final = "swift.cbprplus.02"          # DOMAIN §2.8, §2.11 (exact value per usage guideline)
# BusinessApplicationHeaderV02, head.001.001.02 XSD: the sequence of AppHdr's children.
ELEMENT_ORDER: Final = ("CharSet", "Fr", "To", "BizMsgIdr", "MsgDefIdr", "BizSvc", "MktPrctc", "CreDt",
                        "BizPrcgDt", "CpyDplct", "PssblDplct", "Prty", "Sgntr", "Rltd")
_PATH: Final = "AppHdr"


def _issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


@dataclass(frozen=True)
class AppHeader:
    """What the gateway reads from an AppHdr; a missing element is None (`header_issues` says so)."""

    version: str | None                      # head.001.001.02, from the namespace
    from_bic: str | None                     # Fr/FIId/FinInstnId/BICFI
    to_bic: str | None                       # To/FIId/FinInstnId/BICFI
    business_message_id: str | None          # BizMsgIdr
    message_definition_id: str | None        # MsgDefIdr, e.g. pacs.009.001.08
    business_service: str | None = None      # BizSvc, e.g. swift.cbprplus.02
    created: datetime | None = None          # CreDt
    created_text: str | None = None          # CreDt as written (kept when it does not parse)
    copy_duplicate: str | None = None        # CpyDplct: CODU, COPY, DUPL
    possible_duplicate: bool | None = None   # PssblDplct
    priority: str | None = None              # Prty
    related: AppHeader | None = None         # Rltd: the header of the related message


def _read(node: Node, version: str | None) -> AppHeader:
    duplicate = node.get("PssblDplct")
    related = node.child("Rltd")
    created = node.get("CreDt")
    return AppHeader(
        version=version, from_bic=node.text("Fr", "FIId", "FinInstnId", "BICFI"),
        to_bic=node.text("To", "FIId", "FinInstnId", "BICFI"), business_message_id=node.get("BizMsgIdr"),
        message_definition_id=node.get("MsgDefIdr"), business_service=node.get("BizSvc"),
        created=parse_datetime(created), created_text=created, copy_duplicate=node.get("CpyDplct"),
        possible_duplicate=None if duplicate is None else duplicate.strip() in ("true", "1"),
        priority=node.get("Prty"), related=_read(related, version) if related is not None else None)


def read_app_header(data: bytes, limits: Limits | None = None) -> AppHeader | None:
    """The first AppHdr of the document (at any depth, e.g. beside the Document in a wrapper);
    None when there is none or the bytes are refused (size, DTD, encoding) or malformed before it."""
    prepared = xml.prepare(data, limits or Limits())
    if prepared.issues:
        return None
    for _, element in xml._Pull(prepared.data, ("end",), ("{*}AppHdr",), chunk=4096):
        if xml.too_deep(element, (limits or Limits()).max_depth):
            return None
        return _read(Node(element, _PATH), name_for(xml.namespace_of(element.tag)))
    return None


def header_issues(header: AppHeader, *, message_name: str, msg_id: str | None,
                  instructing_agent_bic: str | None = None, instructed_agent_bic: str | None = None) -> list[Issue]:
    """The AppHdr against the Document it carries: mandatory elements, BICs, MsgDefIdr = `message_name`,
    BizMsgIdr = GrpHdr/MsgId (CBPR+), and when given, Fr/To = the instructing/instructed agent (CBPR+)."""
    issues: list[Issue] = []
    if header.version is not None and header.version not in SUPPORTED_VERSIONS:
        issues.append(_issue("xml.unknown_namespace", _PATH, f"{header.version} is not a Business Application "
                             f"Header version the gateway reads ({', '.join(SUPPORTED_VERSIONS)})"))
    for path, value, what in (
            ("Fr/FIId/FinInstnId/BICFI", header.from_bic, "the sender's BIC"),
            ("To/FIId/FinInstnId/BICFI", header.to_bic, "the receiver's BIC"),
            ("BizMsgIdr", header.business_message_id, "the business message identifier"),
            ("MsgDefIdr", header.message_definition_id, "the message definition identifier"),
            ("CreDt", header.created_text, "the creation date")):
        if not value:
            issues.append(_issue("apphdr.missing_element", f"{_PATH}/{path}", f"{what} ({path}) is missing"))
    for path, bic in (("Fr", header.from_bic), ("To", header.to_bic)):
        if bic and (problem := bic_problem(bic)) is not None:
            issues.append(_issue("bic.invalid", f"{_PATH}/{path}/FIId/FinInstnId/BICFI",
                                 f"BIC {bic} is not a valid ISO 9362 BIC: {problem}"))
    if header.message_definition_id and header.message_definition_id != message_name:
        issues.append(_issue("apphdr.message_definition", f"{_PATH}/MsgDefIdr",
                             f"MsgDefIdr is {header.message_definition_id} but the Document is a {message_name}"))
    if header.business_message_id and header.business_message_id != msg_id:
        issues.append(_issue("apphdr.business_message_id", f"{_PATH}/BizMsgIdr",
                             f"BizMsgIdr {header.business_message_id!r} differs from GrpHdr/MsgId {msg_id!r} "
                             "(CBPR+: they are equal)"))
    for path, bic, agent, role in (("Fr", header.from_bic, instructing_agent_bic, "instructing"),
                                   ("To", header.to_bic, instructed_agent_bic, "instructed")):
        if bic and agent and not _same_institution(bic, agent):
            issues.append(_issue("apphdr.party_mismatch", f"{_PATH}/{path}/FIId/FinInstnId/BICFI",
                                 f"{path} is {bic} but the {role} agent is {agent} (CBPR+: they are the same)"))
    return issues


def _same_institution(first: str, second: str) -> bool:
    """BIC8 and BIC11 with branch XXX name the same institution."""
    return (first + "XXX" if len(first) == 8 else first) == (second + "XXX" if len(second) == 8 else second)


def _party(parent: xml.XmlElement, name: str, bic: str) -> None:
    add(container(container(container(parent, name), "FIId"), "FinInstnId"), "BICFI", bic)


def wrap_with_app_header(document_xml: bytes, *, sender_bic: str, receiver_bic: str, msg_id: str,
                         message_name: str, created_at: datetime, business_service: str | None = CBPR_BUSINESS_SERVICE,
                         wrapper: str = "Envelope", version: str = DEFAULT_VERSION) -> bytes:
    """`<wrapper><AppHdr/><Document/></wrapper>`: a head.001 header (Fr, To, BizMsgIdr = `msg_id`,
    MsgDefIdr, BizSvc, CreDt with a UTC offset) beside the Document, which is copied unchanged.

    The wrapper element has no namespace (channels name their own envelope). Raises ValueError for
    a Document that cannot be parsed, a BIC that is not one, or an unsupported header version.
    """
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"cannot write {version}; supported: {', '.join(SUPPORTED_VERSIONS)}")
    for what, bic in (("sender_bic", sender_bic), ("receiver_bic", receiver_bic)):
        if (problem := bic_problem(bic)) is not None:
            raise ValueError(f"{what} {bic!r} is not a BIC: {problem}")
    root, issues = xml.parse_tree(document_xml, Limits())
    if issues:
        raise ValueError(f"the document cannot be wrapped: {issues[0].message}")
    document = root if xml.local_name(root.tag) == "Document" else next(root.iter("{*}Document"), None)
    if document is None:
        raise ValueError("the document has no ISO 20022 Document element to wrap")
    namespace = f"urn:iso:std:iso:20022:tech:xsd:{version}"
    envelope = etree.Element(wrapper)
    header = etree.SubElement(envelope, f"{{{namespace}}}AppHdr", nsmap={None: namespace})
    _party(header, "Fr", sender_bic)
    _party(header, "To", receiver_bic)
    add(header, "BizMsgIdr", msg_id)
    add(header, "MsgDefIdr", message_name)
    add(header, "BizSvc", business_service)
    add(header, "CreDt", format_datetime(created_at))
    envelope.append(document)
    etree.indent(envelope, space="  ")
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def document_header_issues(data: bytes, *, app_header: bool, message_name: str, msg_id: str | None,
                           instructing_agent_bic: str | None = None,
                           instructed_agent_bic: str | None = None) -> list[Issue]:
    """A Document's AppHdr checked against it (`header_issues`), when the document came with one
    (`xml.DocumentLocation.app_header`); nothing for a Document alone."""
    if not app_header:
        return []
    header = read_app_header(data)
    if header is None:
        return [_issue("apphdr.missing_element", _PATH, "the AppHdr next to the Document cannot be read")]
    return header_issues(header, message_name=message_name, msg_id=msg_id,
                         instructing_agent_bic=instructing_agent_bic, instructed_agent_bic=instructed_agent_bic)

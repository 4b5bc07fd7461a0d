"""pacs.002 FI to FI payment status report (pacs.002.001.11; DOMAIN §2.6).

`render` answers one original message per `OrgnlGrpInfAndSts`: a document-level verdict
(a report without payment id) sets `GrpSts` with its reasons, and each transaction-level
verdict becomes a `TxInfAndSts` carrying every original id the sender may correlate on.
`read` turns a status report (any pacs.002 version with these paths: .10-.12) into a
small typed result, for `gateway submit --wait` and for tests.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from lxml import etree

from schemas.canonical import Agent, Amount, StatusReport
from schemas.codes import RULES, TX_STATUS_ACCEPTED, TX_STATUS_SETTLED
from schemas.issues import Issue, Severity
from schemas.profiles import Limits
from schemas.xsd import name_for
from translators.base import SchemaLookup
from translators.iso20022 import xml
from translators.iso20022.common import (
    Node,
    add,
    container,
    format_datetime,
    new_message,
    parse_date,
    parse_datetime,
    read_amount,
    write_agent,
    write_amount,
)

SUPPORTED_VERSIONS: Final = ("pacs.002.001.11",)
MESSAGE: Final = "FIToFIPmtStsRpt"
UNKNOWN_MESSAGE: Final = "UNKNOWN"      # OrgnlMsgId/OrgnlMsgNmId of a document we could not read
MAX_TEXT: Final = 105                   # Max105Text (StsRsnInf/AddtlInf)
MAX_ADDITIONAL_INFO: Final = 3          # AddtlInf lines kept per reason (the XSD allows any number)
_ACCEPTED_STATUSES: Final = frozenset({TX_STATUS_SETTLED, TX_STATUS_ACCEPTED, "ACSP", "ACCC", "ACTC", "ACWC"})


def _additional_info(issue: Issue) -> list[str]:
    """The issue as AddtlInf lines of at most 105 characters ("path: message")."""
    text = f"{issue.path}: {issue.message}" if issue.path else issue.message
    lines = textwrap.wrap(text, MAX_TEXT) or [issue.rule]
    if len(lines) > MAX_ADDITIONAL_INFO:
        lines = [*lines[:MAX_ADDITIONAL_INFO - 1], textwrap.shorten(" ".join(lines[MAX_ADDITIONAL_INFO - 1:]),
                                                                    MAX_TEXT, placeholder="...")]
    return lines


def write_reasons(parent: xml.XmlElement, reasons: Sequence[Issue]) -> None:
    for issue in reasons:
        if issue.severity is not Severity.ERROR:
            continue
        reason = container(parent, "StsRsnInf")
        add(container(reason, "Rsn"), "Cd", issue.code)
        for line in _additional_info(issue):
            add(reason, "AddtlInf", line)


def message_name(message_type: str | None) -> str:
    """OrgnlMsgNmId: an ISO message as its identifier (pacs.008.001.08), an MT as SWIFT writes it (MT103)."""
    if not message_type:
        return UNKNOWN_MESSAGE
    return message_type.upper() if message_type.startswith("mt") else message_type


def original_msg_id(report: StatusReport) -> str:
    return report.original_msg_id or f"{UNKNOWN_MESSAGE}-{report.document_id[:24]}"


def render(reports: Sequence[StatusReport], *, msg_id: str, created_at: datetime,
           version: str = "pacs.002.001.11") -> bytes:
    """A pacs.002 for the verdicts in `reports`, valid against the official XSD of `version`."""
    if not reports:
        raise ValueError("a status report needs at least one verdict")
    document, message, header = new_message(version, SUPPORTED_VERSIONS, MESSAGE, msg_id, created_at)
    write_agent(header, "InstgAgt", _common_agent(r.instructing_agent for r in reports), with_account=False)
    write_agent(header, "InstdAgt", _common_agent(r.instructed_agent for r in reports), with_account=False)
    groups: dict[str, list[StatusReport]] = {}
    for report in reports:
        groups.setdefault(original_msg_id(report), []).append(report)
    for original, members in groups.items():
        render_original_group(message, original, members)
    for report in reports:
        if report.payment_id is not None:
            _render_transaction(message, report)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def _common_agent(agents: Iterable[Agent | None]) -> Agent | None:
    """The agent all verdicts share (GrpHdr level), else None."""
    distinct = set(agents)
    return distinct.pop() if len(distinct) == 1 else None


def render_original_group(message: xml.XmlElement, original: str, reports: list[StatusReport]) -> None:
    """OriginalGroupHeader17: the original message, and its status when the verdict is document-level."""
    first = reports[0]
    group = container(message, "OrgnlGrpInfAndSts")
    add(group, "OrgnlMsgId", original)
    add(group, "OrgnlMsgNmId", message_name(first.original_message_type))
    created = next((r.original_creation_date_time for r in reports if r.original_creation_date_time), None)
    add(group, "OrgnlCreDtTm", created.isoformat() if created is not None else None)
    count = next((r.original_number_of_transactions for r in reports
                  if r.original_number_of_transactions is not None), None)
    add(group, "OrgnlNbOfTxs", str(count) if count is not None else None)
    for report in reports:
        if report.payment_id is None:
            add(group, "GrpSts", report.status)
            write_reasons(group, report.reasons)
            break


def _render_transaction(message: xml.XmlElement, report: StatusReport) -> None:
    """PaymentTransaction123, elements in XSD order."""
    transaction = container(message, "TxInfAndSts")
    original = container(transaction, "OrgnlGrpInf")
    add(original, "OrgnlMsgId", original_msg_id(report))
    add(original, "OrgnlMsgNmId", message_name(report.original_message_type))
    add(transaction, "OrgnlInstrId", report.original_instr_id)
    add(transaction, "OrgnlEndToEndId", report.original_end_to_end_id)
    add(transaction, "OrgnlTxId", report.original_tx_id)
    add(transaction, "OrgnlUETR", report.original_uetr)
    add(transaction, "TxSts", report.status)
    write_reasons(transaction, report.reasons)
    if report.status in _ACCEPTED_STATUSES:
        add(transaction, "AccptncDtTm", format_datetime(report.created_at))
    if report.effective_settlement_date is not None:
        add(container(transaction, "FctvIntrBkSttlmDt"), "Dt", report.effective_settlement_date.isoformat())
    if report.original_amount is not None or report.original_settlement_date is not None:
        reference = container(transaction, "OrgnlTxRef")
        write_amount(reference, "IntrBkSttlmAmt", report.original_amount)
        if report.original_settlement_date is not None:
            add(reference, "IntrBkSttlmDt", report.original_settlement_date.isoformat())


# --- read -----------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusReason:
    code: str | None
    proprietary: str | None = None
    additional_info: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupStatus:
    original_msg_id: str | None
    original_message_type: str | None
    original_creation_date_time: datetime | None
    original_number_of_transactions: int | None
    status: str | None
    reasons: tuple[StatusReason, ...] = ()


@dataclass(frozen=True)
class TransactionStatus:
    status: str | None
    original_msg_id: str | None = None
    original_instr_id: str | None = None
    original_end_to_end_id: str | None = None
    original_tx_id: str | None = None
    original_uetr: str | None = None
    reasons: tuple[StatusReason, ...] = ()
    acceptance_date_time: datetime | None = None
    effective_settlement_date: date | None = None
    original_amount: Amount | None = None
    original_settlement_date: date | None = None

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons if r.code)


@dataclass(frozen=True)
class StatusReportReading:
    """What a pacs.002 says; `issues` are why it could not be read (then the rest is empty)."""

    msg_id: str | None = None
    creation_date_time: datetime | None = None
    groups: tuple[GroupStatus, ...] = ()
    transactions: tuple[TransactionStatus, ...] = ()
    issues: tuple[Issue, ...] = ()


def _reasons(node: Node) -> tuple[StatusReason, ...]:
    return tuple(StatusReason(code=r.text("Rsn", "Cd"), proprietary=r.text("Rsn", "Prtry"),
                              additional_info=r.texts("AddtlInf")) for r in node.children("StsRsnInf"))


def _count(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def read(data: bytes, catalogue: SchemaLookup | None = None,
         limits: Limits | None = None) -> StatusReportReading:
    """Read a pacs.002 (whole: status reports are small); validated when `catalogue` has its XSD."""
    root, issues = xml.parse_tree(data, limits or Limits())
    if root is None:
        return StatusReportReading(issues=tuple(issues))
    document = root if xml.local_name(root.tag) == "Document" else next(root.iter("{*}Document"), None)
    namespace = xml.namespace_of(document.tag) if document is not None else ""
    name = name_for(namespace)
    if document is None or name is None or not name.startswith("pacs.002.") or not len(document):
        rule = "xml.unknown_namespace"
        problem = f"not a pacs.002 status report ({namespace or 'no namespace'})"
        return StatusReportReading(issues=(Issue(code=RULES[rule].code, rule=rule, path="Document",
                                                 message=problem),))
    schema = catalogue.schema_for(namespace) if catalogue is not None else None
    problems = xml.validate_bytes(data, schema) if schema is not None else []
    message = Node(document[0], xml.local_name(document[0].tag))
    header = message.child("GrpHdr")
    return StatusReportReading(
        msg_id=header.get("MsgId") if header else None,
        creation_date_time=parse_datetime(header.get("CreDtTm")) if header else None,
        groups=tuple(GroupStatus(
            original_msg_id=g.get("OrgnlMsgId"), original_message_type=g.get("OrgnlMsgNmId"),
            original_creation_date_time=parse_datetime(g.get("OrgnlCreDtTm")),
            original_number_of_transactions=_count(g.get("OrgnlNbOfTxs")), status=g.get("GrpSts"),
            reasons=_reasons(g)) for g in message.children("OrgnlGrpInfAndSts")),
        transactions=tuple(TransactionStatus(
            status=t.get("TxSts"), original_msg_id=t.text("OrgnlGrpInf", "OrgnlMsgId"),
            original_instr_id=t.get("OrgnlInstrId"), original_end_to_end_id=t.get("OrgnlEndToEndId"),
            original_tx_id=t.get("OrgnlTxId"), original_uetr=t.get("OrgnlUETR"), reasons=_reasons(t),
            acceptance_date_time=parse_datetime(t.get("AccptncDtTm")),
            effective_settlement_date=parse_date(t.text("FctvIntrBkSttlmDt", "Dt")),
            original_amount=read_amount(t.at("OrgnlTxRef", "IntrBkSttlmAmt")),
            original_settlement_date=parse_date(t.text("OrgnlTxRef", "IntrBkSttlmDt")))
            for t in message.children("TxInfAndSts")),
        issues=tuple(problems))


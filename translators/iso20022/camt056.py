"""camt.056 FI to FI payment cancellation request (a recall), version .001.09, read only.

Paths are those of DOMAIN §2.10 (root `FIToFIPmtCxlReq`: Assgnmt, Case, CtrlData, then one or
more Undrlyg, each with an optional OrgnlGrpInfAndCxl and TxInf as PaymentTransaction120).
Pass 1 streams the Undrlyg elements, validating against the XSD and counting TxInf for
CtrlData/NbOfTxs; pass 2 reads each TxInf as a canonical `RecallRequest` with the issues that
concern it alone: SEPA recall reasons and time limits (DOMAIN §4.3), dates, duplicate CxlId.
`read_document` adapts the result to the pipeline's `DocumentReading` (kind "other").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from pydantic import ValidationError

from schemas.codes import RULES
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from schemas.rtransactions import CaseParty, RecallRequest, recall_id_for
from translators.base import DocumentReading, ReadContext
from translators.iso20022 import xml
from translators.iso20022.common import Node, parse_datetime, parse_decimal, read_agent, read_party
from translators.iso20022.pacs004 import Opened, business_days_between, open_document, read_original, read_reasons
from translators.iso20022.pacs008 import _applicable, _bic_issues, _money_issues

__all__ = ["CUSTOMER_REASONS", "MESSAGE", "PSP_REASONS", "RECORD", "SUPPORTED_VERSIONS", "RecallReading",
           "RecallsReading", "read", "read_document"]

SUPPORTED_VERSIONS: Final = ("camt.056.001.09",)
MESSAGE: Final = "FIToFIPmtCxlReq"
RECORD: Final = "Undrlyg"            # streamed unit; each holds TxInf recalls
# EPC SCT rulebook recall reasons (DOMAIN §4.3): PSP-initiated, and customer-initiated (2019+ rulebooks).
PSP_REASONS: Final = frozenset({"DUPL", "TECH", "FRAD"})
CUSTOMER_REASONS: Final = frozenset({"AC03", "AM09", "CUST"})
PSP_RECALL_BUSINESS_DAYS: Final = 10   # DUPL/TECH/FRAD: within 10 business days of settlement
CUSTOMER_RECALL_MONTHS: Final = 13     # AC03/AM09/CUST: within 13 months


def _issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


@dataclass(frozen=True)
class RecallReading:
    """One Undrlyg/TxInf: its canonical recall request, or the issues that reject it."""

    index: int
    recall: RecallRequest | None
    issues: tuple[Issue, ...] = ()

    @property
    def rejected(self) -> bool:
        return self.recall is None or any(i.severity is Severity.ERROR for i in self.issues)


@dataclass
class RecallsReading:
    """The result of reading a camt.056: document-level issues and, when accepted, every recall."""

    format: str
    issues: list[Issue] = field(default_factory=list)
    msg_id: str | None = None                    # Assgnmt/Id
    creation_date_time: datetime | None = None   # Assgnmt/CreDtTm
    number_of_transactions: int | None = None
    recalls: list[RecallReading] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)


@dataclass
class _Counts:
    """Pass 1, per Undrlyg: how many TxInf, and the sum of their original settlement amounts."""

    transactions: int = 0
    total: Decimal = Decimal(0)

    def __call__(self, element: xml.XmlElement, index: int) -> None:
        for tx in element.iterfind("{*}TxInf"):
            self.transactions += 1
            amount = tx.find("{*}OrgnlIntrBkSttlmAmt")
            value = parse_decimal(amount.text) if amount is not None else None
            self.total += value if value is not None else 0


def _case_party(node: Node | None) -> CaseParty | None:
    """Party40Choice: `Agt` or `Pty`."""
    if node is None:
        return None
    agent, party = read_agent(node.child("Agt")), read_party(node.child("Pty"))
    return CaseParty(agent=agent) if agent is not None else CaseParty(party=party) if party is not None else None


@dataclass(frozen=True)
class _Assignment:
    id: str
    assigner: CaseParty | None
    assignee: CaseParty | None
    created: datetime | None
    case: Node | None


def read(data: bytes, context: ReadContext) -> RecallsReading:
    """Read a camt.056 (version from the namespace) into recall requests and issues; never raises."""
    profile = context.profile
    counts = _Counts()
    opened = open_document(data, context, family="camt.056", supported=SUPPORTED_VERSIONS, record=RECORD,
                           on_record=counts, structural=lambda on: None)
    if not isinstance(opened, Opened):
        return RecallsReading(format=opened[0], issues=opened[1])
    streamed, issues = opened.streamed, opened.issues
    message = Node(streamed.message, "") if streamed.message is not None else None
    element = message.child("Assgnmt") if message is not None else None
    assignment = None
    if element is not None:
        assignment = _Assignment(element.get("Id") or "", _case_party(element.child("Assgnr")),
                                 _case_party(element.child("Assgne")), parse_datetime(element.get("CreDtTm")),
                                 message.child("Case") if message is not None else None)
    if streamed.complete and (assignment is None or assignment.assigner is None or assignment.assignee is None):
        issues.append(_issue("iso.structure", "Assgnmt", "the message has no complete assignment (Id, Assgnr, Assgne)"))
        assignment = None
    elif streamed.complete and message is not None:
        issues += _control_checks(message, counts, profile)
        if assignment is not None:
            issues += _bic_issues("Assgnmt", (
                (f"{tag}/Agt", party.agent) for tag, party in (("Assgnr", assignment.assigner),
                                                               ("Assgne", assignment.assignee))
                if party is not None))
    reading = RecallsReading(format=opened.version, issues=_applicable(issues, profile),
                             msg_id=assignment.id if assignment else None,
                             creation_date_time=assignment.created if assignment else None,
                             number_of_transactions=counts.transactions)
    if assignment is not None and reading.accepted:
        reading.recalls = _recalls(opened.data, opened.version, assignment, context)
    return reading


def _control_checks(message: Node, counts: _Counts, profile: Profile) -> list[Issue]:
    """CtrlData/NbOfTxs and CtrlSum (when present) against the TxInf elements; profile limits."""
    issues: list[Issue] = []
    control = message.child("CtrlData")
    if control is not None:
        declared = control.get("NbOfTxs") or ""
        if not declared.isdigit() or int(declared) != counts.transactions:
            issues.append(_issue("iso.nb_of_txs", "CtrlData/NbOfTxs", f"NbOfTxs is {declared!r} but the message "
                                 f"holds {counts.transactions} transactions"))
        total = control.child("CtrlSum")
        if total is not None and parse_decimal(total.value) != counts.total:
            issues.append(_issue("iso.ctrl_sum", "CtrlData/CtrlSum", f"CtrlSum is {total.value} but the original "
                                 f"settlement amounts add up to {counts.total}"))
    limit = profile.max_transactions_per_message
    if limit is not None and counts.transactions > limit:
        issues.append(_issue("profile.max_transactions", "Undrlyg", f"profile {profile.id} allows {limit} "
                             f"transaction(s) per message; this one has {counts.transactions}"))
    return issues


def _recalls(data: bytes, version: str, assignment: _Assignment, context: ReadContext) -> list[RecallReading]:
    found: list[RecallReading] = []
    seen: dict[str, int] = {}
    index = 0
    for number, element in enumerate(xml.iter_records(data, record=RECORD), 1):
        underlying = Node(element, f"{RECORD}[{number}]")
        group = underlying.child("OrgnlGrpInfAndCxl")
        inherited = ((group.get("OrgnlMsgId"), group.get("OrgnlMsgNmId"),
                      parse_datetime(group.get("OrgnlCreDtTm"))) if group else (None, None, None))
        group_reasons = read_reasons(group.children("CxlRsnInf")) if group else ()
        group_case = group.child("Case") if group else None
        for node in underlying.children("TxInf"):
            case = node.child("Case") or group_case or assignment.case
            try:
                recall = RecallRequest(
                    recall_id=recall_id_for(context.document_id, index), document_id=context.document_id,
                    index=index, source=context.source, message_type=version, assignment_id=assignment.id,
                    assigner=assignment.assigner, assignee=assignment.assignee,
                    creation_date_time=assignment.created, case_id=case.get("Id") if case else None,
                    case_creator=_case_party(case.child("Cretr")) if case else None,
                    cancellation_id=node.get("CxlId"),
                    original=read_original(node, node.child("OrgnlGrpInf"), inherited),
                    reasons=read_reasons(node.children("CxlRsnInf")) or group_reasons)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                found.append(RecallReading(index, None, (_issue(
                    "iso.structure", node.path, f"the recall cannot be read ({where}: {first['msg']})"),)))
            else:
                issues = _applicable(_recall_checks(node, recall, context.profile, seen), context.profile)
                found.append(RecallReading(index, recall, tuple(issues)))
            index += 1
    return found


def _months_after(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 28)


def _recall_checks(node: Node, recall: RecallRequest, profile: Profile, seen: dict[str, int]) -> list[Issue]:
    """Checks on one recall: reason (SEPA set, a warning), dates and time limits, money, duplicates."""
    path, original = node.path, recall.original
    issues = _money_issues(original.interbank_settlement_amount, f"{path}/OrgnlIntrBkSttlmAmt")
    if not (original.instr_id or original.end_to_end_id or original.tx_id or original.uetr):
        issues.append(_issue("camt056.no_original_reference", path, "the recall names no original InstrId, "
                             "EndToEndId, TxId or UETR"))
    code = recall.reason_code
    reason_codes = [r.code for r in recall.reasons if r.code]
    if code is None:
        issues.append(_issue("camt056.reason_code", f"{path}/CxlRsnInf", "the recall gives no reason",
                             Severity.WARNING))
    issues += [_issue("camt056.reason_code", f"{path}/CxlRsnInf/Rsn/Cd", f"{reason} is not a SEPA recall reason "
                      f"({', '.join(sorted(PSP_REASONS | CUSTOMER_REASONS))})", Severity.WARNING)
               for reason in reason_codes if reason not in PSP_REASONS | CUSTOMER_REASONS]
    settled, created = original.interbank_settlement_date, recall.creation_date_time
    if settled is not None and created is not None:
        asked = created.date()
        if asked < settled:
            issues.append(_issue("rtrx.date", f"{path}/OrgnlIntrBkSttlmDt", f"the recall was created on {asked}, "
                                 f"before the original payment settled ({settled})"))
        elif code in PSP_REASONS and (days := business_days_between(settled, asked)) > PSP_RECALL_BUSINESS_DAYS:
            issues.append(_issue("rtrx.time_limit", f"{path}/CxlRsnInf/Rsn/Cd", f"a {code} recall {days} business "
                                 f"days after settlement ({settled}); SEPA allows {PSP_RECALL_BUSINESS_DAYS}",
                                 Severity.WARNING))
        elif code in CUSTOMER_REASONS and asked > _months_after(settled, CUSTOMER_RECALL_MONTHS):
            issues.append(_issue("rtrx.time_limit", f"{path}/CxlRsnInf/Rsn/Cd", f"a {code} recall more than "
                                 f"{CUSTOMER_RECALL_MONTHS} months after settlement ({settled})", Severity.WARNING))
    present = node.elements()
    issues += _bic_issues(path, ((tag, read_agent(node.child(tag))) for tag in ("Assgnr", "Assgne") if tag in present))
    if recall.cancellation_id:
        if recall.cancellation_id in seen:
            first = seen[recall.cancellation_id]
            issues.append(_issue("camt056.duplicate_cancellation_id", f"{path}/CxlId",
                                 f"CxlId {recall.cancellation_id!r} was already used by recall {first}"))
        else:
            seen[recall.cancellation_id] = recall.index + 1
    return issues


def read_document(data: bytes, context: ReadContext) -> DocumentReading:
    """The pipeline's view of a camt.056: stored, not settled (kind "other"), with per-recall issues."""
    reading = read(data, context)
    issues = list(reading.issues)
    for recall in reading.recalls:
        issues.extend(recall.issues)
    return DocumentReading(format=reading.format, issues=issues, msg_id=reading.msg_id,
                           creation_date_time=reading.creation_date_time,
                           number_of_transactions=reading.number_of_transactions, kind="other")

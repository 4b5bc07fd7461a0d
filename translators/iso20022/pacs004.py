"""pacs.004 payment return, version .001.10 (the one whose official XSD the gateway has).

Paths are those of DOMAIN §2.10 (root `PmtRtr`: GrpHdr, group-level OrgnlGrpInf, TxInf as
PaymentTransaction118). The unofficial pacs.004.001.11 the schema cache holds (flagged by the
catalogue) is never used, so .11 is not supported. `read` makes the same two passes as
`pacs008.read`: pass 1 validates against the XSD while streaming and checks the group header
(NbOfTxs, CtrlSum, TtlRtrdIntrBkSttlmAmt); pass 2 reads each TxInf as a canonical
`PaymentReturn` with the issues that reject it alone (DOMAIN §4.3: reason codes, time limit).
A return is not a payment, so `read` hands back a `ReturnsReading`; `read_document` adapts it
to the pipeline's `DocumentReading` (kind "other": validated and stored, not settled).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from lxml import etree
from pydantic import ValidationError

from schemas.canonical import Agent, Amount, Charge
from schemas.codes import RULES
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from schemas.rtransactions import OriginalReference, PaymentReturn, ReturnReason, return_id_for
from schemas.xsd import name_for
from translators.base import DocumentReading, ReadContext
from translators.iso20022 import xml
from translators.iso20022.common import (
    Node,
    add,
    container,
    format_datetime,
    new_message,
    parse_date,
    parse_datetime,
    parse_decimal,
    prune,
    read_agent,
    read_amount,
    read_code,
    read_party,
    write_agent,
    write_amount,
    write_code,
    write_party,
)
from translators.iso20022.group_totals import Counted, group_totals_issues
from translators.iso20022.pacs008 import _applicable, _bic_issues, _money_issues

__all__ = ["MESSAGE", "RECORD", "RETURN_REASONS", "SUPPORTED_VERSIONS", "ReturnReading", "ReturnsReading",
           "read", "read_document", "render"]

SUPPORTED_VERSIONS: Final = ("pacs.004.001.10",)
MESSAGE: Final = "PmtRtr"
RECORD: Final = "TxInf"
MAX_ISSUES: Final = 100
# ExternalReturnReason1Code values of DOMAIN §2.10 and §4.3 (SEPA returns, positive answer FOCR).
RETURN_REASONS: Final = frozenset({
    "AC01", "AC03", "AC04", "AC06", "AG01", "AG02", "AM04", "AM05", "AM09", "ARDT", "BE04", "CNOR", "CUST",
    "DNOR", "ED05", "ERIN", "FF05", "FOCR", "FR01", "MD06", "MD07", "MS02", "MS03", "NARR", "RC01", "RR01",
    "RR02", "RR03", "RR04", "SL01", "TM01", "UPAY"})
RETURN_BUSINESS_DAYS: Final = 3   # EPC SCT rulebook: returns within 3 business days of settlement (DOMAIN §4.3)
# Checked only when no XSD is available (the XSD checks it otherwise): PaymentTransaction118.
REQUIRED: Final = ("RtrdIntrBkSttlmAmt",)


def _issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


@dataclass(frozen=True)
class ReturnReading:
    """One TxInf: its canonical return, or the issues that reject it."""

    index: int
    payment_return: PaymentReturn | None
    issues: tuple[Issue, ...] = ()

    @property
    def rejected(self) -> bool:
        return self.payment_return is None or any(i.severity is Severity.ERROR for i in self.issues)


@dataclass
class ReturnsReading:
    """The result of reading a pacs.004: document-level issues (any error rejects it all) and,
    when accepted, every return with its own issues."""

    format: str
    issues: list[Issue] = field(default_factory=list)
    msg_id: str | None = None
    creation_date_time: datetime | None = None
    number_of_transactions: int | None = None
    returns: list[ReturnReading] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)


# --- opening: shared with camt056 ----------------------------------------------------------

@dataclass(frozen=True)
class Opened:
    """Pass 1 done: the version, the streamed document and the issues found so far."""

    data: bytes
    version: str
    namespace: str
    streamed: xml.StreamedDocument
    issues: list[Issue]


def open_document(data: bytes, context: ReadContext, *, family: str, supported: tuple[str, ...], record: str,
                  on_record: Callable[[xml.XmlElement, int], None], structural: Callable[[bool], None]
                  ) -> Opened | tuple[str, list[Issue]]:
    """Safe preparation, version from the namespace, profile, then pass 1 (XSD while streaming).
    `structural(True)` is called before streaming when no XSD is available. Never raises."""
    profile = context.profile
    prepared = xml.prepare(data, profile.limits)
    if prepared.issues:
        return family, list(prepared.issues)
    located = xml.locate_document(prepared.data)
    if not isinstance(located, xml.DocumentLocation):
        sniffed = xml.locate_document(prepared.data.lstrip())
        known = name_for(sniffed.namespace) if isinstance(sniffed, xml.DocumentLocation) else None
        return known or family, [located or _issue(
            "xml.unknown_namespace", "", "the document has no ISO 20022 Document element")]
    version = name_for(located.namespace)
    if version not in supported:
        return version or family, [_issue(
            "xml.unknown_namespace", "Document", f"namespace {located.namespace!r} is not a {family} "
            f"version this reader supports ({', '.join(supported)})")]
    if profile.message_types is not None and version not in profile.message_types:
        return version, [_issue("profile.message_type", "Document", f"profile {profile.id} does not accept {version}")]
    schema = context.catalogue.schema_for(located.namespace) if context.catalogue is not None else None
    issues: list[Issue] = []
    if schema is None:
        issues.append(_issue("iso.no_schema", "Document", f"no official XSD for {version} is available: "
                             "structural checks only", Severity.INFO))
        structural(True)
    streamed = xml.stream_document(prepared.data, record=record, limits=profile.limits, schema=schema,
                                   on_record=on_record, max_issues=MAX_ISSUES)
    return Opened(prepared.data, version, located.namespace, streamed, issues + streamed.issues)


def read_reasons(nodes: Iterable[Node]) -> tuple[ReturnReason, ...]:
    """RtrRsnInf / CxlRsnInf (PaymentReturnReason6, PaymentCancellationReason5)."""
    def one(node: Node) -> ReturnReason:
        reason = node.child("Rsn")
        return ReturnReason(code=reason.get("Cd") if reason else None,
                            proprietary=reason.get("Prtry") if reason else None,
                            originator=read_party(node.child("Orgtr")), additional_info=node.texts("AddtlInf"))

    return tuple(map(one, nodes))


def read_original(node: Node, group: Node | None, inherited: tuple[str | None, str | None, datetime | None]
                  ) -> OriginalReference:
    """The Orgnl* elements of a transaction; OrgnlGrpInf from `group` (the transaction's own) or `inherited`."""
    message_id, name_id, created = inherited
    if group is not None:
        message_id, name_id = group.get("OrgnlMsgId"), group.get("OrgnlMsgNmId")
        created = parse_datetime(group.get("OrgnlCreDtTm"))
    return OriginalReference(
        message_id=message_id, message_name_id=name_id, creation_date_time=created,
        instr_id=node.get("OrgnlInstrId"), end_to_end_id=node.get("OrgnlEndToEndId"), tx_id=node.get("OrgnlTxId"),
        uetr=node.get("OrgnlUETR"), clearing_system_reference=node.get("OrgnlClrSysRef"),
        interbank_settlement_amount=read_amount(node.child("OrgnlIntrBkSttlmAmt")),
        interbank_settlement_date=parse_date(node.get("OrgnlIntrBkSttlmDt")))


def business_days_between(start: date, end: date) -> int:
    """Weekdays after `start` up to and including `end` (TARGET holidays are not known here)."""
    days, current = 0, start
    while current < end and days <= 400:
        current += timedelta(days=1)
        days += current.weekday() < 5
    return days


def write_reasons(parent: xml.XmlElement, name: str, reasons: Sequence[ReturnReason]) -> None:
    for reason in reasons:
        element = container(parent, name)
        write_party(element, "Orgtr", reason.originator)
        if reason.code or reason.proprietary:
            choice = container(element, "Rsn")
            add(choice, "Cd" if reason.code else "Prtry", reason.code or reason.proprietary)
        for line in reason.additional_info:
            add(element, "AddtlInf", line)


def write_original(parent: xml.XmlElement, original: OriginalReference) -> None:
    """OrgnlGrpInf (when the original message is known) and the Orgnl* ids, in XSD order."""
    if original.message_id or original.message_name_id:
        if not (original.message_id and original.message_name_id):
            raise ValueError("OrgnlGrpInf needs both the original message id and its message name id")
        group = container(parent, "OrgnlGrpInf")
        add(group, "OrgnlMsgId", original.message_id)
        add(group, "OrgnlMsgNmId", original.message_name_id)
        add(group, "OrgnlCreDtTm", format_datetime(original.creation_date_time)
            if original.creation_date_time else None)
    add(parent, "OrgnlInstrId", original.instr_id)
    add(parent, "OrgnlEndToEndId", original.end_to_end_id)
    add(parent, "OrgnlTxId", original.tx_id)
    add(parent, "OrgnlUETR", original.uetr)
    add(parent, "OrgnlClrSysRef", original.clearing_system_reference)
    write_amount(parent, "OrgnlIntrBkSttlmAmt", original.interbank_settlement_amount)
    add(parent, "OrgnlIntrBkSttlmDt", original.interbank_settlement_date.isoformat()
        if original.interbank_settlement_date else None)


# --- read ------------------------------------------------------------------------------

@dataclass
class _Totals:
    """Pass 1, per TxInf: the sum of the returned amounts, and mandatory elements without an XSD."""

    structural: bool = False
    total: Decimal = Decimal(0)
    currencies: set[str] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)

    def __call__(self, element: xml.XmlElement, index: int) -> None:
        amount = element.find("{*}RtrdIntrBkSttlmAmt")
        value = parse_decimal(amount.text) if amount is not None else None
        if value is not None:
            self.total += value
            self.currencies.add(amount.get("Ccy") or "")
        if self.structural and len(self.issues) < MAX_ISSUES:
            present = {xml.local_name(child.tag) for child in element.iterchildren(etree.Element)}
            self.issues.extend(_issue("iso.structure", f"{RECORD}[{index}]/{name}", f"{name} is mandatory")
                               for name in REQUIRED if name not in present)
            if amount is not None and (value is None or value < 0):
                self.issues.append(_issue("iso.structure", f"{RECORD}[{index}]/RtrdIntrBkSttlmAmt",
                                          "RtrdIntrBkSttlmAmt is not a non-negative decimal amount"))

    def set_structural(self, on: bool) -> None:
        self.structural = on


@dataclass(frozen=True)
class _Group:
    """GrpHdr and group-level OrgnlGrpInf values each return inherits."""

    msg_id: str
    created: datetime | None
    settlement_date: date | None
    settlement_method: str | None
    clearing_system: str | None
    instructing_agent: Agent | None
    instructed_agent: Agent | None
    original: tuple[str | None, str | None, datetime | None]
    reasons: tuple[ReturnReason, ...]


def _read_group(header: Node, original: Node | None) -> _Group:
    return _Group(
        msg_id=header.get("MsgId") or "", created=parse_datetime(header.get("CreDtTm")),
        settlement_date=parse_date(header.get("IntrBkSttlmDt")), settlement_method=header.text("SttlmInf", "SttlmMtd"),
        clearing_system=read_code(header.at("SttlmInf", "ClrSys")),
        instructing_agent=read_agent(header.child("InstgAgt")), instructed_agent=read_agent(header.child("InstdAgt")),
        original=(original.get("OrgnlMsgId"), original.get("OrgnlMsgNmId"),
                  parse_datetime(original.get("OrgnlCreDtTm"))) if original else (None, None, None),
        reasons=read_reasons(original.children("RtrRsnInf")) if original else ())


def read(data: bytes, context: ReadContext) -> ReturnsReading:
    """Read a pacs.004 (version from the namespace) into returns and issues; never raises."""
    profile = context.profile
    totals = _Totals()
    opened = open_document(data, context, family="pacs.004", supported=SUPPORTED_VERSIONS, record=RECORD,
                           on_record=lambda element, index: totals(element, index), structural=totals.set_structural)
    if not isinstance(opened, Opened):
        return ReturnsReading(format=opened[0], issues=opened[1])
    streamed, issues = opened.streamed, opened.issues + totals.issues
    namespace = opened.namespace
    message = streamed.message
    header_element = message.find(f"{{{namespace}}}GrpHdr") if message is not None else None
    original_element = message.find(f"{{{namespace}}}OrgnlGrpInf") if message is not None else None
    header = Node(header_element, "GrpHdr") if header_element is not None else None
    group = _read_group(header, Node(original_element, "OrgnlGrpInf") if original_element is not None else None
                        ) if header is not None else None
    if streamed.complete and header is None:
        issues.append(_issue("iso.structure", "GrpHdr", "the message has no group header"))
    elif streamed.complete and header is not None and group is not None:
        issues += _group_checks(header, streamed.records, totals, profile)
        issues += _bic_issues("GrpHdr", (("InstgAgt", group.instructing_agent), ("InstdAgt", group.instructed_agent)))
    count = (header.get("NbOfTxs") or "") if header is not None else ""
    reading = ReturnsReading(
        format=opened.version, issues=_applicable(issues, profile), msg_id=group.msg_id if group else None,
        creation_date_time=group.created if group else None,
        number_of_transactions=int(count) if count.isdigit() else streamed.records)
    if group is not None and reading.accepted:
        reading.returns = _returns(opened.data, opened.version, group, context)
    return reading


def _group_checks(header: Node, count: int, totals: _Totals, profile: Profile) -> list[Issue]:
    """NbOfTxs, CtrlSum and TtlRtrdIntrBkSttlmAmt against the returns (DOMAIN §8.15), profile limits."""
    counted = Counted(count, totals.total, frozenset(totals.currencies))
    return group_totals_issues(header, counted, profile, total_element="TtlRtrdIntrBkSttlmAmt", record=RECORD,
                               records_word="returns", amounts_word="returned amounts")


def _returns(data: bytes, version: str, group: _Group, context: ReadContext) -> list[ReturnReading]:
    seen: dict[str, int] = {}
    found: list[ReturnReading] = []
    for index, element in enumerate(xml.iter_records(data, record=RECORD)):
        node = Node(element, f"{RECORD}[{index + 1}]")
        try:
            returned = _return(node, index, version, group, context)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            found.append(ReturnReading(index, None, (_issue(
                "iso.structure", node.path, f"the return cannot be read ({where}: {first['msg']})"),)))
            continue
        if returned is None:
            found.append(ReturnReading(index, None, (_issue(
                "iso.structure", f"{node.path}/RtrdIntrBkSttlmAmt",
                "RtrdIntrBkSttlmAmt is missing or cannot be read"),)))
            continue
        issues = _applicable(_return_checks(node, returned, context.profile, seen), context.profile)
        found.append(ReturnReading(index, returned, tuple(issues)))
    return found


def _return(node: Node, index: int, version: str, group: _Group, context: ReadContext) -> PaymentReturn | None:
    amount = read_amount(node.child("RtrdIntrBkSttlmAmt"))
    if amount is None:
        return None
    charges = []
    for charge in node.children("ChrgsInf"):
        charge_amount, agent = read_amount(charge.child("Amt")), read_agent(charge.child("Agt"))
        if charge_amount is not None and agent is not None:
            charges.append(Charge(amount=charge_amount, agent=agent))
    return PaymentReturn(
        return_id=return_id_for(context.document_id, index), document_id=context.document_id, index=index,
        source=context.source, message_type=version, msg_id=group.msg_id, creation_date_time=group.created,
        return_identification=node.get("RtrId"),
        original=read_original(node, node.child("OrgnlGrpInf"), group.original),
        returned_interbank_settlement_amount=amount,
        interbank_settlement_date=parse_date(node.get("IntrBkSttlmDt")) or group.settlement_date,
        returned_instructed_amount=read_amount(node.child("RtrdInstdAmt")),
        settlement_method=group.settlement_method, clearing_system=group.clearing_system,
        charge_bearer=node.get("ChrgBr"), charges=tuple(charges),
        reasons=read_reasons(node.children("RtrRsnInf")) or group.reasons,
        instructing_agent=read_agent(node.child("InstgAgt")) or group.instructing_agent,
        instructed_agent=read_agent(node.child("InstdAgt")) or group.instructed_agent)


def _return_checks(node: Node, returned: PaymentReturn, profile: Profile, seen: dict[str, int]) -> list[Issue]:
    """Checks that reject (or warn about) this return alone (DOMAIN §4.3, §8.14-19)."""
    path = node.path
    amount, original = returned.returned_interbank_settlement_amount, returned.original
    issues = _money_issues(amount, f"{path}/RtrdIntrBkSttlmAmt")
    issues += _money_issues(original.interbank_settlement_amount, f"{path}/OrgnlIntrBkSttlmAmt")
    issues += _money_issues(returned.returned_instructed_amount, f"{path}/RtrdInstdAmt")
    if amount.value == 0:
        issues.append(_issue("money.zero", f"{path}/RtrdIntrBkSttlmAmt", "the returned amount is zero"))
    if profile.currencies is not None and amount.currency not in profile.currencies:
        issues.append(_issue("profile.currency", f"{path}/RtrdIntrBkSttlmAmt/@Ccy",
                             f"profile {profile.id} does not accept {amount.currency}"))
    issues += _against_original(path, amount, original.interbank_settlement_amount)
    settled, returned_on = original.interbank_settlement_date, returned.interbank_settlement_date
    if settled is not None and returned_on is not None:
        if returned_on < settled:
            issues.append(_issue("rtrx.date", f"{path}/IntrBkSttlmDt", f"the return settles on {returned_on}, "
                                 f"before the original payment settled ({settled})"))
        elif (days := business_days_between(settled, returned_on)) > RETURN_BUSINESS_DAYS:
            issues.append(_issue("rtrx.time_limit", f"{path}/IntrBkSttlmDt", f"the return settles {days} business "
                                 f"days after the original ({settled}); SEPA allows {RETURN_BUSINESS_DAYS}",
                                 Severity.WARNING))
    issues += _reason_issues(path, returned.reasons)
    present = node.elements()
    issues += _bic_issues(path, ((tag, agent) for tag, agent in (("InstgAgt", returned.instructing_agent),
                                                                  ("InstdAgt", returned.instructed_agent))
                                 if tag in present))
    issues += _bic_issues(path, ((f"ChrgsInf[{n}]/Agt", charge.agent) for n, charge in enumerate(returned.charges, 1)))
    identification = returned.return_identification
    if identification:
        if identification in seen:
            issues.append(_issue("pacs004.duplicate_return_id", f"{path}/RtrId", f"RtrId {identification!r} was "
                                 f"already used by {RECORD}[{seen[identification]}]"))
        else:
            seen[identification] = returned.index + 1
    return issues


def _against_original(path: str, amount: Amount, original: Amount | None) -> list[Issue]:
    if original is None:
        return []
    if original.currency != amount.currency:
        return [_issue("pacs004.original_currency", f"{path}/RtrdIntrBkSttlmAmt/@Ccy", f"the return is in "
                       f"{amount.currency} but the original settled in {original.currency}", Severity.WARNING)]
    if amount.value > original.value:
        return [_issue("pacs004.amount_exceeds_original", f"{path}/RtrdIntrBkSttlmAmt", f"the returned amount "
                       f"{amount.value} exceeds the original {original.value} {original.currency}")]
    return []


def _reason_issues(path: str, reasons: Sequence[ReturnReason]) -> list[Issue]:
    if not reasons or not any(r.code or r.proprietary for r in reasons):
        return [_issue("pacs004.reason_code", f"{path}/RtrRsnInf", "the return gives no reason", Severity.WARNING)]
    return [_issue("pacs004.reason_code", f"{path}/RtrRsnInf/Rsn/Cd" if len(reasons) == 1
                   else f"{path}/RtrRsnInf[{n}]/Rsn/Cd",
                   f"{reason.code} is not a return reason (ExternalReturnReason1Code) the gateway knows",
                   Severity.WARNING)
            for n, reason in enumerate(reasons, 1) if reason.code and reason.code not in RETURN_REASONS]


def read_document(data: bytes, context: ReadContext) -> DocumentReading:
    """The pipeline's view of a pacs.004: stored, not settled (kind "other"); the per-return
    issues are document issues here, so intake rejects a document with a rejected return."""
    reading = read(data, context)
    issues = list(reading.issues)
    for returned in reading.returns:
        issues.extend(returned.issues)
    return DocumentReading(format=reading.format, issues=issues, msg_id=reading.msg_id,
                           creation_date_time=reading.creation_date_time,
                           number_of_transactions=reading.number_of_transactions, kind="other")


# --- render ------------------------------------------------------------------------------

def render(returns: Sequence[PaymentReturn], *, msg_id: str, created_at: datetime, instructing_agent: Agent | None,
           instructed_agent: Agent | None, settlement_method: str = "CLRG", clearing_system: str | None = None,
           version: str = "pacs.004.001.10") -> bytes:
    """An outbound pacs.004, valid against the official XSD of `version` for valid returns.

    The group header carries this hop's settlement method, clearing system and agents; when
    an agent is given it replaces each return's own, otherwise the return's own is written.
    TtlRtrdIntrBkSttlmAmt is written when all returns share one currency (EPC IG).
    Raises ValueError for what a pacs.004 cannot carry.
    """
    if not returns:
        raise ValueError("a pacs.004 carries at least one return")
    document, message, header = new_message(version, SUPPORTED_VERSIONS, MESSAGE, msg_id, created_at)
    add(header, "NbOfTxs", str(len(returns)))
    currencies = {r.returned_interbank_settlement_amount.currency for r in returns}
    if len(currencies) == 1:
        total = sum((r.returned_interbank_settlement_amount.value for r in returns), Decimal(0))
        write_amount(header, "TtlRtrdIntrBkSttlmAmt", Amount(value=total, currency=currencies.pop()))
    settlement = container(header, "SttlmInf")
    add(settlement, "SttlmMtd", settlement_method)
    write_code(settlement, "ClrSys", clearing_system, code_length=3)
    write_agent(header, "InstgAgt", instructing_agent, with_account=False)
    write_agent(header, "InstdAgt", instructed_agent, with_account=False)
    for returned in returns:
        _render_return(message, returned, instructing_agent is None, instructed_agent is None)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def _render_return(message: xml.XmlElement, r: PaymentReturn, own_instructing: bool, own_instructed: bool) -> None:
    """PaymentTransaction118, elements in XSD order."""
    tx = container(message, RECORD)
    add(tx, "RtrId", r.return_identification)
    write_original(tx, r.original)
    write_amount(tx, "RtrdIntrBkSttlmAmt", r.returned_interbank_settlement_amount)
    add(tx, "IntrBkSttlmDt", r.interbank_settlement_date.isoformat() if r.interbank_settlement_date else None)
    write_amount(tx, "RtrdInstdAmt", r.returned_instructed_amount)
    add(tx, "ChrgBr", r.charge_bearer)
    for charge in r.charges:
        charges = container(tx, "ChrgsInf")
        write_amount(charges, "Amt", charge.amount)
        write_agent(charges, "Agt", charge.agent, with_account=False)
    if own_instructing:
        write_agent(tx, "InstgAgt", r.instructing_agent, with_account=False)
    if own_instructed:
        write_agent(tx, "InstdAgt", r.instructed_agent, with_account=False)
    write_reasons(tx, "RtrRsnInf", r.reasons)
    prune(tx)

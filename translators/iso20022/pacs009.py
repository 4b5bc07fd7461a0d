"""pacs.009 financial institution credit transfer (core and COV), versions .001.08 and .09.

The paths read here are the same in both versions (FinancialInstitutionCreditTransferV08/V09,
CreditTransferTransaction36/44 and, for a cover, UndrlygCstmrCdtTrf 37/45); the mapping to the
canonical institution `Payment` is DOMAIN §3.2, kept consistent with `translators/swift/mt202.py`:
Dbtr and Cdtr are banks (`Party.identification.any_bic`, a clearing member id as a proprietary
scheme), DbtrAcct/CdtrAcct their accounts, `SttlmInf` gives the settlement method, account and
reimbursement agents, and `UndrlygCstmrCdtTrf` the underlying customer transfer.
`read` makes the same two passes as `pacs008.read` (XSD while streaming, group checks; then the
transactions as canonical payments, each with the issues that reject it alone). `render` is in
`pacs009_render.py` and re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, TypeVar

from lxml import etree

from schemas.canonical import (
    Account,
    Agent,
    GenericIdentification,
    Party,
    PartyIdentification,
    Payment,
    TimeIndication,
    UnderlyingCustomerTransfer,
    payment_id_for,
)
from schemas.codes import RULES
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import xml
from translators.iso20022.apphdr import document_header_issues
from translators.iso20022.common import (
    Node,
    iban_problem,
    parse_date,
    parse_datetime,
    read_account,
    read_agent,
    read_amount,
    read_code,
    read_instruction,
    read_party,
    read_remittance,
)
from translators.iso20022.opening import Refused, open_document
from translators.iso20022.pacs008 import _bic_issues, _group_checks, _money_issues, _Totals
from translators.iso20022.pacs009_render import (
    MESSAGE,
    RECORD,
    SETTLEMENT_TIME_INDICATIONS,
    SETTLEMENT_TIME_REQUESTS,
    SUPPORTED_VERSIONS,
    render,
)
from translators.iso20022.records import must, payment_readings, read_fi_to_fi

__all__ = ["MESSAGE", "RECORD", "SUPPORTED_VERSIONS", "institution_party", "read", "render"]

T = TypeVar("T")

NOT_PROVIDED: Final = "NOTPROVIDED"
MAX_ISSUES: Final = 100
# Checked only when no XSD is available (the XSD checks them otherwise): CreditTransferTransaction36/44.
REQUIRED: Final = ("PmtId", "IntrBkSttlmAmt", "Dbtr", "Cdtr")
REQUIRED_UNDERLYING: Final = ("Dbtr", "DbtrAgt", "CdtrAgt", "Cdtr")


def _issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


def institution_party(agent: Agent) -> tuple[Party, Account | None]:
    """A Dbtr/Cdtr institution as the canonical debtor or creditor bank and its account, as
    `mt202_parties.institution_party` does: BIC (and LEI) in the identification, a clearing
    member id as an identification whose proprietary scheme is the clearing system."""
    others: tuple[GenericIdentification, ...] = ()
    if agent.clearing_system and agent.member_id:
        others = (GenericIdentification(id=agent.member_id, scheme_proprietary=agent.clearing_system),)
    if agent.other_id is not None:
        others = (*others, agent.other_id)
    identification = None
    if agent.bic or agent.lei or others:
        identification = PartyIdentification(kind="organisation", any_bic=agent.bic, lei=agent.lei, others=others)
    return Party(name=agent.name, postal_address=agent.postal_address, identification=identification), agent.account


@dataclass(frozen=True)
class _Group:
    """GrpHdr values every transaction inherits (DOMAIN §2.4; SttlmInf exists only at group level)."""

    msg_id: str
    created: datetime | None = None
    settlement_date: date | None = None
    settlement_method: str | None = None
    settlement_account: Account | None = None
    clearing_system: str | None = None
    instructing_reimbursement_agent: Agent | None = None
    instructed_reimbursement_agent: Agent | None = None
    third_reimbursement_agent: Agent | None = None
    instruction_priority: str | None = None
    service_levels: tuple[str, ...] = ()
    local_instrument: str | None = None
    category_purpose: str | None = None
    instructing_agent: Agent | None = None
    instructed_agent: Agent | None = None


def _read_group(header: Node) -> _Group:
    settlement = header.child("SttlmInf")
    payment_type = header.child("PmtTpInf")

    def agent(name: str) -> Agent | None:
        return read_agent(settlement.child(name), settlement.child(f"{name}Acct")) if settlement else None

    return _Group(
        msg_id=header.get("MsgId") or "", created=parse_datetime(header.get("CreDtTm")),
        settlement_date=parse_date(header.get("IntrBkSttlmDt")),
        settlement_method=settlement.get("SttlmMtd") if settlement else None,
        settlement_account=read_account(settlement.child("SttlmAcct")) if settlement else None,
        clearing_system=read_code(settlement.child("ClrSys")) if settlement else None,
        instructing_reimbursement_agent=agent("InstgRmbrsmntAgt"),
        instructed_reimbursement_agent=agent("InstdRmbrsmntAgt"),
        third_reimbursement_agent=agent("ThrdRmbrsmntAgt"),
        instruction_priority=payment_type.get("InstrPrty") if payment_type else None,
        service_levels=tuple(filter(None, map(read_code, payment_type.children("SvcLvl")))) if payment_type else (),
        local_instrument=read_code(payment_type.child("LclInstrm")) if payment_type else None,
        category_purpose=read_code(payment_type.child("CtgyPurp")) if payment_type else None,
        instructing_agent=read_agent(header.child("InstgAgt")),
        instructed_agent=read_agent(header.child("InstdAgt")))


class _Structure:
    """Pass 1 without an XSD: the mandatory elements of each transaction (and of its cover part)."""

    def __init__(self, namespace: str, totals: _Totals) -> None:
        self.namespace, self.totals = namespace, totals

    def __call__(self, element: xml.XmlElement, index: int) -> None:
        self.totals(element, index)
        issues = self.totals.issues
        if len(issues) >= MAX_ISSUES:
            return
        for where, names, node in ((f"{RECORD}[{index}]", REQUIRED, element),
                                   (f"{RECORD}[{index}]/UndrlygCstmrCdtTrf", REQUIRED_UNDERLYING,
                                    element.find(f"{{{self.namespace}}}UndrlygCstmrCdtTrf"))):
            if node is None:
                continue
            present = {xml.local_name(child.tag) for child in node.iterchildren(etree.Element)}
            issues.extend(_issue("iso.structure", f"{where}/{name}", f"{name} is mandatory")
                          for name in names if name not in present)


def read(data: bytes, context: ReadContext) -> DocumentReading:
    """Read a pacs.009 (core or COV, any supported version, detected from the namespace); never raises."""
    profile = context.profile
    opened = open_document(data, context, family="pacs.009", supported=SUPPORTED_VERSIONS)
    if isinstance(opened, Refused):
        return DocumentReading(format=opened.format, issues=opened.issues)
    totals = _Totals(opened.located.namespace, structural=False)
    on_record = _Structure(opened.located.namespace, totals) if opened.schema is None else totals

    def group_issues(header: Node, group: _Group, records: int) -> list[Issue]:
        return (_group_checks(header, records, totals, profile)
                + _bic_issues("GrpHdr", (("InstgAgt", group.instructing_agent), ("InstdAgt", group.instructed_agent)))
                + document_header_issues(opened.data, app_header=opened.located.app_header,
                                         message_name=opened.version, msg_id=group.msg_id)
                + _bic_issues("GrpHdr/SttlmInf", (
                    ("InstgRmbrsmntAgt", group.instructing_reimbursement_agent),
                    ("InstdRmbrsmntAgt", group.instructed_reimbursement_agent),
                    ("ThrdRmbrsmntAgt", group.third_reimbursement_agent))))
    return read_fi_to_fi(opened, context, record=RECORD, on_record=on_record, record_issues=lambda: totals.issues,
                         read_group=_read_group, group_issues=group_issues, transactions=_transactions,
                         max_issues=MAX_ISSUES)


@dataclass
class _Seen:
    """Identifiers already used in this message, with the 1-based transaction that used them."""

    by_tag: dict[str, dict[str, int]] = field(default_factory=dict)


def _transactions(data: bytes, version: str, group: _Group, context: ReadContext) -> Iterator[TransactionReading]:
    seen = _Seen()
    return payment_readings(
        data, record=RECORD, profile=context.profile,
        read=lambda node, index: _payment(node, index, version, group, context),
        check=lambda node, payment: _transaction_checks(node, payment, context.profile, seen),
        reference=lambda payment: payment.instr_id)


def _agents(node: Node, prefix: str) -> tuple[Agent, ...]:
    present = node.elements()
    found = (read_agent(node.child(f"{prefix}{n}"), node.child(f"{prefix}{n}Acct"))
             for n in (1, 2, 3) if f"{prefix}{n}" in present)
    return tuple(agent for agent in found if agent is not None)


def _time_indications(node: Node) -> tuple[TimeIndication, ...]:
    """SttlmTmIndctn (ISODateTime: its time is kept) and SttlmTmReq (ISOTime), in MT :13C: terms."""
    found: list[TimeIndication] = []
    indication, request = node.child("SttlmTmIndctn"), node.child("SttlmTmReq")
    for code in SETTLEMENT_TIME_INDICATIONS:
        moment = parse_datetime(indication.get(code)) if indication else None
        if moment is not None:
            found.append(TimeIndication(code=code, at=moment.timetz()))
    for code in SETTLEMENT_TIME_REQUESTS:
        text = request.get(code) if request else None
        moment = parse_datetime(f"2000-01-01T{text}") if text else None
        if moment is not None:
            found.append(TimeIndication(code=code, at=moment.timetz()))
    return tuple(found)


def _underlying(node: Node | None) -> UnderlyingCustomerTransfer | None:
    """UndrlygCstmrCdtTrf (CreditTransferTransaction37/45) as the canonical underlying transfer."""
    if node is None:
        return None
    return UnderlyingCustomerTransfer(
        debtor=must(read_party(node.child("Dbtr")), node, "Dbtr"), debtor_account=read_account(node.child("DbtrAcct")),
        debtor_agent=read_agent(node.child("DbtrAgt"), node.child("DbtrAgtAcct")),
        intermediary_agents=_agents(node, "IntrmyAgt"),
        creditor_agent=read_agent(node.child("CdtrAgt"), node.child("CdtrAgtAcct")),
        creditor=must(read_party(node.child("Cdtr")), node, "Cdtr"),
        creditor_account=read_account(node.child("CdtrAcct")), remittance=read_remittance(node.child("RmtInf")),
        instructed_amount=read_amount(node.child("InstdAmt")),
        instructions_for_creditor_agent=tuple(map(read_instruction, node.children("InstrForCdtrAgt"))),
        instructions_for_next_agent=tuple(map(read_instruction, node.children("InstrForNxtAgt"))))


def _institution(node: Node | None) -> Party | None:
    agent = read_agent(node)
    return institution_party(agent)[0] if agent is not None else None


def _payment(node: Node, index: int, version: str, group: _Group, context: ReadContext) -> Payment:
    ids = node.child("PmtId")
    payment_type = node.child("PmtTpInf")
    debtor, debtor_account = institution_party(must(read_agent(node.child("Dbtr"), node.child("DbtrAcct")),
                                                     node, "Dbtr"))
    creditor, creditor_account = institution_party(must(read_agent(node.child("Cdtr"), node.child("CdtrAcct")),
                                                         node, "Cdtr"))
    levels = tuple(filter(None, map(read_code, payment_type.children("SvcLvl")))) if payment_type else ()
    return Payment(
        payment_id=payment_id_for(context.document_id, index), document_id=context.document_id, index=index,
        source=context.source, message_type=version, msg_id=group.msg_id, creation_date_time=group.created,
        instr_id=ids.get("InstrId") if ids else None, end_to_end_id=ids.get("EndToEndId") if ids else None,
        tx_id=ids.get("TxId") if ids else None, uetr=ids.get("UETR") if ids else None,
        clearing_system_reference=ids.get("ClrSysRef") if ids else None,
        interbank_settlement_amount=must(read_amount(node.child("IntrBkSttlmAmt")), node, "IntrBkSttlmAmt"),
        interbank_settlement_date=parse_date(node.get("IntrBkSttlmDt")) or group.settlement_date,
        kind="institution", settlement_method=group.settlement_method, clearing_system=group.clearing_system,
        instruction_priority=(payment_type.get("InstrPrty") if payment_type else None) or group.instruction_priority,
        service_levels=levels or group.service_levels,
        local_instrument=(read_code(payment_type.child("LclInstrm")) if payment_type else None)
        or group.local_instrument,
        category_purpose=(read_code(payment_type.child("CtgyPurp")) if payment_type else None)
        or group.category_purpose,
        purpose=read_code(node.child("Purp")), time_indications=_time_indications(node),
        instructing_agent=read_agent(node.child("InstgAgt")) or group.instructing_agent,
        instructed_agent=read_agent(node.child("InstdAgt")) or group.instructed_agent,
        instructing_reimbursement_agent=group.instructing_reimbursement_agent,
        instructed_reimbursement_agent=group.instructed_reimbursement_agent,
        third_reimbursement_agent=group.third_reimbursement_agent, settlement_account=group.settlement_account,
        previous_instructing_agents=_agents(node, "PrvsInstgAgt"), intermediary_agents=_agents(node, "IntrmyAgt"),
        ultimate_debtor=_institution(node.child("UltmtDbtr")), debtor=debtor, debtor_account=debtor_account,
        debtor_agent=read_agent(node.child("DbtrAgt"), node.child("DbtrAgtAcct")),
        creditor_agent=read_agent(node.child("CdtrAgt"), node.child("CdtrAgtAcct")),
        creditor=creditor, creditor_account=creditor_account, ultimate_creditor=_institution(node.child("UltmtCdtr")),
        instructions_for_creditor_agent=tuple(map(read_instruction, node.children("InstrForCdtrAgt"))),
        instructions_for_next_agent=tuple(map(read_instruction, node.children("InstrForNxtAgt"))),
        remittance=read_remittance(node.child("RmtInf")),
        underlying_customer_transfer=_underlying(node.child("UndrlygCstmrCdtTrf")))


def _accounts(payment: Payment) -> Iterator[tuple[str, Account | None]]:
    """Each account of the transaction (and of its cover part) with the element that carries it."""
    yield "DbtrAcct", payment.debtor_account
    yield "CdtrAcct", payment.creditor_account
    for tag, agent in _agents_of(payment):
        yield f"{tag}Acct", agent.account if agent is not None else None
    underlying = payment.underlying_customer_transfer
    if underlying is not None:
        yield "UndrlygCstmrCdtTrf/DbtrAcct", underlying.debtor_account
        yield "UndrlygCstmrCdtTrf/CdtrAcct", underlying.creditor_account


def _agents_of(payment: Payment) -> Iterator[tuple[str, Agent | None]]:
    """Each agent of the transaction with its element; the banks Dbtr and Cdtr are agents in pacs.009."""
    for number, agent in enumerate(payment.previous_instructing_agents, 1):
        yield f"PrvsInstgAgt{number}", agent
    yield "InstgAgt", payment.instructing_agent
    yield "InstdAgt", payment.instructed_agent
    for number, agent in enumerate(payment.intermediary_agents, 1):
        yield f"IntrmyAgt{number}", agent
    for tag, party in (("Dbtr", payment.debtor), ("Cdtr", payment.creditor)):
        bic = party.identification.any_bic if party.identification else None
        yield tag, Agent(bic=bic) if bic else None
    yield "DbtrAgt", payment.debtor_agent
    yield "CdtrAgt", payment.creditor_agent
    underlying = payment.underlying_customer_transfer
    if underlying is not None:
        yield "UndrlygCstmrCdtTrf/DbtrAgt", underlying.debtor_agent
        for number, agent in enumerate(underlying.intermediary_agents, 1):
            yield f"UndrlygCstmrCdtTrf/IntrmyAgt{number}", agent
        yield "UndrlygCstmrCdtTrf/CdtrAgt", underlying.creditor_agent


def _transaction_checks(node: Node, payment: Payment, profile: Profile, seen: _Seen) -> list[Issue]:
    """Checks that reject this transaction alone (DOMAIN §8.3, §8.14, §8.16-19, §4.4)."""
    settlement = payment.interbank_settlement_amount
    issues = _money_issues(settlement, f"{node.path}/IntrBkSttlmAmt")
    underlying = payment.underlying_customer_transfer
    if underlying is not None:
        issues += _money_issues(underlying.instructed_amount, f"{node.path}/UndrlygCstmrCdtTrf/InstdAmt")
    if settlement.value == 0:
        issues.append(_issue("money.zero", f"{node.path}/IntrBkSttlmAmt", "the settlement amount is zero"))
    if profile.currencies is not None and settlement.currency not in profile.currencies:
        issues.append(_issue("profile.currency", f"{node.path}/IntrBkSttlmAmt/@Ccy",
                             f"profile {profile.id} does not accept {settlement.currency}"))
    if payment.interbank_settlement_date is None:
        issues.append(_issue("iso.settlement_date", f"{node.path}/IntrBkSttlmDt",
                             "no interbank settlement date in the transaction or the group header"))
    for tag, account in _accounts(payment):
        if account is not None and account.is_iban and (problem := iban_problem(account.id)) is not None:
            issues.append(_issue("iban.invalid", f"{node.path}/{tag}/Id/IBAN",
                                 f"the {tag} IBAN is not valid (ISO 13616): {problem}"))
    present = node.elements()  # group-level agents a transaction inherits were checked in pass 1
    issues += _bic_issues(node.path, ((tag, agent) for tag, agent in _agents_of(payment)
                                      if tag.partition("/")[0] in present))
    if profile.require_uetr and not payment.uetr:
        issues.append(_issue("profile.uetr_required", f"{node.path}/PmtId/UETR",
                             f"profile {profile.id} requires a UETR"))
    if profile.require_tx_id and not payment.tx_id:
        issues.append(_issue("profile.tx_id_required", f"{node.path}/PmtId/TxId",
                             f"profile {profile.id} requires a TxId"))
    number = payment.index + 1
    for rule, tag, value, severity in (
            ("pacs009.duplicate_id", "InstrId", payment.instr_id, Severity.ERROR),
            ("pacs009.duplicate_id", "TxId", payment.tx_id, Severity.ERROR),
            ("pacs009.duplicate_id", "UETR", payment.uetr, Severity.ERROR),
            ("iso.duplicate_end_to_end_id", "EndToEndId", payment.end_to_end_id, Severity.WARNING)):
        if not value or value == NOT_PROVIDED:
            continue
        used = seen.by_tag.setdefault(tag, {})
        if value in used:
            issues.append(_issue(rule, f"{node.path}/PmtId/{tag}",
                                 f"{tag} {value!r} was already used by {RECORD}[{used[value]}]", severity))
        else:
            used[value] = number
    return issues

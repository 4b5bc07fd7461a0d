"""pacs.008 FI to FI customer credit transfer, versions .001.08, .09 and .10.

The element paths these versions share are in DOMAIN §2.4 (the .09/.10 changes,
`MndtRltdInf` and external `InstrForCdtrAgt/Cd` codes, do not move any path read here).
`read` makes two passes over the bytes (DOMAIN §8.24): pass 1 validates the whole
document against the official XSD of its namespace while streaming, and checks the
group header (NbOfTxs, CtrlSum, TtlIntrBkSttlmAmt, profile limits); pass 2, run only by
`DocumentReading.transactions()`, streams the transactions again as canonical payments,
each with the issues that reject it alone. `render` writes the outbound message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final, TypeVar

from lxml import etree

from schemas.canonical import Account, Agent, Amount, Charge, Payment, payment_id_for
from schemas.codes import RULES, fits_currency, is_currency
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import xml
from translators.iso20022.apphdr import document_header_issues
from translators.iso20022.common import (
    Node,
    add,
    bic_problem,
    container,
    format_datetime,
    iban_problem,
    new_message,
    parse_date,
    parse_datetime,
    parse_decimal,
    prune,
    read_account,
    read_agent,
    read_amount,
    read_code,
    read_instruction,
    read_party,
    read_remittance,
    write_account,
    write_agent,
    write_amount,
    write_code,
    write_instruction,
    write_party,
    write_remittance,
)
from translators.iso20022.group_totals import Counted, group_totals_issues
from translators.iso20022.opening import Refused, open_document
from translators.iso20022.profile_rules import payment_issues
from translators.iso20022.records import must, payment_readings, read_fi_to_fi

T = TypeVar("T")

SUPPORTED_VERSIONS: Final = ("pacs.008.001.08", "pacs.008.001.09", "pacs.008.001.10")
MESSAGE: Final = "FIToFICstmrCdtTrf"
RECORD: Final = "CdtTrfTxInf"
NOT_PROVIDED: Final = "NOTPROVIDED"   # PmtId/EndToEndId when the customer gave none (DOMAIN §2.4)
INSTANT: Final = "INST"               # PmtTpInf/LclInstrm/Cd of SCT Inst
MAX_ISSUES: Final = 100
# Checked only when no XSD is available (the XSD checks them otherwise): CreditTransferTransaction39.
REQUIRED: Final = ("PmtId", "IntrBkSttlmAmt", "ChrgBr", "Dbtr", "DbtrAgt", "CdtrAgt", "Cdtr")


def _issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


@dataclass(frozen=True)
class _Group:
    """GrpHdr values each transaction inherits when it lacks its own (DOMAIN §2.4)."""

    msg_id: str
    created: datetime | None = None
    settlement_date: date | None = None
    settlement_method: str | None = None
    clearing_system: str | None = None
    payment_type: _PaymentType | None = None
    instructing_agent: Agent | None = None
    instructed_agent: Agent | None = None


@dataclass(frozen=True)
class _PaymentType:
    """PmtTpInf (PaymentTypeInformation28), at group or transaction level."""

    instruction_priority: str | None = None
    service_levels: tuple[str, ...] = ()
    local_instrument: str | None = None
    category_purpose: str | None = None


def _payment_type(node: Node | None, inherited: _PaymentType | None = None) -> _PaymentType:
    """Each element of the transaction's PmtTpInf, else the group's (DOMAIN §2.4)."""
    base = inherited or _PaymentType()
    if node is None:
        return base
    return _PaymentType(
        instruction_priority=node.get("InstrPrty") or base.instruction_priority,
        service_levels=tuple(filter(None, map(read_code, node.children("SvcLvl")))) or base.service_levels,
        local_instrument=read_code(node.child("LclInstrm")) or base.local_instrument,
        category_purpose=read_code(node.child("CtgyPurp")) or base.category_purpose)


def _read_group(header: Node) -> _Group:
    return _Group(
        msg_id=header.get("MsgId") or "", created=parse_datetime(header.get("CreDtTm")),
        settlement_date=parse_date(header.get("IntrBkSttlmDt")),
        settlement_method=header.text("SttlmInf", "SttlmMtd"),
        clearing_system=read_code(header.at("SttlmInf", "ClrSys")),
        payment_type=_payment_type(header.child("PmtTpInf")),
        instructing_agent=read_agent(header.child("InstgAgt")),
        instructed_agent=read_agent(header.child("InstdAgt")))


@dataclass
class _Totals:
    """Pass 1, per transaction: the sums the group header is checked against."""

    namespace: str
    structural: bool                     # no XSD: check mandatory elements here
    total: Decimal = Decimal(0)
    currencies: set[str] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)

    def __call__(self, element: xml.XmlElement, index: int) -> None:
        amount = element.find(f"{{{self.namespace}}}IntrBkSttlmAmt")
        value = parse_decimal(amount.text) if amount is not None else None
        if value is not None:
            self.total += value
            self.currencies.add(amount.get("Ccy") or "")
        if self.structural and len(self.issues) < MAX_ISSUES:
            present = {xml.local_name(child.tag) for child in element.iterchildren(etree.Element)}
            self.issues.extend(_issue("iso.structure", f"{RECORD}[{index}]/{name}", f"{name} is mandatory")
                               for name in REQUIRED if name not in present)
            if amount is not None and (value is None or value < 0):
                self.issues.append(_issue("iso.structure", f"{RECORD}[{index}]/IntrBkSttlmAmt",
                                          "IntrBkSttlmAmt is not a non-negative decimal amount"))


def read(data: bytes, context: ReadContext) -> DocumentReading:
    """Read a pacs.008 (any supported version, detected from the namespace); never raises."""
    profile = context.profile
    opened = open_document(data, context, family="pacs.008", supported=SUPPORTED_VERSIONS)
    if isinstance(opened, Refused):
        return DocumentReading(format=opened.format, issues=opened.issues)
    totals = _Totals(opened.located.namespace, structural=opened.schema is None)

    def group_issues(header: Node, group: _Group, records: int) -> list[Issue]:
        return (_group_checks(header, records, totals, profile)
                + _bic_issues("GrpHdr", (("InstgAgt", group.instructing_agent), ("InstdAgt", group.instructed_agent)))
                + document_header_issues(opened.data, app_header=opened.located.app_header,
                                         message_name=opened.version, msg_id=group.msg_id))
    return read_fi_to_fi(opened, context, record=RECORD, on_record=totals, record_issues=lambda: totals.issues,
                         read_group=_read_group, group_issues=group_issues, transactions=_transactions,
                         max_issues=MAX_ISSUES)


def _applicable(issues: list[Issue], profile: Profile) -> list[Issue]:
    return [i for i in issues if i.rule not in profile.rules_off] if profile.rules_off else issues


def _group_checks(header: Node, count: int, totals: _Totals, profile: Profile) -> list[Issue]:
    """NbOfTxs, CtrlSum and TtlIntrBkSttlmAmt against the transactions (DOMAIN §8.15), profile limits."""
    counted = Counted(count, totals.total, frozenset(totals.currencies))
    return group_totals_issues(header, counted, profile, total_element="TtlIntrBkSttlmAmt", record=RECORD)


@dataclass
class _Seen:
    """Identifiers already used in this message, with the 1-based transaction that used them."""

    instr_ids: dict[str, int] = field(default_factory=dict)
    tx_ids: dict[str, int] = field(default_factory=dict)
    end_to_end_ids: dict[str, int] = field(default_factory=dict)


def _transactions(data: bytes, version: str, group: _Group, context: ReadContext) -> Iterator[TransactionReading]:
    seen = _Seen()
    return payment_readings(
        data, record=RECORD, profile=context.profile,
        read=lambda node, index: _payment(node, index, version, group, context),
        check=lambda node, payment: _transaction_checks(node, payment, context.profile, seen))


def _payment(node: Node, index: int, version: str, group: _Group, context: ReadContext) -> Payment:
    ids = node.child("PmtId")
    payment_type = _payment_type(node.child("PmtTpInf"), group.payment_type)
    return Payment(
        payment_id=payment_id_for(context.document_id, index), document_id=context.document_id, index=index,
        source=context.source, message_type=version, msg_id=group.msg_id, creation_date_time=group.created,
        instr_id=ids.get("InstrId") if ids else None, end_to_end_id=ids.get("EndToEndId") if ids else None,
        tx_id=ids.get("TxId") if ids else None, uetr=ids.get("UETR") if ids else None,
        clearing_system_reference=ids.get("ClrSysRef") if ids else None,
        interbank_settlement_amount=must(read_amount(node.child("IntrBkSttlmAmt")), node, "IntrBkSttlmAmt"),
        interbank_settlement_date=parse_date(node.get("IntrBkSttlmDt")) or group.settlement_date,
        instructed_amount=read_amount(node.child("InstdAmt")),
        exchange_rate=parse_decimal(node.get("XchgRate")),
        acceptance_date_time=parse_datetime(node.get("AccptncDtTm")),
        settlement_method=group.settlement_method, clearing_system=group.clearing_system,
        instruction_priority=payment_type.instruction_priority, service_levels=payment_type.service_levels,
        local_instrument=payment_type.local_instrument, category_purpose=payment_type.category_purpose,
        purpose=read_code(node.child("Purp")), charge_bearer=node.get("ChrgBr"),
        charges=tuple(Charge(amount=must(read_amount(charge.child("Amt")), charge, "Amt"),
                             agent=must(read_agent(charge.child("Agt")), charge, "Agt"))
                      for charge in node.children("ChrgsInf")),
        instant=payment_type.local_instrument == INSTANT,
        instructing_agent=read_agent(node.child("InstgAgt")) or group.instructing_agent,
        instructed_agent=read_agent(node.child("InstdAgt")) or group.instructed_agent,
        previous_instructing_agents=_agents(node, "PrvsInstgAgt"),
        intermediary_agents=_agents(node, "IntrmyAgt"),
        initiating_party=read_party(node.child("InitgPty")),
        ultimate_debtor=read_party(node.child("UltmtDbtr")),
        debtor=must(read_party(node.child("Dbtr")), node, "Dbtr"),
        debtor_account=read_account(node.child("DbtrAcct")),
        debtor_agent=read_agent(node.child("DbtrAgt"), node.child("DbtrAgtAcct")),
        creditor_agent=read_agent(node.child("CdtrAgt"), node.child("CdtrAgtAcct")),
        creditor=must(read_party(node.child("Cdtr")), node, "Cdtr"),
        creditor_account=read_account(node.child("CdtrAcct")),
        ultimate_creditor=read_party(node.child("UltmtCdtr")),
        instructions_for_creditor_agent=tuple(map(read_instruction, node.children("InstrForCdtrAgt"))),
        instructions_for_next_agent=tuple(map(read_instruction, node.children("InstrForNxtAgt"))),
        remittance=read_remittance(node.child("RmtInf")))


def _agents(node: Node, prefix: str) -> tuple[Agent, ...]:
    present = node.elements()
    found = (read_agent(node.child(f"{prefix}{n}"), node.child(f"{prefix}{n}Acct"))
             for n in (1, 2, 3) if f"{prefix}{n}" in present)
    return tuple(agent for agent in found if agent is not None)


def _accounts(payment: Payment) -> Iterator[tuple[str, Account | None]]:
    """Each account of the transaction with the element that carries it."""
    yield "DbtrAcct", payment.debtor_account
    yield "CdtrAcct", payment.creditor_account
    for tag, agent in _agents_of(payment):
        yield f"{tag}Acct", agent.account if agent is not None else None


def _agents_of(payment: Payment) -> Iterator[tuple[str, Agent | None]]:
    """Each agent of the transaction with its element (group-level agents are checked once, in pass 1)."""
    for number, agent in enumerate(payment.previous_instructing_agents, 1):
        yield f"PrvsInstgAgt{number}", agent
    yield "InstgAgt", payment.instructing_agent
    yield "InstdAgt", payment.instructed_agent
    for number, agent in enumerate(payment.intermediary_agents, 1):
        yield f"IntrmyAgt{number}", agent
    yield "DbtrAgt", payment.debtor_agent
    yield "CdtrAgt", payment.creditor_agent


def _bic_issues(path: str, agents: Iterable[tuple[str, Agent | None]]) -> list[Issue]:
    return [_issue("bic.invalid", f"{path}/{tag}/FinInstnId/BICFI", f"BIC {agent.bic} is not a valid "
                   f"ISO 9362 BIC: {problem}")
            for tag, agent in agents if agent is not None and agent.bic
            and (problem := bic_problem(agent.bic)) is not None]


def _money_issues(amount: Amount | None, path: str) -> list[Issue]:
    if amount is None:
        return []
    if not is_currency(amount.currency):
        return [_issue("money.currency", f"{path}/@Ccy", f"{amount.currency} is not an ISO 4217 currency")]
    if not fits_currency(amount.value, amount.currency):
        return [_issue("money.precision", path,
                       f"{amount.value} has more decimals than {amount.currency} allows")]
    return []


def _transaction_checks(node: Node, payment: Payment, profile: Profile, seen: _Seen) -> list[Issue]:
    """Checks that reject this transaction alone (DOMAIN §8.3, §8.14, §8.16-19, §4.4)."""
    settlement = payment.interbank_settlement_amount
    issues = _money_issues(settlement, f"{node.path}/IntrBkSttlmAmt")
    issues += _money_issues(payment.instructed_amount, f"{node.path}/InstdAmt")
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
    issues += _bic_issues(node.path, ((tag, agent) for tag, agent in _agents_of(payment) if tag in present))
    if profile.require_uetr and not payment.uetr:
        issues.append(_issue("profile.uetr_required", f"{node.path}/PmtId/UETR",
                             f"profile {profile.id} requires a UETR"))
    if profile.require_tx_id and not payment.tx_id:
        issues.append(_issue("profile.tx_id_required", f"{node.path}/PmtId/TxId",
                             f"profile {profile.id} requires a TxId"))
    issues += payment_issues(payment, profile, node.path)
    number = payment.index + 1
    for rule, tag, value, used, severity in (
            ("iso.duplicate_instr_id", "InstrId", payment.instr_id, seen.instr_ids, Severity.ERROR),
            ("iso.duplicate_tx_id", "TxId", payment.tx_id, seen.tx_ids, Severity.ERROR),
            ("iso.duplicate_end_to_end_id", "EndToEndId", payment.end_to_end_id, seen.end_to_end_ids,
             Severity.WARNING)):
        if not value or value == NOT_PROVIDED:
            continue
        if value in used:
            issues.append(_issue(rule, f"{node.path}/PmtId/{tag}",
                                 f"{tag} {value!r} was already used by {RECORD}[{used[value]}]", severity))
        else:
            used[value] = number
    return issues


# --- render ---------------------------------------------------------------------------

def render(payments: Sequence[Payment], *, msg_id: str, created_at: datetime, settlement_method: str = "CLRG",
           clearing_system: str | None = None, instructing_agent: Agent | None = None,
           instructed_agent: Agent | None = None, version: str = "pacs.008.001.08") -> bytes:
    """An outbound pacs.008, valid against the official XSD of `version` for valid payments.

    Group level: settlement method and clearing system, and the instructing/instructed
    agents of this hop; when one of them is given it replaces the payment's own (which
    describe the hop the payment arrived on), otherwise the payment's own is written per
    transaction.
    Raises ValueError for what a pacs.008 cannot carry (no debtor agent, 4 decimals on EUR...).
    """
    if not payments:
        raise ValueError("a pacs.008 carries at least one transaction")
    document, message, header = new_message(version, SUPPORTED_VERSIONS, MESSAGE, msg_id, created_at)
    add(header, "NbOfTxs", str(len(payments)))
    settlement = container(header, "SttlmInf")
    add(settlement, "SttlmMtd", settlement_method)
    write_code(settlement, "ClrSys", clearing_system, code_length=3)
    write_agent(header, "InstgAgt", instructing_agent, with_account=False)
    write_agent(header, "InstdAgt", instructed_agent, with_account=False)
    for payment in payments:
        _render_transaction(message, payment, instructing_agent, instructed_agent)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def _required(value: object, what: str, payment: Payment) -> None:
    if value is None:
        raise ValueError(f"payment {payment.payment_id} has no {what}, which a pacs.008 requires")


def _render_transaction(message: xml.XmlElement, p: Payment, instructing: Agent | None,
                        instructed: Agent | None) -> None:
    """CreditTransferTransaction39/43/50, elements in XSD order."""
    for what, value in (("charge bearer", p.charge_bearer), ("debtor agent", p.debtor_agent),
                        ("creditor agent", p.creditor_agent)):
        _required(value, what, p)
    for what, agents in (("previous instructing", p.previous_instructing_agents),
                         ("intermediary", p.intermediary_agents)):
        if len(agents) > 3:
            raise ValueError(f"payment {p.payment_id} has {len(agents)} {what} agents; a pacs.008 carries 3")
    tx = container(message, RECORD)
    ids = container(tx, "PmtId")
    add(ids, "InstrId", p.instr_id)
    add(ids, "EndToEndId", p.end_to_end_id or NOT_PROVIDED)
    add(ids, "TxId", p.tx_id)
    add(ids, "UETR", p.uetr)
    add(ids, "ClrSysRef", p.clearing_system_reference)
    payment_type = container(tx, "PmtTpInf")
    add(payment_type, "InstrPrty", p.instruction_priority)
    for level in p.service_levels:
        write_code(payment_type, "SvcLvl", level)
    local_instrument = p.local_instrument or (INSTANT if p.instant else None)
    write_code(payment_type, "LclInstrm", local_instrument, code_length=35)
    write_code(payment_type, "CtgyPurp", p.category_purpose)
    prune(payment_type)
    write_amount(tx, "IntrBkSttlmAmt", p.interbank_settlement_amount)
    add(tx, "IntrBkSttlmDt", p.interbank_settlement_date.isoformat() if p.interbank_settlement_date else None)
    add(tx, "AccptncDtTm", format_datetime(p.acceptance_date_time) if p.acceptance_date_time else None)
    write_amount(tx, "InstdAmt", p.instructed_amount)
    add(tx, "XchgRate", format(p.exchange_rate, "f") if p.exchange_rate is not None else None)
    add(tx, "ChrgBr", p.charge_bearer)
    for charge in p.charges:
        charges = container(tx, "ChrgsInf")
        write_amount(charges, "Amt", charge.amount)
        write_agent(charges, "Agt", charge.agent, with_account=False)
    for number, agent in enumerate(p.previous_instructing_agents, 1):
        write_agent(tx, f"PrvsInstgAgt{number}", agent)
    if instructing is None:
        write_agent(tx, "InstgAgt", p.instructing_agent, with_account=False)
    if instructed is None:
        write_agent(tx, "InstdAgt", p.instructed_agent, with_account=False)
    for number, agent in enumerate(p.intermediary_agents, 1):
        write_agent(tx, f"IntrmyAgt{number}", agent)
    write_party(tx, "UltmtDbtr", p.ultimate_debtor)
    write_party(tx, "InitgPty", p.initiating_party)
    write_party(tx, "Dbtr", p.debtor, keep_empty=True)
    write_account(tx, "DbtrAcct", p.debtor_account)
    write_agent(tx, "DbtrAgt", p.debtor_agent)
    write_agent(tx, "CdtrAgt", p.creditor_agent)
    write_party(tx, "Cdtr", p.creditor, keep_empty=True)
    write_account(tx, "CdtrAcct", p.creditor_account)
    write_party(tx, "UltmtCdtr", p.ultimate_creditor)
    for instruction in p.instructions_for_creditor_agent:
        write_instruction(tx, "InstrForCdtrAgt", instruction)
    for instruction in p.instructions_for_next_agent:
        write_instruction(tx, "InstrForNxtAgt", instruction)
    write_code(tx, "Purp", p.purpose)
    write_remittance(tx, p.remittance)


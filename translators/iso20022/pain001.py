"""pain.001 customer credit transfer initiation, versions .001.03 to .001.13 (DOMAIN §2.5).

Three levels: `GrpHdr`, `PmtInf` (the debtor's batch: debtor, account, agent, requested
execution date) and `CdtTrfTxInf` inside each `PmtInf`. The versions differ, for what is
read here, only in the small table `VERSIONS` (DOMAIN §8.22: `BIC`/`BICOrBEI` in .03,
`BICFI`/`AnyBIC` from .04; `ReqdExctnDt` a date up to .07, a `Dt`/`DtTm` choice from .08;
`PmtId/UETR` from .09). `read` makes two passes like pacs008: pass 1 validates against the
XSD while streaming and checks NbOfTxs and CtrlSum at group and PmtInf level (DOMAIN
§8.15); pass 2, `DocumentReading.transactions()`, yields each transaction as a canonical
`Payment` (requested execution date as interbank settlement date, InstdAmt as the amount)
with the issues that reject it alone. A PmtInf whose own totals or id are wrong rejects
its transactions only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

from pydantic import ValidationError

from schemas.canonical import Account, Agent, Amount, Party, Payment, payment_id_for
from schemas.codes import RULES, fits_currency, is_currency
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from schemas.xsd import name_for
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import pain001_stream as stream
from translators.iso20022 import xml
from translators.iso20022.common import (
    Node,
    bic_problem,
    iban_problem,
    parse_date,
    parse_datetime,
    parse_decimal,
    read_account,
    read_agent,
    read_amount,
    read_code,
    read_instruction,
    read_party,
    read_remittance,
)
from translators.iso20022.profile_rules import payment_issues

MESSAGE: Final = "CstmrCdtTrfInitn"
NOT_PROVIDED: Final = "NOTPROVIDED"
INSTANT: Final = "INST"          # PmtTpInf/LclInstrm/Cd of SCT Inst
CHEQUE: Final = "CHK"            # PaymentMethod3Code: a cheque, not a credit transfer
MAX_ISSUES: Final = 100
# Checked only without an XSD: CreditTransferTransaction34 / PaymentInstruction30 mandatory elements.
REQUIRED_RECORD: Final = ("PmtId", "Amt")
REQUIRED_BLOCK: Final = ("PmtInfId", "PmtMtd", "ReqdExctnDt", "Dbtr", "DbtrAcct", "DbtrAgt")


@dataclass(frozen=True)
class Version:
    """What differs between pain.001 versions for this reader (XSDs in the schema catalogue)."""

    agent_bic: str             # FinInstnId: BIC (FinancialInstitutionIdentification7) or BICFI
    party_bic: str             # Party Id/OrgId: BICOrBEI (Party6Choice) or AnyBIC
    date_choice: bool          # ReqdExctnDt: ISODate, or DateAndDateTime(2)Choice Dt | DtTm
    uetr: bool                 # PmtId/UETR (PaymentIdentification6)


_V03: Final = Version("BIC", "BICOrBEI", date_choice=False, uetr=False)
_V04: Final = Version("BICFI", "AnyBIC", date_choice=False, uetr=False)
_V08: Final = Version("BICFI", "AnyBIC", date_choice=True, uetr=False)
_V09: Final = Version("BICFI", "AnyBIC", date_choice=True, uetr=True)
VERSIONS: Final = {"pain.001.001.03": _V03, **{f"pain.001.001.0{n}": _V04 for n in (4, 5, 6, 7)},
                   "pain.001.001.08": _V08, **{f"pain.001.001.{n:02d}": _V09 for n in range(9, 14)}}
SUPPORTED_VERSIONS: Final = tuple(VERSIONS)


def _issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


def _applicable(issues: list[Issue], profile: Profile) -> list[Issue]:
    return [i for i in issues if i.rule not in profile.rules_off] if profile.rules_off else issues


@dataclass
class _Pass1:
    """Per-record and per-block checks of pass 1; block issues are handed to pass 2."""

    structural: bool
    pmt_inf_ids: dict[str, int] = field(default_factory=dict)
    block_issues: dict[int, list[Issue]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def record(self, block: stream.BlockTotals, element: xml.XmlElement) -> None:
        if self.structural and len(self.issues) < MAX_ISSUES:
            present = {xml.local_name(child.tag) for child in element}
            self.issues.extend(
                _issue("iso.structure", f"PmtInf[{block.number}]/CdtTrfTxInf[{block.count}]/{name}",
                       f"{name} is mandatory") for name in REQUIRED_RECORD if name not in present)

    def block(self, block: stream.BlockTotals) -> None:
        node = Node(block.element, f"PmtInf[{block.number}]")
        issues: list[Issue] = []
        if self.structural:
            self.issues.extend(_issue("iso.structure", f"{node.path}/{name}", f"{name} is mandatory")
                               for name in REQUIRED_BLOCK if node.child(name) is None)
        declared = node.get("NbOfTxs")
        if declared is not None and (not declared.isdigit() or int(declared) != block.count):
            issues.append(_issue("pain.pmt_inf_nb_of_txs", f"{node.path}/NbOfTxs", f"NbOfTxs is {declared!r} "
                                 f"but the payment information block holds {block.count} transactions"))
        control = node.get("CtrlSum")
        if control is not None and parse_decimal(control) != block.total:
            issues.append(_issue("pain.pmt_inf_ctrl_sum", f"{node.path}/CtrlSum", f"CtrlSum is {control} but "
                                 f"the block's instructed amounts add up to {block.total}"))
        identifier = node.get("PmtInfId")
        if identifier:
            first = self.pmt_inf_ids.setdefault(identifier, block.number)
            if first != block.number:
                issues.append(_issue("pain.duplicate_pmt_inf_id", f"{node.path}/PmtInfId",
                                     f"PmtInfId {identifier!r} was already used by PmtInf[{first}]"))
        if node.get("PmtMtd") == CHEQUE:
            issues.append(_issue("pain.payment_method", f"{node.path}/PmtMtd",
                                 "cheques (PmtMtd CHK) are not processed: only credit transfers"))
        if issues:
            self.block_issues[block.number] = issues


def read(data: bytes, context: ReadContext) -> DocumentReading:
    """Read a pain.001 (any supported version, detected from the namespace); never raises."""
    profile = context.profile
    prepared = xml.prepare(data, profile.limits)
    if prepared.issues:
        return DocumentReading(format="pain.001", issues=list(prepared.issues))
    located = xml.locate_document(prepared.data)
    if not isinstance(located, xml.DocumentLocation):
        return DocumentReading(format="pain.001", issues=[located or _issue(
            "xml.unknown_namespace", "", "the document has no ISO 20022 Document element")])
    version = name_for(located.namespace)
    if version not in VERSIONS:
        return DocumentReading(format=version or "pain.001", issues=[_issue(
            "xml.unknown_namespace", "Document", f"namespace {located.namespace!r} is not a pain.001 "
            f"version this reader supports ({', '.join(SUPPORTED_VERSIONS)})")])
    if profile.message_types is not None and version not in profile.message_types:
        return DocumentReading(format=version, issues=[_issue(
            "profile.message_type", "Document", f"profile {profile.id} does not accept {version}")])
    schema = context.catalogue.schema_for(located.namespace) if context.catalogue is not None else None
    issues: list[Issue] = []
    if schema is not None and located.wrapped:  # the validating parser validates from the root element
        schema = None
        issues.append(_issue("iso.no_schema", "Document", "the Document sits inside an envelope: the XSD "
                             "cannot validate it while streaming, structural checks only", Severity.INFO))
    elif schema is None:
        issues.append(_issue("iso.no_schema", "Document", f"no official XSD for {version} is available: "
                             "structural checks only", Severity.INFO))
    checks = _Pass1(structural=schema is None)
    scanned = stream.scan(prepared.data, limits=profile.limits, schema=schema, on_record=checks.record,
                          on_block=checks.block, max_issues=MAX_ISSUES)
    issues += scanned.issues + checks.issues
    header = Node(scanned.header, "GrpHdr") if scanned.header is not None else None
    if scanned.complete and header is None:
        issues.append(_issue("iso.structure", "GrpHdr", "the message has no group header"))
    elif scanned.complete and header is not None:
        issues += _group_checks(header, scanned, profile)
    declared = (header.get("NbOfTxs") or "") if header is not None else ""
    reading = DocumentReading(
        format=version, issues=_applicable(issues, profile), msg_id=header.get("MsgId") if header else None,
        creation_date_time=parse_datetime(header.get("CreDtTm")) if header else None,
        number_of_transactions=int(declared) if declared.isdigit() else scanned.records)
    if header is not None and reading.accepted:
        body, group = prepared.data, _Group(header.get("MsgId") or "", reading, read_party(header.child("InitgPty")))
        blocks, spec = checks.block_issues, VERSIONS[version]
        reading._transactions = lambda: xml.confined(
            lambda: _transactions(body, version, spec, group, blocks, context), size=len(body))
    return reading


def _group_checks(header: Node, scanned: stream.Scan, profile: Profile) -> list[Issue]:
    """GrpHdr NbOfTxs and CtrlSum against the whole file (DOMAIN §8.15), profile limits."""
    issues: list[Issue] = []
    declared = header.get("NbOfTxs") or ""
    if not declared.isdigit() or int(declared) != scanned.records:
        issues.append(_issue("pain.nb_of_txs", "GrpHdr/NbOfTxs",
                             f"NbOfTxs is {declared!r} but the file holds {scanned.records} transactions"))
    control = header.get("CtrlSum")
    if control is not None and parse_decimal(control) != scanned.total:
        issues.append(_issue("pain.ctrl_sum", "GrpHdr/CtrlSum",
                             f"CtrlSum is {control} but the instructed amounts add up to {scanned.total}"))
    limit = profile.max_transactions_per_message
    if limit is not None and scanned.records > limit:
        issues.append(_issue("profile.max_transactions", "GrpHdr/NbOfTxs", f"profile {profile.id} allows "
                             f"{limit} transaction(s) per message; this one has {scanned.records}"))
    return issues


@dataclass(frozen=True)
class _Group:
    msg_id: str
    reading: DocumentReading
    initiating_party: Party | None


@dataclass(frozen=True)
class _Block:
    """PmtInf values each of its transactions inherits (DOMAIN §2.5: debtor data lives here)."""

    node: Node
    identifier: str | None
    execution_date: date | None
    payment_type: tuple[str | None, tuple[str, ...], str | None, str | None]
    debtor: Party | None
    debtor_account: Account | None
    debtor_agent: Agent | None
    ultimate_debtor: Party | None
    charge_bearer: str | None
    issues: tuple[Issue, ...]


def _payment_type(node: Node | None, base: tuple[str | None, tuple[str, ...], str | None, str | None]
                  ) -> tuple[str | None, tuple[str, ...], str | None, str | None]:
    """PmtTpInf: (InstrPrty, SvcLvl codes, LclInstrm, CtgyPurp), each falling back to the block's."""
    if node is None:
        return base
    return (node.get("InstrPrty") or base[0],
            tuple(filter(None, map(read_code, node.children("SvcLvl")))) or base[1],
            read_code(node.child("LclInstrm")) or base[2], read_code(node.child("CtgyPurp")) or base[3])


def _agent(node: Node | None, account: Node | None, spec: Version) -> Agent | None:
    agent = read_agent(node, account)
    if agent is not None and node is not None and spec.agent_bic != "BICFI":
        agent = agent.model_copy(update={"bic": node.text("FinInstnId", spec.agent_bic)})
    return agent


def _party(node: Node | None, spec: Version) -> Party | None:
    party = read_party(node)
    if party is None or node is None or spec.party_bic == "AnyBIC" or party.identification is None:
        return party
    bic = node.text("Id", "OrgId", spec.party_bic)
    identification = party.identification.model_copy(update={"any_bic": bic})
    return party.model_copy(update={"identification": identification})


def _execution_date(node: Node, spec: Version) -> date | None:
    if not spec.date_choice:
        return parse_date(node.get("ReqdExctnDt"))
    choice = node.child("ReqdExctnDt")
    if choice is None:
        return None
    moment = parse_datetime(choice.get("DtTm"))
    return moment.date() if moment is not None else parse_date(choice.get("Dt"))


def _read_block(element: xml.XmlElement, number: int, spec: Version, issues: list[Issue]) -> _Block:
    node = Node(element, f"PmtInf[{number}]")
    block = _Block(
        node=node, identifier=node.get("PmtInfId"), execution_date=_execution_date(node, spec),
        payment_type=_payment_type(node.child("PmtTpInf"), (None, (), None, None)),
        debtor=_party(node.child("Dbtr"), spec), debtor_account=read_account(node.child("DbtrAcct")),
        debtor_agent=_agent(node.child("DbtrAgt"), node.child("DbtrAgtAcct"), spec),
        ultimate_debtor=_party(node.child("UltmtDbtr"), spec), charge_bearer=node.get("ChrgBr"),
        issues=tuple(issues))
    checks = list(issues)
    checks += _account_issues(node.path, "DbtrAcct", block.debtor_account)
    checks += _bic_issues(node.path, "DbtrAgt", block.debtor_agent, spec)
    return replace(block, issues=tuple(checks))


def _account_issues(path: str, tag: str, account: Account | None) -> list[Issue]:
    if account is None or not account.is_iban or (problem := iban_problem(account.id)) is None:
        return []
    return [_issue("iban.invalid", f"{path}/{tag}/Id/IBAN", f"the {tag} IBAN is not valid (ISO 13616): {problem}")]


def _bic_issues(path: str, tag: str, agent: Agent | None, spec: Version) -> list[Issue]:
    if agent is None or not agent.bic or (problem := bic_problem(agent.bic)) is None:
        return []
    return [_issue("bic.invalid", f"{path}/{tag}/FinInstnId/{spec.agent_bic}",
                   f"BIC {agent.bic} is not a valid ISO 9362 BIC: {problem}")]


def _money_issues(amount: Amount, path: str) -> list[Issue]:
    if not is_currency(amount.currency):
        return [_issue("money.currency", f"{path}/@Ccy", f"{amount.currency} is not an ISO 4217 currency")]
    if not fits_currency(amount.value, amount.currency):
        return [_issue("money.precision", path, f"{amount.value} has more decimals than {amount.currency} allows")]
    if amount.value == 0:
        return [_issue("money.zero", path, "the instructed amount is zero")]
    return []


@dataclass
class _Seen:
    instr_ids: dict[str, str] = field(default_factory=dict)
    end_to_end_ids: dict[str, str] = field(default_factory=dict)


def _transactions(data: bytes, version: str, spec: Version, group: _Group, block_issues: dict[int, list[Issue]],
                  context: ReadContext) -> Iterator[TransactionReading]:
    seen, block, profile = _Seen(), None, context.profile
    for index, (number, element, position, record) in enumerate(stream.iter_transactions(data)):
        if block is None or block.node.element is not element:
            block = _read_block(element, number, spec, block_issues.get(number, []))
        node = Node(record, f"CdtTrfTxInf[{position}]", block.node)
        ids = node.child("PmtId")
        end_to_end_id = ids.get("EndToEndId") if ids else None
        amount = node.child("Amt")
        if amount is not None and amount.child("EqvtAmt") is not None:
            yield TransactionReading(index, None, (_issue(
                "pain.equivalent_amount", f"{node.path}/Amt/EqvtAmt", "an equivalent amount (EqvtAmt, to be "
                "converted by the bank) is not supported: give the amount to transfer as InstdAmt"),),
                reference=end_to_end_id)
            continue
        try:
            payment = _payment(node, ids, index, version, spec, group, block, context)
        except (_Unreadable, ValidationError) as exc:
            message = f"{exc} is missing or cannot be read" if isinstance(exc, _Unreadable) else (
                f"the transaction cannot be read ({exc.errors()[0]['msg']})")
            rule = exc.rule if isinstance(exc, _Unreadable) else "iso.structure"
            yield TransactionReading(index, None, (_issue(rule, getattr(exc, "path", node.path), message),),
                                     reference=end_to_end_id)
            continue
        issues = list(block.issues) + _transaction_checks(node, payment, profile, spec, seen, block)
        yield TransactionReading(index, payment, tuple(_applicable(issues, profile)), reference=end_to_end_id)


class _Unreadable(Exception):
    def __init__(self, path: str, rule: str = "iso.structure") -> None:
        super().__init__(path.rpartition("/")[2])
        self.path, self.rule = path, rule


def _payment(node: Node, ids: Node | None, index: int, version: str, spec: Version, group: _Group, block: _Block,
             context: ReadContext) -> Payment:
    amount = read_amount(node.at("Amt", "InstdAmt"))
    if amount is None:
        raise _Unreadable(f"{node.path}/Amt/InstdAmt")
    if block.debtor is None:
        raise _Unreadable(f"{block.node.path}/Dbtr")
    creditor = _party(node.child("Cdtr"), spec)
    if creditor is None:
        raise _Unreadable(f"{node.path}/Cdtr", "pain.creditor_missing")
    priority, levels, local, category = _payment_type(node.child("PmtTpInf"), block.payment_type)
    rate = node.at("XchgRateInf")
    return Payment(
        payment_id=payment_id_for(context.document_id, index), document_id=context.document_id, index=index,
        source=context.source, message_type=version, kind="customer", msg_id=group.msg_id,
        creation_date_time=group.reading.creation_date_time, payment_information_id=block.identifier,
        instr_id=ids.get("InstrId") if ids else None, end_to_end_id=ids.get("EndToEndId") if ids else None,
        uetr=ids.get("UETR") if ids and spec.uetr else None,
        interbank_settlement_amount=amount, interbank_settlement_date=block.execution_date,
        instructed_amount=amount, exchange_rate=parse_decimal(rate.get("XchgRate")) if rate else None,
        instruction_priority=priority, service_levels=levels, local_instrument=local, category_purpose=category,
        purpose=read_code(node.child("Purp")), charge_bearer=node.get("ChrgBr") or block.charge_bearer,
        instant=local == INSTANT, initiating_party=group.initiating_party,
        ultimate_debtor=_party(node.child("UltmtDbtr"), spec) or block.ultimate_debtor,
        debtor=block.debtor, debtor_account=block.debtor_account, debtor_agent=block.debtor_agent,
        intermediary_agents=tuple(agent for n in (1, 2, 3) if (agent := _agent(
            node.child(f"IntrmyAgt{n}"), node.child(f"IntrmyAgt{n}Acct"), spec)) is not None),
        creditor_agent=_agent(node.child("CdtrAgt"), node.child("CdtrAgtAcct"), spec),
        creditor=creditor, creditor_account=read_account(node.child("CdtrAcct")),
        ultimate_creditor=_party(node.child("UltmtCdtr"), spec),
        instructions_for_creditor_agent=tuple(map(read_instruction, node.children("InstrForCdtrAgt"))),
        remittance=read_remittance(node.child("RmtInf")))


def _transaction_checks(node: Node, payment: Payment, profile: Profile, spec: Version, seen: _Seen,
                        block: _Block) -> list[Issue]:
    """Checks that reject this transaction alone (DOMAIN §4.4, §8.3, §8.14, §8.16-19)."""
    amount = payment.interbank_settlement_amount
    issues = _money_issues(amount, f"{node.path}/Amt/InstdAmt")
    if profile.currencies is not None and amount.currency not in profile.currencies:
        issues.append(_issue("profile.currency", f"{node.path}/Amt/InstdAmt/@Ccy",
                             f"profile {profile.id} does not accept {amount.currency}"))
    if payment.interbank_settlement_date is None:
        issues.append(_issue("iso.structure", f"{block.node.path}/ReqdExctnDt", "ReqdExctnDt cannot be read"))
    issues += _account_issues(node.path, "CdtrAcct", payment.creditor_account)
    for number, agent in enumerate(payment.intermediary_agents, 1):
        issues += _account_issues(node.path, f"IntrmyAgt{number}Acct", agent.account)
        issues += _bic_issues(node.path, f"IntrmyAgt{number}", agent, spec)
    issues += _bic_issues(node.path, "CdtrAgt", payment.creditor_agent, spec)
    if profile.require_uetr and not payment.uetr:
        issues.append(_issue("profile.uetr_required", f"{node.path}/PmtId/UETR", f"profile {profile.id} "
                             "requires a UETR"))
    issues += payment_issues(payment, profile, node.path)       # the scheme's rules (sepa-sct...)
    for rule, tag, value, used, severity in (
            ("pain.duplicate_instr_id", "InstrId", payment.instr_id, seen.instr_ids, Severity.ERROR),
            ("pain.duplicate_end_to_end_id", "EndToEndId", payment.end_to_end_id, seen.end_to_end_ids,
             Severity.WARNING)):
        if not value or value == NOT_PROVIDED:
            continue
        if value in used:
            issues.append(_issue(rule, f"{node.path}/PmtId/{tag}", f"{tag} {value!r} was already used by "
                                 f"{used[value]}", severity))
        else:
            used[value] = node.path
    return issues

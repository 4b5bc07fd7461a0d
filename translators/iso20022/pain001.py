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
from dataclasses import dataclass, field
from typing import Final

from pydantic import ValidationError

from schemas.canonical import Payment
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import initiation_stream as stream
from translators.iso20022 import pain001_payment as fast
from translators.iso20022 import xml
from translators.iso20022.common import Node, parse_datetime, read_party
from translators.iso20022.initiation_checks import (
    BlockChecks,
    account_issues,
    bic_issues,
    instructed_amount_issues,
    scan_initiation,
)
from translators.iso20022.opening import Refused, open_document
from translators.iso20022.pain001_parts import (
    VERSIONS,
    Block,
    Group,
    Unreadable,
    Version,
    issue,
    read_block,
)
from translators.iso20022.profile_rules import payment_issues

MESSAGE: Final = "CstmrCdtTrfInitn"
NOT_PROVIDED: Final = "NOTPROVIDED"
CHEQUE: Final = "CHK"            # PaymentMethod3Code: a cheque, not a credit transfer
MAX_ISSUES: Final = 100
# Checked only without an XSD: CreditTransferTransaction34 / PaymentInstruction30 mandatory elements.
REQUIRED_RECORD: Final = ("PmtId", "Amt")
REQUIRED_BLOCK: Final = ("PmtInfId", "PmtMtd", "ReqdExctnDt", "Dbtr", "DbtrAcct", "DbtrAgt")


SUPPORTED_VERSIONS: Final = tuple(VERSIONS)


_issue = issue


def _applicable(issues: list[Issue], profile: Profile) -> list[Issue]:
    return [i for i in issues if i.rule not in profile.rules_off] if profile.rules_off else issues


def _payment_method(node: Node) -> list[Issue]:
    if node.get("PmtMtd") != CHEQUE:
        return []
    return [_issue("pain.payment_method", f"{node.path}/PmtMtd",
                   "cheques (PmtMtd CHK) are not processed: only credit transfers")]


def read(data: bytes, context: ReadContext) -> DocumentReading:
    """Read a pain.001 (any supported version, detected from the namespace); never raises."""
    profile = context.profile
    opened = open_document(data, context, family="pain.001", supported=VERSIONS, validates_from_root=True)
    if isinstance(opened, Refused):
        return DocumentReading(format=opened.format, issues=opened.issues)
    version, schema, issues = opened.version, opened.schema, list(opened.issues)
    checks = BlockChecks(stream.CREDIT_TRANSFERS, "pain", REQUIRED_RECORD, REQUIRED_BLOCK, structural=schema is None,
                         max_issues=MAX_ISSUES, block_rule=_payment_method)
    scanned = scan_initiation(opened, profile, checks)
    header = scanned.header
    issues += scanned.issues
    declared = (header.get("NbOfTxs") or "") if header is not None else ""
    reading = DocumentReading(
        format=version, issues=_applicable(issues, profile), msg_id=header.get("MsgId") if header else None,
        creation_date_time=parse_datetime(header.get("CreDtTm")) if header else None,
        number_of_transactions=int(declared) if declared.isdigit() else scanned.records)
    if header is not None and reading.accepted:
        body, group = opened.data, Group(header.get("MsgId") or "", reading, read_party(header.child("InitgPty")))
        blocks, spec = checks.block_issues, VERSIONS[version]
        reading._transactions = lambda: xml.confined(
            lambda: _transactions(body, version, spec, group, blocks, context), size=len(body))
    return reading


@dataclass
class _Seen:
    instr_ids: dict[str, str] = field(default_factory=dict)
    end_to_end_ids: dict[str, str] = field(default_factory=dict)


def _transactions(data: bytes, version: str, spec: Version, group: Group, block_issues: dict[int, list[Issue]],
                  context: ReadContext) -> Iterator[TransactionReading]:
    seen, block, profile, memo = _Seen(), None, context.profile, fast.Memo(spec)
    for index, (number, element, position, record) in enumerate(stream.iter_records(data, stream.CREDIT_TRANSFERS)):
        if block is None or block.node.element is not element:
            block = read_block(element, number, spec, block_issues.get(number, []))
        path = f"{block.node.path}/CdtTrfTxInf[{position}]"
        children = fast.children_of(record)
        ids = fast.leaves(fast.first(children, "PmtId"))
        end_to_end_id = ids.get("EndToEndId") if ids is not None else None
        if fast.is_equivalent_amount(children):
            yield TransactionReading(index, None, (_issue(
                "pain.equivalent_amount", f"{path}/Amt/EqvtAmt", "an equivalent amount (EqvtAmt, to be "
                "converted by the bank) is not supported: give the amount to transfer as InstdAmt"),),
                reference=end_to_end_id)
            continue
        try:
            payment = fast.payment(children, ids, path, index, version, group, block, context, memo)
        except (Unreadable, ValidationError) as exc:
            message = f"{exc} is missing or cannot be read" if isinstance(exc, Unreadable) else (
                f"the transaction cannot be read ({exc.errors()[0]['msg']})")
            rule = exc.rule if isinstance(exc, Unreadable) else "iso.structure"
            yield TransactionReading(index, None, (_issue(rule, getattr(exc, "path", path), message),),
                                     reference=end_to_end_id)
            continue
        issues = list(block.issues) + _transaction_checks(path, payment, profile, spec, seen, block)
        yield TransactionReading(index, payment, tuple(_applicable(issues, profile)), reference=end_to_end_id)


def _transaction_checks(path: str, payment: Payment, profile: Profile, spec: Version, seen: _Seen,
                        block: Block) -> list[Issue]:
    """Checks that reject this transaction alone (DOMAIN §4.4, §8.3, §8.14, §8.16-19)."""
    amount = payment.interbank_settlement_amount
    issues = instructed_amount_issues(amount, f"{path}/Amt/InstdAmt")
    if profile.currencies is not None and amount.currency not in profile.currencies:
        issues.append(_issue("profile.currency", f"{path}/Amt/InstdAmt/@Ccy",
                             f"profile {profile.id} does not accept {amount.currency}"))
    if payment.interbank_settlement_date is None:
        issues.append(_issue("iso.structure", f"{block.node.path}/ReqdExctnDt", "ReqdExctnDt cannot be read"))
    issues += account_issues(path, "CdtrAcct", payment.creditor_account)
    for number, agent in enumerate(payment.intermediary_agents, 1):
        issues += account_issues(path, f"IntrmyAgt{number}Acct", agent.account)
        issues += bic_issues(path, f"IntrmyAgt{number}", agent, spec.agent_bic)
    issues += bic_issues(path, "CdtrAgt", payment.creditor_agent, spec.agent_bic)
    if profile.require_uetr and not payment.uetr:
        issues.append(_issue("profile.uetr_required", f"{path}/PmtId/UETR", f"profile {profile.id} "
                             "requires a UETR"))
    issues += payment_issues(payment, profile, path)       # the scheme's rules (sepa-sct...)
    for rule, tag, value, used, severity in (
            ("pain.duplicate_instr_id", "InstrId", payment.instr_id, seen.instr_ids, Severity.ERROR),
            ("pain.duplicate_end_to_end_id", "EndToEndId", payment.end_to_end_id, seen.end_to_end_ids,
             Severity.WARNING)):
        if not value or value == NOT_PROVIDED:
            continue
        if value in used:
            issues.append(_issue(rule, f"{path}/PmtId/{tag}", f"{tag} {value!r} was already used by "
                                 f"{used[value]}", severity))
        else:
            used[value] = path
    return issues

"""Pass-1 checks of a customer initiation's payment information blocks (pain.001, pain.008).

Without an XSD, each record and block is checked for its mandatory elements; with or
without one, each PmtInf's NbOfTxs and CtrlSum are checked against what it holds and its
PmtInfId against the earlier blocks. A block's own faults reject only that block's
records, so they are kept apart (`block_issues`) for pass 2. What differs between the
messages is data: the records, the rule family, the mandatory elements, and one extra
check each (`structure_rule` while checking structure, `block_rule` on every block).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from schemas.canonical import Account, Agent, Amount
from schemas.codes import RULES, fits_currency, is_currency
from schemas.issues import Issue
from schemas.profiles import Profile
from translators.iso20022 import xml
from translators.iso20022.common import Node, bic_problem, parse_decimal
from translators.iso20022.initiation_stream import BlockTotals, Records, scan
from translators.iso20022.opening import Opened
from translators.iso20022.pain001_iban import iban_problem_fast

BlockRule = Callable[[Node], list[Issue]]


def _issue(rule: str, path: str, message: str) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message)


def _none(node: Node) -> list[Issue]:
    return []


@dataclass
class BlockChecks:
    """`on_record` / `on_block` for `initiation_stream.scan`; `issues` reject the document,
    `block_issues` (by 1-based block number) reject a block's records."""

    records: Records
    family: str                                  # rule ids: <family>.pmt_inf_nb_of_txs ...
    required_record: Sequence[str]
    required_block: Sequence[str]
    structural: bool                             # no XSD: check the mandatory elements here
    max_issues: int
    structure_rule: BlockRule = _none
    block_rule: BlockRule = _none
    pmt_inf_ids: dict[str, int] = field(default_factory=dict)
    block_issues: dict[int, list[Issue]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def record(self, block: BlockTotals, element: xml.XmlElement) -> None:
        if self.structural and len(self.issues) < self.max_issues:
            present = {xml.local_name(child.tag) for child in element}
            where = f"PmtInf[{block.number}]/{self.records.name}[{block.count}]"
            self.issues.extend(_issue("iso.structure", f"{where}/{name}", f"{name} is mandatory")
                               for name in self.required_record if name not in present)

    def block(self, block: BlockTotals) -> None:
        node = Node(block.element, f"PmtInf[{block.number}]")
        issues: list[Issue] = []
        if self.structural:
            self.issues.extend(_issue("iso.structure", f"{node.path}/{name}", f"{name} is mandatory")
                               for name in self.required_block if node.child(name) is None)
            self.issues.extend(self.structure_rule(node))
        declared = node.get("NbOfTxs")
        if declared is not None and (not declared.isdigit() or int(declared) != block.count):
            issues.append(_issue(f"{self.family}.pmt_inf_nb_of_txs", f"{node.path}/NbOfTxs", f"NbOfTxs is "
                                 f"{declared!r} but the payment information block holds {block.count} "
                                 f"{self.records.noun}s"))
        control = node.get("CtrlSum")
        if control is not None and parse_decimal(control) != block.total:
            issues.append(_issue(f"{self.family}.pmt_inf_ctrl_sum", f"{node.path}/CtrlSum", f"CtrlSum is {control} "
                                 f"but the block's instructed amounts add up to {block.total}"))
        identifier = node.get("PmtInfId")
        if identifier:
            first = self.pmt_inf_ids.setdefault(identifier, block.number)
            if first != block.number:
                issues.append(_issue(f"{self.family}.duplicate_pmt_inf_id", f"{node.path}/PmtInfId",
                                     f"PmtInfId {identifier!r} was already used by PmtInf[{first}]"))
        issues += self.block_rule(node)
        if issues:
            self.block_issues[block.number] = issues


@dataclass(frozen=True)
class Scanned:
    """Pass 1 of an initiation: its group header (None when it has none), records, issues."""

    header: Node | None
    records: int
    issues: list[Issue]


def scan_initiation(opened: Opened, profile: Profile, checks: BlockChecks) -> Scanned:
    """Stream the document with its XSD and `checks`, then check the group header against it all."""
    scanned = scan(opened.data, records=checks.records, limits=profile.limits, schema=opened.schema,
                   on_record=checks.record, on_block=checks.block, max_issues=checks.max_issues)
    issues = scanned.issues + checks.issues
    header = Node(scanned.header, "GrpHdr") if scanned.header is not None else None
    if scanned.complete and header is None:
        issues.append(_issue("iso.structure", "GrpHdr", "the message has no group header"))
    elif scanned.complete and header is not None:
        issues += _group_issues(header, scanned.records, scanned.total, profile, checks)
    return Scanned(header, scanned.records, issues)


def _group_issues(header: Node, records: int, total: Decimal, profile: Profile, checks: BlockChecks) -> list[Issue]:
    """GrpHdr NbOfTxs and CtrlSum against the whole file (DOMAIN §8.15), and the profile's record limit."""
    issues: list[Issue] = []
    declared = header.get("NbOfTxs") or ""
    if not declared.isdigit() or int(declared) != records:
        issues.append(_issue(f"{checks.family}.nb_of_txs", "GrpHdr/NbOfTxs",
                             f"NbOfTxs is {declared!r} but the file holds {records} {checks.records.noun}s"))
    control = header.get("CtrlSum")
    if control is not None and parse_decimal(control) != total:
        issues.append(_issue(f"{checks.family}.ctrl_sum", "GrpHdr/CtrlSum",
                             f"CtrlSum is {control} but the instructed amounts add up to {total}"))
    limit = profile.max_transactions_per_message
    if limit is not None and records > limit:
        issues.append(_issue("profile.max_transactions", "GrpHdr/NbOfTxs", f"profile {profile.id} allows "
                             f"{limit} transaction(s) per message; this one has {records}"))
    return issues


# --- checks of one record's amounts, accounts and agents (both messages) ------------------------------

def instructed_amount_issues(amount: Amount, path: str) -> list[Issue]:
    """An instructed amount in a known currency, with no more decimals than it allows, not zero."""
    if not is_currency(amount.currency):
        return [_issue("money.currency", f"{path}/@Ccy", f"{amount.currency} is not an ISO 4217 currency")]
    if not fits_currency(amount.value, amount.currency):
        return [_issue("money.precision", path, f"{amount.value} has more decimals than {amount.currency} allows")]
    if amount.value == 0:
        return [_issue("money.zero", path, "the instructed amount is zero")]
    return []


def account_issues(path: str, tag: str, account: Account | None) -> list[Issue]:
    """An IBAN that fails ISO 13616; valid ones are confirmed by `iban_problem_fast`."""
    if account is None or not account.is_iban or (problem := iban_problem_fast(account.id)) is None:
        return []
    return [_issue("iban.invalid", f"{path}/{tag}/Id/IBAN", f"the {tag} IBAN is not valid (ISO 13616): {problem}")]


def bic_issues(path: str, tag: str, found: Agent | None, bic_element: str) -> list[Issue]:
    """An agent's BIC that fails ISO 9362; `bic_element` is the version's name for it (BIC, BICFI)."""
    if found is None or not found.bic or (problem := bic_problem(found.bic)) is None:
        return []
    return [_issue("bic.invalid", f"{path}/{tag}/FinInstnId/{bic_element}",
                   f"BIC {found.bic} is not a valid ISO 9362 BIC: {problem}")]

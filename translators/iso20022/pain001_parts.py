"""pain.001 pieces shared by the reader (`pain001`) and its pass-2 hot path (`pain001_payment`):
the version table, the PmtInf block a transaction inherits, party/agent readers with the
.03 BIC element names, and the identifier checks (DOMAIN §2.5, §4.4, §8.22).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from schemas.canonical import Account, Agent, Party
from schemas.codes import RULES
from schemas.issues import Issue, Severity
from translators.base import DocumentReading
from translators.iso20022 import xml
from translators.iso20022.common import (
    Node,
    parse_date,
    parse_datetime,
    read_account,
    read_agent,
    read_code,
    read_party,
)
from translators.iso20022.initiation_checks import account_issues, bic_issues

PaymentType = tuple[str | None, tuple[str, ...], str | None, str | None]


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


def issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


class Unreadable(Exception):
    """A mandatory part of a transaction is missing or unreadable: `path` points at it."""

    def __init__(self, path: str, rule: str = "iso.structure") -> None:
        super().__init__(path.rpartition("/")[2])
        self.path, self.rule = path, rule


@dataclass(frozen=True)
class Group:
    """GrpHdr values each transaction carries."""

    msg_id: str
    reading: DocumentReading
    initiating_party: Party | None


@dataclass(frozen=True)
class Block:
    """PmtInf values each of its transactions inherits (DOMAIN §2.5: debtor data lives here)."""

    node: Node
    identifier: str | None
    execution_date: date | None
    payment_type: PaymentType
    debtor: Party | None
    debtor_account: Account | None
    debtor_agent: Agent | None
    ultimate_debtor: Party | None
    charge_bearer: str | None
    issues: tuple[Issue, ...]


def payment_type(node: Node | None, base: PaymentType) -> PaymentType:
    """PmtTpInf: (InstrPrty, SvcLvl codes, LclInstrm, CtgyPurp), each falling back to the block's."""
    if node is None:
        return base
    return (node.get("InstrPrty") or base[0],
            tuple(filter(None, map(read_code, node.children("SvcLvl")))) or base[1],
            read_code(node.child("LclInstrm")) or base[2], read_code(node.child("CtgyPurp")) or base[3])


def agent(node: Node | None, account: Node | None, spec: Version) -> Agent | None:
    """An agent and its account; the .03 BIC element name (`BIC`) where the version has it."""
    found = read_agent(node, account)
    if found is not None and node is not None and spec.agent_bic != "BICFI":
        found = found.model_copy(update={"bic": node.text("FinInstnId", spec.agent_bic)})
    return found


def party(node: Node | None, spec: Version) -> Party | None:
    """A party; the .03 organisation BIC element name (`BICOrBEI`) where the version has it."""
    found = read_party(node)
    if found is None or node is None or spec.party_bic == "AnyBIC" or found.identification is None:
        return found
    bic = node.text("Id", "OrgId", spec.party_bic)
    identification = found.identification.model_copy(update={"any_bic": bic})
    return found.model_copy(update={"identification": identification})


def execution_date(node: Node, spec: Version) -> date | None:
    if not spec.date_choice:
        return parse_date(node.get("ReqdExctnDt"))
    choice = node.child("ReqdExctnDt")
    if choice is None:
        return None
    moment = parse_datetime(choice.get("DtTm"))
    return moment.date() if moment is not None else parse_date(choice.get("Dt"))


def read_block(element: xml.XmlElement, number: int, spec: Version, issues: list[Issue]) -> Block:
    """The PmtInf header, read once for all of its transactions, with its identifier checks."""
    node = Node(element, f"PmtInf[{number}]")
    block = Block(
        node=node, identifier=node.get("PmtInfId"), execution_date=execution_date(node, spec),
        payment_type=payment_type(node.child("PmtTpInf"), (None, (), None, None)),
        debtor=party(node.child("Dbtr"), spec), debtor_account=read_account(node.child("DbtrAcct")),
        debtor_agent=agent(node.child("DbtrAgt"), node.child("DbtrAgtAcct"), spec),
        ultimate_debtor=party(node.child("UltmtDbtr"), spec), charge_bearer=node.get("ChrgBr"),
        issues=tuple(issues))
    checks = list(issues)
    checks += account_issues(node.path, "DbtrAcct", block.debtor_account)
    checks += bic_issues(node.path, "DbtrAgt", block.debtor_agent, spec.agent_bic)
    return replace(block, issues=tuple(checks))



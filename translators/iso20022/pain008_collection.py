"""One pain.008 collection: its PmtInf block and `DrctDbtTxInf` read into a canonical
`Collection`, and the checks that reject that collection alone.

Version differences (the XSDs in the schema catalogue): .02 names the agent's BIC `BIC`
(FinancialInstitutionIdentification7) and a party's `BICOrBEI` (PartyIdentification32),
has no `PmtId/UETR`, a single `SvcLvl`, `SeqTp` as SequenceType1Code (FRST RCUR FNAL OOFF)
and `Frqcy` as a bare Frequency1Code; .08-.10 use `BICFI`/`AnyBIC`, add `UETR`, allow
`RPRE` (SequenceType3Code) and make `Frqcy` a Frequency36Choice (`Tp`, `Prd`, `PtInTm`).
SEPA checks follow the EPC SDD Core and B2B rulebooks (DOMAIN §4: mandate AT-01/AT-25,
creditor identifier AT-02, sequence type AT-21, local instrument CORE/B2B).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Final

from schemas.canonical import Account, Agent, Party
from schemas.codes import RULES
from schemas.collections import Collection, Mandate, MandateAmendment, SequenceType, collection_id_for
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from translators.base import ReadContext
from translators.iso20022.common import (
    Node,
    parse_date,
    read_account,
    read_agent,
    read_amount,
    read_code,
    read_party,
    read_remittance,
)
from translators.iso20022.initiation_checks import account_issues, bic_issues, instructed_amount_issues
from translators.iso20022.xml import XmlElement

NOT_PROVIDED: Final = "NOTPROVIDED"
# EPC SDD Core / B2B rulebooks AT-21 (transaction type): the four sequence types the schemes use.
SEPA_SEQUENCE_TYPES: Final = frozenset({"FRST", "RCUR", "OOFF", "FNAL"})
# EPC SDD IGs: PmtTpInf/LclInstrm/Cd, CORE (SDD Core) or B2B (SDD B2B); COR1 ended in Nov 2017.
SEPA_LOCAL_INSTRUMENTS: Final = frozenset({"CORE", "B2B"})
# EPC "Creditor Identifier overview": CC + 2 check digits + 3-character business code + national id (max 35).
_CREDITOR_ID_MAX: Final = 35


@dataclass(frozen=True)
class Version:
    """What differs between pain.008 versions for this reader."""

    agent_bic: str             # FinInstnId: BIC (.02) or BICFI
    party_bic: str             # Party Id/OrgId: BICOrBEI (.02) or AnyBIC
    uetr: bool                 # PmtId/UETR (PaymentIdentification6, .08+)
    frequency_choice: bool     # Frqcy: Frequency1Code (.02) or Frequency36Choice (.08+)


V02: Final = Version("BIC", "BICOrBEI", uetr=False, frequency_choice=False)
V08: Final = Version("BICFI", "AnyBIC", uetr=True, frequency_choice=True)


def issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


PaymentType = tuple[str | None, tuple[str, ...], str | None, str | None, str | None]


@dataclass(frozen=True)
class Group:
    msg_id: str
    creation_date_time: datetime | None
    initiating_party: Party | None


@dataclass(frozen=True)
class Block:
    """PmtInf values each of its collections inherits: the creditor side of a direct debit."""

    node: Node
    identifier: str | None
    collection_date: date | None
    payment_type: PaymentType          # (InstrPrty, SvcLvl codes, LclInstrm, SeqTp, CtgyPurp)
    creditor: Party | None
    creditor_account: Account | None
    creditor_agent: Agent | None
    ultimate_creditor: Party | None
    charge_bearer: str | None
    creditor_scheme: tuple[str | None, str | None]
    issues: tuple[Issue, ...]


def payment_type(node: Node | None, base: PaymentType) -> PaymentType:
    """PmtTpInf, each element falling back to the block's."""
    if node is None:
        return base
    return (node.get("InstrPrty") or base[0],
            tuple(filter(None, map(read_code, node.children("SvcLvl")))) or base[1],
            read_code(node.child("LclInstrm")) or base[2], node.get("SeqTp") or base[3],
            read_code(node.child("CtgyPurp")) or base[4])


def agent(node: Node | None, account: Node | None, spec: Version) -> Agent | None:
    found = read_agent(node, account)
    if found is not None and node is not None and spec.agent_bic != "BICFI":
        found = found.model_copy(update={"bic": node.text("FinInstnId", spec.agent_bic)})
    return found


def party(node: Node | None, spec: Version) -> Party | None:
    found = read_party(node)
    if found is None or node is None or spec.party_bic == "AnyBIC" or found.identification is None:
        return found
    identification = found.identification.model_copy(update={"any_bic": node.text("Id", "OrgId", spec.party_bic)})
    return found.model_copy(update={"identification": identification})


def creditor_scheme(node: Node | None) -> tuple[str | None, str | None]:
    """CdtrSchmeId: (`Id/PrvtId/Othr/Id`, else `Id/OrgId/Othr/Id`; its `SchmeNm/Prtry` or `Cd`)."""
    if node is None:
        return None, None
    for kind in ("PrvtId", "OrgId"):
        other = node.at("Id", kind, "Othr")
        if other is not None:
            scheme = other.child("SchmeNm")
            return other.get("Id"), (scheme.get("Prtry") or scheme.get("Cd")) if scheme else None
    return None, None


def read_block(element: XmlElement, number: int, spec: Version, issues: list[Issue]) -> Block:
    node = Node(element, f"PmtInf[{number}]")
    block = Block(
        node=node, identifier=node.get("PmtInfId"), collection_date=parse_date(node.get("ReqdColltnDt")),
        payment_type=payment_type(node.child("PmtTpInf"), (None, (), None, None, None)),
        creditor=party(node.child("Cdtr"), spec), creditor_account=read_account(node.child("CdtrAcct")),
        creditor_agent=agent(node.child("CdtrAgt"), node.child("CdtrAgtAcct"), spec),
        ultimate_creditor=party(node.child("UltmtCdtr"), spec), charge_bearer=node.get("ChrgBr"),
        creditor_scheme=creditor_scheme(node.child("CdtrSchmeId")), issues=())
    checks = list(issues)
    checks += account_issues(node.path, "CdtrAcct", block.creditor_account)
    checks += bic_issues(node.path, "CdtrAgt", block.creditor_agent, spec.agent_bic)
    return replace(block, issues=tuple(checks))


def creditor_identifier_problem(value: str) -> str | None:
    """Why a SEPA creditor identifier is malformed, or None (EPC262-08: check digits are
    ISO 7064 mod 97-10 over the national identifier, then the country code and `00`;
    the 3-character creditor business code is not part of the check)."""
    compact = value.replace(" ", "").upper()
    if not (8 <= len(compact) <= _CREDITOR_ID_MAX) or not compact.isalnum() or not compact.isascii():
        return "it must be 8 to 35 letters and digits"
    if not compact[:2].isalpha() or not compact[2:4].isdigit():
        return "it must start with a country code and two check digits"
    digits = "".join(str(int(c, 36)) for c in compact[7:] + compact[:2] + "00")
    expected = 98 - int(digits) % 97
    return None if int(compact[2:4]) == expected else f"the check digits should be {expected:02d}"


def _mandate(node: Node | None, spec: Version) -> Mandate | None:
    if node is None:
        return None
    details = node.child("AmdmntInfDtls")
    amendment = None
    if details is not None:
        scheme_node = details.child("OrgnlCdtrSchmeId")
        amendment = MandateAmendment(
            original_mandate_id=details.get("OrgnlMndtId"),
            original_creditor_scheme_id=creditor_scheme(scheme_node)[0],
            original_creditor_name=scheme_node.get("Nm") if scheme_node else None,
            original_creditor_agent=agent(details.child("OrgnlCdtrAgt"), None, spec),
            original_debtor=party(details.child("OrgnlDbtr"), spec),
            original_debtor_account=read_account(details.child("OrgnlDbtrAcct")),
            original_debtor_agent=agent(details.child("OrgnlDbtrAgt"), None, spec),
            original_final_collection_date=parse_date(details.get("OrgnlFnlColltnDt")),
            original_frequency=_frequency(details.child("OrgnlFrqcy"), spec))
    return Mandate(
        mandate_id=node.get("MndtId"), date_of_signature=parse_date(node.get("DtOfSgntr")),
        amendment_indicator=(node.get("AmdmntInd") or "").strip() in ("true", "1"), amendment=amendment,
        electronic_signature=node.get("ElctrncSgntr"), first_collection_date=parse_date(node.get("FrstColltnDt")),
        final_collection_date=parse_date(node.get("FnlColltnDt")), frequency=_frequency(node.child("Frqcy"), spec))


def _frequency(node: Node | None, spec: Version) -> str | None:
    if node is None:
        return None
    return node.get("Tp") if spec.frequency_choice else node.value


class Unreadable(Exception):
    """A mandatory value is missing or unreadable: the collection cannot be built."""

    def __init__(self, path: str, rule: str = "iso.structure") -> None:
        super().__init__(path.rpartition("/")[2])
        self.path, self.rule = path, rule


def build(node: Node, index: int, version: str, spec: Version, group: Group, block: Block,
          context: ReadContext) -> Collection:
    """The canonical collection; raises `Unreadable` (or pydantic's ValidationError)."""
    amount = read_amount(node.child("InstdAmt"))
    if amount is None:
        raise Unreadable(f"{node.path}/InstdAmt")
    if block.creditor is None:
        raise Unreadable(f"{block.node.path}/Cdtr")
    debtor = party(node.child("Dbtr"), spec)
    if debtor is None:
        raise Unreadable(f"{node.path}/Dbtr")
    ids, transaction = node.child("PmtId"), node.child("DrctDbtTx")
    priority, levels, local, sequence, category = payment_type(node.child("PmtTpInf"), block.payment_type)
    scheme_id, scheme_name = creditor_scheme(transaction.child("CdtrSchmeId") if transaction else None)
    if scheme_id is None:
        scheme_id, scheme_name = block.creditor_scheme
    sequence_type: SequenceType | None = sequence if sequence in (*SEPA_SEQUENCE_TYPES, "RPRE") else None  # type: ignore[assignment]
    return Collection(
        collection_id=collection_id_for(context.document_id, index), document_id=context.document_id, index=index,
        source=context.source, message_type=version, msg_id=group.msg_id,
        creation_date_time=group.creation_date_time, payment_information_id=block.identifier,
        instr_id=ids.get("InstrId") if ids else None, end_to_end_id=ids.get("EndToEndId") if ids else None,
        uetr=ids.get("UETR") if ids and spec.uetr else None,
        instructed_amount=amount, requested_collection_date=block.collection_date, sequence_type=sequence_type,
        local_instrument=local, service_levels=levels, instruction_priority=priority, category_purpose=category,
        purpose=read_code(node.child("Purp")), charge_bearer=node.get("ChrgBr") or block.charge_bearer,
        initiating_party=group.initiating_party, creditor=block.creditor, creditor_account=block.creditor_account,
        creditor_agent=block.creditor_agent,
        ultimate_creditor=party(node.child("UltmtCdtr"), spec) or block.ultimate_creditor,
        creditor_scheme_id=scheme_id, creditor_scheme_name=scheme_name,
        mandate=_mandate(transaction.child("MndtRltdInf") if transaction else None, spec),
        pre_notification_id=transaction.get("PreNtfctnId") if transaction else None,
        pre_notification_date=parse_date(transaction.get("PreNtfctnDt")) if transaction else None,
        debtor=debtor, debtor_account=read_account(node.child("DbtrAcct")),
        debtor_agent=agent(node.child("DbtrAgt"), node.child("DbtrAgtAcct"), spec),
        ultimate_debtor=party(node.child("UltmtDbtr"), spec), remittance=read_remittance(node.child("RmtInf")))


@dataclass
class Seen:
    """Identifiers already used in this file (duplicates reject the later collection)."""

    instr_ids: dict[str, str] = field(default_factory=dict)
    end_to_end_ids: dict[str, str] = field(default_factory=dict)


def checks(node: Node, collection: Collection, profile: Profile, spec: Version, seen: Seen,
           block: Block) -> list[Issue]:
    """Checks that reject this collection alone (DOMAIN §4.4; EPC SDD rulebooks)."""
    amount = collection.instructed_amount
    found = instructed_amount_issues(amount, f"{node.path}/InstdAmt")
    if profile.currencies is not None and amount.currency not in profile.currencies:
        found.append(issue("profile.currency", f"{node.path}/InstdAmt/@Ccy",
                           f"profile {profile.id} does not accept {amount.currency}"))
    if collection.requested_collection_date is None:
        found.append(issue("iso.structure", f"{block.node.path}/ReqdColltnDt", "ReqdColltnDt cannot be read"))
    found += account_issues(node.path, "DbtrAcct", collection.debtor_account)
    found += bic_issues(node.path, "DbtrAgt", collection.debtor_agent, spec.agent_bic)
    found += _scheme_checks(node, collection, block)
    for rule, tag, value, used in (("pain008.duplicate_instr_id", "InstrId", collection.instr_id, seen.instr_ids),
                                   ("pain008.duplicate_end_to_end_id", "EndToEndId", collection.end_to_end_id,
                                    seen.end_to_end_ids)):
        if not value or value == NOT_PROVIDED:
            continue
        if value in used:
            found.append(issue(rule, f"{node.path}/PmtId/{tag}", f"{tag} {value!r} was already used by {used[value]}"))
        else:
            used[value] = node.path
    return found


def _scheme_checks(node: Node, collection: Collection, block: Block) -> list[Issue]:
    """Mandate, sequence type, local instrument and creditor identifier (EPC SDD Core/B2B)."""
    found: list[Issue] = []
    where = f"{node.path}/DrctDbtTx/MndtRltdInf"
    mandate = collection.mandate
    if mandate is None or not mandate.mandate_id:
        found.append(issue("sdd.mandate_id", f"{where}/MndtId", "a direct debit needs the mandate id (MndtId)"))
    if mandate is None or mandate.date_of_signature is None:
        found.append(issue("sdd.mandate_signature_date", f"{where}/DtOfSgntr",
                           "a direct debit needs the mandate's date of signature (DtOfSgntr)"))
    elif collection.requested_collection_date and mandate.date_of_signature > collection.requested_collection_date:
        found.append(issue("sdd.mandate_date_order", f"{where}/DtOfSgntr", f"the mandate is signed on "
                           f"{mandate.date_of_signature}, after the requested collection date "
                           f"{collection.requested_collection_date}"))
    if mandate is not None and mandate.amendment_indicator and mandate.amendment is None:
        found.append(issue("sdd.mandate_amendment", f"{where}/AmdmntInfDtls",
                           "AmdmntInd is true but the amendment details (AmdmntInfDtls) are missing"))
    sequence = _raw_sequence_type(node, block)
    if sequence not in SEPA_SEQUENCE_TYPES:
        found.append(issue("sdd.sequence_type", f"{node.path}/PmtTpInf/SeqTp", f"the sequence type is "
                           f"{sequence!r}; a SEPA direct debit needs one of FRST, RCUR, OOFF, FNAL"))
    if collection.local_instrument is not None and collection.local_instrument not in SEPA_LOCAL_INSTRUMENTS:
        found.append(issue("sdd.local_instrument", f"{node.path}/PmtTpInf/LclInstrm", f"local instrument "
                           f"{collection.local_instrument!r} is not CORE or B2B"))
    scheme_id = collection.creditor_scheme_id
    if not scheme_id:
        found.append(issue("sdd.creditor_scheme_id", f"{block.node.path}/CdtrSchmeId", "a SEPA direct debit "
                           "needs the creditor identifier (CdtrSchmeId/Id/PrvtId/Othr/Id)"))
    elif collection.creditor_scheme_name == "SEPA" and (problem := creditor_identifier_problem(scheme_id)):
        found.append(issue("sdd.creditor_identifier", f"{block.node.path}/CdtrSchmeId", f"creditor identifier "
                           f"{scheme_id!r} is not a valid SEPA creditor identifier: {problem}"))
    return found


def _raw_sequence_type(node: Node, block: Block) -> str | None:
    transaction = node.child("PmtTpInf")
    return (transaction.get("SeqTp") if transaction else None) or block.payment_type[3]


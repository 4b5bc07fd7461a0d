"""Reading the parts MT103 and MT202 (COV) share into canonical terms (DOMAIN §3.1-3.2).

A reader here never raises and never validates: what it cannot read is a `Loss` (the
field is kept in the original message, linked to the payment, DOMAIN §3.4), and the
mandatory parts a payment cannot exist without (:20:, :32A:) are `mt.unmappable`
issues. The institutions the headers name stand in for the fields an MT may leave
out: the sender is the debtor agent when 52a is absent, the receiver the creditor
agent when 57a is absent (DOMAIN §3.1); a bare text block has neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from schemas.canonical import Account, Agent, Amount, Charge, TimeIndication
from schemas.issues import Issue
from translators.base import Loss
from translators.mx_mt import BANK_OPERATION_PRIORITY, PRIORITY_HIGH
from translators.swift.instructions import (
    Instructions,
    read_instruction_codes,
    read_sender_to_receiver,
    read_time_indications,
)
from translators.swift.model import Field, FinMessage
from translators.swift.parties import read_agent
from translators.swift.party import parse_party
from translators.swift.payment_fields import header_losses, read_amount, read_settlement, unmappable


def first(fields: Iterable[Field], number: str) -> Field | None:
    """The first field with this tag number (any option)."""
    for item in fields:
        if item.tag.startswith(number):          # tags are the 2-digit number and an option letter
            return item
    return None


def every(fields: Iterable[Field], tag: str) -> list[Field]:
    """Every field with exactly this tag."""
    return [item for item in fields if item.tag == tag]


@dataclass
class Common:
    """What both message types read the same way, before their own fields are added."""

    message: FinMessage
    losses: list[Loss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    reference: str | None = None
    settlement_date: date | None = None
    settlement_amount: Amount | None = None
    sender: Agent | None = None
    receiver: Agent | None = None
    time_indications: tuple[TimeIndication, ...] = ()
    instructing_reimbursement_agent: Agent | None = None
    instructed_reimbursement_agent: Agent | None = None
    third_reimbursement_agent: Agent | None = None
    settlement_account: Account | None = None

    @property
    def readable(self) -> bool:
        """Whether a payment can be built: a reference and a settlement amount and date."""
        return self.reference is not None and self.settlement_amount is not None


def read_common(message: FinMessage, fields: list[Field]) -> Common:
    """Headers, :20:, :13C:, :32A: and the reimbursement agents 53a-55a of `fields` (sequence A)."""
    common = Common(message, losses=header_losses(message))
    if message.sender_bic:
        common.sender = Agent(bic=message.sender_bic)
    if message.receiver_bic:
        common.receiver = Agent(bic=message.receiver_bic)
    reference = first(fields, "20")
    if reference is None or not reference.value:
        common.issues.append(unmappable(":20: (the sender's reference) is missing", ":20:"))
    else:
        common.reference = reference.value
    settlement = read_settlement(message)
    if isinstance(settlement, Issue):
        common.issues.append(settlement)
    else:
        common.settlement_date, common.settlement_amount = settlement
    common.time_indications = read_time_indications(every(fields, "13C"), common.losses)
    read_reimbursement(fields, common)
    return common


def read_reimbursement(fields: list[Field], common: Common) -> None:
    """53a, 54a, 55a; a 53B holding only an account is the settlement account (DOMAIN §3.1)."""
    sender_correspondent = first(fields, "53")
    if sender_correspondent is not None:
        party = parse_party(sender_correspondent)
        if sender_correspondent.tag == "53B" and party.account and not party.location and not party.debit_credit:
            common.settlement_account = read_agent(sender_correspondent, common.losses).account
        else:
            common.instructing_reimbursement_agent = read_agent(sender_correspondent, common.losses)
    receiver_correspondent = first(fields, "54")
    if receiver_correspondent is not None:
        common.instructed_reimbursement_agent = read_agent(receiver_correspondent, common.losses)
    third = first(fields, "55")
    if third is not None:
        common.third_reimbursement_agent = read_agent(third, common.losses)


def read_optional_agent(fields: list[Field], number: str, losses: list[Loss]) -> Agent | None:
    found = first(fields, number)
    return read_agent(found, losses) if found is not None else None


def read_priority(fields: list[Field], losses: list[Loss]) -> str | None:
    """:23B: SPRI is a high instruction priority; CRED says nothing; the others have no canonical field."""
    operation = first(fields, "23")
    if operation is None or operation.value == "CRED":
        return None
    if operation.value == BANK_OPERATION_PRIORITY:
        return PRIORITY_HIGH
    losses.append(Loss(f":{operation.tag}:", operation.value, f"the bank operation code {operation.value} has no "
                       "canonical field"))
    return None


def read_charges(fields: list[Field], common: Common) -> tuple[Charge, ...]:
    """:71F: taken by the sender, :71G: by the receiver (DOMAIN §3.1, agents unconfirmed)."""
    charges = []
    for item in fields:
        if item.tag not in ("71F", "71G"):
            continue
        amount = read_amount(item, 0)
        agent = common.sender if item.tag == "71F" else common.receiver
        if amount is None:
            common.losses.append(Loss(f":{item.tag}:", "", "the charge amount cannot be read"))
            continue
        charges.append(Charge(amount=amount, agent=agent or Agent()))
    return tuple(charges)


def read_instructions(fields: list[Field], losses: list[Loss], *, previous_agents: bool = True) -> Instructions:
    """:23E: codes and :72: codes of `fields`, in canonical terms."""
    instructions = Instructions()
    read_instruction_codes(every(fields, "23E"), instructions, losses)
    for item in every(fields, "72"):
        read_sender_to_receiver(item, instructions, losses, previous_agents=previous_agents)
    return instructions


def unplaced_fields(fields: list[Field], numbers: frozenset[str], losses: list[Loss]) -> None:
    """A field whose tag number the reader does not map (51A, a stray tag) is a loss, never dropped silently."""
    for item in fields:
        if item.number not in numbers:
            losses.append(Loss(f":{item.tag}:", "", f"field :{item.tag}: has no place in the canonical payment"))


def default_agent(agent: Agent | None, header: Agent | None) -> Agent | None:
    """The agent a field names, else the institution of the header (DOMAIN §3.1: 52a -> sender, 57a -> receiver)."""
    return agent if agent is not None else header


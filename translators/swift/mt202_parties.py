"""The institutions of an MT202 as canonical parties, and the underlying customer transfer of an MT202 COV.

In the canonical model a transfer between banks has banks as debtor and creditor,
identified by `Party.identification.any_bic` (schemas/canonical.py); MT202 writes them as
institution fields 52a and 58a. A national clearing code of such a field (`//FW021000021`)
is kept as an identification with the ISO clearing system as proprietary scheme
(`USABA`), so that it can be written back. Sequence B of an MT202 COV (DOMAIN §1.7, §3.2)
is the customer transfer the cover pays for: 50a, 52a, 56a, 57a, 59a, 70, 72, 33B.
"""

from __future__ import annotations

from schemas.canonical import (
    Account,
    Agent,
    GenericIdentification,
    Instruction,
    Party,
    PartyIdentification,
    RemittanceInfo,
    UnderlyingCustomerTransfer,
)
from translators.base import Loss
from translators.mx_mt import CLEARING_SYSTEM_BY_MT_CODE
from translators.swift.fin_text import Report
from translators.swift.instructions import write_sender_to_receiver
from translators.swift.model import Field
from translators.swift.parties import read_customer, write_customer
from translators.swift.payment_fields import amount_text, read_amount, same_bic, write_remittance
from translators.swift.payment_read import first, read_instructions, read_optional_agent
from translators.swift.payment_write import Fields, agent_field

_CLEARING_SYSTEMS = frozenset(CLEARING_SYSTEM_BY_MT_CODE.values())
_UNDERLYING = "underlying_customer_transfer"


def institution_party(agent: Agent) -> tuple[Party, Account | None]:
    """An institution field read as an agent, as the canonical debtor or creditor bank and its account."""
    others: tuple[GenericIdentification, ...] = ()
    if agent.clearing_system and agent.member_id:
        others = (GenericIdentification(id=agent.member_id, scheme_proprietary=agent.clearing_system),)
    identification = None
    if agent.bic or others:
        identification = PartyIdentification(kind="organisation", any_bic=agent.bic, others=others)
    return Party(name=agent.name, postal_address=agent.postal_address, identification=identification), agent.account


def bank_party(bic: str) -> Party:
    """The bank a BIC names, as a party (the sender standing in for a missing 52a)."""
    return Party(identification=PartyIdentification(kind="organisation", any_bic=bic))


def institution_agent(party: Party, account: Account | None, source: str, target: str, report: Report) -> Agent:
    """The debtor or creditor bank as an agent to write in 52a or 58a; what an MT field cannot say is reported."""
    identification = party.identification or PartyIdentification(kind="organisation")
    clearing = next((other for other in identification.others if other.scheme_proprietary in _CLEARING_SYSTEMS
                     and not other.scheme_code), None)
    dropped = [name for name, value in (
        ("LEI", identification.lei), ("country of residence", party.country_of_residence),
        ("birth data", identification.birth_date or identification.birth_city or identification.birth_country))
        if value]
    rest = [other for other in identification.others if other is not clearing]
    if rest:
        dropped.append(f"{len(rest)} identification(s)")
    if dropped:
        report.loss("mt.render_dropped", source, target, f"{target} has no place for the "
                    f"bank's {', '.join(dropped)}: left out")
    return Agent(bic=identification.any_bic, clearing_system=clearing.scheme_proprietary if clearing else None,
                 member_id=clearing.id if clearing else None, name=party.name, postal_address=party.postal_address,
                 account=account)


def is_only_bank(party: Party, account: Account | None, bic: str) -> bool:
    """Whether the party is just the bank with this BIC (52a may then be left out: it is the sender)."""
    identification = party.identification
    return account is None and identification is not None and same_bic(identification.any_bic, bic) \
        and party == bank_party(identification.any_bic or "")


# --- sequence B ------------------------------------------------------------------------------------

def read_underlying(fields: list[Field], losses: list[Loss]) -> UnderlyingCustomerTransfer | None:
    """Sequence B of an MT202 COV (its fields, from the first 50a on) as the underlying customer transfer."""
    if not fields:
        return None
    ordering, beneficiary = first(fields, "50"), first(fields, "59")
    debtor, debtor_account = read_customer(ordering, losses) if ordering is not None else (Party(), None)
    creditor, creditor_account = read_customer(beneficiary, losses) if beneficiary is not None else (Party(), None)
    remittance_field = first(fields, "70")
    text = "".join(remittance_field.lines) if remittance_field is not None else ""
    instructed_field = first(fields, "33")
    instructed = read_amount(instructed_field, 0)
    if instructed_field is not None and instructed is None:
        losses.append(Loss(":33B:", "", "the instructed amount of sequence B cannot be read"))
    instructions = read_instructions(fields, losses, previous_agents=False)
    intermediary = read_optional_agent(fields, "56", losses)
    return UnderlyingCustomerTransfer(
        debtor=debtor, debtor_account=debtor_account, debtor_agent=read_optional_agent(fields, "52", losses),
        intermediary_agents=(intermediary,) if intermediary is not None else (),
        creditor_agent=read_optional_agent(fields, "57", losses), creditor=creditor,
        creditor_account=creditor_account, remittance=RemittanceInfo(unstructured=(text,)) if text else None,
        instructed_amount=instructed, instructions_for_creditor_agent=tuple(instructions.for_creditor_agent),
        instructions_for_next_agent=tuple(instructions.for_next_agent))


def underlying_fields(transfer: UnderlyingCustomerTransfer, report: Report) -> Fields:
    """Sequence B: 50a, 52a, 56a, 57a, 59a, 70, 72, 33B (DOMAIN §1.7), options as the COV spec allows them."""
    fields: Fields = []
    ordering = write_customer(transfer.debtor, transfer.debtor_account, "50", "AFK", f"{_UNDERLYING}/debtor", report)
    if ordering is not None:
        fields.append(ordering)
    for agent, number, allowed, name in (
            (transfer.debtor_agent, "52", "AD", "debtor_agent"),
            (transfer.intermediary_agents[0] if transfer.intermediary_agents else None, "56", "ACD",
             "intermediary_agents[0]"),
            (transfer.creditor_agent, "57", "ABCD", "creditor_agent")):
        written = agent_field(agent, number, allowed, f"{_UNDERLYING}/{name}", report)
        if written is not None:
            fields.append(written)
    for position in range(1, len(transfer.intermediary_agents)):
        report.loss("mt.render_dropped", f"{_UNDERLYING}/intermediary_agents[{position}]", ":56a:", "sequence B has "
                    "one intermediary (:56a:): a further intermediary agent was left out")
    beneficiary = write_customer(transfer.creditor, transfer.creditor_account, "59", "AF", f"{_UNDERLYING}/creditor",
                                 report)
    if beneficiary is not None:
        fields.append(beneficiary)
    remittance = write_remittance(transfer.remittance, None, f"{_UNDERLYING}/", report)
    if remittance is not None:
        fields.append(("70", remittance))
    information = write_sender_to_receiver(
        (), uncoded(transfer.instructions_for_creditor_agent, f"{_UNDERLYING}/instructions_for_creditor_agent",
                    report),
        uncoded(transfer.instructions_for_next_agent, f"{_UNDERLYING}/instructions_for_next_agent", report),
        f"{_UNDERLYING}/", report)
    if information is not None:
        fields.append(("72", information))
    if transfer.instructed_amount is not None:
        text = amount_text(transfer.instructed_amount, ":33B:", report)
        if text is not None:
            fields.append(("33B", text))
    return fields


def uncoded(instructions: tuple[Instruction, ...], source: str, report: Report) -> list[Instruction]:
    """Instructions for :72:, which has no place for an instruction code: the code is reported, the text kept."""
    kept = []
    for position, instruction in enumerate(instructions):
        if instruction.code:
            report.loss("mt.render_dropped", f"{source}[{position}]", ":72:", f"the instruction code "
                        f"{instruction.code} has no place in :72: of an MT202: left out")
        if instruction.text or not instruction.code:
            kept.append(Instruction(text=instruction.text))
    return kept

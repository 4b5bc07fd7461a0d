"""MT202 and MT202 COV to and from the canonical institution `Payment` (DOMAIN §1.7, §3.2).

Reading (`kind="institution"`): :20: the message and instruction id, :21: the related
reference as the end-to-end id (DOMAIN §3.2: for a cover, the underlying payment's),
{121:} the UETR, the header BICs the instructing and instructed agents, :13C: time
indications, :32A: settlement date and amount, 52a the debtor bank (absent: the sender),
53a/54a reimbursement agents (53B with an account alone: the settlement account), 56a
the intermediary, 57a the creditor agent (absent: the receiver), 58a the creditor bank,
:72: instructions and previous instructing agents, and for a COV sequence B the
underlying customer transfer (`mt202_parties.py`). Anything else is a `Loss`.

Writing gives the canonical form, COV when the payment carries an underlying customer
transfer; it is validated with the network rules before it is returned.
"""

from __future__ import annotations

from typing import Final

from schemas.canonical import Agent, Instruction, Party, Payment, Source, payment_id_for
from translators.base import Translated
from translators.swift.fin_text import Report, reference
from translators.swift.instructions import write_sender_to_receiver, write_time_indications
from translators.swift.messages import MESSAGES
from translators.swift.model import Field, FinMessage
from translators.swift.mt202_parties import (
    bank_party,
    institution_agent,
    institution_party,
    is_only_bank,
    read_underlying,
    uncoded,
    underlying_fields,
)
from translators.swift.payment_fields import dropped_payment_fields, unmappable
from translators.swift.payment_read import (
    default_agent,
    first,
    read_common,
    read_instructions,
    read_optional_agent,
    unplaced_fields,
)
from translators.swift.payment_write import (
    Fields,
    agent_field,
    allowed_options,
    check_bic,
    finish,
    reimbursement_fields,
    settlement_field,
    user_header,
)

MESSAGE_TYPE: Final = "mt202"
COVER_MESSAGE_TYPE: Final = "mt202cov"
COVER: Final = "COV"
NO_REFERENCE: Final = "NONREF"                   # :21: when there is no related reference (DOMAIN §1.7)
_SEQUENCE_A_NUMBERS: Final = frozenset({"13", "20", "21", "32", "52", "53", "54", "56", "57", "58", "72"})
_SEQUENCE_B_NUMBERS: Final = frozenset({"33", "50", "52", "56", "57", "59", "70", "72"})
# Canonical fields an MT202 has no place for (DOMAIN §3.2).
_UNCARRIED: Final = ("creation_date_time", "tx_id", "clearing_system_reference", "instructed_amount",
                     "exchange_rate", "acceptance_date_time", "settlement_method", "clearing_system",
                     "instruction_priority", "service_levels", "local_instrument", "category_purpose", "purpose",
                     "charge_bearer", "charges", "instant", "initiating_party", "ultimate_debtor", "debtor_agent",
                     "ultimate_creditor", "remittance", "regulatory_reporting")


def split_sequences(fields: tuple[Field, ...]) -> tuple[list[Field], list[Field]]:
    """Sequence A, and sequence B from the first 50a on (DOMAIN §1.7; empty for a plain MT202)."""
    start = next((position for position, item in enumerate(fields) if item.number == "50"), len(fields))
    return list(fields[:start]), list(fields[start:])


# --- reading ---------------------------------------------------------------------------------------

def to_payment(message: FinMessage, *, document_id: str, index: int, source: Source) -> Translated[Payment | None]:
    """An MT202 or MT202 COV as a canonical institution payment; never raises.

    Same contract as `mt103.to_payment`: None with `mt.unmappable` issues when :20: or :32A:
    cannot be read; an error issue (no :58a:) means the payment must be rejected too.
    """
    sequence_a, sequence_b = split_sequences(message.fields)
    common = read_common(message, sequence_a)
    if not common.readable:
        return Translated(None, tuple(common.losses), tuple(common.issues))
    losses = common.losses
    unplaced_fields(sequence_a, _SEQUENCE_A_NUMBERS, losses)
    unplaced_fields(sequence_b, _SEQUENCE_B_NUMBERS, losses)
    related = first(sequence_a, "21")
    ordering = read_optional_agent(sequence_a, "52", losses)
    if ordering is not None:
        debtor, debtor_account = institution_party(ordering)
    else:
        debtor, debtor_account = (bank_party(common.sender.bic) if common.sender and common.sender.bic
                                  else Party()), None
    beneficiary = read_optional_agent(sequence_a, "58", losses)
    if beneficiary is None:
        common.issues.append(unmappable(":58a: (beneficiary institution) is missing", ":58a:"))
        creditor, creditor_account = Party(), None
    else:
        creditor, creditor_account = institution_party(beneficiary)
    instructions = read_instructions(sequence_a, losses)
    underlying = read_underlying(sequence_b, losses)
    cover = underlying is not None or message.validation_flag == COVER
    intermediary = read_optional_agent(sequence_a, "56", losses)
    assert common.reference is not None and common.settlement_amount is not None
    try:
        payment = Payment(
            payment_id=payment_id_for(document_id, index), document_id=document_id, index=index, source=source,
            message_type=COVER_MESSAGE_TYPE if cover else MESSAGE_TYPE, msg_id=common.reference,
            instr_id=common.reference, end_to_end_id=related.value if related is not None else None,
            uetr=message.uetr, interbank_settlement_amount=common.settlement_amount,
            interbank_settlement_date=common.settlement_date, kind="institution",
            time_indications=common.time_indications, instructing_agent=common.sender,
            instructed_agent=common.receiver,
            instructing_reimbursement_agent=common.instructing_reimbursement_agent,
            instructed_reimbursement_agent=common.instructed_reimbursement_agent,
            settlement_account=common.settlement_account,
            previous_instructing_agents=tuple(instructions.previous_instructing_agents),
            intermediary_agents=(intermediary,) if intermediary is not None else (),
            debtor=debtor, debtor_account=debtor_account,
            creditor_agent=default_agent(read_optional_agent(sequence_a, "57", losses), common.receiver),
            creditor=creditor, creditor_account=creditor_account,
            instructions_for_creditor_agent=tuple(instructions.for_creditor_agent),
            instructions_for_next_agent=tuple(instructions.for_next_agent),
            underlying_customer_transfer=underlying)
    except ValueError as exc:                     # pydantic's ValidationError: a value the model refuses
        common.issues.append(unmappable(f"the message cannot be read into a payment: {str(exc).splitlines()[0]}",
                                        "block 4"))
        return Translated(None, tuple(losses), tuple(common.issues))
    return Translated(payment, tuple(losses), tuple(common.issues))


# --- writing ---------------------------------------------------------------------------------------

def from_payment(payment: Payment, *, sender_bic: str, receiver_bic: str,
                 variant: str | None = None) -> Translated[str]:
    """The payment as a FIN MT202, or MT202 COV when it carries an underlying customer transfer.

    `variant` "COV" asks for a cover explicitly (an error if there is no underlying transfer
    to write). Losses and issues as `mt103.from_payment`; ValueError only for a caller's
    mistake (a sender or receiver that is not a BIC, an unknown variant).
    """
    if variant not in (None, COVER):
        raise ValueError(f"the MT202 variant is COV, not {variant!r}")
    check_bic(sender_bic, "sender_bic")
    check_bic(receiver_bic, "receiver_bic")
    underlying = payment.underlying_customer_transfer
    cover = underlying is not None or variant == COVER
    spec = MESSAGES["202COV" if cover else "202"]
    sequence = "A" if cover else ""
    report = Report()
    if payment.kind != "institution":
        report.error("mt.render_mandatory", "block 4", "MT202 carries transfers between institutions; a customer "
                     "credit transfer is an MT103")
    fields: Fields = [
        ("20", reference(payment.instr_id or payment.msg_id, "instr_id" if payment.instr_id else "msg_id", ":20:",
                         report)),
        ("21", reference(payment.end_to_end_id or NO_REFERENCE, "end_to_end_id", ":21:", report))]
    if payment.instr_id and payment.msg_id != payment.instr_id:
        report.loss("mt.render_dropped", "msg_id", ":20:", "MT202 has one reference of its own, :20:: the message "
                    "id differs from the instruction id and was left out")
    fields.extend(("13C", value) for value in write_time_indications(payment.time_indications, "time_indications",
                                                                          report))
    settlement = settlement_field(payment, report)
    if settlement is not None:
        fields.append(("32A", settlement))
    if not is_only_bank(payment.debtor, payment.debtor_account, sender_bic):
        ordering = agent_field(institution_agent(payment.debtor, payment.debtor_account, "debtor", ":52a:", report),
                               "52", allowed_options(spec, "52", sequence), "debtor", report)
        if ordering is not None:
            fields.append(ordering)
    fields.extend(reimbursement_fields(payment, spec, report, sequence))
    fields.extend(_routing_agents(payment, receiver_bic, allowed_options(spec, "56", sequence),
                                  allowed_options(spec, "57", sequence), report))
    fields.extend(_beneficiary(payment, allowed_options(spec, "58", sequence), report))
    information = write_sender_to_receiver(
        payment.previous_instructing_agents,
        uncoded(payment.instructions_for_creditor_agent, "instructions_for_creditor_agent", report),
        _next_agent(payment.instructions_for_next_agent, report), "", report)
    if information is not None:
        fields.append(("72", information))
    if underlying is not None:
        fields.extend(underlying_fields(underlying, report))
    elif cover:
        report.error("mt.render_mandatory", ":50a:", "an MT202 COV needs the underlying customer transfer "
                     "(sequence B); the payment has none")
    dropped_payment_fields(payment, _UNCARRIED, "202", report)
    return finish("202", sender_bic, receiver_bic, fields, user_header(payment, COVER if cover else None, report),
                  report)


def _routing_agents(payment: Payment, receiver_bic: str, intermediary_options: str, account_with_options: str,
                    report: Report) -> Fields:
    """56a (the first intermediary) and 57a, which C81 makes mandatory with 56a."""
    fields: Fields = []
    intermediaries = payment.intermediary_agents
    intermediary = agent_field(intermediaries[0], "56", intermediary_options, "intermediary_agents[0]", report) \
        if intermediaries else None
    for position in range(1, len(intermediaries)):
        report.loss("mt.render_dropped", f"intermediary_agents[{position}]", ":56a:", "MT202 has one intermediary "
                    "(:56a:): a further intermediary agent was left out")
    if intermediary is not None:
        fields.append(intermediary)
    creditor_agent = payment.creditor_agent
    if creditor_agent is None and intermediary is not None:
        creditor_agent = payment.instructed_agent or Agent(bic=receiver_bic)
    account_with = agent_field(creditor_agent, "57", account_with_options, "creditor_agent", report,
                               header_bic=receiver_bic, keep=intermediary is not None)
    if account_with is not None:
        fields.append(account_with)
    return fields


def _beneficiary(payment: Payment, options: str, report: Report) -> Fields:
    agent = institution_agent(payment.creditor, payment.creditor_account, "creditor", ":58a:", report)
    written = agent_field(agent, "58", options, "creditor", report)
    return [written] if written is not None else []


def _next_agent(instructions: tuple[Instruction, ...], report: Report) -> list[Instruction]:
    return uncoded(instructions, "instructions_for_next_agent", report)

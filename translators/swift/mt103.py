"""MT103 (and MT103 STP, MT103 REMIT) to and from the canonical customer `Payment` (DOMAIN §1.5-1.6, §3.1).

Reading maps each field to its canonical home as DOMAIN §3.1 lays out: :20: the message
and instruction id, {121:} the UETR, the header BICs the instructing and instructed
agents, :32A: the interbank settlement date and amount, :33B:/:36: instructed amount
and rate, 50a/59a debtor and creditor with their accounts, 52a-57a the agents (52a
absent: the sender; 57a absent: the receiver), :70: the remittance and the `/ROC/`
end-to-end id (else NOTPROVIDED), :71A: the charge bearer, :71F:/:71G: charges,
:13C:/:23B:/:23E:/:72: time indications, priority, instructions, :26T: the purpose,
:77B: the regulatory reporting, :77T: (REMIT) the remittance envelope, one
unstructured entry per line. Anything else is a `Loss`.

Writing is canonical form: fields in the standard's order, CRLF, amounts with the
currency's decimals, 52a/57a left out when they only repeat the sender/receiver, text
in the X set, every change or omission reported (DOMAIN §3.4). The result is parsed
and validated with the network rules again before it is returned.
"""

from __future__ import annotations

from typing import Final

from schemas.canonical import Account, Agent, Party, Payment, RemittanceInfo, Source, payment_id_for
from translators.base import Loss, Translated
from translators.mx_mt import (
    BANK_OPERATION_NORMAL,
    BANK_OPERATION_PRIORITY,
    CHARGE_BEARER_BY_MT_CODE,
    CHARGE_BEARER_WITHOUT_MT_CODE,
    MT_CODE_BY_CHARGE_BEARER,
    PRIORITY_HIGH,
)
from translators.swift.fin_text import Report, reference, safe_line
from translators.swift.instructions import write_instruction_codes, write_sender_to_receiver, write_time_indications
from translators.swift.messages import MESSAGES, MessageSpec
from translators.swift.model import Field, FinMessage
from translators.swift.mt103_rules import (
    ADVISE_ACCOUNT_WITH,
    allowed_instruction_codes,
    charge_fields,
    in_eea,
    instructed_amount_fields,
)
from translators.swift.parties import read_customer, write_customer
from translators.swift.payment_fields import (
    NOT_PROVIDED,
    dropped_payment_fields,
    read_amount,
    read_rate,
    read_remittance,
    unmappable,
    write_regulatory_reporting,
    write_remittance,
)
from translators.swift.payment_read import (
    Common,
    default_agent,
    first,
    read_charges,
    read_common,
    read_instructions,
    read_optional_agent,
    read_priority,
    unplaced_fields,
)
from translators.swift.payment_write import (
    Fields,
    agent_field,
    allowed_options,
    charge_agent_losses,
    charge_split,
    check_bic,
    finish,
    reimbursement_fields,
    settlement_field,
    user_header,
)

MESSAGE_TYPE: Final = "mt103"
VARIANTS: Final = (None, "STP", "REMIT")
_MAPPED_NUMBERS: Final = frozenset({"13", "20", "23", "26", "32", "33", "36", "50", "52", "53", "54", "55", "56",
                                    "57", "59", "70", "71", "72", "77"})
# Rules a :23B:SPRI message can break that CRED does not have (DOMAIN §1.6: C3, C6, E03-E10).
_PRIORITY_RULES: Final = frozenset({"mt.E01", "mt.E03", "mt.E04", "mt.E05", "mt.E07", "mt.E09", "mt.E10", "mt.E16",
                                    "mt.E17"})
# Canonical fields MT103 has no place for (DOMAIN §3.1).
_UNCARRIED: Final = ("creation_date_time", "clearing_system_reference", "acceptance_date_time", "settlement_method",
                     "clearing_system", "local_instrument", "instant", "initiating_party", "ultimate_debtor",
                     "ultimate_creditor", "underlying_customer_transfer")
_PURPOSE_LENGTH: Final = 3                                      # :26T: 3!c


# --- reading ---------------------------------------------------------------------------------------

def to_payment(message: FinMessage, *, document_id: str, index: int, source: Source) -> Translated[Payment | None]:
    """An MT103 of any variant as a canonical customer payment; never raises.

    The value is None when no payment can be built (no :20:, or a :32A: whose date, currency
    or amount cannot be read): the issues (`mt.unmappable`) say why and the caller rejects the
    message. A payment with an error among the issues (a missing :50a: or :59a:, read as an
    empty party) must be rejected too. Losses list what the payment does not carry; the
    network rules are `crules.validate_payment_message`'s job, not this function's.
    """
    fields = list(message.fields)
    common = read_common(message, fields)
    if not common.readable:
        return Translated(None, tuple(common.losses), tuple(common.issues))
    losses = common.losses
    debtor, debtor_account = _customer(fields, "50", "ordering customer", common)
    creditor, creditor_account = _customer(fields, "59", "beneficiary customer", common)
    instructions = read_instructions(fields, losses)
    remittance, end_to_end_id = read_remittance(first(fields, "70"))
    regulatory: tuple[str, ...] = ()
    for item in (field for field in fields if field.number == "77"):
        if item.tag == "77B":
            regulatory = tuple(item.lines)
        elif item.tag == "77T" and remittance is None:
            remittance = RemittanceInfo(unstructured=tuple(item.lines))
        else:
            losses.append(Loss(f":{item.tag}:", "", f"field :{item.tag}: has no place in the canonical payment"))
    unplaced_fields(fields, _MAPPED_NUMBERS, losses)
    instructed = first(fields, "33")
    instructed_amount = read_amount(instructed, 0)
    if instructed is not None and instructed_amount is None:
        losses.append(Loss(":33B:", "", "the instructed amount cannot be read"))
    purpose = first(fields, "26")
    intermediary = read_optional_agent(fields, "56", losses)
    assert common.reference is not None and common.settlement_amount is not None
    try:
        payment = Payment(
            payment_id=payment_id_for(document_id, index), document_id=document_id, index=index, source=source,
            message_type=MESSAGE_TYPE, msg_id=common.reference, instr_id=common.reference,
            end_to_end_id=end_to_end_id or NOT_PROVIDED, uetr=message.uetr,
            interbank_settlement_amount=common.settlement_amount,
            interbank_settlement_date=common.settlement_date, instructed_amount=instructed_amount,
            exchange_rate=read_rate(first(fields, "36"), losses), kind="customer",
            instruction_priority=read_priority(fields, losses), service_levels=tuple(instructions.service_levels),
            category_purpose=instructions.category_purpose, purpose=purpose.value if purpose is not None else None,
            charge_bearer=_charge_bearer(fields, losses), charges=read_charges(fields, common),
            time_indications=common.time_indications, instructing_agent=common.sender,
            instructed_agent=common.receiver,
            instructing_reimbursement_agent=common.instructing_reimbursement_agent,
            instructed_reimbursement_agent=common.instructed_reimbursement_agent,
            third_reimbursement_agent=common.third_reimbursement_agent,
            settlement_account=common.settlement_account,
            previous_instructing_agents=tuple(instructions.previous_instructing_agents),
            intermediary_agents=(intermediary,) if intermediary is not None else (),
            debtor=debtor, debtor_account=debtor_account,
            debtor_agent=default_agent(read_optional_agent(fields, "52", losses), common.sender),
            creditor_agent=default_agent(read_optional_agent(fields, "57", losses), common.receiver),
            creditor=creditor, creditor_account=creditor_account,
            instructions_for_creditor_agent=tuple(instructions.for_creditor_agent),
            instructions_for_next_agent=tuple(instructions.for_next_agent),
            remittance=remittance, regulatory_reporting=regulatory)
    except ValueError as exc:                     # pydantic's ValidationError: a value the model refuses
        common.issues.append(unmappable(f"the message cannot be read into a payment: {_first_error(exc)}",
                                        "block 4"))
        return Translated(None, tuple(losses), tuple(common.issues))
    return Translated(payment, tuple(losses), tuple(common.issues))


def _customer(fields: list[Field], number: str, name: str, common: Common) -> tuple[Party, Account | None]:
    found = first(fields, number)
    if found is None:
        common.issues.append(unmappable(f":{number}a: ({name}) is missing", f":{number}a:"))
        return Party(), None
    return read_customer(found, common.losses)


def _charge_bearer(fields: list[Field], losses: list[Loss]) -> str | None:
    details = first(fields, "71")
    if details is None or details.tag != "71A":
        return None
    bearer = CHARGE_BEARER_BY_MT_CODE.get(details.value)
    if bearer is None:
        losses.append(Loss(":71A:", details.value, "the charge code is not OUR, SHA or BEN"))
    return bearer


def _first_error(exc: ValueError) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# --- writing ---------------------------------------------------------------------------------------

def from_payment(payment: Payment, *, sender_bic: str, receiver_bic: str,
                 variant: str | None = None) -> Translated[str]:
    """The payment as a FIN MT103 (`variant` "STP" or "REMIT" for those), blocks 1-4, canonical form.

    Never silent: what MT103 cannot carry is a loss with a warning, what it must carry but
    the payment lacks is an error (the text is then not fit to send). A high instruction
    priority is :23B:SPRI when the payment meets the SPRI rules, else CRED with a loss.
    ValueError only for a caller's mistake (a sender or receiver that is not a BIC, an
    unknown variant).
    """
    if variant not in VARIANTS:
        raise ValueError(f"MT103 variants are STP and REMIT, not {variant!r}")
    check_bic(sender_bic, "sender_bic")
    check_bic(receiver_bic, "receiver_bic")
    if payment.instruction_priority == PRIORITY_HIGH:
        urgent = _render(payment, sender_bic, receiver_bic, variant, BANK_OPERATION_PRIORITY)
        if not any(issue.rule in _PRIORITY_RULES for issue in urgent.issues):
            return urgent
        normal = _render(payment, sender_bic, receiver_bic, variant, BANK_OPERATION_NORMAL)
        report = Report(list(normal.losses), list(normal.issues))
        report.loss("mt.render_dropped", "instruction_priority", ":23B:", "the payment does not meet the :23B:SPRI "
                    "rules (C3, C6, E03-E10): written as CRED, the high priority was left out")
        return Translated(normal.value, tuple(report.losses), tuple(report.issues))
    if payment.instruction_priority is not None:
        report = Report()
        report.loss("mt.render_dropped", "instruction_priority", ":23B:", f"the instruction priority "
                    f"{payment.instruction_priority} has no MT103 code")
        normal = _render(payment, sender_bic, receiver_bic, variant, BANK_OPERATION_NORMAL)
        return Translated(normal.value, (*report.losses, *normal.losses), (*report.issues, *normal.issues))
    return _render(payment, sender_bic, receiver_bic, variant, BANK_OPERATION_NORMAL)


def _render(payment: Payment, sender_bic: str, receiver_bic: str, variant: str | None,
            operation: str) -> Translated[str]:
    spec = MESSAGES["103" + (variant or "")]
    report = Report()
    if payment.kind != "customer":
        report.error("mt.render_mandatory", "block 4", "MT103 carries customer credit transfers; an institution "
                     "transfer is an MT202")
    fields: Fields = [("20", _reference(payment, report))]
    fields.extend(("13C", value) for value in write_time_indications(payment.time_indications,
                                                                          "time_indications", report))
    fields.append(("23B", operation))
    codes, creditor_texts, next_texts = write_instruction_codes(
        payment.service_levels, payment.category_purpose, payment.instructions_for_creditor_agent,
        payment.instructions_for_next_agent, "", report)
    codes = allowed_instruction_codes(codes, stp=variant == "STP", has_intermediary=bool(payment.intermediary_agents),
                                      has_account=payment.creditor_account is not None, report=report)
    fields.extend(("23E", value) for value in codes)
    fields.extend(_purpose(payment, report))
    settlement = settlement_field(payment, report)
    if settlement is not None:
        fields.append(("32A", settlement))
    fields.extend(_money(payment, sender_bic, receiver_bic, report))
    fields.extend(_parties_and_agents(payment, spec, sender_bic, receiver_bic, codes, report))
    if variant != "REMIT":
        remittance = write_remittance(payment.remittance, payment.end_to_end_id, "", report)
        if remittance is not None:
            fields.append(("70", remittance))
    elif payment.end_to_end_id not in (None, NOT_PROVIDED):
        report.loss("mt.render_dropped", "end_to_end_id", ":70:", "MT103 REMIT has no :70: to carry the end-to-end "
                    "id as /ROC/: left out")
    fields.extend(_charges(payment, sender_bic, receiver_bic, report))
    information = write_sender_to_receiver(payment.previous_instructing_agents, creditor_texts, next_texts, "",
                                           report)
    if information is not None:
        fields.append(("72", information))
    regulatory = write_regulatory_reporting(payment.regulatory_reporting, report)
    if regulatory is not None:
        fields.append(("77B", regulatory))
    if variant == "REMIT":
        fields.append(("77T", _envelope(payment, report)))
    dropped_payment_fields(payment, _UNCARRIED, "103", report)
    return finish("103", sender_bic, receiver_bic, fields, user_header(payment, variant, report), report)


def _reference(payment: Payment, report: Report) -> str:
    """:20: is the instruction id (DOMAIN §3.1), else the message id; the other one, if different, is lost."""
    source = "instr_id" if payment.instr_id else "msg_id"
    written = reference(payment.instr_id or payment.msg_id, source, ":20:", report)
    for name in ("msg_id", "tx_id"):
        value = getattr(payment, name)
        if value and value != (payment.instr_id or payment.msg_id):
            report.loss("mt.render_dropped", name, ":20:", f"MT103 has one reference, :20:: the payment's "
                        f"{name.replace('_', ' ')} differs from it and was left out")
    return written


def _purpose(payment: Payment, report: Report) -> Fields:
    purpose = payment.purpose
    if purpose is None:
        return []
    if len(purpose) == _PURPOSE_LENGTH and purpose.isalnum() and purpose == purpose.upper():
        return [("26T", purpose)]
    report.loss("mt.render_dropped", "purpose", ":26T:", f"the purpose of {len(purpose)} characters does not fit "
                ":26T: (3!c): left out")
    return []


def _money(payment: Payment, sender_bic: str, receiver_bic: str, report: Report) -> Fields:
    has_charges = bool(payment.charges) or _charge_code(payment, Report()) == "BEN"
    return instructed_amount_fields(payment.instructed_amount, payment.exchange_rate,
                                    payment.interbank_settlement_amount,
                                    needed=in_eea(sender_bic, receiver_bic) or has_charges, report=report)


def _parties_and_agents(payment: Payment, spec: MessageSpec, sender_bic: str, receiver_bic: str, codes: list[str],
                        report: Report) -> Fields:
    """50a, 52a-57a, 59a in their order, each in the first option that fits and the variant allows."""
    fields: Fields = []
    ordering = write_customer(payment.debtor, payment.debtor_account, "50", allowed_options(spec, "50"), "debtor",
                              report)
    if ordering is not None:
        fields.append(ordering)
    debtor_agent = agent_field(payment.debtor_agent, "52", allowed_options(spec, "52"), "debtor_agent", report,
                               header_bic=sender_bic)
    if debtor_agent is not None:
        fields.append(debtor_agent)
    fields.extend(reimbursement_fields(payment, spec, report))
    intermediaries = payment.intermediary_agents
    intermediary = agent_field(intermediaries[0], "56", allowed_options(spec, "56"), "intermediary_agents[0]",
                               report) if intermediaries else None
    for position in range(1, len(intermediaries)):
        report.loss("mt.render_dropped", f"intermediary_agents[{position}]", ":56a:", "MT103 has one intermediary "
                    "(:56a:): a further intermediary agent was left out")
    if intermediary is not None:
        fields.append(intermediary)
    needs_account_with = intermediary is not None or any(code[:4] in ADVISE_ACCOUNT_WITH for code in codes)
    creditor_agent = payment.creditor_agent
    if creditor_agent is None and needs_account_with:
        creditor_agent = payment.instructed_agent or Agent(bic=receiver_bic)
    account_with = agent_field(creditor_agent, "57", allowed_options(spec, "57"), "creditor_agent", report,
                               header_bic=receiver_bic, keep=needs_account_with)
    if account_with is not None:
        fields.append(account_with)
    beneficiary = write_customer(payment.creditor, payment.creditor_account, "59", allowed_options(spec, "59"),
                                 "creditor", report)
    if beneficiary is not None:
        fields.append(beneficiary)
    return fields


def _charge_code(payment: Payment, report: Report) -> str:
    """:71A: from the charge bearer; SLEV and none are errors (written as SHA to keep the text whole)."""
    bearer = payment.charge_bearer
    code = MT_CODE_BY_CHARGE_BEARER.get(bearer or "")
    if code is not None:
        return code
    if bearer == CHARGE_BEARER_WITHOUT_MT_CODE:
        report.error("mt.render_mandatory", ":71A:", "the charge bearer SLEV has no :71A: code (DOMAIN §3.1)")
    elif bearer is None:
        report.error("mt.render_mandatory", ":71A:", ":71A: is mandatory and the payment has no charge bearer")
    else:
        report.error("mt.render_mandatory", ":71A:", f"the charge bearer {bearer} has no :71A: code")
    return "SHA"


def _charges(payment: Payment, sender_bic: str, receiver_bic: str, report: Report) -> Fields:
    code = _charge_code(payment, report)
    settlement = payment.interbank_settlement_amount
    sender_charges, receiver_charges = charge_split(payment.charges, receiver_bic, settlement.currency, report)
    charge_agent_losses(sender_charges, sender_bic, report)
    return [("71A", code), *charge_fields(code, sender_charges, receiver_charges, settlement, report)]


def _envelope(payment: Payment, report: Report) -> str:
    """:77T: (REMIT) from the unstructured remittance, one line each; mandatory, so an error when empty."""
    remittance = payment.remittance
    lines = [safe_line(report.x_text(line, "remittance/unstructured", ":77T:"), "remittance/unstructured", ":77T:",
                       report) for line in (remittance.unstructured if remittance is not None else ())]
    if remittance is not None and remittance.structured:
        report.loss("mt.render_remittance", "remittance/structured", ":77T:", ":77T: is written from the "
                    "unstructured remittance: the structured blocks were left out")
    if not any(lines):
        report.error("mt.render_mandatory", ":77T:", "MT103 REMIT needs the envelope contents :77T:; the payment has "
                     "no unstructured remittance")
        return "/NARR/"
    return "\n".join(lines)


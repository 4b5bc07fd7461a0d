"""Writing the parts MT103 and MT202 (COV) share, and finishing a message (DOMAIN §1.1-1.7, §3.4).

`finish` is the one exit of both writers: it builds the FIN text with
`blocks.format_message` (block 3 with the validation flag and the UETR), parses it
again and runs `validate_message` with the network rules, so a message that would not
pass the network is never handed back without the issues saying why. A payment
without a UETR gets one derived from its payment id (a UUID v4 shape, the same on every
host and every retry, DOMAIN §1.3: the chain keeps one UETR), reported as a change.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Final

from schemas.canonical import Agent, Charge, Payment
from schemas.issues import Issue
from translators.base import Translated
from translators.mx_mt import mt_date_text
from translators.swift.blocks import format_message, parse
from translators.swift.crules import RULES_BY_SPEC
from translators.swift.fin_text import Report
from translators.swift.headers import UETR_PATTERN
from translators.swift.messages import MessageSpec
from translators.swift.model import TAG_UETR, TAG_VALIDATION_FLAG
from translators.swift.parties import account_line, write_agent
from translators.swift.payment_fields import amount_text, is_only_bic, same_bic
from translators.swift.validate import validate_message
from translators.swift.values import bic_problem

Fields = list[tuple[str, str]]
REQUIRED_AGENT_FIELDS: Final = frozenset({"53", "54", "55", "56", "57", "58"})   # never dropped without an error


def check_bic(bic: str, what: str) -> str:
    """The sender or receiver BIC a caller passes: a programmer error (ValueError) when it is not one."""
    if len(bic) not in (8, 11) or bic_problem(bic) is not None:
        raise ValueError(f"{what} must be a BIC8 or BIC11, not {bic!r}")
    return bic


def allowed_options(spec: MessageSpec, number: str, sequence: str = "") -> str:
    """The option letters the spec allows for a tag number (`""` stands for no letter)."""
    for slot in spec.slots:
        if slot.number == number and slot.sequence == sequence:
            return "".join(slot.options)
    return ""


def derived_uetr(payment_id: str) -> str:
    """A UUID v4-shaped UETR from the payment id: deterministic, lowercase (DOMAIN §1.3, §8.12)."""
    digest = hashlib.sha256(f"uetr\x1f{payment_id}".encode()).hexdigest()[:32]
    return str(uuid.UUID(hex=digest, version=4))


def user_header(payment: Payment, flag: str | None, report: Report) -> tuple[tuple[str, str], ...]:
    """Block 3: `{119:flag}` for a variant and the UETR `{121:}` (mandatory in MT103 and MT202)."""
    uetr = payment.uetr
    if uetr is None or UETR_PATTERN.fullmatch(uetr) is None:
        uetr = derived_uetr(payment.payment_id)
        why = "had no UETR" if payment.uetr is None else "had a UETR that is not a lowercase UUID v4"
        report.loss("mt.render_changed", "uetr", "block 3/{121:}", f"the payment {why}; one was derived from its "
                    "payment id", kept="derived UETR")
    tags = [(TAG_VALIDATION_FLAG, flag)] if flag else []
    return (*tags, (TAG_UETR, uetr))


def settlement_field(payment: Payment, report: Report) -> str | None:
    """:32A: date, currency and amount; None (an error) when the date is missing or cannot be written."""
    amount = amount_text(payment.interbank_settlement_amount, ":32A:", report)
    if payment.interbank_settlement_date is None:
        report.error("mt.render_mandatory", ":32A:", ":32A: needs the interbank settlement date; the payment has "
                     "none")
        return None
    try:
        day = mt_date_text(payment.interbank_settlement_date)
    except ValueError as exc:
        report.error("mt.render_mandatory", ":32A:", f":32A: cannot hold the date: {exc}")
        return None
    return day + amount if amount is not None else None


def agent_field(agent: Agent | None, number: str, allowed: str, source: str, report: Report, *,
                header_bic: str | None = None, keep: bool = False) -> tuple[str, str] | None:
    """An agent field, left out when it only repeats the header institution (unless `keep`); an agent
    that cannot be written in a routing field (53a-58a) is an error, not just a loss."""
    if agent is None:
        return None
    if header_bic is not None and not keep and is_only_bic(agent, header_bic):
        return None
    written = write_agent(agent, number, allowed, source, report)
    if written is None and number in REQUIRED_AGENT_FIELDS:
        report.error("mt.render_mandatory", f":{number}a:", f"the {source.replace('_', ' ')} cannot be written in "
                     f":{number}a: (options {', '.join(allowed)})")
    return written


def reimbursement_fields(payment: Payment, spec: MessageSpec, report: Report, sequence: str = "") -> Fields:
    """53a (the agent, or 53B with the settlement account alone), 54a, and 55a where the spec has it."""
    fields: Fields = []
    instructing = payment.instructing_reimbursement_agent
    account = payment.settlement_account
    if instructing is not None and account is not None:
        if instructing.account is None:
            instructing = instructing.model_copy(update={"account": account})
        else:
            report.loss("mt.render_dropped", "settlement_account", ":53a:", ":53a: holds one account: the "
                        "settlement account was left out")
    if instructing is None and account is not None:
        line = account_line(account, "settlement_account", ":53B:", report)
        if line is not None:
            fields.append(("53B", line))
    for agent, number, name in ((instructing, "53", "instructing_reimbursement_agent"),
                                (payment.instructed_reimbursement_agent, "54", "instructed_reimbursement_agent"),
                                (payment.third_reimbursement_agent, "55", "third_reimbursement_agent")):
        allowed = allowed_options(spec, number, sequence)
        if agent is None:
            continue
        if not allowed:
            report.loss("mt.render_dropped", name, f":{number}a:", f"MT{spec.message_type} has no :{number}a: for "
                        f"the {name.replace('_', ' ')}: left out")
            continue
        written = agent_field(agent, number, allowed, name, report)
        if written is not None:
            fields.append(written)
    return fields


def charge_split(charges: tuple[Charge, ...], receiver_bic: str, settlement_currency: str,
                 report: Report) -> tuple[list[tuple[int, Charge]], list[tuple[int, Charge]]]:
    """Charges taken by the receiver in the settlement currency are :71G: (one); the others :71F:."""
    sender_charges: list[tuple[int, Charge]] = []
    receiver_charges: list[tuple[int, Charge]] = []
    for position, charge in enumerate(charges):
        if same_bic(charge.agent.bic, receiver_bic) and charge.amount.currency == settlement_currency \
                and not receiver_charges:
            receiver_charges.append((position, charge))
        else:
            sender_charges.append((position, charge))
    return sender_charges, receiver_charges


def charge_agent_losses(sender_charges: list[tuple[int, Charge]], sender_bic: str, report: Report) -> None:
    """:71F: names no institution: a charge taken by another one than the sender loses who took it."""
    for position, charge in sender_charges:
        agent = charge.agent
        if agent == Agent() or (agent == Agent(bic=agent.bic) and same_bic(agent.bic, sender_bic)):
            continue
        report.loss("mt.render_dropped", f"charges[{position}]/agent", ":71F:", ":71F: names no institution: "
                    "who took the charge was left out")


def finish(message_type: str, sender_bic: str, receiver_bic: str, fields: Fields,
           header: Iterable[tuple[str, str]], report: Report) -> Translated[str]:
    """The FIN text, with the report's losses and issues plus whatever validation still finds."""
    text = format_message(message_type, sender_bic, receiver_bic, fields, user_header=header)
    message = parse(text).messages[0]
    found = validate_message(message, rules=RULES_BY_SPEC)
    issues: list[Issue] = list(report.issues)
    issues.extend(issue for issue in found if issue not in issues)
    return Translated(text, tuple(report.losses), tuple(issues))

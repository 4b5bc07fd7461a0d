"""What the MT103 network rules ask of a writer: which :23E: codes, charges and :33B:/:36: a payment may
carry so that the message it becomes passes the network (DOMAIN §1.5-1.6).

Each function takes what a payment would put in the message and keeps what the rules
allow, reporting every code, charge or value it leaves out or adds (DOMAIN §3.4):
:23E: (STP code list T48 and D97, D67 forbidden pairs, E44 TELI/PHOI without :56a:,
E18 CHQB with a beneficiary account), :71A:/:71F:/:71G: (C7 E13/D50/E15, C9 C02),
:33B:/:36: (C1 D75, C2 D49, C8 D51).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from schemas.canonical import Amount, Charge
from translators.mx_mt import INSTRUCTION_CODES_WITH_INFORMATION_STP
from translators.swift.crules_103 import EEA_COUNTRIES
from translators.swift.crules_codes import FORBIDDEN_PAIRS
from translators.swift.fin_text import Report
from translators.swift.payment_fields import amount_text, rate_text

STP_INSTRUCTION_CODES: Final = ("CORT", "INTC", "SDVA", "REPA")        # T48, DOMAIN §1.6
ADVISE_INTERMEDIARY: Final = frozenset({"TELI", "PHOI"})               # E44: need :56a:
ADVISE_ACCOUNT_WITH: Final = frozenset({"TELE", "PHON"})               # E45: need :57a:
CHEQUE: Final = "CHQB"                                                 # E18: no :59a: account


def allowed_instruction_codes(values: list[str], *, stp: bool, has_intermediary: bool, has_account: bool,
                              report: Report) -> list[str]:
    """The :23E: values (already in D98 order) the message may carry; each one left out is reported."""
    kept: list[str] = []
    for value in values:
        code, slash, _ = value.partition("/")
        why = None
        if stp and code not in STP_INSTRUCTION_CODES:
            why = f"MT103 STP allows only {', '.join(STP_INSTRUCTION_CODES)} (T48)"
        elif code in ADVISE_INTERMEDIARY and not has_intermediary:
            why = "it advises an intermediary the payment does not have (E44)"
        elif code == CHEQUE and has_account:
            why = "a cheque payment has no beneficiary account and the payment has one (E18)"
        else:
            clash = next((other for other in kept if frozenset({code, other.partition("/")[0]}) in FORBIDDEN_PAIRS),
                         None)
            if clash is not None:
                why = f"it must not be used with {clash.partition('/')[0]} (D67)"
        if why is not None:
            report.loss("mt.render_dropped", "instructions", ":23E:", f"the :23E: code {code} was left out: {why}")
            continue
        if stp and slash and code not in INSTRUCTION_CODES_WITH_INFORMATION_STP:
            report.loss("mt.render_dropped", "instructions", ":23E:", f"MT103 STP allows no information after "
                        f"{code} (D97): its text was left out")
            value = code
        kept.append(value)
    return kept


def in_eea(sender_bic: str, receiver_bic: str) -> bool:
    """C2/D49: sender and receiver both in the EU/EEA list (DOMAIN §1.6)."""
    return sender_bic[4:6] in EEA_COUNTRIES and receiver_bic[4:6] in EEA_COUNTRIES


def charge_fields(charge_code: str, sender_charges: list[tuple[int, Charge]],
                  receiver_charges: list[tuple[int, Charge]], settlement: Amount,
                  report: Report) -> list[tuple[str, str]]:
    """:71F: and :71G: as C7 and C9 allow them under the :71A: code; BEN without a charge gets a zero :71F:."""
    fields: list[tuple[str, str]] = []
    for position, charge in sender_charges:
        if charge_code == "OUR":
            report.loss("mt.render_dropped", f"charges[{position}]", ":71F:", "with :71A:OUR, :71F: is not "
                        "allowed (E13): a sender's charge was left out")
            continue
        text = amount_text(charge.amount, ":71F:", report)
        if text is not None:
            fields.append(("71F", text))
    if charge_code == "BEN" and not fields:
        zero = amount_text(Amount(value=Decimal(0), currency=settlement.currency), ":71F:", report)
        if zero is not None:
            fields.append(("71F", zero))
            report.loss("mt.render_changed", "charges", ":71F:", "with :71A:BEN at least one :71F: is mandatory "
                        "(E15): a zero sender's charge was written")
    for position, charge in receiver_charges:
        if charge_code in ("SHA", "BEN"):
            report.loss("mt.render_dropped", f"charges[{position}]", ":71G:", f"with :71A:{charge_code}, :71G: is "
                        "not allowed (D50, E15): the receiver's charge was left out")
            continue
        text = amount_text(charge.amount, ":71G:", report)
        if text is not None:
            fields.append(("71G", text))
    return fields


def instructed_amount_fields(instructed: Amount | None, rate: Decimal | None, settlement: Amount, *,
                             needed: bool, report: Report) -> list[tuple[str, str]]:
    """:33B: and :36: under C1 (D75), C2 (D49) and C8 (D51); `needed` says C2 or C8 asks for :33B:."""
    fields: list[tuple[str, str]] = []
    if instructed is None and needed:
        instructed = settlement
        report.loss("mt.render_changed", "instructed_amount", ":33B:", ":33B: is mandatory here (D49 between "
                    "EU/EEA countries, D51 with charges): the settlement amount was written as instructed amount")
    if instructed is not None:
        text = amount_text(instructed, ":33B:", report)
        if text is not None:
            fields.append(("33B", text))
    converted = instructed is not None and instructed.currency != settlement.currency
    if converted and rate is None:
        report.error("mt.render_mandatory", ":36:", "D75: :33B: and :32A: are in different currencies, so :36: is "
                     "mandatory; the payment has no exchange rate")
    elif converted and rate is not None:
        written = rate_text(rate, report)
        if written is not None:
            fields.append(("36", written))
    elif rate is not None:
        report.loss("mt.render_dropped", "exchange_rate", ":36:", ":36: is allowed only when :33B: is in another "
                    "currency than :32A: (D75): the exchange rate was left out")
    return fields

"""MT103 network validated rules C1-C9 and the SPRI/SSTD/SPAY rules, as `NetworkRule` functions.

Each rule reads a `MessageView` (fields placed in their slots by `validate.py`) and
yields issues; it never raises, even on fields whose syntax is wrong (those are reported
by the field checks, the rule then skips what it cannot read). Issues carry the rule id
`mt.<SWIFT error code>`, the reason code of `schemas/rules_mt_payments.py` (CH21 when a
field is missing, CH17 when it is not allowed), the field tag as path, and a message
starting with the SWIFT error code.

Sources: DOMAIN §1.6 (C1 D75, C2 D49, C3 E01/E02, C4 E06, C5 C81, C6 E16/E17, C7
E13/D50/E15, C8 D51, C9 C02; E03/E04/E05/E07/E09/E10 under SPRI, SSTD, SPAY), which
summarises the SWIFT Standards MT SRU2025 MT103 network validated rules; the EU/EEA
country list of C2 as DOMAIN gives it (44 codes, HR not in it).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Final

from schemas.codes import RULES
from schemas.issues import Issue, Severity
from translators.swift.messages import MessageView, NetworkRule
from translators.swift.model import Field
from translators.swift.party import parse_party
from translators.swift.values import parse_amount

# C2/D49 (and D19) country list, DOMAIN §1.6: EU/EEA and associated territories; HR is not in it.
EEA_COUNTRIES: Final = frozenset({
    "AD", "AT", "BE", "BG", "BV", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GF", "GI", "GP",
    "GR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MQ", "MT", "NL", "NO", "PL", "PM", "PT", "RE",
    "RO", "SE", "SI", "SJ", "SK", "SM", "TF", "VA"})
SERVICE_LEVEL_CODES: Final = frozenset({"SPRI", "SSTD", "SPAY"})      # :23B: codes with the E-rules
SPRI_INSTRUCTION_CODES: Final = ("SDVA", "TELB", "PHOB", "INTC")       # C3/E01
SPRI_INSTRUCTION_CODES_STP: Final = ("SDVA", "INTC")
MISSING: Final = "CH21"                                                # element missing
NOT_ALLOWED: Final = "CH17"                                            # element not allowed


def issue(rule: str, message: str, path: str, *, code: str | None = None) -> Issue:
    """An error for a registered rule; `code` overrides the rule's reason code (CH21/CH17)."""
    return Issue(code=code or RULES[rule].code, rule=rule, path=path, message=message, severity=Severity.ERROR)


def tag_path(field: Field | None, fallback: str) -> str:
    return f":{field.tag}:" if field is not None else fallback


def amount_of(field: Field | None, offset: int) -> tuple[str, Decimal] | None:
    """(currency, amount) of a `3!a15d` value starting at `offset` (0 for 33B/71F, 6 for 32A); None if unreadable."""
    if field is None:
        return None
    currency, text = field.value[offset:offset + 3], field.value[offset + 3:]
    try:
        return currency, parse_amount(text)
    except ValueError:
        return None


def currency_of(field: Field | None, offset: int) -> str | None:
    return field.value[offset:offset + 3] if field is not None and len(field.value) >= offset + 3 else None


def bank_operation(view: MessageView) -> str | None:
    field = view.first("23")
    return field.value if field is not None and field.tag == "23B" else None


def instruction_codes(view: MessageView, sequence: str | None = None) -> list[tuple[str, str | None, Field]]:
    """(code, additional information or None, field) of each :23E:, in order."""
    found = []
    for field in view.fields("23", sequence):
        if field.tag == "23E":
            code, slash, information = field.value.partition("/")
            found.append((code, information if slash else None, field))
    return found


def is_stp(view: MessageView) -> bool:
    return view.spec.variant == "STP"


def countries(view: MessageView) -> tuple[str | None, str | None]:
    """Country codes of the sender's and the receiver's BIC (positions 5-6)."""
    sender, receiver = view.message.sender_bic, view.message.receiver_bic
    return (sender[4:6] if sender else None), (receiver[4:6] if receiver else None)


def both_in_eea(view: MessageView) -> bool:
    sender, receiver = countries(view)
    return sender in EEA_COUNTRIES and receiver in EEA_COUNTRIES


_issue = issue


# --- C1-C9 -----------------------------------------------------------------------------------------

def d75_exchange_rate(view: MessageView) -> Iterator[Issue]:
    """C1: :33B: in another currency than :32A: needs :36:; otherwise :36: is not allowed."""
    instructed, rate = view.first("33"), view.first("36")
    settlement_currency = currency_of(view.first("32"), 6)
    instructed_currency = currency_of(instructed, 0)
    differs = instructed is not None and None not in (instructed_currency, settlement_currency) \
        and instructed_currency != settlement_currency
    if differs and rate is None:
        yield _issue("mt.D75", f"D75: :33B: is in {instructed_currency} and :32A: in {settlement_currency}, so the "
                    "exchange rate :36: is mandatory", ":36:", code=MISSING)
    elif not differs and rate is not None and (instructed is None or instructed_currency == settlement_currency):
        why = "there is no :33B:" if instructed is None else ":33B: and :32A: have the same currency"
        yield _issue("mt.D75", f"D75: :36: is not allowed because {why}", ":36:", code=NOT_ALLOWED)


def d49_instructed_amount_within_eea(view: MessageView) -> Iterator[Issue]:
    """C2: sender and receiver both in the EU/EEA list: :33B: is mandatory."""
    if view.first("33") is None and both_in_eea(view):
        sender, receiver = countries(view)
        yield _issue("mt.D49", f"D49: :33B: is mandatory between EU/EEA countries (sender {sender}, receiver "
                    f"{receiver})", ":33B:")


def e01_e02_instruction_codes_for_bank_operation(view: MessageView) -> Iterator[Issue]:
    """C3: SPRI allows only some :23E: codes (fewer in STP); SSTD and SPAY allow none."""
    operation = bank_operation(view)
    codes = instruction_codes(view)
    if operation == "SPRI":
        allowed = SPRI_INSTRUCTION_CODES_STP if is_stp(view) else SPRI_INSTRUCTION_CODES
        for code, _, field in codes:
            if code not in allowed:
                yield _issue("mt.E01", f"E01: with :23B:SPRI, :23E: may only be {', '.join(allowed)}, not {code}",
                            tag_path(field, ":23E:"))
    elif operation in ("SSTD", "SPAY") and codes:
        yield _issue("mt.E02", f"E02: with :23B:{operation}, :23E: is not allowed", ":23E:", code=NOT_ALLOWED)


def e06_third_reimbursement_needs_correspondents(view: MessageView) -> Iterator[Issue]:
    """C4: :55a: needs both :53a: and :54a:."""
    third = view.first("55")
    if third is None:
        return
    for number, name in (("53", "sender's correspondent"), ("54", "receiver's correspondent")):
        if view.first(number) is None:
            yield _issue("mt.E06", f"E06: :{third.tag}: (third reimbursement institution) needs :{number}a: "
                        f"({name})", f":{number}a:")


def account_with_institution_rule(rule: str, error: str, sequence: str | None = None) -> NetworkRule:
    """C5 (C81) and, in MT202 COV sequence B, C68: :56a: needs :57a: in the same sequence."""
    where = f" of sequence {sequence}" if sequence else ""

    def check(view: MessageView) -> Iterator[Issue]:
        intermediary = view.first("56", sequence)
        if intermediary is not None and view.first("57", sequence) is None:
            yield _issue(rule, f"{error}: :{intermediary.tag}:{where} (intermediary) needs :57a:{where} (account "
                        "with institution)", ":57a:")

    check.__name__ = f"{error.lower()}_intermediary_needs_account_with_institution"
    check.__doc__ = f"{error}: :56a:{where} needs :57a:{where}."
    return check


def e16_e17_intermediary_for_bank_operation(view: MessageView) -> Iterator[Issue]:
    """C6: SPRI forbids :56a:; SSTD and SPAY allow only 56A, or 56C with a //clearing code."""
    intermediary = view.first("56")
    operation = bank_operation(view)
    if intermediary is None or operation not in SERVICE_LEVEL_CODES:
        return
    path = f":{intermediary.tag}:"
    if operation == "SPRI":
        yield _issue("mt.E16", "E16: with :23B:SPRI, :56a: (intermediary) is not allowed", path, code=NOT_ALLOWED)
    elif intermediary.option not in ("A", "C"):
        yield _issue("mt.E17", f"E17: with :23B:{operation}, :56a: must be option A or C", path)
    elif intermediary.option == "C" and parse_party(intermediary).clearing_system is None:
        yield _issue("mt.E17", f"E17: with :23B:{operation}, :56C: must carry a national clearing code (//...)", path)


def charges_for_charge_code(view: MessageView) -> Iterator[Issue]:
    """C7: OUR forbids :71F: (E13); SHA forbids :71G: (D50); BEN needs :71F: and forbids :71G: (E15)."""
    details = view.first("71")
    code = details.value if details is not None and details.tag == "71A" else None
    senders = [field for field in view.fields("71") if field.tag == "71F"]
    receiver = next((field for field in view.fields("71") if field.tag == "71G"), None)
    if code == "OUR" and senders:
        yield _issue("mt.E13", "E13: with :71A:OUR, :71F: (sender's charges) is not allowed", ":71F:")
    elif code == "SHA" and receiver is not None:
        yield _issue("mt.D50", "D50: with :71A:SHA, :71G: (receiver's charges) is not allowed", ":71G:")
    elif code == "BEN":
        if not senders:
            yield _issue("mt.E15", "E15: with :71A:BEN, at least one :71F: (sender's charges) is mandatory", ":71F:")
        if receiver is not None:
            yield _issue("mt.E15", "E15: with :71A:BEN, :71G: (receiver's charges) is not allowed", ":71G:",
                        code=NOT_ALLOWED)


def d51_charges_need_instructed_amount(view: MessageView) -> Iterator[Issue]:
    """C8: :71F: or :71G: needs :33B:."""
    charges = [field for field in view.fields("71") if field.tag in ("71F", "71G")]
    if charges and view.first("33") is None:
        yield _issue("mt.D51", f"D51: :{charges[0].tag}: (charges) needs :33B: (instructed amount)", ":33B:")


def c02_receiver_charges_currency(view: MessageView) -> Iterator[Issue]:
    """C9: the currency of :71G: is the currency of :32A:."""
    receiver = next((field for field in view.fields("71") if field.tag == "71G"), None)
    settlement = currency_of(view.first("32"), 6)
    charged = currency_of(receiver, 0)
    if receiver is not None and None not in (settlement, charged) and charged != settlement:
        yield _issue("mt.C02", f"C02: :71G: is in {charged} but :32A: in {settlement}; they must be the same",
                    ":71G:")


# --- SPRI, SSTD, SPAY: options of 53a-57a and the 59a account ---------------------------------------

def service_level_options(view: MessageView) -> Iterator[Issue]:
    """E03, E04, E05, E07, E09, E10 under :23B: SPRI, SSTD, SPAY; E04 and E10 always in MT103 STP."""
    operation = bank_operation(view)
    restricted = operation in SERVICE_LEVEL_CODES
    why = f"with :23B:{operation}" if restricted else "in MT103 STP"
    sender_correspondent = view.first("53")
    if restricted and sender_correspondent is not None and sender_correspondent.option == "D":
        yield _issue("mt.E03", f"E03: {why}, :53a: must not be option D", ":53D:")
    if (restricted or is_stp(view)) and sender_correspondent is not None and sender_correspondent.tag == "53B" \
            and parse_party(sender_correspondent).account is None \
            and parse_party(sender_correspondent).clearing_system is None:
        yield _issue("mt.E04", f"E04: {why}, :53B: must carry a party identifier (/account)", ":53B:")
    if restricted:
        for number, rule, error in (("54", "mt.E05", "E05"), ("55", "mt.E07", "E07")):
            field = view.first(number)
            if field is not None and field.option != "A":
                yield _issue(rule, f"{error}: {why}, :{number}a: must be option A, not {field.option}",
                            f":{field.tag}:", code=NOT_ALLOWED)
        account_with = view.first("57")
        if account_with is not None and account_with.option not in ("A", "C", "D"):
            yield _issue("mt.E09", f"E09: {why}, :57a: must be option A, C or D, not {account_with.option}",
                        f":{account_with.tag}:")
        elif account_with is not None and account_with.option == "D":
            party = parse_party(account_with)
            if party.account is None and party.clearing_system is None:
                yield _issue("mt.E09", f"E09: {why}, :57D: must carry a party identifier", ":57D:")
    beneficiary = view.first("59")
    if (restricted or is_stp(view)) and beneficiary is not None and parse_party(beneficiary).account is None:
        yield _issue("mt.E10", f"E10: {why}, :{beneficiary.tag}: must carry the beneficiary's account",
                    f":{beneficiary.tag}:")


# --- gateway policy -------------------------------------------------------------------------------

def zero_amount(view: MessageView) -> Iterator[Issue]:
    """A zero :32A: amount is rejected with AM01: the gateway's policy, not a SWIFT network rule (DOMAIN §1.6)."""
    settlement = amount_of(view.first("32"), 6)
    if settlement is not None and settlement[1] == 0:
        yield _issue("mt.zero_amount", "AM01 (gateway policy, not a SWIFT network rule): the :32A: settlement "
                    "amount is zero", ":32A:")

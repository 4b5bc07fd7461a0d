"""Network validated rules on code fields: :23E: instruction codes, the :72: code structure, MT103 STP.

:23E: (DOMAIN §1.5-1.6): codes in the standard's order (D98), none twice (E46), no
forbidden pair (D67), additional information only after the codes that take it (D97;
in MT103 STP only after REPA), TELI/PHOI need :56a: (E44), TELE/PHON need :57a: (E45),
CHQB forbids an account in :59a: (E18). The code list itself (T47, and T48 in STP) is
checked by the field table (`fields.py`, `messages.py`).

:72: (DOMAIN §1.5): line 1 is `/8c/[text]`, every later line `//continuation` or another
`/8c/[text]`. MT103 STP (DOMAIN §1.6): `/INS/` takes a financial institution's BIC and
nothing else on its line and is not continued (T27-T29, T44-T47: DOMAIN groups these
codes without saying which is which, so one rule reports them), `/REJT/` and `/RETN/` are
not allowed (T81), nor are the ERI codes `/OCMT/` and `/CHGS/` (T82; the codes are from
the SWIFT MT103 usage rules for exchange rate information, not from DOMAIN). D19: between
EU/EEA countries the :59a: account of an MT103 STP is an IBAN (ISO 13616, mod-97 checked
with schwifty) when :57A: is absent or in the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from schemas.issues import Issue
from translators.iso20022.common import bic_problem, iban_problem
from translators.mx_mt import (
    INSTRUCTION_CODE_ORDER,
    INSTRUCTION_CODES_WITH_INFORMATION,
    INSTRUCTION_CODES_WITH_INFORMATION_STP,
)
from translators.swift.crules_103 import EEA_COUNTRIES, both_in_eea, instruction_codes, is_stp
from translators.swift.crules_103 import issue as _issue
from translators.swift.messages import MessageView
from translators.swift.party import parse_party

_RANK: Final = {code: rank for rank, code in enumerate(INSTRUCTION_CODE_ORDER)}
FORBIDDEN_PAIRS: Final = frozenset(frozenset(pair) for pair in (
    ("SDVA", "HOLD"), ("SDVA", "CHQB"), ("INTC", "HOLD"), ("INTC", "CHQB"), ("REPA", "HOLD"), ("REPA", "CHQB"),
    ("REPA", "CORT"), ("CORT", "HOLD"), ("CORT", "CHQB"), ("HOLD", "CHQB"), ("PHOB", "TELB"), ("PHON", "TELE"),
    ("PHOI", "TELI")))                                        # DOMAIN §1.5, D67
CODE_LINE: Final = re.compile(r"/([A-Z0-9]{1,8})/")          # `/8c/` at the start of a :72: line
REJECT_RETURN_CODES: Final = frozenset({"REJT", "RETN"})
EXCHANGE_RATE_INFORMATION_CODES: Final = frozenset({"OCMT", "CHGS"})


def instruction_code_order(view: MessageView) -> Iterator[Issue]:
    """D98 order, E46 repetition, D67 combinations, D97 additional information."""
    codes = instruction_codes(view)
    known = [(code, information, field) for code, information, field in codes if code in _RANK]
    seen: set[str] = set()
    previous = -1
    for code, information, field in known:
        path = f":{field.tag}:"
        if code in seen:
            yield _issue("mt.E46", f"E46: :23E: code {code} appears more than once", path)
        elif _RANK[code] < previous:
            yield _issue("mt.D98", f"D98: :23E: code {code} is out of order; repeated codes follow the order "
                         + " ".join(INSTRUCTION_CODE_ORDER), path)
        seen.add(code)
        previous = max(previous, _RANK[code])
        allowed = INSTRUCTION_CODES_WITH_INFORMATION_STP if is_stp(view) else INSTRUCTION_CODES_WITH_INFORMATION
        if information is not None and code not in allowed:
            where = " in MT103 STP" if is_stp(view) else ""
            yield _issue("mt.D97", f"D97: additional information after :23E: code {code} is not allowed{where} "
                         f"(only after {', '.join(sorted(allowed))})", path)
    for pair in sorted(FORBIDDEN_PAIRS, key=sorted):
        if pair <= seen:
            first, second = sorted(pair, key=_RANK.__getitem__)
            yield _issue("mt.D67", f"D67: :23E: codes {first} and {second} must not be used together", ":23E:")


def instruction_code_parties(view: MessageView) -> Iterator[Issue]:
    """E44 (TELI/PHOI need :56a:), E45 (TELE/PHON need :57a:), E18 (CHQB forbids a :59a: account)."""
    codes = {code for code, _, _ in instruction_codes(view)}
    if view.first("56") is None:
        for code in sorted(codes & {"TELI", "PHOI"}):
            yield _issue("mt.E44", f"E44: :23E:{code} (advise the intermediary) needs :56a: (intermediary)", ":23E:")
    if view.first("57") is None:
        for code in sorted(codes & {"TELE", "PHON"}):
            yield _issue("mt.E45", f"E45: :23E:{code} (advise the account with institution) needs :57a:", ":23E:")
    beneficiary = view.first("59")
    if "CHQB" in codes and beneficiary is not None and parse_party(beneficiary).account is not None:
        yield _issue("mt.E18", f"E18: with :23E:CHQB (pay by cheque), :{beneficiary.tag}: must not carry an account",
                     f":{beneficiary.tag}:")


def sender_to_receiver_structure(view: MessageView) -> Iterator[Issue]:
    """:72: line 1 `/8c/`, later lines `//` or `/8c/` (every sequence of the message)."""
    for field in view.fields("72"):
        for number, line in enumerate(field.lines, start=1):
            coded = CODE_LINE.match(line) is not None and not line.startswith("//")
            if number == 1 and not coded:
                yield _issue("mt.72_structure", ":72: line 1 must start with a code between slashes (/8c/), "
                             "e.g. /ACC/ or /REC/", f":{field.tag}:/line 1")
            elif number > 1 and not (coded or line.startswith("//")):
                yield _issue("mt.72_structure", f":72: line {number} must start with // (continuation) or a "
                             "code between slashes (/8c/)", f":{field.tag}:/line {number}")


def stp_sender_to_receiver(view: MessageView) -> Iterator[Issue]:
    """MT103 STP :72:: /INS/ + BIC alone and not continued; no /REJT/, /RETN/ (T81), no ERI (T82)."""
    for field in view.fields("72"):
        lines = field.lines
        for number, line in enumerate(lines, start=1):
            path = f":{field.tag}:/line {number}"
            found = CODE_LINE.match(line) if not line.startswith("//") else None
            code = found.group(1) if found else None
            if code in REJECT_RETURN_CODES:
                yield _issue("mt.T81", f"T81: the code /{code}/ is not allowed in :72: of an MT103 STP", path)
            elif code in EXCHANGE_RATE_INFORMATION_CODES:
                yield _issue("mt.T82", f"T82: exchange rate information (/{code}/) is not allowed in :72: of an "
                             "MT103 STP", path)
            elif code == "INS":
                bic = line[5:]
                problem = bic_problem(bic) if bic else "it is missing"
                if " " in bic.strip() or len(bic) > 11:
                    yield _issue("mt.stp_72_ins", "T44-T46: nothing but a BIC may follow /INS/ on its line in "
                                 "an MT103 STP", path)
                elif problem is not None:
                    yield _issue("mt.stp_72_ins", f"T27-T29: /INS/ must be followed by a valid financial "
                                 f"institution BIC: {problem}", path)
                if number < len(lines) and lines[number].startswith("//"):
                    yield _issue("mt.stp_72_ins", "T47: an /INS/ line must not be continued with // in an MT103 "
                                 "STP", f":{field.tag}:/line {number + 1}")


def d19_iban_within_eea(view: MessageView) -> Iterator[Issue]:
    """D19: MT103 STP between EU/EEA countries: the :59a: account is a valid IBAN (57A absent or in the list)."""
    beneficiary = view.first("59")
    if beneficiary is None or not both_in_eea(view):
        return
    account_with = view.first("57")
    if account_with is not None:
        bic = parse_party(account_with).bic if account_with.option == "A" else None
        if bic is None or bic[4:6] not in EEA_COUNTRIES:
            return
    account = parse_party(beneficiary).account
    if account is None:                        # E10 reports the missing account
        return
    problem = iban_problem(account)
    if problem is not None:
        yield _issue("mt.D19", f"D19: between EU/EEA countries the account in :{beneficiary.tag}: must be an IBAN; "
                     f"this one is not valid ({_shorten(problem)})", f":{beneficiary.tag}:")


def _shorten(problem: str) -> str:
    """A schwifty message without the account number in it (no personal data in issues)."""
    return re.sub(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{4,}", "the IBAN", problem)

"""THE field table: every MT field the gateway reads, as data (DOMAIN §1.4-1.8).

One `FieldSpec` per field as the standard names it (`20`, `32A`, `50a`): its letter
options with their format notation, code words, semantic kinds of its components,
and where it comes from. `field_spec(tag)` finds the spec of a concrete tag (`52D`).
The engine in `notation.py` checks values against the notation; `validate.py` adds
the semantic checks the kinds name. `:61:` cannot be matched generically (the D/C
mark `C`/`D`/`RC`/`RD` followed by an optional funds-code letter: `CR1000,` is credit
with funds code R), so it has a dedicated parser here, `parse_statement_line`.

Sources: SWIFT Standards MT November 2025 (SRU2025) message reference guides for
Category 1 (MT103, MT103 STP, MT103 REMIT, MT199), Category 2 (MT202, MT202 COV,
MT299), Category 9 (MT900, MT910, MT940, MT950), as summarised in DOMAIN §1.4-1.8;
field formats cross-read with prowide-core's generated `Field*.java` (SRU2025) and
WoLpH/mt940 `tags.py` (`:61:`), read, not copied. MT900/MT910 field lists (20, 21, 25a,
13D, 32A, 50a, 52a, 56a, 72) are from the SRU2025 Category 9 guide, which DOMAIN
does not cover.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Final

from translators.swift.model import Field
from translators.swift.notation import X_SET, Category, NotationError, display_char
from translators.swift.party import PartyField, parse_party
from translators.swift.statements_fields import PAGE_READINGS, read_balance
from translators.swift.values import parse_amount, parse_yymmdd

__all__ = [
    "FIELDS",
    "CodeWords",
    "FieldSpec",
    "PartyField",
    "StatementLine",
    "field_spec",
    "notation_of",
    "parse_party",
    "parse_statement_line",
    "read_statement_line",
    "statement_line_components",
]

SRU: Final = "SRU2025"
ComponentParser = Callable[[str], "Sequence[str | None] | NotationError"]


@dataclass(frozen=True, slots=True)
class CodeWords:
    """Code words allowed in one component of a field, and the SWIFT error code for another value."""

    words: tuple[str, ...]
    swift_code: str | None = None
    component: int = 0


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of the standard: tag as written (`50a`), name, option letter -> notation, source.

    `kinds` names what a component is beyond its notation (`time`, `sign`, `offset`,
    `mmdd`, `rate`, `code`, `transaction_type`); dates, currencies, amounts and BICs are
    inferred from the notation. `reference` applies the T26 slash rule. `parser` replaces
    the generic notation matcher where the notation is ambiguous.
    """

    tag: str
    name: str
    options: Mapping[str, str]
    source: str
    codes: Mapping[str, CodeWords] = field(default_factory=dict)
    kinds: Mapping[int, str] = field(default_factory=dict)
    charset: str = "x"
    reference: bool = False
    parser: ComponentParser | None = None

    @property
    def number(self) -> str:
        return self.tag[:2]


def _spec(tag: str, name: str, notation: str | dict[str, str], source: str, **extra: object) -> FieldSpec:
    options = notation if isinstance(notation, dict) else {tag[2:]: notation}
    return FieldSpec(tag, name, options, source, **extra)  # type: ignore[arg-type]


# Party field notations (DOMAIN §1.5): an optional first line (D/C mark, account or party
# identifier) then a BIC (A), a location (B), name and address (D, K, no letter).
_PARTY_ID = "[[/1!a][/34x]$]"
BIC: Final = "4!a2!a2!c[3!c]"
_A = f"{_PARTY_ID}{BIC}"
_B = f"{_PARTY_ID}[35x]"
_C = "/34x"
_D = f"{_PARTY_ID}4*35x"
_CUSTOMER_A = f"[/34x$]{BIC}"
_NAME_ADDRESS = "[/34x$]4*35x"
_NUMBERED = "4*(1!n/33x)"
_BALANCE = "1!a6!n3!a15d"
_DC_MARK = CodeWords(("C", "D"), "T51")
_MT103 = f"SWIFT MT103 {SRU}"
_MT202 = f"SWIFT MT202/MT202 COV {SRU}"
_MT940 = f"SWIFT MT940/MT950 {SRU}"
_MT9XX = f"SWIFT MT900/MT910 {SRU} (Category 9 guide)"
_MTN99 = f"SWIFT MT199/MT299 {SRU}"

INSTRUCTION_CODES: Final = ("SDVA", "INTC", "REPA", "CORT", "HOLD", "CHQB", "PHOB", "TELB", "PHON", "TELE",
                            "PHOI", "TELI")      # DOMAIN §1.5, in the order D98 requires
STATEMENT_MARKS: Final = ("C", "D", "RC", "RD")   # DOMAIN §1.8; MT942 adds EC/ED


# --- :61: statement line ---------------------------------------------------------------------

_X = re.escape("".join(sorted(X_SET)))
_STATEMENT_LINE: Final = re.compile(
    rf"([0-9]{{6}})([0-9]{{4}})?(RC|RD|EC|ED|C|D)([A-Z])?((?=[0-9,]{{1,15}}(?![0-9,]))[0-9]+,[0-9]*)"
    rf"([A-Z][A-Z0-9]{{3}})([{_X}]{{1,16}}?)(?://([{_X}]{{1,16}}))?(?:\n([{_X}]{{1,34}}))?")
STATEMENT_LINE_PATTERN: Final = _STATEMENT_LINE      # for whole-page readings (statements_page.py)
_STATEMENT_PARTS: Final = ("value date 6!n", "entry date [4!n]", "debit/credit mark 2a", "funds code [1!a]",
                           "amount 15d", "transaction type 1!a3!c", "reference for the account owner 16x",
                           "reference of the account servicing institution [//16x]",
                           "supplementary details [$34x]")


# A statement line is read three times (field check, page balance rule, mapping): keep the last
# pages' worth of readings so the second and third are lookups. Bounded: a cache, not a store.
STATEMENT_LINE_CACHE: Final = 4096


@lru_cache(maxsize=STATEMENT_LINE_CACHE)
def statement_line_components(value: str) -> tuple[str | None, ...] | NotationError:
    """The 9 subfields of `:61:` `6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][$34x]` (DOMAIN §1.8), or why not.

    The D/C mark is read first as RC/RD (and EC/ED, for MT942), then C/D, then an
    optional funds-code letter, so `CR1000,` is credit + funds code R. The reference
    for the account owner ends at the first `//`.
    """
    found = _STATEMENT_LINE.fullmatch(value)
    if found is not None:
        return found.groups()
    return _explain_statement_line(value)


def _explain_statement_line(value: str) -> NotationError:
    def error(at: int, part: int, reason: str, code: str = "T34") -> NotationError:
        line = value.count("\n", 0, at) + 1
        column = at - (value.rfind("\n", 0, at) + 1) + 1
        category: Category = "amount" if part == 4 else "syntax"
        return NotationError(_STATEMENT_PARTS[part], line, column, reason, code, category, part)

    first_line, _, rest = value.partition("\n")
    if not re.match(r"[0-9]{6}", first_line):
        return error(0, 0, "the value date must be 6 digits (YYMMDD)")
    pos = 6 + (4 if re.match(r"[0-9]{4}", first_line[6:]) else 0)
    mark = re.match(r"RC|RD|EC|ED|C|D", first_line[pos:])
    if mark is None:
        return error(pos, 2, "the debit/credit mark must be C, D, RC or RD", "T51")
    pos += mark.end()
    if first_line[pos:pos + 1].isalpha():
        pos += 1
    amount = re.match(r"[0-9,]*", first_line[pos:])
    text = amount.group() if amount else ""
    if "," not in text or text.startswith(",") or text.count(",") > 1:
        return error(pos, 4, "the amount needs digits and one decimal comma", "T40")
    if len(text) > 15:
        return error(pos, 4, f"the amount has {len(text)} characters where at most 15 are allowed", "T43")
    pos += len(text)
    if re.match(r"[A-Z][A-Z0-9]{3}", first_line[pos:]) is None:
        return error(pos, 5, "the transaction type must be a letter (S, N or F) and 3 letters or digits", "T53")
    pos += 4
    references = first_line[pos:]
    for at, char in enumerate(references):
        if char not in X_SET:
            return error(pos + at, 6, f"character {display_char(char)} is not in the X set")
    owner, separator, servicer = references.partition("//")
    if not owner or len(owner) > 16:
        return error(pos, 6, f"the reference for the account owner must be 1 to 16 characters, found {len(owner)}",
                     "T33" if owner else "T34")
    if separator and (not servicer or len(servicer) > 16):
        return error(pos + len(owner) + 2, 7, "the reference of the account servicing institution must be 1 to "
                     f"16 characters, found {len(servicer)}", "T33" if servicer else "T34")
    if "\n" in rest:
        return error(len(first_line) + 1 + rest.index("\n") + 1, 8, "line 3 of at most 2", "T33")
    if not rest or len(rest) > 34:
        return error(len(first_line) + 1, 8, f"the supplementary details must be 1 to 34 characters, found "
                     f"{len(rest)}", "T33" if rest else "T34")
    for at, char in enumerate(rest):
        if char not in X_SET:
            return error(len(first_line) + 1 + at, 8, f"character {display_char(char)} is not in the X set")
    return error(0, 0, "the statement line does not fit 6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][$34x]")


@dataclass(frozen=True, slots=True)
class StatementLine:
    """`:61:` read into its 9 subfields (texts as written) with typed views (DOMAIN §1.8)."""

    value_date: str
    entry_date: str | None
    mark: str                        # C, D, RC, RD (EC, ED in MT942)
    funds_code: str | None
    amount: str
    transaction_type: str            # e.g. NTRF, S103, FCHK
    account_owner_reference: str
    servicer_reference: str | None
    supplementary_details: str | None

    @property
    def amount_value(self) -> Decimal:
        return parse_amount(self.amount)

    @property
    def is_credit(self) -> bool:
        """Whether the entry credits the account: C and RD (reversal of a debit) do, D and RC do not."""
        return self.mark in ("C", "RD", "EC")

    @property
    def is_reversal(self) -> bool:
        return self.mark in ("RC", "RD")

    @property
    def owner_reference(self) -> str | None:
        """The reference for the account owner, None for NONREF."""
        return None if self.account_owner_reference == "NONREF" else self.account_owner_reference

    @property
    def value_date_parsed(self) -> date:
        """The value date (YYMMDD, century window `values.CENTURY_PIVOT`); ValueError if not a date."""
        return parse_yymmdd(self.value_date)


def forget_statement_lines() -> None:
    """Empty the statement line, balance and page caches (benchmarks: each pass must read its lines afresh)."""
    statement_line_components.cache_clear()
    read_statement_line.cache_clear()
    read_balance.cache_clear()
    PAGE_READINGS.clear()


def parse_statement_line(field_or_value: Field | str) -> StatementLine | NotationError:
    """`:61:` as a `StatementLine`, or the `NotationError` saying which subfield is wrong."""
    return read_statement_line(field_or_value.value if isinstance(field_or_value, Field) else field_or_value)


@lru_cache(maxsize=STATEMENT_LINE_CACHE)
def read_statement_line(value: str) -> StatementLine | NotationError:
    """`parse_statement_line` of a field value (the hot path: no Field check)."""
    parts = statement_line_components(value)
    if isinstance(parts, NotationError):
        return parts
    (value_date, entry_date, mark, funds_code, amount, transaction_type, owner, servicer, details) = parts
    assert value_date is not None and mark is not None and amount is not None
    assert transaction_type is not None and owner is not None
    return StatementLine(value_date, entry_date, mark, funds_code, amount, transaction_type, owner, servicer,
                         details)


# --- the table --------------------------------------------------------------------------------

FIELDS: Final[tuple[FieldSpec, ...]] = (
    _spec("13C", "Time indication", "/8c/4!n1!x4!n", f"{_MT103} field 13C; {_MT202} field 13C",
          codes={"C": CodeWords(("CLSTIME", "RNCTIME", "SNDTIME"))},
          kinds={0: "code", 1: "time", 2: "sign", 3: "offset"}),
    _spec("13D", "Date/time indication", "6!n4!n1!x4!n", f"{_MT9XX} field 13D",
          kinds={1: "time", 2: "sign", 3: "offset"}),
    _spec("20", "Sender's reference / transaction reference number", "16x",
          f"{_MT103} field 20; same in MT202, MT9xx, MT199/299", reference=True),
    _spec("21", "Related reference", "16x", f"{_MT202} field 21; same in MT9xx, MT199/299", reference=True),
    _spec("23B", "Bank operation code", "4!c", f"{_MT103} field 23B",
          codes={"B": CodeWords(("CRED", "CRTS", "SPAY", "SPRI", "SSTD"), "T36")}, kinds={0: "code"}),
    _spec("23E", "Instruction code", "4!c[/30x]", f"{_MT103} field 23E",
          codes={"E": CodeWords(INSTRUCTION_CODES, "T47")}, kinds={0: "code"}),
    _spec("25a", "Account identification", {"": "35x", "P": f"35x${BIC}"}, f"{_MT940} field 25a; {_MT9XX}"),
    _spec("26T", "Transaction type code", "3!c", f"{_MT103} field 26T"),
    _spec("28C", "Statement number / sequence number", "5n[/5n]", f"{_MT940} field 28C"),
    _spec("32A", "Value date, currency code, amount", "6!n3!a15d", f"{_MT103} field 32A; {_MT202}; {_MT9XX}"),
    _spec("33B", "Currency / instructed amount", "3!a15d", f"{_MT103} field 33B; {_MT202} sequence B"),
    _spec("36", "Exchange rate", "12d", f"{_MT103} field 36", kinds={0: "rate"}),
    _spec("50a", "Ordering customer", {"A": _CUSTOMER_A, "F": f"35x${_NUMBERED}", "K": _NAME_ADDRESS},
          f"{_MT103} field 50a; {_MT202} COV sequence B; {_MT9XX} (MT910)"),
    _spec("51A", "Sending institution", _A, f"{_MT103} field 51A"),
    _spec("52a", "Ordering institution", {"A": _A, "D": _D}, f"{_MT103} field 52a; {_MT202}; {_MT9XX}"),
    _spec("53a", "Sender's correspondent", {"A": _A, "B": _B, "D": _D}, f"{_MT103} field 53a; {_MT202}"),
    _spec("54a", "Receiver's correspondent", {"A": _A, "B": _B, "D": _D}, f"{_MT103} field 54a; {_MT202}"),
    _spec("55a", "Third reimbursement institution", {"A": _A, "B": _B, "D": _D}, f"{_MT103} field 55a"),
    _spec("56a", "Intermediary institution", {"A": _A, "C": _C, "D": _D}, f"{_MT103} field 56a; {_MT202}"),
    _spec("57a", "Account with institution", {"A": _A, "B": _B, "C": _C, "D": _D}, f"{_MT103} field 57a; {_MT202}"),
    _spec("58a", "Beneficiary institution", {"A": _A, "D": _D}, f"{_MT202} field 58a"),
    _spec("59a", "Beneficiary customer", {"": _NAME_ADDRESS, "A": _CUSTOMER_A, "F": f"[/34x$]{_NUMBERED}"},
          f"{_MT103} field 59a; {_MT202} COV sequence B"),
    _spec("60a", "Opening balance", {"F": _BALANCE, "M": _BALANCE}, f"{_MT940} field 60a",
          codes={"F": _DC_MARK, "M": _DC_MARK}, kinds={0: "code"}),
    _spec("61", "Statement line", "6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][$34x]", f"{_MT940} field 61",
          codes={"": CodeWords(STATEMENT_MARKS, "T51", component=2)},
          kinds={0: "date", 1: "mmdd", 2: "code", 3: "text", 4: "amount", 5: "transaction_type", 6: "text",
                 7: "text", 8: "text"}, parser=statement_line_components),
    _spec("62a", "Closing balance (booked funds)", {"F": _BALANCE, "M": _BALANCE}, f"{_MT940} field 62a",
          codes={"F": _DC_MARK, "M": _DC_MARK}, kinds={0: "code"}),
    _spec("64", "Closing available balance", _BALANCE, f"{_MT940} field 64", codes={"": _DC_MARK},
          kinds={0: "code"}),
    _spec("65", "Forward available balance", _BALANCE, f"{_MT940} field 65", codes={"": _DC_MARK},
          kinds={0: "code"}),
    _spec("70", "Remittance information", "4*35x", f"{_MT103} field 70; {_MT202} COV sequence B"),
    _spec("71A", "Details of charges", "3!a", f"{_MT103} field 71A",
          codes={"A": CodeWords(("BEN", "OUR", "SHA"), "T08")}, kinds={0: "code"}),
    _spec("71F", "Sender's charges", "3!a15d", f"{_MT103} field 71F"),
    _spec("71G", "Receiver's charges", "3!a15d", f"{_MT103} field 71G"),
    _spec("72", "Sender to receiver information", "6*35x", f"{_MT103} field 72; {_MT202}; {_MT9XX}"),
    _spec("77B", "Regulatory reporting", "3*35x", f"{_MT103} field 77B"),
    _spec("77T", "Envelope contents", "9000z", f"{_MT103} REMIT field 77T", charset="z"),
    _spec("79", "Narrative", "35*50x", f"{_MTN99} field 79"),
    _spec("86", "Information to account owner", "6*65x", f"{_MT940} field 86"),
)


def _index(specs: tuple[FieldSpec, ...]) -> dict[str, tuple[FieldSpec, str]]:
    return {spec.number + option: (spec, notation) for spec in specs for option, notation in spec.options.items()}


_BY_TAG: Final = _index(FIELDS)


def field_spec(tag: str) -> FieldSpec | None:
    """The spec of a concrete tag (`52D` -> the `52a` spec), None for a tag not in the table."""
    found = _BY_TAG.get(tag)
    return found[0] if found is not None else None


def notation_of(tag: str) -> str | None:
    """The format notation of a concrete tag (`52D` -> `[[/1!a][/34x]$]4*35x`)."""
    found = _BY_TAG.get(tag)
    return found[1] if found is not None else None

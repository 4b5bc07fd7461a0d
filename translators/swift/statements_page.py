"""One reading of a clean MT940/MT950 page, shared by the validator and `to_statement` (DOMAIN §1.8).

A bulk statement page is mostly `:61:` (+ `:86:`) pairs, and almost every page a bank
sends is clean. `statement_page` decides once per page, with a few whole-page tests,
that it is: the tag sequence fits the message's structure (one regex over the tags), the
fields outside the statement lines pass their field checks (`validate_fields`), every
`:61:` fits its notation (one regex per line, the one `statement_line_components` uses)
with valid dates, D/C mark and transaction type, every `:86:` of the lines fits `6*65x`,
and the page rules hold (`statements_rules.RULES_BY_SPEC`: C24 by the structure, C27,
C03 decimals, entry dates, the balance arithmetic, the 28C/60a/62a usage rules). The
checks on distinct values (dates, marks, types) are made once per distinct value.

For a clean page `validate_message` has nothing to add to the message's parse and header
issues, and `to_statement` builds its entries from the components read here. A page that
is not clean gives None, and both take their field-by-field path, which says what is
wrong: a clean verdict is only ever a shortcut to the same result.

Readings are kept for the last `PAGE_CACHE` pages (`statements_fields.PAGE_READINGS`,
emptied by `fields.forget_statement_lines`), keyed by the identity of the page's fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from itertools import chain, compress, repeat
from operator import itemgetter, not_
from typing import Final

from schemas.codes import currency_exponent
from schemas.issues import Issue
from translators.swift.fields import STATEMENT_LINE_PATTERN, statement_line_components
from translators.swift.messages import MESSAGES, MessageSpec, NetworkRule
from translators.swift.model import Field, FinMessage
from translators.swift.notation import X_SET
from translators.swift.statements_fields import (
    PAGE_CACHE,
    PAGE_READINGS,
    BalanceField,
    entry_date,
    page_number,
    read_balance,
    read_statement_number,
    statement_date,
)
from translators.swift.statements_rules import RULES_BY_SPEC
from translators.swift.validate_fields import _field_check, _is_transaction_type
from translators.swift.values import decimals_of, is_valid_mmdd, is_valid_yymmdd

StatementLineParts = tuple[str | None, ...]

# The tag sequences whose placement raises nothing (validate.place_fields on MT940, MT950), with every :86:
# of MT940 right after its :61: or closing the statement (C24). Group 1: the statement lines.
_SHAPES: Final = {
    "940": re.compile(r"20,(?:21,)?25P?,28C,60[FM],((?:61,(?:86,)?)*)62[FM],(?:64,)?(?:65,)*(?:86,)?"),
    "950": re.compile(r"20,25,28C,60[FM],((?:61,)*)62[FM],(?:64,)?"),
}
# `STATEMENT_LINE_PATTERN` for lines whose reference for the account owner has no "/" (nearly all) and whose
# transaction type is right (T53: S + 3 digits, or N/F + 3 letters or digits): the same groups where it matches
# (the lazy owner of the full pattern can only end where this greedy one does: at "//", the line end or the end;
# the type is 4 characters either way), and faster. A page with a line it does not take is read with the full
# pattern, and its types checked one by one.
_LAZY_OWNER: Final = f"([{re.escape(''.join(sorted(X_SET)))}]{{1,16}}?)"
_PLAIN_OWNER: Final = f"([{re.escape(''.join(sorted(X_SET - {'/'})))}]{{1,16}})"
_ANY_TYPE, _RIGHT_TYPE = "([A-Z][A-Z0-9]{3})", "(S[0-9]{3}|[NF][A-Z0-9]{3})"
_PLAIN_STATEMENT_LINE: Final = re.compile(STATEMENT_LINE_PATTERN.pattern.replace(_LAZY_OWNER, _PLAIN_OWNER, 1)
                                          .replace(_ANY_TYPE, _RIGHT_TYPE, 1)) \
    if STATEMENT_LINE_PATTERN.pattern.count(_LAZY_OWNER) == STATEMENT_LINE_PATTERN.pattern.count(_ANY_TYPE) == 1 \
    else None
# An amount (in `\n`-joined amounts) with more decimals than the currency's exponent allows (C03).
_TOO_MANY_DECIMALS: Final = {exponent: re.compile(f",[0-9]{{{exponent + 1}}}") for exponent in range(15)}
_QUANTUM: Final = {exponent: Decimal(1).scaleb(-exponent) for exponent in range(15)}
_EXACT: Final = Context(prec=80, traps=[Inexact, InvalidOperation])   # sums of 15d amounts, never rounded
_CREDIT_MARKS: Final = frozenset(("C", "RD", "EC"))   # as StatementLine.is_credit
_TAG, _VALUE = itemgetter(0), itemgetter(1)
_DATES, _MARK, _AMOUNT, _TYPE = itemgetter(0, 1), itemgetter(2), itemgetter(4), itemgetter(5)
_GROUPS: Final = re.Match.groups


@dataclass(frozen=True, slots=True)
class StatementPage:
    """A clean page: where its statement lines are, their components, and the statement currency."""

    start: int                                  # index of the first field after the opening balance
    end: int                                    # index of the closing balance (62a)
    lines: list[StatementLineParts]             # the 9 subfields of each :61:, as statement_line_components
    information: list[str | None]               # the :86: right after each :61:, or None
    amounts: list[Decimal]                      # each :61: amount with the currency's decimals (money_value_in)
    dates: list[tuple[date, date | None]]       # each :61: value date and entry date (statement_date, entry_date)
    currency: str                               # of the opening balance, hence of the statement lines
    exponent: int                               # ISO 4217 decimals of `currency`


def clean_page(message: FinMessage, spec: MessageSpec, rules: Mapping[str, Sequence[NetworkRule]] | None) -> bool:
    """Whether `validate_message(message, rules=rules, spec=spec)` finds nothing beyond the parse and header
    issues: a clean page of a standard MT940/MT950 checked with the statement rules (and no others)."""
    if spec.key not in _SHAPES or spec is not MESSAGES[spec.key] or spec.rules:
        return False
    if tuple((rules or {}).get(spec.key, ())) != RULES_BY_SPEC[spec.key]:
        return False
    return statement_page(message, spec.key) is not None


def statement_page(message: FinMessage, key: str) -> StatementPage | None:
    """The reading of a clean page of MT`key` (940 or 950), None if the page is not clean."""
    fields = message.fields
    cached = PAGE_READINGS.get(id(fields))
    if cached is not None and cached[0] is fields and cached[1] == key:
        return cached[2]  # type: ignore[return-value]
    page = _read_page(fields, MESSAGES[key])
    if len(PAGE_READINGS) >= PAGE_CACHE:                     # the oldest reading goes
        PAGE_READINGS.pop(next(iter(PAGE_READINGS), 0), None)
    PAGE_READINGS[id(fields)] = (fields, key, page)
    return page


def _read_page(fields: tuple[Field, ...], spec: MessageSpec) -> StatementPage | None:
    tags = list(map(_TAG, fields))
    shape = _SHAPES[spec.key].fullmatch(",".join(tags) + ",")
    if shape is None:
        return None
    start = 5 if tags[1] == "21" else 4
    end = start + shape.group(1).count(",")
    code_words = spec.code_words
    out: list[Issue] = []
    for field in chain(fields[:start], fields[end:]):         # the few fields around the statement lines
        check = _field_check(field.tag, code_words.get(field.tag))
        if check is not None:
            check.run(field, out)
            if out:
                return None
    line_check = _field_check("61", code_words.get("61"))
    if (line_check is None or line_check.run != line_check._run_statement_line
            or line_check.match is not statement_line_components or line_check.code_words is None):
        return None
    run_tags, values = tags[start:end], list(map(_VALUE, fields[start:end]))
    is_line = list(map("61".__eq__, run_tags))
    texts = list(compress(values, is_line))
    notes = list(compress(values, map(not_, is_line)))
    information: list[str | None]
    if not notes:
        information = [None] * len(texts)
    else:
        note_check = _field_check("86", code_words.get("86"))
        if note_check is None or note_check.fullmatch is None or note_check.run != note_check._run_simple \
                or None in map(note_check.fullmatch, notes):
            return None
        information = notes if len(notes) == len(texts) else _information(run_tags, values, len(texts))
    matches = list(map(_PLAIN_STATEMENT_LINE.fullmatch, texts)) if _PLAIN_STATEMENT_LINE is not None else [None]
    plain = None not in matches
    if not plain:
        matches = list(map(STATEMENT_LINE_PATTERN.fullmatch, texts))
        if None in matches:
            return None
    lines: list[StatementLineParts] = list(map(_GROUPS, matches))  # type: ignore[arg-type]
    marks = list(map(_MARK, lines))
    dates = _dates(lines)
    if not (dates is not None and set(marks) <= set(line_check.code_words.words)
            and (plain or all(map(_is_transaction_type, set(map(_TYPE, lines)))))):
        return None
    return _balanced_page(fields, tags, start, end, lines, marks, information, dates)


def _information(run_tags: list[str], values: list[str], count: int) -> list[str | None]:
    information: list[str | None] = [None] * count
    line = -1
    for tag, value in zip(run_tags, values, strict=True):
        if tag == "61":
            line += 1
        else:
            information[line] = value
    return information


def _dates(lines: list[StatementLineParts]) -> list[tuple[date, date | None]] | None:
    """Each line's value date and entry date (`statement_date`, `entry_date`), or None unless every value date
    is a date (T50) and every entry date a month-day that exists in the year nearest its value date."""
    found: dict[tuple[str | None, ...], tuple[date, date | None]] = {}
    for value_text, mmdd in set(map(_DATES, lines)):
        assert value_text is not None
        if not is_valid_yymmdd(value_text):
            return None
        value = statement_date(value_text)
        if value is None:
            return None
        booking = None
        if mmdd is not None:
            booking = entry_date(value, mmdd) if is_valid_mmdd(mmdd) else None
            if booking is None:
                return None
        found[value_text, mmdd] = (value, booking)
    return list(map(found.__getitem__, map(_DATES, lines)))


def _balanced_page(fields: tuple[Field, ...], tags: list[str], start: int, end: int,
                   lines: list[StatementLineParts], marks: list[str | None],
                   information: list[str | None], dates: list[tuple[date, date | None]]) -> StatementPage | None:
    """The page rules on a page whose fields are all well formed: C27, C03, the balance, 28C/60a/62a usage."""
    opening, closing = read_balance(fields[start - 1].value), read_balance(fields[end].value)
    if opening is None or closing is None or closing.currency != opening.currency:
        return None
    for field in fields[end + 1:]:
        if field.tag in ("64", "65"):
            balance = read_balance(field.value)
            if balance is None or balance.currency[:2] != opening.currency[:2]:
                return None
    exponent = currency_exponent(opening.currency)
    amounts = "\n".join(map(_AMOUNT, lines))
    if exponent is None or exponent not in _TOO_MANY_DECIMALS or _TOO_MANY_DECIMALS[exponent].search(amounts):
        return None
    numbers = read_statement_number(fields[start - 2].value)
    if numbers is not None:
        sequence = numbers[1]
        page = page_number(sequence)
        if ((page == 1 and tags[start - 1] == "60M") or (page > 1 and tags[start - 1] == "60F")
                or (sequence is None and tags[end] == "62M")):
            return None
    most_decimals = max(exponent, decimals_of(opening.amount_text), decimals_of(closing.amount_text))
    try:
        with localcontext(_EXACT):
            # Decimal("1000.") quantized to 0.01 is Decimal("1000.00"): what money_value_in makes of `1000,`.
            values = list(map(Decimal.quantize, map(Decimal, amounts.replace(",", ".").split("\n")),
                              repeat(_QUANTUM[exponent]))) if lines else []
            credits = sum(compress(values, map(_CREDIT_MARKS.__contains__, marks)), Decimal(0))
            debits = sum(values, Decimal(0)) - credits
            start_value = _signed(opening)
            # As statement_lines decides without Decimal: exact sums below 10**(27 - decimals), and equal.
            if not (abs(start_value) + credits + debits < Decimal(1).scaleb(27 - most_decimals)
                    and start_value + credits - debits == _signed(closing)):
                return None
    except (Inexact, InvalidOperation):
        return None
    return StatementPage(start, end, lines, information, values, dates, opening.currency, exponent)


def _signed(balance: BalanceField) -> Decimal:
    value = Decimal(balance.amount_text.replace(",", "."))
    return value if balance.mark == "C" else -value

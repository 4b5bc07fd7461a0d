"""Network-validated and business rules of MT940/MT950 pages, as `NetworkRule`s (DOMAIN §1.8, §8.11, §8.42).

What the core validator (`validate.py`) already checks on every field is not repeated
here: the `:61:` D/C mark (T51, `RC`/`RD` read before the funds code), the transaction
type `1!a3!c` with S + 3 digits or N/F + 3 characters (T53), dates (T50), balance
amounts, their decimals and currencies (T40, T43, C03, T52), the order and presence of
fields (T13). This module adds what needs more than one field:

    mt9.C24          error    C24 (MT940 C1): an MT940 :86: follows its :61:, or closes the
                              statement after :62a:
    mt9.C27          error    C27 (MT940 C2, MT950 C1): 60a, 62a, 64, 65 share the first two
                              letters of their currency
    money.precision  error    C03: a :61: amount has no more decimals than the statement
                              currency (the 60a currency)
    mt9.entry_date   error    T50: the :61: entry date exists in the year inferred from the
                              value date
    mt9.balance      error    not network-validated: opening 60a + credits - debits = closing
                              62a, on each page; RC is a debit, RD a credit
    mt9.page_balance warning  usage rules of 28C/60a/62a: 60F on page 1, 60M on later pages,
                              no 62M without a page number

Sources: SWIFT Standards MT SRU2025, Category 9, MT940 network validated rules C1
(C24) and C2 (C27), MT950 network validated rule C1 (C27), and the usage rules of
fields 28C, 60a and 62a; DOMAIN §1.8 (balance check), §8.11 and §8.42. The balance
check's reason code is AM10, the ISO 20022 code for a stated total that differs from
the sum of its items (as `iso.ctrl_sum` uses it): the closing balance is the page's
control total. AM09 ("amount not as agreed or expected") names a payment amount that
differs from an agreement, not a total.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Final

from schemas.codes import currency_exponent
from schemas.issues import Issue, Severity
from translators.swift.fields import read_statement_line, statement_line_components
from translators.swift.messages import MessageView, NetworkRule
from translators.swift.model import swift_issue
from translators.swift.notation import NotationError
from translators.swift.statements_fields import (
    BALANCE_TAGS,
    BalanceField,
    entry_date,
    entry_year,
    page_number,
    read_balance,
    read_statement_number,
    statement_date,
)
from translators.swift.values import decimals_of, format_amount, is_valid_mmdd

_issue = swift_issue
_OPENING: Final = frozenset({"60F", "60M"})
_CLOSING: Final = frozenset({"62F", "62M"})


def money_text(value: Decimal, currency: str) -> str:
    """A signed amount for messages: `C 12379,50 EUR`, `D 0,10 EUR` (SWIFT comma decimals)."""
    mark = "D" if value < 0 else "C"
    try:
        text = format_amount(abs(value), currency)
    except ValueError:
        text = format(abs(value), "f").replace(".", ",")
    return f"{mark} {text} {currency}"


def information_placement(view: MessageView) -> Iterable[Issue]:
    """MT940 C1 (C24): an `:86:` must follow a `:61:` (same page), or come after `:62a:` for the whole statement."""
    previous = ""
    closed = False
    for field in view.message.fields:
        if field.tag == "86" and previous != "61" and not closed:
            yield _issue("mt9.C24", f"C24: the :86: on line {field.line} follows :{previous or 'nothing'}:; it must "
                         "follow its :61: statement line, or close the statement after :62a:", ":86:")
        if field.tag in _CLOSING:
            closed = True
        previous = field.tag


def balance_currencies(view: MessageView) -> Iterable[Issue]:
    """MT940 C2 / MT950 C1 (C27): the first two letters of the 60a, 62a, 64 and 65 currencies are the same."""
    first: tuple[str, str] | None = None
    for field in view.message.fields:
        if field.tag not in BALANCE_TAGS:
            continue
        balance = read_balance(field.value)
        if balance is None:
            continue
        if first is None:
            first = (field.tag, balance.currency)
        elif balance.currency[:2] != first[1][:2]:
            yield _issue("mt9.C27", f"C27: :{field.tag}: is in {balance.currency} but :{first[0]}: is in {first[1]}; "
                         "every balance of a statement is in the same currency", f":{field.tag}:")


def statement_lines(view: MessageView) -> Iterable[Issue]:
    """Each `:61:` against the statement: decimals of the currency (C03), entry date (T50), and the page's
    balance arithmetic, opening + credits - debits = closing (RC entries are debits, RD credits)."""
    opening: BalanceField | None = None
    closing: tuple[str, BalanceField] | None = None
    credits = debits = 0                             # in units of 10**-14 (a 15d amount has at most 14 decimals)
    most_decimals = 0
    readable = True
    lines = 0
    exponent: int | None = None
    for field in view.message.fields:
        tag = field.tag
        if tag == "61":
            parts = statement_line_components(field.value)       # the subfields, as StatementLine holds them
            if parts.__class__ is NotationError:
                readable = False
                continue
            assert not isinstance(parts, NotationError)
            lines += 1
            value_date, mmdd, mark, _, amount = parts[:5]
            assert value_date is not None and mark is not None and amount is not None
            comma = amount.find(",")
            decimals = len(amount) - comma - 1
            if exponent is not None and decimals > exponent:
                assert opening is not None
                readable = False
                yield _issue("money.precision", f"C03: {opening.currency} allows {exponent} decimals, the amount "
                             f"{amount} of the :61: on line {field.line} has {decimals}", ":61:")
            if mmdd is not None:
                value = statement_date(value_date)      # None: T50 on the value date, reported by the core
                if value is not None and is_valid_mmdd(mmdd) and entry_date(value, mmdd) is None:
                    yield _entry_date_issue(value, mmdd, field.line)
            if decimals > most_decimals:
                most_decimals = decimals
            minor = int(amount[:comma] + amount[comma + 1:]) * _SCALE[decimals]
            if mark in _CREDIT_MARKS:
                credits += minor
            else:
                debits += minor
        elif tag in _OPENING and opening is None:
            opening = read_balance(field.value)
            exponent = currency_exponent(opening.currency) if opening is not None else None
        elif tag in _CLOSING and closing is None:
            found = read_balance(field.value)
            if found is not None:
                closing = (tag, found)
    if not readable or opening is None or closing is None:
        return
    if closing[1].currency == opening.currency:
        opening_minor, closing_minor = _minor(opening), _minor(closing[1])
        most_decimals = max(most_decimals, decimals_of(opening.amount_text), decimals_of(closing[1].amount_text))
        # Exact integers decide when the Decimal arithmetic (28 digits) is exact too: every sum then has a
        # coefficient below 10**28 at the finest exponent, -(most_decimals + 1) at worst (`1000,` parses as 1000.0).
        # Otherwise, and to explain a difference, the Decimal path.
        if (abs(opening_minor) + credits + debits) * _FINEST[most_decimals] < _DECIMAL_LIMIT and \
                opening_minor + credits - debits == closing_minor:
            return
    yield from _decimal_arithmetic(view, opening, closing, lines)


_SCALE: Final[tuple[int, ...]] = tuple(10 ** (14 - decimals) for decimals in range(15))
_FINEST: Final[tuple[int, ...]] = tuple(10 ** (decimals + 1) for decimals in range(15))
_DECIMAL_LIMIT: Final[int] = 10 ** (28 + 14)             # 10**28 at scale 10**-14: Decimal's 28 digits
_CREDIT_MARKS: Final = frozenset(("C", "RD", "EC"))   # as StatementLine.is_credit


def _minor(balance: BalanceField) -> int:
    """A balance as a signed integer in units of 10**-14."""
    amount = balance.amount_text
    comma = amount.find(",")
    minor = int(amount[:comma] + amount[comma + 1:]) * _SCALE[len(amount) - comma - 1]
    return minor if balance.mark == "C" else -minor


def _decimal_arithmetic(view: MessageView, opening: BalanceField, closing: tuple[str, BalanceField],
                        lines: int) -> Iterable[Issue]:
    credits = debits = Decimal(0)
    for field in view.message.fields:
        if field.tag == "61":
            line = read_statement_line(field.value)
            assert not isinstance(line, NotationError)     # every :61: was readable
            if line.is_credit:
                credits += line.amount_value
            else:
                debits += line.amount_value
    yield from _arithmetic(opening, closing, credits, debits, lines)


def _entry_date_issue(value: date, mmdd: str, line: int) -> Issue:
    return _issue("mt9.entry_date", f"T50: the entry date {mmdd} of the :61: on line {line} does not exist in "
                  f"{entry_year(value, int(mmdd[:2]), int(mmdd[2:]))}, the year nearest its value date "
                  f"{value.isoformat()}", ":61:")


def _arithmetic(opening: BalanceField, closing: tuple[str, BalanceField], credits: Decimal, debits: Decimal,
                lines: int) -> Iterable[Issue]:
    tag, found = closing
    currency = opening.currency
    if found.currency != currency:
        if found.currency[:2] == currency[:2]:       # C27 allows it; the sum cannot be made across currencies
            yield _issue("mt9.balance", f"the opening balance is in {currency} and :{tag}: in {found.currency}: "
                         "the balances cannot be checked against the statement lines", f":{tag}:", Severity.WARNING)
        return
    expected = opening.signed + credits - debits
    if expected == found.signed:
        return
    yield _issue("mt9.balance", f"opening {opening.display()} + credits {money_text(credits, currency)[2:]} - "
                 f"debits {money_text(debits, currency)[2:]} ({lines} statement lines) gives "
                 f"{money_text(expected, currency)} for :{tag}:, found {found.display()} (difference "
                 f"{money_text(found.signed - expected, currency)})", f":{tag}:")


def page_balances(view: MessageView) -> Iterable[Issue]:
    """The 28C page number against the balance options: page 1 opens with 60F, later pages with 60M; a
    62M (more pages follow) needs a page number. Usage rules, not network-validated: warnings."""
    fields = view.message.fields
    number_text = next((field.value for field in fields if field.tag == "28C"), "")
    numbers = read_statement_number(number_text)
    if numbers is None:
        return
    statement, sequence = numbers
    page = page_number(sequence)
    opening = next((field.tag for field in fields if field.tag in _OPENING), None)
    closing = next((field.tag for field in fields if field.tag in _CLOSING), None)
    if page == 1 and opening == "60M":
        yield _issue("mt9.page_balance", f"page 1 of statement {statement} (:28C:{number_text}) opens with "
                     ":60M: (intermediate); the first page of a statement opens with :60F:", ":60M:", Severity.WARNING)
    elif page > 1 and opening == "60F":
        yield _issue("mt9.page_balance", f"page {page} of statement {statement} opens with :60F: (first opening "
                     "balance); a continuation page opens with :60M:", ":60F:", Severity.WARNING)
    if sequence is None and closing == "62M":
        yield _issue("mt9.page_balance", f":62M: says more pages of statement {statement} follow, but :28C: has no "
                     "page number to continue from", ":62M:", Severity.WARNING)


RULES_BY_SPEC: Final[dict[str, tuple[NetworkRule, ...]]] = {
    "940": (information_placement, balance_currencies, statement_lines, page_balances),
    "950": (balance_currencies, statement_lines, page_balances),
}

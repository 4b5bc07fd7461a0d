"""Readings of the statement fields MT940/MT950 share: balances, `:28C:`, the `:61:` entry date (DOMAIN §1.8).

Balance fields `:60F:` `:60M:` `:62F:` `:62M:` `:64:` `:65:` are `1!a6!n3!a15d`: D/C
mark, YYMMDD date, ISO 4217 currency, amount. `:28C:` is `5n[/5n]`: statement number,
then the page (sequence) number when the statement runs over several messages.

The canonical model keeps balances in a fixed order, so that `:60M:` and `:62M:`, both
camt `ITBD`, stay apart: the opening balance first (60F -> OPBD, 60M -> ITBD), the
closing booked balance second (62F -> CLBD, 62M -> ITBD), then 64 (CLAV) and each 65
(FWAV), as DOMAIN §3.3 maps them. `opening_balance` and `closing_balance` read that
order back, and also accept statements from other sources whose balances are typed.

Sources: SWIFT Standards MT SRU2025, Category 9, MT940/MT950 field specifications 28C,
60a, 61, 62a, 64, 65 (as summarised in DOMAIN §1.8 and §8.11).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Final

from schemas.canonical import Balance, Statement
from schemas.codes import currency_exponent
from translators.swift.values import decimals_of, format_amount, format_yymmdd, parse_amount, parse_yymmdd

OPENING_FIRST: Final = "OPBD"       # 60F: opening booked balance of the first page
INTERMEDIATE: Final = "ITBD"        # 60M and 62M: the balance carried between pages
CLOSING_FINAL: Final = "CLBD"       # 62F: closing booked balance of the last page
CLOSING_AVAILABLE: Final = "CLAV"   # 64
FORWARD_AVAILABLE: Final = "FWAV"   # 65 (repeatable)
BALANCE_TYPE_OF_TAG: Final = {"60F": OPENING_FIRST, "60M": INTERMEDIATE, "62F": CLOSING_FINAL,
                              "62M": INTERMEDIATE, "64": CLOSING_AVAILABLE, "65": FORWARD_AVAILABLE}
BALANCE_TAGS: Final = frozenset(BALANCE_TYPE_OF_TAG)
NO_REFERENCE: Final = "NONREF"      # :61: subfield 7 when the account owner gave no reference

_BALANCE: Final = re.compile(r"([CD])([0-9]{6})([A-Z]{3})([0-9]{1,14},[0-9]*)")
_STATEMENT_NUMBER: Final = re.compile(r"([0-9]{1,5})(?:/([0-9]{1,5}))?")
_QUANTUM: Final = {exponent: Decimal(1).scaleb(-exponent) for exponent in range(5)}
_BALANCE_MODEL: Final = Balance.model_validate


@dataclass(frozen=True, slots=True)
class BalanceField:
    """A balance field's four parts as written (`C251124EUR12379,50`)."""

    mark: str
    date_text: str
    currency: str
    amount_text: str

    @property
    def credit(self) -> bool:
        return self.mark == "C"

    @property
    def amount(self) -> Decimal:
        return money_value(self.amount_text, self.currency)

    @property
    def signed(self) -> Decimal:
        """The balance as a signed number: a debit (D) balance is negative."""
        return self.amount if self.mark == "C" else -self.amount

    def date(self) -> date | None:
        """The date, or None if it is not a calendar date (the validator reports T50)."""
        try:
            return parse_yymmdd(self.date_text)
        except ValueError:
            return None

    def display(self) -> str:
        return f"{self.mark} {self.amount_text} {self.currency}"


def money_value(amount_text: str, currency: str) -> Decimal:
    """A SWIFT amount (`1000,`) with the currency's ISO 4217 decimals (`1000.00` EUR, `1000` JPY), so that
    canonical amounts do not depend on how many decimals the sender wrote; an amount with more decimals
    than the currency allows (C03, reported by the validator) keeps them all."""
    return money_value_in(amount_text, currency_exponent(currency))


def money_value_in(amount_text: str, exponent: int | None) -> Decimal:
    """`money_value` with the currency's exponent looked up once by the caller (a page's lines share it)."""
    comma = amount_text.find(",")
    if exponent is None or comma < 1 or not amount_text.isascii():
        return _money_value_slow(amount_text, exponent)
    integer, fraction = amount_text[:comma], amount_text[comma + 1:]
    if not integer.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > exponent:
        return _money_value_slow(amount_text, exponent)
    # The text is `[0-9]+,[0-9]*` with at most `exponent` decimals: padded to exactly `exponent`, the Decimal
    # is the quantized one (same digits, same exponent).
    return Decimal(f"{integer}.{fraction}{'0' * (exponent - len(fraction))}" if exponent else integer)


def _money_value_slow(amount_text: str, exponent: int | None) -> Decimal:
    value = parse_amount(amount_text)
    if exponent is None or decimals_of(amount_text) > exponent:
        return value
    return value.quantize(_QUANTUM.get(exponent) or Decimal(1).scaleb(-exponent))


# A page's balances are read by three rules and by the mapping: keep the last pages' readings, as the
# `:61:` cache does (`fields.forget_statement_lines` empties both). Bounded: a cache, not a store.
BALANCE_CACHE: Final = 256


# `statements_page.clean_page` readings of the last pages, by `id(message.fields)` (each entry keeps its fields, so
# the id stays theirs): the validator and `to_statement` share one reading of a page. Bounded to PAGE_CACHE
# entries; `fields.forget_statement_lines` empties it.
PAGE_CACHE: Final = 16
PAGE_READINGS: Final[dict[int, tuple[object, ...]]] = {}


@lru_cache(maxsize=BALANCE_CACHE)
def read_balance(value: str) -> BalanceField | None:
    """A `1!a6!n3!a15d` balance field, or None when it does not have that form (the validator says why)."""
    found = _BALANCE.fullmatch(value)
    if found is None or len(found.group(4)) > 15:
        return None
    return BalanceField(*found.groups())


def format_balance(balance: Balance) -> str:
    """A canonical balance as `1!a6!n3!a15d` (ValueError if the amount does not fit the currency or 15d)."""
    mark = "C" if balance.credit else "D"
    return f"{mark}{format_yymmdd(balance.date)}{balance.amount.currency}" \
           f"{format_amount(balance.amount.value, balance.amount.currency)}"


def to_balance(type_code: str, field: BalanceField) -> Balance | None:
    """A canonical balance from a read balance field (None if its date is not a date)."""
    when = statement_date(field.date_text)
    if when is None:
        return None
    # One validation of the balance, its amount included (pydantic builds the nested Amount).
    return _BALANCE_MODEL({"type_code": type_code, "amount": {"value": field.amount, "currency": field.currency},
                           "credit": field.credit, "date": when})


def read_statement_number(value: str) -> tuple[str, str | None] | None:
    """`:28C:` `5n[/5n]` as (statement number, page number or None), texts as written; None if malformed."""
    found = _STATEMENT_NUMBER.fullmatch(value)
    if found is None:
        return None
    return found.group(1), found.group(2)


@lru_cache(maxsize=8192)
def statement_date(yymmdd: str) -> date | None:
    """A YYMMDD date, None if it is not one (the validator reports T50); cached for bulk statements."""
    try:
        return parse_yymmdd(yymmdd)
    except ValueError:
        return None


def page_number(sequence_number: str | None) -> int:
    """The page of a statement: its `:28C:` sequence number, 1 when there is none (a one-page statement)."""
    return int(sequence_number) if sequence_number and sequence_number.isdigit() else 1


def entry_year(value_date: date, month: int, day: int) -> int:
    """The year, among the value date's and the years around it, whose month-day lies nearest the value date."""
    best_year, best_distance = value_date.year, None
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        nearest_day = min(day, calendar.monthrange(year, month)[1])
        distance = abs((date(year, month, nearest_day) - value_date).days)
        if best_distance is None or distance < best_distance:
            best_year, best_distance = year, distance
    return best_year


@lru_cache(maxsize=8192)              # bulk statements repeat a few (value date, entry date) pairs
def entry_date(value_date: date, mmdd: str) -> date | None:
    """The `:61:` entry date (MMDD) in the year that puts it nearest to the value date (DOMAIN §8.11).

    Entry 1231 with value date 2026-01-02 is 2025-12-31; entry 0102 with value date
    2025-12-31 is 2026-01-02. None when the month-day does not exist in that year (0229
    outside a leap year) or is no month-day at all.
    """
    if len(mmdd) != 4 or not mmdd.isdigit():
        return None
    month, day = int(mmdd[:2]), int(mmdd[2:])
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    year = entry_year(value_date, month, day)
    if day > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def booked_balances(statement: Statement) -> list[Balance]:
    return [balance for balance in statement.balances
            if balance.type_code in (OPENING_FIRST, INTERMEDIATE, CLOSING_FINAL)]


def opening_balance(statement: Statement) -> Balance | None:
    """The opening booked balance: OPBD, or the ITBD that comes before the closing balance (60M)."""
    booked = booked_balances(statement)
    for balance in booked:
        if balance.type_code == OPENING_FIRST:
            return balance
    if len(booked) >= 2 and booked[0].type_code == INTERMEDIATE:
        return booked[0]
    return None


def closing_balance(statement: Statement) -> Balance | None:
    """The closing booked balance: CLBD, or the last ITBD after the opening balance (62M)."""
    booked = booked_balances(statement)
    for balance in booked:
        if balance.type_code == CLOSING_FINAL:
            return balance
    opening = opening_balance(statement)
    later = [balance for balance in booked if balance is not opening and balance.type_code == INTERMEDIATE]
    return later[-1] if later else None


def signed(balance: Balance) -> Decimal:
    return balance.amount.value if balance.credit else -balance.amount.value

"""Typed values of SWIFT MT fields: amounts, dates, times, BICs, countries (DOMAIN §1.4, §4.4, §8.1-3, §8.10).

Amounts (`15d`): an integer part of at least one digit, a mandatory decimal comma
counted in the length, no sign, no thousands separator (`1000,` `1000,5` `0,01`).
Dates are YYMMDD with a sliding century window; `CENTURY_PIVOT` is the default
(00-79 -> 20xx, 80-99 -> 19xx, DOMAIN §8.10). Parsing helpers raise `ValueError` on
text that is not of their form: callers validate first (the validator never raises,
it reports). BIC and country checks use schwifty and pycountry, as the ISO 20022 side
does (`translators/iso20022/common.py`).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Final

import pycountry

from schemas.codes import currency_exponent
from translators.iso20022.common import bic_problem

__all__ = [
    "CENTURY_PIVOT",
    "bic_problem",
    "country_problem",
    "decimals_of",
    "format_amount",
    "format_yymmdd",
    "is_valid_hhmm",
    "is_valid_mmdd",
    "is_valid_yymmdd",
    "parse_amount",
    "parse_mmdd",
    "parse_yymmdd",
]

CENTURY_PIVOT: Final = 80            # YY below the pivot is 20YY, from it 19YY (DOMAIN §8.10)
MAX_AMOUNT_LENGTH: Final = 15        # `15d`, decimal comma included (DOMAIN §1.4)
_AMOUNT: Final = re.compile(r"[0-9]+,[0-9]*")
_DATE_CACHE: dict[str, bool] = {}    # bulk statements repeat a few dates thousands of times
_DATE_CACHE_LIMIT: Final = 100_000
# Countries outside ISO 3166 in use in BICs and SWIFT fields: Kosovo XK (DOMAIN §4.4), Eurosystem XE.
_EXTRA_COUNTRIES: Final = frozenset({"XK", "XE"})


def parse_amount(text: str) -> Decimal:
    """A SWIFT `d` amount (`1234,56`, `1000,`) as a Decimal; ValueError if it is not of that form."""
    if _AMOUNT.fullmatch(text) is None:
        raise ValueError(f"not a SWIFT amount (digits, one decimal comma): {text!r}")
    return Decimal(text.replace(",", ".") + ("0" if text.endswith(",") else ""))


def decimals_of(text: str) -> int:
    """Digits after the decimal comma as written (`1,500` has 3: SWIFT C03 counts them literally)."""
    comma = text.find(",")
    return 0 if comma < 0 else len(text) - comma - 1


def format_amount(value: Decimal, currency: str, *, pad: bool = True) -> str:
    """A Decimal as a SWIFT amount: always with the comma (`1000,00`; `1000,` for JPY or with pad=False).

    `pad` writes exactly the currency's ISO 4217 decimals; without it trailing zeros go
    (`1000,5`, `1000,`). ValueError for a negative amount, more decimals than the
    currency has, or more than 15 characters (DOMAIN §1.4, §8.2-4).
    """
    if not value.is_finite() or value < 0:
        raise ValueError(f"a SWIFT amount is finite and not negative: {value}")
    exponent = currency_exponent(currency)
    if exponent is None:
        exponent = max(0, -int(value.normalize().as_tuple().exponent))
    quantized = value.quantize(Decimal(1).scaleb(-exponent))
    if quantized != value:
        raise ValueError(f"{value} {currency} has more than {exponent} decimals")
    text = format(quantized, "f")
    integer, _, fraction = text.partition(".")
    if not pad:
        fraction = fraction.rstrip("0")
    result = f"{integer},{fraction}"
    if len(result) > MAX_AMOUNT_LENGTH:
        raise ValueError(f"{value} needs {len(result)} characters, more than the 15 of a SWIFT amount")
    return result


def _century(yy: int, pivot: int) -> int:
    return 2000 + yy if yy < pivot else 1900 + yy


def parse_yymmdd(text: str, *, pivot: int = CENTURY_PIVOT) -> date:
    """A `6!n` YYMMDD date; ValueError if it is not a calendar date."""
    if len(text) != 6 or not text.isdigit():
        raise ValueError(f"not a YYMMDD date: {text!r}")
    return date(_century(int(text[:2]), pivot), int(text[2:4]), int(text[4:6]))


def format_yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")


def is_valid_yymmdd(text: str) -> bool:
    """Whether `text` is a YYMMDD calendar date (cached: statements repeat their dates)."""
    known = _DATE_CACHE.get(text)
    if known is not None:
        return known
    try:
        parse_yymmdd(text)
        valid = True
    except ValueError:
        valid = False
    if len(_DATE_CACHE) < _DATE_CACHE_LIMIT:
        _DATE_CACHE[text] = valid
    return valid


@lru_cache(maxsize=4096)
def is_valid_mmdd(text: str) -> bool:
    """A `4!n` MMDD month and day (29 February allowed: the year is not known here)."""
    if len(text) != 4 or not text.isdigit():
        return False
    try:
        date(2000, int(text[:2]), int(text[2:]))   # 2000 is a leap year
    except ValueError:
        return False
    return True


def parse_mmdd(text: str, *, near: date) -> date:
    """An MMDD date placed in the year nearest to `near` (the `:61:` entry date next to its
    value date: an entry date of 1231 with a value date of 250102 is 2024-12-31, DOMAIN §1.8)."""
    if not is_valid_mmdd(text):
        raise ValueError(f"not an MMDD date: {text!r}")
    month, day = int(text[:2]), int(text[2:])
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:                           # 29 February outside a leap year
            continue
    return min(candidates, key=lambda candidate: abs((candidate - near).days))


def is_valid_hhmm(text: str) -> bool:
    """A `4!n` HHMM time of day, 0000-2359."""
    return len(text) == 4 and text.isdigit() and int(text[:2]) < 24 and int(text[2:]) < 60


@lru_cache(maxsize=1024)
def country_problem(code: str) -> str | None:
    """Why `code` is not an ISO 3166 alpha-2 country code, or None (XK and XE are accepted)."""
    if code in _EXTRA_COUNTRIES:
        return None
    if len(code) != 2 or not code.isalpha() or not code.isupper():
        return f"{code!r} is not a two-letter country code"
    if pycountry.countries.get(alpha_2=code) is None:
        return f"{code} is not an ISO 3166 country code"
    return None

"""A fast ISO 13616 IBAN check for bulk files, confirming exactly what schwifty accepts.

`common.iban_problem` builds a schwifty `IBAN` (about 35 µs; cached, but in a bulk
pain.001 each creditor account is new). For an already clean IBAN (`[A-Z]{2}[0-9]{2}`
then ASCII letters and digits), schwifty's `IBAN.validate()` checks, in this order: the
characters, the length and the BBAN format of the country's registry spec, then the
ISO 7064 mod 97-10 check digits computed over BBAN + country. The same steps are done
here with the same registry spec; anything else (lower case, spaces, an unknown country, a
failure) goes to `iban_problem`, so the answer and its message are schwifty's.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Final

from schwifty import registry
from schwifty.domain import IBANSpec
from schwifty.exceptions import SchwiftyException

from translators.iso20022.common import iban_problem

_CLEAN: Final = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", re.ASCII)
# schwifty.checksum.numerify: 0-9 stay, A=10 ... Z=35
_NUMERIFY: Final = str.maketrans({c: str(i) for i, c in enumerate(string.ascii_uppercase, 10)})


@lru_cache(maxsize=256)
def _spec(country: str) -> IBANSpec | None:
    try:
        return registry.get_iban_spec(country)
    except SchwiftyException:
        return None


def iban_problem_fast(value: str) -> str | None:
    """None when `value` is a valid IBAN (as `iban_problem` would say), else `iban_problem(value)`."""
    if _CLEAN.fullmatch(value) is not None:
        spec = _spec(value[:2])
        bban = value[4:]
        if (spec is not None and spec.iban_length == len(value) and spec.regex.match(bban)
                and f"{98 - int((bban + value[:2]).translate(_NUMERIFY)) * 100 % 97:02d}" == value[2:4]):
            return None
    return iban_problem(value)

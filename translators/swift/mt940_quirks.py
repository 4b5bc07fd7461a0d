"""Bank quirks of MT940 statements: named hooks, applied only when the sender's profile lists them (STYLE rule 17).

A quirk takes a canonical `Entry` as `to_statement` built it and returns it enriched;
the `:86:` text stays whole in `Entry.information`, so a quirk never loses anything.
Core parsers name no bank; this module does.

`mt940.german_structured_86`: German banks (the DFÜ agreement of the Deutsche
Kreditwirtschaft, "Spezifikation der Datenformate", annex 3, MT940 field 86 structured
form) write `:86:` as a 3-digit business transaction code (GVC), a separator character
(`?`), then numbered subfields: `?00` booking text, `?10` primanota, `?20`-`?29` and
`?60`-`?63` purpose lines (Verwendungszweck), `?30` counterparty bank code or BIC, `?31`
counterparty account or IBAN, `?32`-`?33` counterparty name, `?34` text key extension.
The 65-character line breaks of `:86:` are layout only and may fall inside a subfield.
SEPA payments put keyword lines in the purpose (`EREF+` end-to-end reference, `SVWZ+`
remittance text, `MREF+` mandate, `KREF+` customer reference, `CRED+` creditor id).
Sample (golden case `mt940-german-structured-86`):

    :86:166?00SEPA-UEBERWEISUNG?100599?20EREF+INV-2025-0042?21SVWZ+RECHNUN
    G 42?30COBADEFFXXX?31DE89370400440532013000?32MUSTERFIRMA GMBH
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from schemas.canonical import Entry, RemittanceInfo

Quirk = Callable[[Entry], Entry]

_STRUCTURED: Final = re.compile(r"([0-9]{3})([^0-9A-Za-z\s])")
_PURPOSE_FIELDS: Final = (*(f"2{digit}" for digit in range(10)), "60", "61", "62", "63")
_SEPA_KEYWORD: Final = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC)\+")
NOT_PROVIDED: Final = "NOTPROVIDED"


def german_subfields(information: str) -> dict[str, str] | None:
    """The `?NN` subfields of a structured German `:86:` (line breaks removed), or None if it is not one."""
    text = information.replace("\n", "")
    head = _STRUCTURED.match(text)
    if head is None:
        return None
    separator = head.group(2)
    subfields: dict[str, str] = {"GVC": head.group(1)}
    parts = re.split(re.escape(separator) + r"([0-9]{2})", text[head.end() - 1:])
    if parts[0]:
        return None                                   # text between the GVC and the first subfield
    for number, content in zip(parts[1::2], parts[2::2], strict=True):
        subfields[number] = subfields.get(number, "") + content
    return subfields


def german_structured_86(entry: Entry) -> Entry:
    """German structured `:86:` (DFÜ annex 3): the purpose lines become `remittance.unstructured`, and a
    SEPA `EREF+` reference the `end_to_end_id`. Seen from German banks' MT940 downloads; other text is
    left as it is."""
    if entry.information is None:
        return entry
    subfields = german_subfields(entry.information)
    if subfields is None:
        return entry
    purpose = [subfields[number] for number in _PURPOSE_FIELDS if subfields.get(number)]
    if not purpose:
        return entry
    update: dict[str, object] = {}
    keywords = _sepa_keywords("".join(purpose))
    if keywords:
        remittance = keywords.get("SVWZ")
        lines = (remittance,) if remittance else tuple(purpose)
        reference = keywords.get("EREF")
        if reference and reference != NOT_PROVIDED and entry.end_to_end_id is None:
            update["end_to_end_id"] = reference
    else:
        lines = tuple(purpose)
    update["remittance"] = RemittanceInfo(unstructured=lines)
    return entry.model_copy(update=update)


def _sepa_keywords(purpose: str) -> dict[str, str]:
    """`EREF+A1SVWZ+TEXT` -> {"EREF": "A1", "SVWZ": "TEXT"}; {} when the purpose has no SEPA keyword first."""
    parts = _SEPA_KEYWORD.split(purpose)
    if len(parts) < 3 or parts[0].strip():
        return {}
    return {keyword: value.strip() for keyword, value in zip(parts[1::2], parts[2::2], strict=True)}


QUIRKS: Final[dict[str, Quirk]] = {
    "mt940.german_structured_86": german_structured_86,
}


def apply_quirks(entries: list[Entry], names: Sequence[str]) -> list[Entry]:
    """Apply the named quirks, in the order given, to every entry; ValueError for an unknown name."""
    if not names:
        return entries
    unknown = [name for name in names if name not in QUIRKS]
    if unknown:
        raise ValueError(f"unknown MT940 quirk(s): {', '.join(unknown)} (known: {', '.join(sorted(QUIRKS))})")
    hooks = [QUIRKS[name] for name in names]
    result = []
    for entry in entries:
        for hook in hooks:
            entry = hook(entry)
        result.append(entry)
    return result

"""Writing `:61:` statement lines and `:86:` texts from canonical entries (DOMAIN §1.8, §3.3-3.4, §8.8-8.9).

`:61:` is `6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][$34x]`: value date, entry date (MMDD: a
booking date too far from the value date for its year to be inferred is a loss), C/D/RC/RD
from `credit` and `reversal`, the funds code, the amount in the statement currency, the
type (`NMSC` when there is none or it is not `1!a3!c`), the owner's reference (`NONREF`
for None; no `//` inside it, which would start the servicer's reference), `//` and the
servicer's reference, and the supplementary details on a second line. `:86:` (MT940
only) is `6*65x`. Every change a text needs (X set, length, lines, a line that would
start with `:` or `-`) is a `Loss`, never silent (STYLE rule 3).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from schemas.canonical import Balance, Entry
from schemas.issues import Issue
from translators.base import Loss
from translators.swift.notation import X_SET
from translators.swift.statements_fields import NO_REFERENCE, entry_date
from translators.swift.values import format_amount, format_yymmdd

_TRANSACTION_TYPE: Final = re.compile(r"S[0-9]{3}|[NF][A-Z0-9]{3}")
_FUNDS_CODE: Final = re.compile(r"[A-Z]")
DEFAULT_TRANSACTION_TYPE: Final = "NMSC"     # N + MSC (miscellaneous), DOMAIN §1.8
_TRANSLITERATION: Final = {"&": "+", "ß": "ss", "@": "(AT)", "_": "-", "\t": " "}
Fields = list[tuple[str, str]]


@dataclass
class TextWriter:
    """Turns canonical texts into X-set field values, recording every change as a loss."""

    losses: list[Loss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def text(self, value: str, path: str, *, length: int, lines: int = 1, starts_line: bool = False) -> str:
        """`value` as at most `lines` lines of at most `length` X characters. A line that starts a text-block
        line (every line but a field's first, unless `starts_line`) never starts with : or - (DOMAIN §8.8)."""
        cleaned = _to_x_set(value)
        if cleaned != value.replace("\r\n", "\n"):
            self.losses.append(Loss(path, f"{len(cleaned)} characters", "characters outside the SWIFT X set "
                                    "replaced (DOMAIN §8.9)"))
        if lines == 1:
            if "\n" in cleaned:
                self.losses.append(Loss(path, "one line", "line breaks replaced by spaces: the field has one line"))
                cleaned = cleaned.replace("\n", " ")
            out = [cleaned]
        else:
            source = cleaned.split("\n")
            if any(not line for line in source):
                self.losses.append(Loss(path, "the other lines", "empty lines removed (a line holds 1 to "
                                        f"{length} characters)"))
            if any(len(line) > length for line in source):
                self.losses.append(Loss(path, "every character", f"lines longer than {length} characters wrapped"))
            out = [line[start:start + length] for line in source if line for start in range(0, len(line), length)]
        total = sum(map(len, out))
        if len(out) > lines or len(out[0]) > length:
            out = [line[:length] for line in out[:lines]]
            self.losses.append(Loss(path, f"{sum(map(len, out))} of {total} characters",
                                    f"the field holds {lines}*{length}x: truncated (DOMAIN §3.3)"))
        first = 0 if starts_line else 1
        fixed = out[:first] + [" " + line[:length - 1] if line.startswith((":", "-")) else line for line in out[first:]]
        if fixed != out:
            self.losses.append(Loss(path, f"{len(fixed)} lines", 'a line starting with ":" or "-" shifted by a space '
                                    "(DOMAIN §8.8)"))
        return "\n".join(fixed)

    def reference(self, value: str, path: str) -> str:
        """A `:20:`/`:21:` reference (16x) that keeps the T26 slash rule: no `/` at either end, no `//`."""
        text = self.text(value, path, length=16)
        fixed = text
        while "//" in fixed:
            fixed = fixed.replace("//", "/")
        fixed = fixed.strip("/") or "NONREF"
        if fixed != text:
            self.losses.append(Loss(path, fixed, 'T26: a reference neither starts nor ends with "/" nor holds "//": '
                                    "slashes removed"))
        return fixed

    def fail(self, path: str, message: str) -> None:
        self.issues.append(Issue(code="FF01", rule="mt9.render", path=path, message=message))


def _to_x_set(value: str) -> str:
    """X-set text (line breaks kept as \\n): transliterated where a letter decomposes (é -> e), else `.`."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if all(char in X_SET or char == "\n" for char in text):
        return text
    out = []
    for char in text:
        if char in X_SET or char == "\n":
            out.append(char)
        elif char in _TRANSLITERATION:
            out.append(_TRANSLITERATION[char])
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", char) if c in X_SET) or ".")
    return "".join(out)


def entry_fields(entry: Entry, position: int, kind: str, currency: str, closing: Balance,
                  writer: TextWriter) -> Fields:
    path = f":61:[{position}]"
    value_date = entry.value_date or entry.booking_date or closing.date
    if entry.value_date is None:
        writer.losses.append(Loss(f"{path}/value date", value_date.isoformat(), "the entry has no value date; :61: "
                                  "needs one: the booking date or the statement date is used"))
    booking = ""
    if entry.booking_date is not None:
        booking = entry.booking_date.strftime("%m%d")
        if entry_date(value_date, booking) != entry.booking_date:
            writer.losses.append(Loss(f"{path}/entry date", booking, "the booking date is too far from the value "
                                      "date for its year to be inferred from MMDD"))
    mark = ("RD" if entry.credit else "RC") if entry.reversal else ("C" if entry.credit else "D")
    funds = entry.funds_code or ""
    if funds and _FUNDS_CODE.fullmatch(funds) is None:
        writer.losses.append(Loss(f"{path}/funds code", "", f"the funds code {funds!r} is not one letter"))
        funds = ""
    try:
        amount = format_amount(entry.amount.value, currency)
    except ValueError as exc:
        writer.fail(path, f"entry {position}: the amount cannot be written as 15d: {exc}")
        amount = "0,"
    code = entry.bank_transaction_code or DEFAULT_TRANSACTION_TYPE
    if _TRANSACTION_TYPE.fullmatch(code) is None:
        writer.losses.append(Loss(f"{path}/transaction type", DEFAULT_TRANSACTION_TYPE,
                                  f"the code {code!r} is not 1!a3!c (S + message type, N or F + code)"))
        code = DEFAULT_TRANSACTION_TYPE
    servicer = _servicer_reference(entry, path, writer)
    owner = _owner_reference(entry, path, writer, servicer is not None)
    line = f"{format_yymmdd(value_date)}{booking}{mark}{funds}{amount}{code}{owner}"
    if servicer:
        line += f"//{servicer}"
    details = writer.text(entry.additional_info, f"{path}/supplementary details", length=34,
                          starts_line=True) if entry.additional_info else ""
    if details:
        line += "\n" + details
    fields: Fields = [("61", line)]
    information = _entry_information(entry, path, writer)
    if information is not None:
        if kind == "940":
            text = writer.text(information, f":86:[{position}]", length=65, lines=6)
            if text:
                fields.append(("86", text))
        else:
            writer.losses.append(Loss(f":86:[{position}]", "", "MT950 has no :86: information to the account owner"))
    _entry_losses(entry, path, writer)
    return fields


def _owner_reference(entry: Entry, path: str, writer: TextWriter, servicer_follows: bool) -> str:
    reference = entry.account_owner_reference
    if reference is None:
        return NO_REFERENCE
    text = writer.text(reference, f"{path}/reference", length=16)
    fixed = text
    while "//" in fixed:
        fixed = fixed.replace("//", "/")
    if servicer_follows:
        fixed = fixed.rstrip("/")
    if fixed != text:
        writer.losses.append(Loss(f"{path}/reference", fixed, '"//" separates the servicer\'s reference: slashes '
                                  "removed"))
    return fixed or NO_REFERENCE


def _servicer_reference(entry: Entry, path: str, writer: TextWriter) -> str | None:
    reference = entry.account_servicer_reference
    if not reference:
        return None
    return writer.text(reference, f"{path}/servicer reference", length=16) or None


def _entry_information(entry: Entry, path: str, writer: TextWriter) -> str | None:
    """The :86: text: `information`, else the unstructured remittance; what neither holds is a loss."""
    remittance = entry.remittance
    information = entry.information or None
    if remittance is None:
        return information
    flat = (information or "").replace("\n", "")
    if information is None and remittance.unstructured:
        information = "\n".join(remittance.unstructured)
        flat = information
    if any(line not in flat for line in remittance.unstructured):
        writer.losses.append(Loss(f"{path}/remittance", "", "the unstructured remittance is not part of :86:"))
    if remittance.structured:
        writer.losses.append(Loss(f"{path}/remittance", "", "structured remittance has no place in MT940"))
    return information


def _entry_losses(entry: Entry, path: str, writer: TextWriter) -> None:
    if entry.status != "BOOK":
        writer.losses.append(Loss(f"{path}/status", "BOOK", f"MT940 lists booked entries; status {entry.status} "
                                  "is not carried"))
    if entry.entry_reference:
        writer.losses.append(Loss(f"{path}/entry reference", "", "MT :61: has no entry reference"))
    if entry.end_to_end_id and entry.end_to_end_id != entry.account_owner_reference and not (
            entry.information and entry.end_to_end_id in entry.information.replace("\n", "")):
        writer.losses.append(Loss(f"{path}/end-to-end id", "", "MT :61: has no end-to-end id (only the owner's "
                                  "reference)"))

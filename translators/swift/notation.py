"""The SWIFT MT format notation engine: one compiled matcher per notation (DOMAIN §1.4).

Notation (SWIFT User Handbook, "Standards MT General Information", field formats):

    n digits   a letters A-Z   c letters A-Z and digits   h hex digits 0-9 A-F
    x X set    y Y set         z Z set (X plus = ! " % & * < > ; { @ # _ and line breaks)
    e space    d digits with one mandatory decimal comma, counted in the length
    16x  1 to 16 characters     3!a  exactly 3      3..5n  3 to 5
    4*35x  1 to 4 lines of 1 to 35 characters       4*(1!n/33x)  1 to 4 lines, each of that form
    [ ]  optional part (nestable)                    / // , :  literal characters
    $    a line break between two parts (our convention, as in prowide-core's patterns)

`4!a2!a2!c[3!c]` (a BIC) is one component. `Notation.match(value)` takes the field
value with lines joined by `\\n` and returns one component per value part (literals
give none; an absent optional part gives None), or a `NotationError` saying which part
failed, where (line and character of the field) and why.

Speed: each notation compiles once (cached) to one regular expression; a valid value
costs one `fullmatch`. Only a value that does not match goes through the slower
explaining walker, which backtracks like the regex (optional parts are tried present
first, variable parts longest first: `[/34x]` before `4*35x` takes a first line that
starts with `/`, as SWIFT means) and reports the failure that got furthest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Final

from translators.swift.notation_explain import Explainer
from translators.swift.notation_syntax import (
    BIC_NOTATION,
    CHARSETS,
    X_SET,
    Y_SET,
    Z_SET,
    Atom,
    Category,
    Item,
    LineBreak,
    Lines,
    LiteralText,
    NotationError,
    NotationReader,
    OptionalPart,
    display_char,
)
from translators.swift.values import CENTURY_PIVOT, format_amount, format_yymmdd, parse_amount, parse_yymmdd

__all__ = [
    "BIC_NOTATION",
    "CENTURY_PIVOT",
    "CHARSETS",
    "X_SET",
    "Y_SET",
    "Z_SET",
    "Category",
    "Kind",
    "Notation",
    "NotationError",
    "compile_notation",
    "display_char",
    "format_amount",
    "format_yymmdd",
    "parse_amount",
    "parse_yymmdd",
]

Kind = str   # "text", "date", "currency", "amount", "bic", or a field-specific kind from the table
_CLASSES: Final = {
    "n": "0-9", "a": "A-Z", "c": "A-Z0-9", "h": "0-9A-F", "e": " ", "d": "0-9,",
    "x": r"A-Za-z0-9/\-?:().,'+ ",
    "y": r"A-Z0-9 .,\-()/='+:?!\"%&*;<>",
    "z": r"A-Za-z0-9/\-?:().,'+ =!\"%&*<>;{@#_\n",
}

# --- compiling to a regular expression ----------------------------------------------------------

def _atom_regex(atom: Atom) -> str:
    if atom.charset == "bic":
        return "[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?"
    if atom.charset == "d":   # at most `high` digits and commas in a row, exactly one comma, a digit before it
        return f"(?=[0-9,]{{1,{atom.high}}}(?![0-9,]))[0-9]+,[0-9]*"
    quantity = f"{{{atom.low}}}" if atom.low == atom.high else f"{{{atom.low},{atom.high}}}"
    return f"[{_CLASSES[atom.charset]}]{quantity}"


def _regex(items: tuple[Item, ...], capture: bool = True) -> str:
    parts: list[str] = []
    for item in items:
        if isinstance(item, Atom):
            parts.append(f"({_atom_regex(item)})" if capture else f"(?:{_atom_regex(item)})")
        elif isinstance(item, LiteralText):
            parts.append(re.escape(item.text))
        elif isinstance(item, LineBreak):
            parts.append(r"(?<=[^\n])\n")                       # never after an empty line
        elif isinstance(item, OptionalPart):
            parts.append(f"(?:{_regex(item.items, capture)})?")
        else:
            line = _atom_regex(item.line) if isinstance(item.line, Atom) else _regex(item.line, capture=False)
            body = f"(?:{line})(?:\\n(?:{line})){{0,{item.count - 1}}}"
            parts.append(f"({body})" if capture else f"(?:{body})")
    return "".join(parts)


def _flatten(items: tuple[Item, ...]) -> list[Atom | Lines]:
    found: list[Atom | Lines] = []
    for item in items:
        if isinstance(item, Atom | Lines):
            found.append(item)
        elif isinstance(item, OptionalPart):
            found.extend(_flatten(item.items))
    return found


def _kinds(parts: list[Atom | Lines]) -> tuple[Kind, ...]:
    """Semantic kinds the structure implies: 6!n a date, 3!a before a `d` a currency, `d` an amount."""
    kinds: list[Kind] = []
    for position, part in enumerate(parts):
        kind = "text"
        if isinstance(part, Atom):
            following = parts[position + 1] if position + 1 < len(parts) else None
            if part.charset == "bic":
                kind = "bic"
            elif part.charset == "d":
                kind = "amount"
            elif part.charset == "n" and part.low == part.high == 6:
                kind = "date"
            elif (part.charset == "a" and part.low == part.high == 3
                  and isinstance(following, Atom) and following.charset == "d"):
                kind = "currency"
        kinds.append(kind)
    return tuple(kinds)


class Notation:
    """A compiled notation: `match(value)` gives the components or a `NotationError`."""

    __slots__ = ("_items", "_regex", "components", "kinds", "parts", "text")

    def __init__(self, text: str) -> None:
        reader = NotationReader(text)
        items = reader.items("")
        if reader.pos != len(text):
            raise reader.fail("unexpected character")
        self.text = text
        self._items = items
        self._regex = re.compile(_regex(items))
        flat = _flatten(items)
        self.parts: tuple[str, ...] = tuple(part.text for part in flat)
        self.components = len(flat)
        self.kinds: tuple[Kind, ...] = _kinds(flat)

    def __repr__(self) -> str:
        return f"Notation({self.text!r})"

    def fits(self, value: str) -> bool:
        """Whether `value` fits the notation (what `match` decides, without building the components)."""
        return self._regex.fullmatch(value) is not None

    @property
    def fullmatch(self) -> Callable[[str], re.Match[str] | None]:
        """The compiled notation's `fullmatch`: `fits` for many values at once (`map`, no call per value)."""
        return self._regex.fullmatch

    def match(self, value: str) -> list[str | None] | NotationError:
        """The components of `value` (lines joined by `\\n`), in order, or why it does not fit."""
        found = self._regex.fullmatch(value)
        if found is not None:
            return list(found.groups())
        return Explainer(self.text, self._items, value).explain()


@cache
def compile_notation(spec: str) -> Notation:
    """The compiled notation for `spec` (cached); ValueError for a notation that is not well formed."""
    return Notation(spec)

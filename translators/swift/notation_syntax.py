"""The SWIFT format notation as data: character sets, the parsed parts of a notation, and errors.

See `notation.py` for the notation itself (SWIFT User Handbook, Standards MT General
Information, field formats; DOMAIN §1.4). This module holds what the compiler and
the explaining walker share: the X, Y and Z character sets, the parts a notation
reads into (`Atom`, `LiteralText`, `LineBreak`, `OptionalPart`, `Lines`), the reader,
and `NotationError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

X_SET: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
Y_SET: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/='+:?!\"%&*;<>")
Z_SET: Final = X_SET | frozenset("=!\"%&*<>;{@#_\n")
CHARSETS: Final[dict[str, frozenset[str]]] = {
    "n": frozenset("0123456789"),
    "a": frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "c": frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    "h": frozenset("0123456789ABCDEF"),
    "x": X_SET,
    "y": Y_SET,
    "z": Z_SET,
    "e": frozenset(" "),
    "d": frozenset("0123456789,"),
}
BIC_NOTATION: Final = "4!a2!a2!c[3!c]"
SPECIALS: Final = frozenset("[]$()*0123456789")

Category = Literal["syntax", "amount", "bic"]
Kind = str   # "text", "date", "currency", "amount", "bic", or a field-specific kind from the table


def display_char(char: str) -> str:
    """A character for an issue message: `"&"`, or `U+00E9` / `byte 0xE9` for what is not printable ASCII."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:                     # an undecodable byte kept by surrogateescape
        return f"byte 0x{code - 0xDC00:02X}"
    if 32 <= code < 127:
        return f'"{char}"'
    return f"U+{code:04X}"


@dataclass(frozen=True, slots=True)
class NotationError:
    """Why a value does not fit its notation: part, 1-based line and character in the field, reason."""

    part: str
    line: int
    column: int
    reason: str
    swift_code: str | None = None
    category: Category = "syntax"
    component: int | None = None

    def __str__(self) -> str:
        code = f"{self.swift_code}: " if self.swift_code else ""
        return f"{code}{self.reason} (line {self.line}, character {self.column}, format {self.part})"


# --- the parsed notation ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Atom:
    charset: str          # n a c h x y z e d, or "bic"
    low: int
    high: int
    text: str
    index: int            # component index


@dataclass(frozen=True, slots=True)
class LiteralText:
    text: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


@dataclass(frozen=True, slots=True)
class OptionalPart:
    items: tuple[Item, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Lines:
    count: int
    line: Atom | tuple[Item, ...]      # an atom per line, or a sub-notation per line
    text: str
    index: int


Item = Atom | LiteralText | LineBreak | OptionalPart | Lines


class NotationReader:
    """Recursive-descent reader of a notation string into items."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.pos = 0
        self.components = 0

    def fail(self, why: str) -> ValueError:
        return ValueError(f"bad notation {self.spec!r} at {self.pos}: {why}")

    def number(self) -> int:
        start = self.pos
        while self.pos < len(self.spec) and self.spec[self.pos].isdigit():
            self.pos += 1
        if start == self.pos:
            raise self.fail("expected a number")
        return int(self.spec[start:self.pos])

    def charset(self) -> str:
        if self.pos >= len(self.spec) or self.spec[self.pos] not in CHARSETS:
            raise self.fail("expected a character set letter")
        self.pos += 1
        return self.spec[self.pos - 1]

    def items(self, stop: str) -> tuple[Item, ...]:
        found: list[Item] = []
        while self.pos < len(self.spec) and self.spec[self.pos] not in stop:
            found.append(self.item())
        return tuple(found)

    def item(self) -> Item:
        spec, start = self.spec, self.pos
        char = spec[start]
        if spec.startswith(BIC_NOTATION, start):
            self.pos += len(BIC_NOTATION)
            self.components += 1
            return Atom("bic", 8, 11, BIC_NOTATION, self.components - 1)
        if char == "[":
            self.pos += 1
            inner = self.items("]")
            if self.pos >= len(spec):
                raise self.fail("unclosed [")
            self.pos += 1
            return OptionalPart(inner, spec[start:self.pos])
        if char == "$":
            self.pos += 1
            return LineBreak()
        if char.isdigit():
            return self.sized(start)
        if char in SPECIALS:
            raise self.fail(f"unexpected {char!r}")
        while self.pos < len(spec) and spec[self.pos] not in SPECIALS:
            self.pos += 1
        return LiteralText(spec[start:self.pos])

    def sized(self, start: int) -> Item:
        first = self.number()
        spec = self.spec
        if spec.startswith("*", self.pos):
            self.pos += 1
            index = self.components
            self.components += 1
            if spec.startswith("(", self.pos):
                self.pos += 1
                saved = self.components
                inner = self.items(")")
                self.components = saved              # the lines are one component
                if self.pos >= len(spec):
                    raise self.fail("unclosed (")
                self.pos += 1
                return Lines(first, inner, spec[start:self.pos], index)
            width = self.number()
            charset = self.charset()
            return Lines(first, Atom(charset, 1, width, f"{width}{charset}", index), spec[start:self.pos], index)
        if spec.startswith("!", self.pos):
            self.pos += 1
            low = high = first
        elif spec.startswith("..", self.pos):
            self.pos += 2
            low, high = first, self.number()
        else:
            low, high = 1, first
        charset = self.charset()
        self.components += 1
        return Atom(charset, low, high, spec[start:self.pos], self.components - 1)

"""Explaining why a value does not fit its notation: which part, where, and why (DOMAIN §1.4).

Only a value the compiled regular expression rejects comes here. The walker
backtracks over the parts the way the regular expression does (optional parts present
first, variable parts longest first) and keeps the failure that got furthest into
the value, preferring specific reasons ("36 characters where at most 35",
'character "&" is not in the X set', "line 5 of at most 4") to generic ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from translators.swift.notation_syntax import (
    CHARSETS,
    Atom,
    Category,
    Item,
    LineBreak,
    Lines,
    LiteralText,
    NotationError,
    OptionalPart,
    display_char,
)

_NAMES: Final = {   # singular, plural
    "n": ("digit", "digits"), "a": ("letter A-Z", "letters A-Z"), "c": ("letter or digit", "letters or digits"),
    "h": ("hexadecimal digit", "hexadecimal digits"), "e": ("space", "spaces"),
}
_SET_LABEL: Final = {"x": "the X set", "y": "the Y set", "z": "the Z set"}
_STEP_BUDGET: Final = 20_000
_LOW, _MEDIUM, _HIGH = 0, 1, 2


class Explainer:
    """Backtracking walk over the items that records the failure that got furthest into the value."""

    def __init__(self, text: str, items: tuple[Item, ...], value: str) -> None:
        self.text = text
        self.items = items
        self.value = value
        self.steps = 0
        self.best: tuple[int, int, str, str, str | None, Category, int | None] | None = None

    def record(self, pos: int, priority: int, reason: str, part: str, swift_code: str | None = None,
               category: Category = "syntax", component: int | None = None) -> None:
        if self.best is None or (pos, priority) > (self.best[0], self.best[1]):
            self.best = (pos, priority, reason, part, swift_code, category, component)

    def explain(self) -> NotationError:
        value = self.value
        if not value:
            return NotationError(self.text, 1, 1, "the field is empty", "T34")
        for end in self.sequence(self.items, 0, 0):
            if end == len(value):       # the regex and the walker disagree: should not happen
                return NotationError(self.text, 1, 1, f"the value does not fit {self.text}")
            following = value[end]
            if following == "\n":
                self.record(end + 1, _LOW, "one line too many for the format", self.text, "T34")
            else:
                self.record(end, _LOW, f"unexpected {display_char(following)} after the last part",
                            self.text, "T34")
            if self.steps > _STEP_BUDGET:
                break
        if self.best is None:
            return NotationError(self.text, 1, 1, f"the value does not fit {self.text}", "T34")
        pos, _, reason, part, swift_code, category, component = self.best
        line = value.count("\n", 0, pos) + 1
        column = pos - (value.rfind("\n", 0, pos) + 1) + 1
        return NotationError(part, line, column, reason, swift_code, category, component)

    def sequence(self, items: tuple[Item, ...], index: int, pos: int) -> Iterator[int]:
        self.steps += 1
        if index == len(items) or self.steps > _STEP_BUDGET:
            yield pos
            return
        for end in self.item(items[index], pos):
            yield from self.sequence(items, index + 1, end)

    def item(self, item: Item, pos: int) -> Iterator[int]:
        value = self.value
        if isinstance(item, Atom):
            yield from self.atom(item, pos)
        elif isinstance(item, LiteralText):
            if value.startswith(item.text, pos):
                yield pos + len(item.text)
            else:
                found = f", found {display_char(value[pos])}" if pos < len(value) else ", the field ends"
                self.record(pos, _MEDIUM, f'expected "{item.text}"{found}', item.text, "T34")
        elif isinstance(item, LineBreak):
            if pos < len(value) and value[pos] == "\n" and pos > 0 and value[pos - 1] != "\n":
                yield pos + 1
            elif pos >= len(value):
                self.record(pos, _LOW, "expected another line, the field ends", "$", "T34")
            else:
                self.record(pos, _LOW, f"expected a new line, found {display_char(value[pos])}", "$", "T34")
        elif isinstance(item, OptionalPart):
            yield from self.sequence(item.items, 0, pos)
            yield pos
        else:
            yield from self.lines(item, pos)

    def run(self, charset: frozenset[str], pos: int) -> int:
        value, end = self.value, pos
        while end < len(value) and value[end] in charset:      # only the Z set holds "\n"
            end += 1
        return end

    def atom(self, atom: Atom, pos: int, part: str | None = None) -> Iterator[int]:
        part = part or atom.text
        if atom.charset == "d":
            yield from self.amount(atom, pos)
            return
        if atom.charset == "bic":
            yield from self.bic(atom, pos)
            return
        value, charset = self.value, CHARSETS[atom.charset]
        end = self.run(charset, pos)
        length = end - pos
        stop = value[end] if end < len(value) and value[end] != "\n" else None
        if stop is not None and atom.charset in _SET_LABEL:
            self.record(end, _MEDIUM, f"character {display_char(stop)} is not in {_SET_LABEL[atom.charset]}",
                        part, "T34", component=atom.index)
        if length > atom.high:
            fixed = "exactly" if atom.low == atom.high else "at most"
            self.record(pos + atom.high, _HIGH, f"{length} characters where {fixed} {atom.high} are allowed",
                        part, "T33", component=atom.index)
        if length < atom.low:
            if not length and stop is None and end < len(value):
                self.record(end, _MEDIUM, "the line is empty", part, "T34", component=atom.index)
                return
            wanted = f"{atom.low}" if atom.low == atom.high else f"at least {atom.low}"
            noun = _NAMES.get(atom.charset, ("character", "characters"))[atom.low != 1]
            found = (f", found {display_char(stop)}" if stop is not None
                     else (f", found {length}" if length else ", the field ends"))
            self.record(end, _MEDIUM, f"expected {wanted} {noun}{found}", part, "T34", component=atom.index)
            return
        for length_taken in range(min(length, atom.high), atom.low - 1, -1):
            yield pos + length_taken

    def amount(self, atom: Atom, pos: int) -> Iterator[int]:
        value = self.value
        end = self.run(CHARSETS["d"], pos)
        text = value[pos:end]
        stop = value[end] if end < len(value) and value[end] != "\n" else None

        def fail(at: int, reason: str, code: str) -> None:
            self.record(at, _HIGH, reason, atom.text, code, "amount", atom.index)

        if not text:
            found = f", found {display_char(stop)}" if stop else ""
            fail(pos, f"expected an amount{found}", "T40")
        elif "," not in text:
            fail(end, "the amount has no decimal comma" + (f", found {display_char(stop)}" if stop == "." else ""),
                 "T40")
        elif text.startswith(","):
            fail(pos, "the amount needs at least one digit before the decimal comma", "T40")
        elif text.count(",") > 1:
            fail(pos + text.index(",", text.index(",") + 1), "the amount has more than one decimal comma", "T40")
        elif len(text) > atom.high:
            fail(pos + atom.high, f"the amount has {len(text)} characters where at most {atom.high} are allowed "
                 "(decimal comma included)", "T43")
        else:
            yield end

    def bic(self, atom: Atom, pos: int) -> Iterator[int]:
        end = self.run(CHARSETS["c"], pos)
        text = self.value[pos:end]
        stop = self.value[end] if end < len(self.value) and self.value[end] != "\n" else None

        def fail(at: int, reason: str) -> None:
            self.record(at, _HIGH, reason, atom.text, "T27", "bic", atom.index)

        if stop is not None and len(text) in (8, 11):
            fail(end, f"a BIC is followed by the end of its line, found {display_char(stop)}")
        if len(text) not in (8, 11):
            found = f" (stopped at {display_char(stop)})" if stop is not None else ""
            fail(pos, f"a BIC has 8 or 11 letters and digits, found {len(text)}{found}")
        elif not text[:6].isalpha():
            fail(pos, "the first 6 characters of a BIC are letters (bank and country code)")
        else:
            yield end

    def lines(self, lines: Lines, pos: int) -> Iterator[int]:
        value = self.value
        ends: list[int] = []
        cursor = pos
        for number in range(1, lines.count + 1):
            line_end = value.find("\n", cursor)
            line_end = len(value) if line_end < 0 else line_end
            if isinstance(lines.line, Atom):
                fits = line_end in set(self.atom(lines.line, cursor, lines.text))
            else:
                fits = line_end in set(self.sequence(lines.line, 0, cursor))
            if not fits:
                break
            ends.append(line_end)
            if line_end >= len(value):
                break
            if number == lines.count:
                self.record(line_end + 1, _HIGH, f"line {number + 1} of at most {lines.count}", lines.text, "T33",
                            component=lines.index)
            cursor = line_end + 1
        yield from reversed(ends)

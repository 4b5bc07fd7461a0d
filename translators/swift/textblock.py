"""Splitting a text block (block 4, or a bare text block) into fields, in one pass (DOMAIN §1.4, §8.6-8.8).

A field starts where a line starts with `:` + 2 digits + an optional letter + `:`.
Everything up to the line end before the next field (or the end of the block) is its
value; inner line ends become `\\n` in `Field.value` and stay as they were in
`Field.raw`. A line inside a field that starts with `:` or `-` is reported: SWIFT would
read it as a new field or as the end of the text (T13), and text before the first field
is reported too. The split is one `re.split` over the block (no match objects), so a
statement of 100,000 lines costs a few hundred milliseconds at most.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate, compress, repeat
from typing import Final

from schemas.issues import Issue
from translators.swift.model import Field, swift_issue

_issue = swift_issue

_FIELD_SPLIT: Final = re.compile(r"(?:\r\n|\n|\r):([0-9]{2}[A-Z]?):")
# The same split for a block whose line ends are all alike: a literal prefix the regex engine searches fast.
_FIELD_SPLIT_BY_END: Final = {end: re.compile(re.escape(end) + r":([0-9]{2}[A-Z]?):") for end in ("\r\n", "\n", "\r")}
_FIELD_AT: Final = re.compile(r":([0-9]{2}[A-Z]?):")
_new = tuple.__new__          # builds a Field without the NamedTuple's Python-level __new__ (hot path)


def _line_issues(field: Field) -> list[Issue]:
    issues = []
    for number, line in enumerate(field.value.split("\n")[1:], start=2):
        if line.startswith((":", "-")):
            meaning = "a new field" if line.startswith(":") else "the end of the text block"
            issues.append(_issue("mt.text_block", f'T13: line {number} of field :{field.tag}: starts with "{line[0]}"; '
                                 f"SWIFT would read it as {meaning}", f":{field.tag}:/line {number}"))
    return issues


def split_fields(text: str, start: int, end: int, line: int, newline: str | None,
                 count_ends: Callable[[int, int], int], *,
                 line_end: str | None = None) -> tuple[list[Field], list[tuple[int, Issue]]]:
    """The fields of `text[start:end]` and issues as `(field index, issue)` pairs (index -1 for text
    before the first field).

    `line` is the 1-based line of `start` in the file; `newline` is the one character every
    line end of the file holds (`\\n` for LF and CRLF files, `\\r` for CR-only ones), or None
    for files mixing them, where `count_ends(a, b)` counts the line ends of `text[a:b]`. `line_end`
    is the line end every line of the file has (`SourceText.line_end`), None when unknown or mixed.
    """
    fields: list[Field] = []
    issues: list[tuple[int, Issue]] = []
    block = text if start == 0 and end == len(text) else text[start:end]
    splitter = _FIELD_SPLIT_BY_END[line_end] if line_end is not None else _splitter(text, start, end)
    parts = splitter.split(block)
    leading = parts[0]
    first = _FIELD_AT.match(leading)
    if first is not None:                           # a block starting right at a field (bare text blocks)
        _append(fields, issues, first.group(1), leading[first.end():], line, column_of(text, start, newline))
        line += _ends(leading, newline)
    elif leading.strip():
        offset = len(leading) - len(leading.lstrip())
        at = start + offset
        column = column_of(text, at, newline)
        issues.append((-1, _issue("mt.text_block", "T13: text before the first field; a text block starts "
                                  "with a :TAG: field", f"line {line + count_ends(start, at)}, column {column}")))
        line += _ends(leading, newline)
    else:
        line += _ends(leading, newline)
    tags, bodies = parts[1::2], parts[2::2]
    plain = line_end == "\n" or (line_end is None and "\r" not in block)     # every value is its body
    values = bodies if plain else [body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
                                   for body in bodies]
    # Each field starts on the line after the previous one's last line: line numbers are running sums.
    first_line = len(fields)
    inner_ends = [value.count("\n") for value in values]
    lines = accumulate([ends + 1 for ends in inner_ends], initial=line + 1)
    raws = [f":{tag}:{body}" for tag, body in zip(tags, bodies, strict=True)]
    fields.extend(map(_new, repeat(Field), zip(tags, values, raws, lines, repeat(1))))
    for index in compress(range(first_line, len(fields)), inner_ends):      # T13 needs a second line
        field = fields[index]
        value = field.value
        if "\n:" in value or "\n-" in value:
            issues.extend((index, issue) for issue in _line_issues(field))
    return fields, issues


def _splitter(text: str, start: int, end: int) -> re.Pattern[str]:
    """`_FIELD_SPLIT`, or its literal twin when every line end of the block is the same (LF, CRLF or CR)."""
    cr, lf = text.count("\r", start, end), text.count("\n", start, end)
    if not cr:
        return _FIELD_SPLIT_BY_END["\n"]
    if not lf:
        return _FIELD_SPLIT_BY_END["\r"]
    if cr == lf == text.count("\r\n", start, end):
        return _FIELD_SPLIT_BY_END["\r\n"]
    return _FIELD_SPLIT


def column_of(text: str, offset: int, newline: str | None) -> int:
    """1-based column of an offset; `newline` as in `split_fields` (the search then stops at the nearest one)."""
    if newline is not None:
        return offset - text.rfind(newline, 0, offset)
    return offset - max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))


def _ends(chunk: str, newline: str | None) -> int:
    if newline is not None:
        return chunk.count(newline)
    return chunk.count("\n") + chunk.count("\r") - chunk.count("\r\n")


def _append(fields: list[Field], issues: list[tuple[int, Issue]], tag: str, body: str, line: int,
            column: int) -> None:
    value = body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
    field = Field(tag, value, f":{tag}:{body}", line, column)
    if "\n:" in value or "\n-" in value:
        issues.extend((len(fields), issue) for issue in _line_issues(field))
    fields.append(field)

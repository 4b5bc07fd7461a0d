"""Bare text blocks: `:20:...` fields without the `{1:}`...`{4:` envelope (the common MT940 download).

A file without any `{1:` is a run of text blocks, each ended by a line holding `-`
or `-}`, by the next `:20:` (a statement without terminator) or by the end of the
file (DOMAIN §1.8, §8.6). Each becomes a `FinMessage` with `headerless=True`; its
type is the caller's (`message_type`) or inferred from its tags
(`model.infer_message_type`). Text that holds no field stays between messages and is
reported as stray text by `blocks.parse`.
"""

from __future__ import annotations

import re
from typing import Final

from schemas.issues import Issue
from translators.swift.model import FinMessage, swift_issue
from translators.swift.source import BOM, SEPARATOR_CHARS, SourceText, line_end_before, strip_separators
from translators.swift.textblock import split_fields

_issue = swift_issue

_BARE_END: Final = re.compile(r"(?:\r\n|\n|\r)-\}?[ \t]*(?=\r\n|\n|\r|$)")
_NEXT_REFERENCE: Final = re.compile(r"(?:\r\n|\n|\r):20:")      # where a bare block without "-" starts the next


def bare_end(lines: SourceText, start: int) -> tuple[int, int] | None:
    """Start (its line end) and end of the first `-` or `-}` line after `start` (a bare block's end)."""
    text, newline = lines.text, lines.newline
    if newline is None:                              # mixed line ends: the regex, slower
        found = _BARE_END.search(text, start)
        return (found.start(), found.end()) if found is not None else None
    pos = start
    while True:
        at = text.find(newline + "-", pos)
        if at < 0:
            return None
        terminator = _BARE_END.match(text, at - 1 if text.startswith("\r\n", at - 1) else at)
        if terminator is not None:
            return terminator.start(), terminator.end()
        pos = at + 2


def parse_bare(lines: SourceText, message_type: str | None, max_messages: int, issues: list[Issue],
               first_index: int = 0) -> tuple[list[FinMessage], list[str], bool]:
    """Bare text blocks: `:20:...` fields, each block ended by a `-`/`-}` line, the next `:20:` or the end."""
    text = lines.text
    messages: list[FinMessage] = []
    separators: list[str] = []
    gap_start = pos = 0
    line, counted_to = lines.first_line, 0
    while True:
        start = pos
        while start < len(text) and (text[start] in SEPARATOR_CHARS or (start == 0 and text[0] == BOM)):
            start += 1
        if start >= len(text):
            break
        terminator = bare_end(lines, start)
        body_end = terminator[0] if terminator is not None else strip_separators(text, start, len(text))
        chunk_end = terminator[1] if terminator is not None else body_end
        line += lines.count_ends(counted_to, start)
        counted_to = start
        fields, found = split_fields(text, start, body_end, line, lines.newline, lines.count_ends,
                                     line_end=lines.line_end)
        pos = max(chunk_end, start + 1)
        if not fields:
            continue                                 # not a message: stays in the gap, reported as stray text
        cuts = [number for number, field in enumerate(fields) if field.tag == "20" and number > 0]
        bounds = list(zip([0, *cuts], [*cuts, len(fields)], strict=True))
        later = _NEXT_REFERENCE.finditer(text, start + 1, body_end)
        offsets = dict(zip(cuts, (found_at.end() - 4 for found_at in later), strict=False))   # colons of later :20:
        for first_field, after_last in bounds:
            if len(messages) >= max_messages:
                issues.append(_issue("mt.limit", f"the file holds more than {max_messages} messages; the rest is "
                                     "not read", lines.at(start)))
                separators.append(text[gap_start:])
                return messages, separators, True
            first = start if first_field == 0 else offsets[first_field]
            last = chunk_end if after_last == len(fields) else line_end_before(text, offsets[after_last])
            separators.append(text[gap_start:first])
            own = tuple(issue for number, issue in found
                        if (number == -1 and first_field == 0) or first_field <= number < after_last)
            messages.append(FinMessage(text=text[first:last], index=first_index + len(messages),
                                       start_line=line if first_field == 0 else fields[first_field].line,
                                       fields=tuple(fields[first_field:after_last]), headerless=True,
                                       declared_type=message_type, issues=own))
            gap_start = last
    separators.append(text[gap_start:])
    return messages, separators, False

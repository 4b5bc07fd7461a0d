"""The decoded text of a FIN file and its line arithmetic (DOMAIN §1.4, §8.5, §8.20).

`decode` turns bytes into text without ever failing: UTF-8 (a BOM is kept as a
character so rendering gives it back), UTF-16 with or without BOM (decoded and
reported: FIN text is ASCII), anything else kept byte for byte with
`surrogateescape` and reported with the line and column of the first bad byte.
`SourceText` counts line ends and turns offsets into lines and columns, with the
one-character fast path of files whose line ends are all LF, all CRLF or all CR.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import Final

from schemas.issues import Issue
from translators.swift.model import swift_issue

_issue = swift_issue

SEPARATOR_CHARS: Final = frozenset(" \t\r\n$\x01\x03\x1a")   # between messages (DOMAIN §8.6, §8.29)
BOM: Final = "\ufeff"
_LINE_END: Final = re.compile(r"\r\n|\n|\r")


class SourceText:
    """The decoded file with line arithmetic: counts of line ends, and (lazily) positions of offsets."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.first_line = first_line                       # line of text[0] in the whole file (streaming)
        crlf = text.count("\r\n")
        cr = text.count("\r")
        self.count_ends: Callable[[int, int], int]
        self.newline: str | None = None                    # the character every line end holds, if one does
        self.line_end: str | None = None                   # the line end every line has ("\r\n", "\n", "\r"), if alike
        if cr == crlf:                                     # LF or CRLF: every line end holds one "\n"
            self.newline = "\n"
            if not cr:
                self.line_end = "\n"
            elif text.count("\n") == crlf:
                self.line_end = "\r\n"
            self.count_ends = lambda start, end: text.count("\n", start, end)
        elif "\n" not in text:                             # CR only
            self.newline = "\r"
            self.line_end = "\r"
            self.count_ends = lambda start, end: text.count("\r", start, end)
        else:
            self.count_ends = lambda start, end: (text.count("\n", start, end) + text.count("\r", start, end)
                                                  - text.count("\r\n", start, end))
        self._starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset."""
        if self._starts is None:
            self._starts = [0, *(found.end() for found in _LINE_END.finditer(self.text))]
        index = bisect_right(self._starts, offset) - 1
        return index + self.first_line, offset - self._starts[index] + 1

    def at(self, offset: int) -> str:
        line, column = self.position(offset)
        return f"line {line}, column {column}"


def decode(data: bytes | str) -> tuple[str, str, list[Issue]]:
    if isinstance(data, str):
        return data, "text", []
    codec = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
    elif len(data) >= 2 and (data[0] == 0) != (data[1] == 0):     # "{\x001\x00": UTF-16 without BOM
        codec = "utf-16-be" if data[0] == 0 else "utf-16-le"
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            return text, codec, [_issue("mt.encoding", f"the file is {codec.upper()}; SWIFT FIN text is ASCII "
                                        "(read as UTF-16 to report on it)", "file")]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", "surrogateescape")
        bad = sum(1 for char in text if "\udc80" <= char <= "\udcff")
        line, column = SourceText(text).position(len(data[:error.start].decode("utf-8", "surrogateescape")))
        return text, "utf-8", [_issue("mt.encoding", f"{bad} byte(s) are not UTF-8, the first at line {line}, "
                                      f"column {column}; SWIFT FIN text is ASCII", f"line {line}, column {column}")]


def strip_separators(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in SEPARATOR_CHARS:
        end -= 1
    return end



def line_end_before(text: str, offset: int) -> int:
    """The offset of the line end just before a field's leading colon."""
    return offset - 2 if text.startswith("\r\n", offset - 2) else offset - 1


def strip_line_ends(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in "\r\n":
        end -= 1
    return end

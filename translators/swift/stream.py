"""Streaming a big FIN file: one message at a time, bounded memory (STYLE rule 18; DOMAIN §8.6).

`iter_parse` reads byte chunks (a file opened in binary mode is an iterable of lines;
`iter(lambda: f.read(1 << 20), b"")` reads fixed-size chunks) and yields one `FinFile`
per message, or per bare text block, with the separator text that follows it, lines and
message indexes counted as in the whole file. Rendering the pieces in order gives the
input back byte for byte, so a caller may stream, validate and store each piece.

Pieces are cut where a message starts: at every `{1:` of a file of FIN messages (a `{`
never occurs inside a valid message other than at a block start, and the cut is at an
ASCII character, so no UTF-8 sequence is split), and at every line starting with `:20:`
in a file of bare text blocks. Limits: a piece larger than `max_message_bytes` without a
cut is yielded unparsed with an `mt.limit` issue; past `max_messages` the stream stops
with an `mt.limit` issue. UTF-16 input, which cannot be cut on bytes, is read whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Final

from translators.swift.blocks import DEFAULT_MAX_MESSAGES, parse
from translators.swift.model import FinFile, swift_issue

_issue = swift_issue

DEFAULT_MAX_MESSAGE_BYTES: Final = 64 * 1024 * 1024   # one bare statement of ~500,000 lines
_SNIFF: Final = 64 * 1024
_ENVELOPED_CUT: Final = re.compile(rb"\{1:")
_BARE_CUT: Final = re.compile(rb"(?<=[\r\n]):20:")


def _line_ends(piece: bytes) -> int:
    return piece.count(b"\n") + piece.count(b"\r") - piece.count(b"\r\n")


def _is_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) >= 2 and (head[0] == 0) != (head[1] == 0))


def iter_parse(source: Iterable[bytes], *, message_type: str | None = None,
               max_messages: int = DEFAULT_MAX_MESSAGES,
               max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> Iterator[FinFile]:
    """Yield the file one message (with its trailing separator) at a time; never raises on bad input."""
    buffer = bytearray()
    cut: re.Pattern[bytes] | None = None
    whole = False
    searched = 1                         # the buffer is searched for the next cut from here
    line, index = 1, 0
    chunks = iter(source)
    exhausted = False
    while not exhausted:
        chunk = next(chunks, None)
        if chunk is None:
            exhausted = True
        else:
            buffer += chunk
        if cut is None and not whole:
            if len(buffer) < _SNIFF and not exhausted:
                continue
            whole = _is_utf16(bytes(buffer[:4]))
            cut = _ENVELOPED_CUT if _ENVELOPED_CUT.search(buffer, 0, _SNIFF) else _BARE_CUT
        if whole:
            continue
        assert cut is not None
        while True:
            found = cut.search(buffer, searched)
            if found is None:
                searched = max(1, len(buffer) - 4)
                break
            piece = bytes(buffer[:found.start()])
            del buffer[:found.start()]
            searched = 1
            file = parse(piece, message_type=message_type, first_line=line, first_index=index)
            line, index = line + _line_ends(piece), index + len(file.messages)
            yield _without_empty(file)
            if index > max_messages:
                yield FinFile((), ("",), (_issue("mt.limit", f"the file holds more than {max_messages} messages; "
                                                 "the rest is not read", f"line {line}, column 1"),))
                return
        if len(buffer) > max_message_bytes:
            yield FinFile((), (bytes(buffer).decode("utf-8", "surrogateescape"),), (_issue(
                "mt.limit", f"more than {max_message_bytes} bytes without a message start; kept unparsed",
                f"line {line}, column 1"),))
            line += _line_ends(bytes(buffer))
            buffer.clear()
            searched = 1
    if buffer or index == 0:
        file = parse(bytes(buffer), message_type=message_type, first_line=line, first_index=index)
        yield file if index == 0 else _without_empty(file)


def _without_empty(file: FinFile) -> FinFile:
    """A piece holding only separators is not a file without messages: drop that issue."""
    if file.messages:
        return file
    kept = tuple(issue for issue in file.issues if issue.rule != "mt.no_message")
    return FinFile(file.messages, file.separators, kept, file.encoding)

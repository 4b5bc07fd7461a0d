"""The lossless block layer: bytes to `FinFile` and back, byte for byte (DOMAIN §1.1, §8.5-8.7).

`parse` never raises. It decodes (UTF-8, a BOM kept for rendering but ignored for
parsing; invalid UTF-8 is kept byte for byte with `surrogateescape` and reported;
UTF-16 is decoded and reported), accepts CRLF, LF and CR-only line ends, messages
back to back, `$`-separated RJE files, `\\x01`/`\\x03` framing, blank lines and `\\x1a`
around them. Messages are split on `{1:` (a `{` cannot occur inside a valid message
other than as a block or sub-block start, so every `{1:` starts a message and a
message cut short is reported, never swallowing the next one). A file without any
`{1:` is read as bare text blocks (`:20:...` fields, each block ended by a `-` or
`-}` line or by the next `:20:`): the common MT940 download.

What the layer reports (issue paths are `line L, column C` for positions in the
file, `block N` or `block 3/{121:}` for headers): undecodable bytes, text around
messages, truncated or unclosed blocks, unbalanced braces, a block 4 terminator
`-}` missing or not on its own line, `{`/`}` inside block 4, a line inside a field
starting with `:` or `-`, text before the first field, unknown block ids, malformed
block 1/2/3/5 (see `headers.py`). A broken message is still returned with what
could be read, and the messages after it are parsed.

`render(parse(x)) == x` for every input: the model keeps every character. New
messages are written by `format_message` in canonical form (CRLF, `{4:` CRLF fields
CRLF `-}`, block 3 in its required order). Big files stream through
`stream.iter_parse`, which cuts them into pieces and parses each with `parse`.

Sources: DOMAIN §1.1-1.4 and §8.5-8.8; the block grammar as in the SWIFT FIN User
Handbook (block identifiers, `CrLf-` end of text), cross-read with prowide-core's
`SwiftParser` (lenient block reading) and WoLpH/mt940 (bare statements), not copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from schemas.issues import Issue
from translators.swift.bare import parse_bare
from translators.swift.headers import (
    check_trailer,
    check_user_header,
    format_application_header,
    format_basic_header,
    order_user_header,
    parse_application_header,
    parse_basic_header,
    parse_tags,
)
from translators.swift.model import (
    ApplicationHeader,
    BasicHeader,
    Block,
    Field,
    FinFile,
    FinMessage,
    InputHeader,
    Tags,
    swift_issue,
)
from translators.swift.source import BOM, SEPARATOR_CHARS, SourceText, decode, strip_line_ends, strip_separators
from translators.swift.textblock import column_of, split_fields

_issue = swift_issue

DEFAULT_MAX_MESSAGES: Final = 100_000
_MESSAGE_START: Final = re.compile(r"\{1:")
_BLOCK_START: Final = re.compile(r"\{([0-9A-Z]{1,3}):")
_TOP_BLOCK: Final = re.compile(r"\{[1-5S]:")
_BRACE: Final = re.compile(r"[{}]")
_TEXT_END: Final = re.compile(r"(?:\r\n|\n|\r)-\}")
KNOWN_BLOCKS: Final = ("1", "2", "3", "4", "5", "S")
SERVICE_ACK: Final = "21"          # block 1 service id of ACK/NAK system messages (DOMAIN §1.1)


def parse(data: bytes | str, *, message_type: str | None = None, max_messages: int = DEFAULT_MAX_MESSAGES,
          first_line: int = 1, first_index: int = 0) -> FinFile:
    """Read a FIN file (one or many messages, or bare text blocks) into a lossless `FinFile`; never raises.

    `message_type` ('940', '103'...) is the type of bare text blocks, which have no block 2.
    `first_line` and `first_index` place a piece of a bigger file (see `stream.iter_parse`).
    """
    text, encoding, issues = decode(data)
    lines = SourceText(text, first_line)
    if _MESSAGE_START.search(text) is not None:
        messages, separators, capped = _enveloped(lines, max_messages, issues, first_index)
    else:
        messages, separators, capped = parse_bare(lines, message_type, max_messages, issues, first_index)
    for index, separator in enumerate(separators):
        if capped and index == len(separators) - 1:
            break
        stray = next((at for at, char in enumerate(separator) if char not in SEPARATOR_CHARS
                      and not (char == BOM and index == 0 and at == 0)), None)
        if stray is not None:
            offset = sum(len(s) for s in separators[:index]) + sum(len(m.text) for m in messages[:index]) + stray
            issues.append(_issue("mt.stray_text", "text outside any message (only blank lines, $ and the "
                                 "\\x01/\\x03/\\x1a framing characters may surround messages)", lines.at(offset)))
    if not messages:
        issues.append(_issue("mt.no_message", "the file holds no SWIFT message: no {1: basic header and no "
                             ":20: text block", "file"))
    return FinFile(tuple(messages), tuple(separators), tuple(issues), encoding)


def _enveloped(lines: SourceText, max_messages: int, issues: list[Issue],
               first_index: int) -> tuple[list[FinMessage], list[str], bool]:
    text = lines.text
    starts = [found.start() for found in _MESSAGE_START.finditer(text)]
    messages: list[FinMessage] = []
    separators: list[str] = []
    previous_end, line, counted_to = 0, lines.first_line, 0
    for index, start in enumerate(starts):
        if index >= max_messages:
            issues.append(_issue("mt.limit", f"the file holds more than {max_messages} messages; the rest is not "
                                 "read", lines.at(start)))
            separators.append(text[previous_end:])
            return messages, separators, True
        separators.append(text[previous_end:start])
        line += lines.count_ends(counted_to, start)
        counted_to = start
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        message = _message(lines, start, end, first_index + index, line)
        messages.append(message)
        previous_end = start + len(message.text)
    separators.append(text[previous_end:])
    return messages, separators, False


def _message(lines: SourceText, start: int, end: int, index: int, start_line: int) -> FinMessage:
    """One message from `{1:` up to (not including) the next `{1:`; stops after its last block."""
    text = lines.text
    issues: list[Issue] = []
    blocks: list[Block] = []
    body: tuple[int, int] | None = None              # block 4: from after "{4:" to the end of its last field
    pos = start
    while pos < end:
        if text[pos] != "{":
            following = text.find("{", pos, end)
            if following < 0 or text[pos:following].strip() or _TOP_BLOCK.match(text, following) is None:
                break
            issues.append(_issue("mt.block", "blocks must follow each other without text between them",
                                 lines.at(pos)))
            pos = following
        head = _BLOCK_START.match(text, pos, end)
        if head is None:
            issues.append(_issue("mt.block", "a block must start with {, its id and a colon", lines.at(pos)))
            break
        block_id, content_start = head.group(1), head.end()
        if block_id not in KNOWN_BLOCKS:
            issues.append(_issue("mt.block", f"unknown block id {{{block_id}:", lines.at(pos)))
        elif any(block.id == block_id for block in blocks):
            issues.append(_issue("mt.block", f"block {block_id} appears twice", lines.at(pos)))
        elif blocks and blocks[-1].id in KNOWN_BLOCKS and block_id < blocks[-1].id:
            issues.append(_issue("mt.block", f"block {block_id} after block {blocks[-1].id}: blocks go in the "
                                 "order 1, 2, 3, 4, 5", lines.at(pos)))
        if block_id == "4" and not text.startswith("{", content_start):
            content_end, body_end, pos = _text_block_end(lines, content_start, end, issues)
            body = (content_start, body_end)
        else:
            content_end, pos = _braced_block_end(lines, block_id, content_start, end, issues)
        at = head.start()
        line = start_line + lines.count_ends(start, at)
        column = column_of(text, at, lines.newline)
        blocks.append(Block(block_id, text[content_start:content_end], at - start, line, column))
    return _assemble(lines, start, pos, start_line, index, blocks, body, issues)


def _braced_block_end(lines: SourceText, block_id: str, content_start: int, end: int,
                      issues: list[Issue]) -> tuple[int, int]:
    """End of the content and of a `{id:...}` block; nested `{tag:value}` in blocks 3, 5, S and ACK texts."""
    text = lines.text
    if block_id in ("1", "2"):                       # flat blocks: the first brace decides
        close = text.find("}", content_start, end)
        opening = text.find("{", content_start, close if close >= 0 else end)
        if close >= 0 and opening < 0:
            return close, close + 1
    depth = 1
    for brace in _BRACE.finditer(text, content_start, end):
        at = brace.start()
        if text[at] == "}":
            depth -= 1
            if depth == 0:
                return at, at + 1
            continue
        if depth >= 2 or block_id in ("1", "2") or _TOP_BLOCK.match(text, at) is not None:
            issues.append(_issue("mt.block", f"block {block_id} is not closed with }} before the next {{",
                                 lines.at(at)))
            return at, at
        depth += 1
    stop = strip_separators(text, content_start, end)
    issues.append(_issue("mt.block", f"block {block_id} is truncated: the message ends before its closing }}",
                         lines.at(stop)))
    return stop, stop


def _terminator(lines: SourceText, start: int, end: int) -> tuple[int, int] | None:
    """Span of the first line end + `-}` in `text[start:end]` (a plain find when the file has one line end)."""
    text, newline = lines.text, lines.newline
    if newline is None:
        found = _TEXT_END.search(text, start, end)
        return (found.start(), found.end()) if found is not None else None
    at = text.find(newline + "-}", start, end)
    if at < 0:
        return None
    return (at - 1 if newline == "\n" and at > start and text[at - 1] == "\r" else at), at + 3


def _text_block_end(lines: SourceText, content_start: int, end: int, issues: list[Issue]) -> tuple[int, int, int]:
    """Content end, end of the last field, and block end of block 4, which closes with a line
    holding `-}` (DOMAIN §1.1, §8.6); otherwise report how it ends."""
    text = lines.text
    span = _terminator(lines, content_start, end)
    if span is not None:
        for char in "{}":
            inside = text.find(char, content_start, span[0])
            if inside >= 0:
                issues.append(_issue("mt.text_block", f'"{char}" inside block 4: braces are not in the X set '
                                     "(corrupt or non-SWIFT text)", lines.at(inside)))
        close = span[1] - 1
        return close, span[0], close + 1
    brace = _BRACE.search(text, content_start, end)
    if brace is not None and text[brace.start()] == "}":
        at = brace.start()
        if at > content_start and text[at - 1] == "-":
            issues.append(_issue("mt.text_block", "the block 4 terminator -} must be on its own line",
                                 lines.at(at - 1)))
            return at, at - 1, at + 1
        issues.append(_issue("mt.text_block", "block 4 must end with a line holding -}", lines.at(at)))
        return at, strip_line_ends(text, content_start, at), at + 1
    stop = brace.start() if brace is not None else strip_separators(text, content_start, end)
    issues.append(_issue("mt.text_block", "block 4 is not closed: no line holding -} (truncated message)",
                         lines.at(stop)))
    return stop, strip_line_ends(text, content_start, stop), stop


def _assemble(lines: SourceText, start: int, end: int, start_line: int, index: int, blocks: list[Block],
              body: tuple[int, int] | None, issues: list[Issue]) -> FinMessage:
    text = lines.text
    basic: BasicHeader | None = None
    application: ApplicationHeader | None = None
    user_header: Tags = ()
    trailer: Tags = ()
    system_trailer: Tags = ()
    fields: list[Field] = []
    for block in blocks:
        if block.id == "1":
            basic, found = parse_basic_header(block.content)
        elif block.id == "2":
            application, found = parse_application_header(block.content)
        elif block.id == "3":
            user_header, found = parse_tags(block.content, "3")
            found.extend(check_user_header(user_header))
        elif block.id == "5":
            trailer, found = parse_tags(block.content, "5")
            found.extend(check_trailer(trailer))
        elif block.id == "S":
            system_trailer, found = parse_tags(block.content, "S")
        else:
            continue
        issues.extend(found)
    if body is not None:
        content_start, body_end = body
        if not text.startswith(("\r\n", "\n", "\r"), content_start):
            issues.append(_issue("mt.text_block", "{4: must be followed by a line break", lines.at(content_start)))
        block4 = next(block for block in blocks if block.id == "4")
        fields, found_in_fields = split_fields(text, content_start, body_end, block4.line, lines.newline,
                                               lines.count_ends, line_end=lines.line_end)
        issues.extend(issue for _, issue in found_in_fields)
    present = {block.id for block in blocks}
    system = basic is not None and basic.service_id == SERVICE_ACK     # an ACK/NAK has no block 2
    for block_id, rule, name in (("1", "mt.block1", "basic header"), ("2", "mt.block2", "application header"),
                                 ("4", "mt.text_block", "text block")):
        if block_id not in present and not (system and block_id == "2"):
            issues.append(_issue(rule, f"the message has no {name} (block {block_id})", f"block {block_id}"))
    return FinMessage(text=text[start:end], index=index, start_line=start_line, blocks=tuple(blocks),
                      basic_header=basic, application_header=application, user_header=user_header,
                      fields=tuple(fields), trailer=trailer, system_trailer=system_trailer, issues=tuple(issues))


# --- writing -----------------------------------------------------------------------------------

def render(file: FinFile) -> bytes:
    """The file's bytes: for a parsed, unchanged file exactly the bytes that were parsed."""
    codec = "utf-8" if file.encoding == "text" else file.encoding
    try:
        return file.text.encode(codec, "surrogateescape")
    except UnicodeEncodeError:                       # a str input holding lone surrogates
        return file.text.encode(codec, "surrogatepass")


def render_message(message: FinMessage) -> str:
    """The message's text exactly as it was read (build new messages with `format_message`)."""
    return message.text


def lt_address(bic_or_address: str, terminal: str = "A") -> str:
    """A 12-character LT address from a BIC8, BIC11 or LT address (`BANKBEBB` -> `BANKBEBBAXXX`)."""
    if len(bic_or_address) == 12:
        return bic_or_address
    if len(bic_or_address) == 8:
        return f"{bic_or_address}{terminal}XXX"
    if len(bic_or_address) == 11:
        return f"{bic_or_address[:8]}{terminal}{bic_or_address[8:]}"
    raise ValueError(f"not a BIC8, BIC11 or LT address: {bic_or_address!r}")


def format_text_block(fields: Iterable[tuple[str, str]]) -> str:
    """`:TAG:value` lines joined by CRLF (values with lines joined by `\\n` or CRLF)."""
    lines = []
    for tag, value in fields:
        lines.append(f":{tag}:" + value.replace("\r\n", "\n").replace("\n", "\r\n"))
    return "\r\n".join(lines)


def format_message(message_type: str, sender: str, receiver: str, fields: Iterable[tuple[str, str]], *,
                   user_header: Iterable[tuple[str, str]] = (), trailer: Iterable[tuple[str, str]] = (),
                   priority: str | None = "N", delivery_monitoring: str | None = None,
                   obsolescence_period: str | None = None, session: str = "0000", sequence: str = "000000",
                   application_header: ApplicationHeader | None = None, app_id: str = "F",
                   service_id: str = "01") -> str:
    """A new FIN message in canonical form (DOMAIN §1.1-1.3): input-form block 2 unless an
    `application_header` is given, block 3 in its required order, `{4:` CRLF fields CRLF `-}`."""
    basic = BasicHeader(app_id, service_id, lt_address(sender, "A"), session, sequence)
    header = application_header or InputHeader(message_type, lt_address(receiver, "X"), priority or "N",
                                               delivery_monitoring, obsolescence_period,
                                               priority_given=priority is not None)
    parts = [f"{{1:{format_basic_header(basic)}}}{{2:{format_application_header(header)}}}"]
    tags = order_user_header(tuple(user_header))
    if tags:
        parts.append("{3:" + "".join(f"{{{tag}:{value}}}" for tag, value in tags) + "}")
    parts.append(f"{{4:\r\n{format_text_block(fields)}\r\n-}}")
    trailer_tags = tuple(trailer)
    if trailer_tags:
        parts.append("{5:" + "".join(f"{{{tag}:{value}}}" for tag, value in trailer_tags) + "}")
    return "".join(parts)


def build_message(message_type: str, sender: str, receiver: str, fields: Iterable[tuple[str, str]],
                  **options: object) -> FinMessage:
    """`format_message` then `parse`: the new message as a model (its issues say what does not fit)."""
    text = format_message(message_type, sender, receiver, fields, **options)  # type: ignore[arg-type]
    return parse(text).messages[0]

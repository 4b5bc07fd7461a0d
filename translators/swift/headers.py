"""Blocks 1, 2, 3 and 5 of a FIN message: read their layout, report what does not fit it.

Layouts: DOMAIN §1.1 (block 1, 25 characters), §1.2 (block 2 input form `I` + MT +
receiver address + priority [+ delivery monitoring] [+ obsolescence]; output form `O`
+ MT + input time + MIR + output date and time + priority), §1.3 (block 3 tags, their
order and formats), §1.1 (block 5 trailers: CHK is `12!h`). Error codes: U00 tag out
of order or malformed, U01 bad 113, U02 bad 108, U03 block 3 format, U08 bad 119
(DOMAIN §1.4). The exact U-code of a bad UETR is unconfirmed (DOMAIN §9), so that
issue names none. Everything here is independent of the message type; checks that
depend on it (UETR mandatory, which 119 values an MT allows) are in `validate.py`.
"""

from __future__ import annotations

import re
from typing import Final

from schemas.issues import Issue
from translators.swift.model import (
    ApplicationHeader,
    BasicHeader,
    InputHeader,
    MessageInputReference,
    OutputHeader,
    Tags,
    swift_issue,
)
from translators.swift.notation import NotationError, compile_notation

_issue = swift_issue

_BLOCK1: Final = re.compile(r"([A-Z])([0-9]{2})([A-Z0-9]{12})([0-9]{4})([0-9]{6})")
_INPUT: Final = re.compile(r"I([0-9]{3})([A-Z0-9]{12})(?:([A-Z])([0-9])?([0-9]{3})?)?")
_OUTPUT: Final = re.compile(r"O([0-9]{3})([0-9]{4})([0-9]{6})([A-Z0-9]{12})([0-9]{4})([0-9]{6})"   # MT, time, MIR
                            r"([0-9]{6})([0-9]{4})([A-Z])?")                                  # date, time, prio
_TAG: Final = re.compile(r"\{([^{}:]*):([^{}]*)\}")
UETR_PATTERN: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_CHECKSUM: Final = re.compile(r"[0-9A-F]{12}")

# Block 3 tags in their required order, with format and the U-code for a bad value (DOMAIN §1.3-1.4).
USER_HEADER_ORDER: Final = ("103", "113", "108", "119", "423", "106", "424", "111", "121", "115", "165",
                            "433", "434")
_RANK: Final = {tag: rank for rank, tag in enumerate(USER_HEADER_ORDER)}
USER_HEADER_FORMATS: Final[dict[str, tuple[str, str]]] = {
    "103": ("3!a", "U00"),
    "113": ("4!x", "U01"),
    "108": ("16x", "U02"),
    "119": ("8c", "U08"),
    "111": ("3!n", "U00"),
    "115": ("32x", "U00"),
    "165": ("/3!c/[34x]", "U00"),
    "433": ("/3!a/[20x]", "U00"),
    "434": ("/3!a/[20x]", "U00"),
}


def parse_basic_header(content: str) -> tuple[BasicHeader | None, list[Issue]]:
    """Block 1: app id, service id, LT address, session, sequence; None if the layout does not fit."""
    found = _BLOCK1.fullmatch(content)
    if found is None:
        return None, [_issue("mt.block1", "block 1 must be 25 characters: application id, 2-digit service id, "
                             f"12-character LT address, 4-digit session and 6-digit sequence ({len(content)} found)",
                             "block 1")]
    return BasicHeader(*found.groups()), []


def parse_application_header(content: str) -> tuple[ApplicationHeader | None, list[Issue]]:
    """Block 2 in input or output form; a 16-character input form without priority is priority N."""
    if content.startswith("I"):
        found = _INPUT.fullmatch(content)
        if found is None:
            return None, [_issue("mt.block2", "block 2 (input) must be I, the 3-digit message type, the 12-character "
                                 "receiver address and the priority, optionally delivery monitoring and "
                                 "obsolescence period", "block 2")]
        message_type, receiver, priority, monitoring, obsolescence = found.groups()
        return InputHeader(message_type, receiver, priority or "N", monitoring, obsolescence,
                           priority_given=priority is not None), []
    if content.startswith("O"):
        found = _OUTPUT.fullmatch(content)
        if found is None:
            return None, [_issue("mt.block2", "block 2 (output) must be O, the message type, input time (HHMM), "
                                 "the 28-character MIR, output date (YYMMDD), output time (HHMM) and priority",
                                 "block 2")]
        (message_type, input_time, mir_date, mir_address, mir_session, mir_sequence, output_date, output_time,
         priority) = found.groups()
        mir = MessageInputReference(mir_date, mir_address, mir_session, mir_sequence)
        return OutputHeader(message_type, input_time, mir, output_date, output_time, priority), []
    return None, [_issue("mt.block2", "block 2 must start with I (input) or O (output)", "block 2")]


def parse_tags(content: str, block_id: str) -> tuple[Tags, list[Issue]]:
    """The `{tag:value}` sub-blocks of block 3, 5 or S, in order; what is not of that form is reported."""
    tags: list[tuple[str, str]] = []
    pos = 0
    for found in _TAG.finditer(content):
        if found.start() != pos:
            break
        tags.append((found.group(1), found.group(2)))
        pos = found.end()
    if pos != len(content):
        code = "U03: " if block_id == "3" else ""
        return tuple(tags), [_issue("mt.block3" if block_id == "3" else "mt.trailer",
                                    f"{code}block {block_id} must hold only {{tag:value}} sub-blocks; "
                                    f"unexpected text at character {pos + 1} of the block", f"block {block_id}")]
    return tuple(tags), []


def check_user_header(tags: Tags) -> list[Issue]:
    """Block 3: known tags, each once, in the required order, each value in its format (DOMAIN §1.3)."""
    issues: list[Issue] = []
    last_rank, seen = -1, set()
    for tag, value in tags:
        path = f"block 3/{{{tag}:}}"
        rank = _RANK.get(tag)
        if rank is None:
            issues.append(_issue("mt.block3", f"U00: {{{tag}:}} is not a user header tag", path))
            continue
        if tag in seen:
            issues.append(_issue("mt.block3", f"U00: {{{tag}:}} appears more than once", path))
        elif rank < last_rank:
            issues.append(_issue("mt.block3", f"U00: {{{tag}:}} is out of order; the order is "
                                 + ", ".join(USER_HEADER_ORDER), path))
        seen.add(tag)
        last_rank = max(last_rank, rank)
        if tag == "121":
            if UETR_PATTERN.fullmatch(value) is None:
                case = " (it is in upper case)" if UETR_PATTERN.fullmatch(value.lower()) else ""
                issues.append(_issue("mt.uetr", "the UETR must be a lowercase UUID version 4, 8-4-4-4-12 hex "
                                     f"digits with the version digit 4 and variant 8, 9, a or b{case}", path))
            continue
        rule = USER_HEADER_FORMATS.get(tag)
        if rule is not None:
            result = compile_notation(rule[0]).match(value)
            if isinstance(result, NotationError):
                issues.append(_issue("mt.block3", f"{rule[1]}: {{{tag}:}} must be {rule[0]}: {result.reason}", path))
    return issues


def check_trailer(tags: Tags) -> list[Issue]:
    """Block 5: the checksum CHK is 12 uppercase hex digits; the rest is carried untouched."""
    return [_issue("mt.trailer", "the checksum {CHK:} must be 12 hexadecimal digits (0-9, A-F)", "block 5/{CHK:}")
            for tag, value in tags if tag == "CHK" and _CHECKSUM.fullmatch(value) is None]


# --- writing -----------------------------------------------------------------------------------

def format_basic_header(header: BasicHeader) -> str:
    return f"{header.app_id}{header.service_id}{header.lt_address}{header.session}{header.sequence}"


def format_application_header(header: ApplicationHeader) -> str:
    if isinstance(header, InputHeader):
        tail = (header.priority if header.priority_given else "") + (header.delivery_monitoring or "")
        return f"I{header.message_type}{header.receiver_address}{tail}{header.obsolescence_period or ''}"
    return (f"O{header.message_type}{header.input_time}{header.mir.text}{header.output_date}{header.output_time}"
            f"{header.priority or ''}")


def order_user_header(tags: Tags) -> Tags:
    """Block 3 tags in the required order (unknown tags last, in their given order)."""
    return tuple(sorted(tags, key=lambda pair: _RANK.get(pair[0], len(USER_HEADER_ORDER))))

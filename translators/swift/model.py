"""The raw, lossless model of SWIFT FIN files and messages (DOMAIN §1.1-1.3).

A `FinFile` is what `blocks.parse` returns: its messages, the exact separator text
around them (blank lines, `$` RJE separators, `\\x01`/`\\x03` framing, `\\x1a`), and
file-level issues, so that `blocks.render` gives back the same bytes. A `FinMessage`
keeps its exact original text and the parsed views of its blocks: basic header
(block 1), application header (block 2, input or output form), user header (block 3,
ordered `(tag, value)` pairs), text block (block 4, a tuple of `Field`), trailer
(block 5) and the `{S:}` system trailer. Nothing here validates; `validate.py` does.

Layouts follow the SWIFT FIN block structure as summarised in DOMAIN §1.1 (block 1:
25 characters; LT address = BIC8 + logical terminal + branch), §1.2 (block 2 input
and output forms) and §1.3 (block 3 tags), written from the SWIFT User Handbook
"FIN Service Description" conventions and the public prowide-core model
(`SwiftBlock1`, `SwiftBlock2Input/Output`, `SwiftBlock3`), read, not copied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, NamedTuple

from schemas.codes import RULES
from schemas.issues import Issue, Severity

# Block 3 tags (DOMAIN §1.3).
TAG_SERVICE_IDENTIFIER: Final = "103"
TAG_BANKING_PRIORITY: Final = "113"
TAG_MUR: Final = "108"
TAG_VALIDATION_FLAG: Final = "119"
TAG_SERVICE_TYPE: Final = "111"
TAG_UETR: Final = "121"


def swift_issue(rule: str, message: str, path: str = "", severity: Severity = Severity.ERROR) -> Issue:
    """An Issue for a registered rule, with the rule's default reason code (schemas/codes.py)."""
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


class Field(NamedTuple):
    """One field of the text block (block 4).

    `tag` is the tag as written (`32A`, `59`, `50K`); `value` the content after
    `:TAG:` with its lines joined by `\\n` whatever the original line ends; `raw` the
    exact original text from the first `:` of the tag to the end of the field's last
    line (inner line ends as they were, the line end that closes the field excluded);
    `line` and `column` are 1-based positions of the leading `:` in the file.
    A NamedTuple: bulk statements hold hundreds of thousands of them.
    """

    tag: str
    value: str
    raw: str
    line: int
    column: int

    @property
    def number(self) -> str:
        """The two-digit tag number: `32` for `32A`."""
        return self.tag[:2]

    @property
    def option(self) -> str:
        """The letter option: `A` for `32A`, `` for `59`."""
        return self.tag[2:]

    @property
    def lines(self) -> list[str]:
        return self.value.split("\n")


class Block(NamedTuple):
    """A top-level block as found: id (`1`..`5`, `S`), content between `{id:` and its closing
    brace (or to where a truncated block stops), offset of `{` in the message text, line, column."""

    id: str
    content: str
    offset: int
    line: int
    column: int


def bic11_from_lt_address(lt_address: str) -> str:
    """The BIC11 of a 12-character LT address: drop the logical-terminal character (position 9)."""
    return lt_address[:8] + lt_address[9:12]


@dataclass(frozen=True, slots=True)
class BasicHeader:
    """Block 1: `F01BANKBEBBAXXX0000000000` (DOMAIN §1.1)."""

    app_id: str            # F (FIN), A (GPA), L (login)
    service_id: str        # 01 user message, 21 ACK/NAK
    lt_address: str        # 12 characters: BIC8 + logical terminal + branch
    session: str           # 4 digits
    sequence: str          # 6 digits: ISN or OSN

    @property
    def bic(self) -> str:
        return bic11_from_lt_address(self.lt_address)


@dataclass(frozen=True, slots=True)
class InputHeader:
    """Block 2, input form (`I`): a message sent to SWIFT (DOMAIN §1.2)."""

    message_type: str                    # 3 digits
    receiver_address: str                # 12 characters
    priority: str                        # S, U, N ("N" when a 16-character header omits it)
    delivery_monitoring: str | None = None
    obsolescence_period: str | None = None
    priority_given: bool = True          # False for a 16-character header without priority

    direction = "I"

    @property
    def receiver_bic(self) -> str:
        return bic11_from_lt_address(self.receiver_address)


@dataclass(frozen=True, slots=True)
class MessageInputReference:
    """MIR: input date, sender LT address, session and ISN of the original input."""

    date: str              # YYMMDD
    lt_address: str
    session: str
    sequence: str

    @property
    def text(self) -> str:
        return f"{self.date}{self.lt_address}{self.session}{self.sequence}"


@dataclass(frozen=True, slots=True)
class OutputHeader:
    """Block 2, output form (`O`): a message delivered by SWIFT (DOMAIN §1.2)."""

    message_type: str
    input_time: str                      # HHMM
    mir: MessageInputReference
    output_date: str                     # YYMMDD
    output_time: str                     # HHMM
    priority: str | None = None

    direction = "O"

    @property
    def sender_bic(self) -> str:
        return bic11_from_lt_address(self.mir.lt_address)


ApplicationHeader = InputHeader | OutputHeader
Tags = tuple[tuple[str, str], ...]


def tag_value(tags: Iterable[tuple[str, str]], tag: str) -> str | None:
    """The value of the first `(tag, value)` pair with that tag, or None."""
    for name, value in tags:
        if name == tag:
            return value
    return None


@dataclass(frozen=True, slots=True)
class FinMessage:
    """One FIN message (or one bare text block), with its exact original text.

    Parsed parts are None/empty where the message lacks them or they could not be
    read; `issues` holds what the block layer found wrong (structure, headers).
    """

    text: str
    index: int                                   # 0-based position in its file
    start_line: int                              # 1-based line of its first character in the file
    blocks: tuple[Block, ...] = ()
    basic_header: BasicHeader | None = None
    application_header: ApplicationHeader | None = None
    user_header: Tags = ()
    fields: tuple[Field, ...] = ()
    trailer: Tags = ()
    system_trailer: Tags = ()
    headerless: bool = False
    declared_type: str | None = None             # given by the caller (bare text blocks)
    issues: tuple[Issue, ...] = ()

    def block(self, block_id: str) -> Block | None:
        for block in self.blocks:
            if block.id == block_id:
                return block
        return None

    @property
    def has_user_header(self) -> bool:
        return self.block("3") is not None

    @property
    def message_type(self) -> str | None:
        """'103', '940'...: from block 2, else as declared by the caller, else inferred from the fields."""
        if self.application_header is not None:
            return self.application_header.message_type
        if self.declared_type is not None:
            return self.declared_type
        return infer_message_type(self.fields) if self.headerless else None

    @property
    def variant(self) -> str | None:
        """'STP', 'COV', 'REMIT'... from the block 3 validation flag (119), else None."""
        return self.validation_flag

    @property
    def mur(self) -> str | None:
        return tag_value(self.user_header, TAG_MUR)

    @property
    def validation_flag(self) -> str | None:
        return tag_value(self.user_header, TAG_VALIDATION_FLAG)

    @property
    def uetr(self) -> str | None:
        return tag_value(self.user_header, TAG_UETR)

    @property
    def service_type(self) -> str | None:
        return tag_value(self.user_header, TAG_SERVICE_TYPE)

    @property
    def banking_priority(self) -> str | None:
        return tag_value(self.user_header, TAG_BANKING_PRIORITY)

    @property
    def sender_bic(self) -> str | None:
        """BIC11 of the sender: block 1 (input form) or the MIR in block 2 (output form)."""
        header = self.application_header
        if isinstance(header, OutputHeader):
            return header.sender_bic
        return self.basic_header.bic if self.basic_header is not None else None

    @property
    def receiver_bic(self) -> str | None:
        """BIC11 of the receiver: block 2 (input form) or block 1 (output form)."""
        header = self.application_header
        if isinstance(header, InputHeader):
            return header.receiver_bic
        if isinstance(header, OutputHeader) and self.basic_header is not None:
            return self.basic_header.bic
        return None

    def field(self, tag: str) -> Field | None:
        """The first field with exactly this tag (`32A`), or None."""
        for field in self.fields:
            if field.tag == tag:
                return field
        return None

    def fields_numbered(self, number: str) -> list[Field]:
        """All fields with this tag number, any option (`50` gives 50A, 50F, 50K)."""
        return [field for field in self.fields if field.tag[:2] == number]


@dataclass(frozen=True, slots=True)
class FinFile:
    """A parsed file: messages, the exact text around them, file-level issues.

    `separators` has one more entry than `messages`: the text before the first
    message, between each pair, and after the last. `encoding` is how the bytes were
    decoded (`utf-8`, `utf-16-le`, `utf-16-be`; `text` when `parse` was given a str).
    """

    messages: tuple[FinMessage, ...]
    separators: tuple[str, ...]
    issues: tuple[Issue, ...] = ()
    encoding: str = "utf-8"

    @property
    def text(self) -> str:
        parts = [self.separators[0]]
        for message, separator in zip(self.messages, self.separators[1:], strict=True):
            parts.append(message.text)
            parts.append(separator)
        return "".join(parts)


# --- message type of a bare text block -------------------------------------------------------

_STATEMENT_TAGS: Final = frozenset({"60F", "60M", "62F", "62M", "61"})


def infer_message_type(fields: Iterable[Field]) -> str | None:
    """Guess the MT of a text block without headers from its tags (DOMAIN §1.5, §1.7, §1.8).

    Statements (60a/62a/61) give 940: MT950 is a subset of MT940 and bare downloads are
    MT940 by convention (pass `message_type="950"` to `parse` for an MT950). 32A + 50a +
    59a gives 103; 58a + 32A gives 202; 79 gives 199; 25a + 32A gives 910 with an
    ordering party (50a), else 900. None when nothing fits.
    """
    tags = {field.tag for field in fields}
    numbers = {tag[:2] for tag in tags}
    if tags & _STATEMENT_TAGS:
        return "940"
    if "32A" in tags:
        if "59" in numbers and "50" in numbers and "58" not in numbers:
            return "103"
        if "58" in numbers:
            return "202"
        if "25" in numbers:
            return "910" if "50" in numbers else "900"
    if "79" in tags:
        return "199"
    return None

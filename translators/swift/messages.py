"""Message structures as data: which fields each MT has, in which order, and its variants (DOMAIN §1.5-1.8).

A `MessageSpec` is an ordered tuple of `Slot`s (tag number, allowed options,
mandatory or optional, repeatable, sequence, repeating group), the fields a variant
forbids, code lists a variant narrows, and the hook for network-validated rules
(C-rules): `rules`, a tuple of functions from a `MessageView` to issues. The C-rules
live with each message type's module and plug in without editing this file, either
through `validate_message(..., rules={"103": (...)})` or a derived spec
(`dataclasses.replace(MESSAGES["103"], rules=(...))`).

Sources: SWIFT Standards MT SRU2025 message reference guides (field order and status)
as summarised in DOMAIN §1.5 (MT103), §1.6 (MT103 STP restrictions), §1.7 (MT202,
MT202 COV sequences A and B), §1.8 (MT940, MT950); MT900/MT910 and MT199/MT299
from the SRU2025 Category 9 and Category 1/2 guides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final

from schemas.issues import Issue
from translators.swift.fields import CodeWords
from translators.swift.model import Field, FinMessage

MAX_MESSAGE_CHARACTERS: Final = 10_000     # DOMAIN §1.5, §1.7: text block of a FIN message (M50)


@dataclass(frozen=True, slots=True)
class Slot:
    """One field position in a message: tag number, allowed options (`""` = no letter), status."""

    number: str
    options: tuple[str, ...]
    mandatory: bool
    repeatable: bool = False
    sequence: str = ""               # "A", "B" where the message has sequences
    group: int = 0                   # slots sharing a group id > 0 repeat together (MT940 61 + 86)

    @property
    def label(self) -> str:
        """How the standard writes the slot: `20`, `32A`, `50a`, `59a`."""
        if len(self.options) == 1:
            return self.number + self.options[0]
        return self.number + "a"

    def allows(self, option: str) -> bool:
        return option in self.options


def _slot(tag: str, options: str, mandatory: bool, repeat: bool, seq: str, group: int) -> Slot:
    if len(tag) == 3:
        return Slot(tag[:2], (tag[2],), mandatory, repeat, seq, group)
    letters = tuple("" if letter == "-" else letter for letter in options) if options else ("",)
    return Slot(tag, letters, mandatory, repeat, seq, group)


def M(tag: str, options: str = "", *, repeat: bool = False, seq: str = "", group: int = 0) -> Slot:
    """A mandatory slot: `M("20")`, `M("32A")`, `M("50", "AFK")`, `M("59", "-AF")` (`-` = no letter)."""
    return _slot(tag, options, True, repeat, seq, group)


def O(tag: str, options: str = "", *, repeat: bool = False, seq: str = "", group: int = 0) -> Slot:  # noqa: E743
    """An optional slot (same arguments as `M`)."""
    return _slot(tag, options, False, repeat, seq, group)


@dataclass(frozen=True, slots=True)
class MessageView:
    """A message as the validator placed it: each field with the slot it matched (None if it matched none)."""

    message: FinMessage
    spec: MessageSpec
    slots: tuple[Slot | None, ...]

    def placed(self) -> Iterable[tuple[Field, Slot | None]]:
        return zip(self.message.fields, self.slots, strict=True)

    def fields(self, number: str, sequence: str | None = None) -> list[Field]:
        """Fields with this tag number (any option), optionally only in one sequence (`A`, `B`)."""
        return [field for field, slot in self.placed() if field.tag[:2] == number
                and (sequence is None or (slot is not None and slot.sequence == sequence))]

    def first(self, number: str, sequence: str | None = None) -> Field | None:
        found = self.fields(number, sequence)
        return found[0] if found else None

    def sequence(self, name: str) -> list[Field]:
        return [field for field, slot in self.placed() if slot is not None and slot.sequence == name]


NetworkRule = Callable[[MessageView], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """The structure of one message type or variant (`103`, `103STP`, `202COV`, `940`)."""

    key: str
    message_type: str
    variant: str | None
    name: str
    source: str
    slots: tuple[Slot, ...]
    forbidden: Mapping[str, str] = field(default_factory=dict)        # tag (`51A`) -> why
    code_words: Mapping[str, CodeWords] = field(default_factory=dict)  # tag (`23E`) -> narrowed code words
    max_characters: int | None = MAX_MESSAGE_CHARACTERS
    rules: tuple[NetworkRule, ...] = ()
    index: Mapping[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    transitions: dict[tuple[int, str], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        numbers: dict[str, list[int]] = {}
        for position, slot in enumerate(self.slots):
            numbers.setdefault(slot.number, []).append(position)
        object.__setattr__(self, "index", {number: tuple(found) for number, found in numbers.items()})
        # (slot of the previous field, tag) -> slot of the field, for moves that raise no issue (filled by
        # the validator: statements repeat the same few moves a hundred thousand times)
        object.__setattr__(self, "transitions", {})

    def positions(self, number: str) -> tuple[int, ...]:
        return self.index.get(number, ())


def _variant(base: MessageSpec, variant: str, name: str, source: str, *, options: Mapping[str, str] = {},
             forbidden: Mapping[str, str] = {}, code_words: Mapping[str, CodeWords] = {},
             extra: tuple[Slot, ...] = ()) -> MessageSpec:
    """A variant of `base`: options narrowed (number -> letters), fields forbidden, code lists narrowed."""
    slots = tuple(
        replace(slot, options=tuple("" if letter == "-" else letter for letter in options[slot.number]))
        if slot.number in options else slot
        for slot in base.slots if slot.label not in forbidden and slot.number + slot.options[0] not in forbidden)
    added = {slot.label for slot in extra}
    kept = {tag: why for tag, why in base.forbidden.items() if tag not in added}
    return replace(base, key=base.message_type + variant, variant=variant, name=name, source=source,
                   slots=slots + extra, forbidden={**kept, **forbidden},
                   code_words={**base.code_words, **code_words})


_SRU = "SWIFT Standards MT SRU2025"

MT103: Final = MessageSpec(
    "103", "103", None, "Single Customer Credit Transfer", f"{_SRU}, MT103 (DOMAIN §1.5)",
    (M("20"), O("13C", repeat=True), M("23B"), O("23E", repeat=True), O("26T"), M("32A"), O("33B"), O("36"),
     M("50", "AFK"), O("51A"), O("52", "AD"), O("53", "ABD"), O("54", "ABD"), O("55", "ABD"), O("56", "ACD"),
     O("57", "ABCD"), M("59", "-AF"), O("70"), M("71A"), O("71F", repeat=True), O("71G"), O("72"), O("77B")),
    forbidden={"77T": "77T is allowed only in MT103 REMIT ({119:REMIT})"})

MT103_STP: Final = _variant(
    MT103, "STP", "Single Customer Credit Transfer (STP)", f"{_SRU}, MT103 STP (DOMAIN §1.6)",
    options={"52": "A", "53": "AB", "54": "A", "55": "A", "56": "A", "57": "A"},
    forbidden={"51A": "51A is not allowed in MT103 STP"},
    code_words={"23E": CodeWords(("CORT", "INTC", "SDVA", "REPA"), "T48")})

MT103_REMIT: Final = _variant(
    MT103, "REMIT", "Single Customer Credit Transfer (REMIT)", f"{_SRU}, MT103 REMIT",
    forbidden={"70": "70 is not allowed in MT103 REMIT: the remittance goes in 77T"}, extra=(M("77T"),))

_MT202_A: Final = (M("20"), M("21"), O("13C", repeat=True), M("32A"), O("52", "AD"), O("53", "ABD"),
                   O("54", "ABD"), O("56", "AD"), O("57", "ABD"), M("58", "AD"), O("72"))

MT202: Final = MessageSpec("202", "202", None, "General Financial Institution Transfer",
                           f"{_SRU}, MT202 (DOMAIN §1.7)", _MT202_A)

MT202_COV: Final = MessageSpec(
    "202COV", "202", "COV", "General Financial Institution Transfer (cover)", f"{_SRU}, MT202 COV (DOMAIN §1.7)",
    (*(replace(slot, sequence="A") for slot in _MT202_A),
     M("50", "AFK", seq="B"), O("52", "AD", seq="B"), O("56", "ACD", seq="B"), O("57", "ABCD", seq="B"),
     M("59", "-AF", seq="B"), O("70", seq="B"), O("72", seq="B"), O("33B", seq="B")))

MT900: Final = MessageSpec("900", "900", None, "Confirmation of Debit", f"{_SRU}, Category 9, MT900",
                           (M("20"), M("21"), M("25", "-P"), O("13D"), M("32A"), O("52", "AD"), O("72")))

MT910: Final = MessageSpec("910", "910", None, "Confirmation of Credit", f"{_SRU}, Category 9, MT910",
                           (M("20"), M("21"), M("25", "-P"), O("13D"), M("32A"), O("50", "AFK"), O("52", "AD"),
                            O("56", "AD"), O("72")))

# Statements: no 10,000-character check for bare downloads (see validate.py); FIN ones have it.
MT940: Final = MessageSpec(
    "940", "940", None, "Customer Statement Message", f"{_SRU}, MT940 (DOMAIN §1.8)",
    (M("20"), O("21"), M("25", "-P"), M("28C"), M("60", "FM"), O("61", group=1), O("86", group=1),
     M("62", "FM"), O("64"), O("65", repeat=True), O("86")))

MT950: Final = MessageSpec(
    "950", "950", None, "Statement Message", f"{_SRU}, MT950 (DOMAIN §1.8)",
    (M("20"), M("25"), M("28C"), M("60", "FM"), O("61", repeat=True), M("62", "FM"), O("64")))

MT199: Final = MessageSpec("199", "199", None, "Free Format Message", f"{_SRU}, MT199",
                           (M("20"), O("21"), M("79")))
MT299: Final = replace(MT199, key="299", message_type="299", source=f"{_SRU}, MT299")

MESSAGES: Final[dict[str, MessageSpec]] = {
    spec.key: spec for spec in (MT103, MT103_STP, MT103_REMIT, MT202, MT202_COV, MT900, MT910, MT940, MT950,
                                MT199, MT299)}
# Validation flags (block 3, 119) each message type accepts (DOMAIN §1.3).
VARIANTS: Final[dict[str, frozenset[str]]] = {
    "103": frozenset({"STP", "REMIT"}), "202": frozenset({"COV"}), "205": frozenset({"COV"}),
    "104": frozenset({"RFDD"}),
}
UETR_REQUIRED: Final = frozenset({"103", "202", "205"})     # DOMAIN §1.3: mandatory since November 2018


def message_spec(message_type: str | None, variant: str | None = None) -> MessageSpec | None:
    """The spec for a message type and validation flag (`("103", "STP")` -> MT103 STP), None if unknown."""
    if message_type is None:
        return None
    if variant and message_type + variant in MESSAGES:
        return MESSAGES[message_type + variant]
    return MESSAGES.get(message_type)

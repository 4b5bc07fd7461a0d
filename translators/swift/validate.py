"""Validation of parsed FIN messages: headers, structure, and every field against the table (DOMAIN §1).

`validate_message` returns the message's parse issues, then: block 1/2/3 checks that
depend on the message type (UETR mandatory, which `{119:}` flags the MT has), the
10,000-character limit (M50), the text block against the `MessageSpec` (unknown tag,
tag not allowed in the variant, option not allowed, mandatory field missing, field
out of order, field repeated, sequences), each field against its notation and the
semantic checks its kinds name, and finally the network-validated rules (C-rules)
plugged in through `MessageSpec.rules` or the `rules` argument. It never raises on
bad input. A clean MT940/MT950 page checked with the statement rules is recognised in
one page-level reading (`statements_page.clean_page`) after the header checks: the
field, structure and rule checks would find nothing on it. The field checks themselves
are in `validate_fields.py`. The C-rules themselves (D75, E01, C81...) belong to each message type's
module.

Issue paths, one scheme everywhere:

    [message N/] <where>
    <where> = :TAG:              a field (the tag as written: :32A:, :50K:)
            | :TAG:/line K       line K of that field (1-based, within the field)
            | block B            a header or trailer block; block 3/{121:} one of its tags
            | line L, column C   a position in the file (structure: braces, terminators, stray text)
            | file               the file as a whole (encoding, no message)

`message N/` (1-based) prefixes every message-level issue when `validate` is given a
file holding more than one message. Messages start with the SWIFT error code where
one applies (`T26: ...`), and never quote names or account numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from schemas.issues import Issue, Severity
from translators.swift.fields import field_spec
from translators.swift.messages import (
    UETR_REQUIRED,
    VARIANTS,
    MessageSpec,
    MessageView,
    NetworkRule,
    Slot,
    message_spec,
)
from translators.swift.model import Field, FinFile, FinMessage, InputHeader, OutputHeader, swift_issue
from translators.swift.statements_page import clean_page
from translators.swift.validate_fields import _field_check, check_field
from translators.swift.values import bic_problem, is_valid_hhmm, is_valid_yymmdd

__all__ = ["check_field", "place_fields", "validate", "validate_message"]

_issue = swift_issue
Rules = Mapping[str, Sequence[NetworkRule]]
_SYSTEM_SERVICES = frozenset({"21"})              # block 1 service id of ACK/NAK: no text block to check


# --- structure ---------------------------------------------------------------------------------

def _name(spec: MessageSpec) -> str:
    return f"MT{spec.message_type}" + (f" {spec.variant}" if spec.variant else "")


def _label(slot: Slot) -> str:
    return f":{slot.label}:" + (f" of sequence {slot.sequence}" if slot.sequence else "")


def place_fields(message: FinMessage, spec: MessageSpec, out: list[Issue]) -> MessageView:
    """Match the fields to the slots in order; report unknown, forbidden, misplaced, repeated, missing fields."""
    slots = spec.slots
    placed: list[Slot | None] = []
    seen = [False] * len(slots)
    known = spec.transitions
    present: set[str] | None = None               # a misplaced field is reported as such, not as missing
    last = -1
    for field in message.fields:
        target = known.get((last, field.tag))
        if target is not None:                    # a move seen before that raised nothing
            seen[target] = True
            last = target
            placed.append(slots[target])
            continue
        if present is None:
            present = {field.tag[:2] for field in message.fields}
        number, option, path = field.tag[:2], field.tag[2:], f":{field.tag}:"
        if field.tag in spec.forbidden or number in spec.forbidden:
            out.append(_issue("mt.tag_not_allowed", "T13: " + spec.forbidden.get(field.tag, spec.forbidden.get(
                number, "")), path))
            placed.append(None)
            continue
        positions = spec.positions(number)
        if not positions:
            out.append(_issue("mt.unknown_tag", f"T13: field {path} is not part of {_name(spec)}", path))
            placed.append(None)
            continue
        target = _next_slot(slots, positions, last, option)
        if target is None:
            if last >= 0 and slots[last].number == number and slots[last].allows(option):
                out.append(_issue("mt.field_repeated", f"T13: field {path} is not repeatable", path))
            else:
                after = slots[last].label if last >= 0 else ""
                out.append(_issue("mt.field_order", f"T13: field {path} is out of order: it must come before "
                                  f":{after}:", path))
            placed.append(None)
            continue
        slot = slots[target]
        if slot.allows(option) and not any(slots[between].mandatory for between in range(last + 1, target)):
            known[(last, field.tag)] = target
        if not slot.allows(option):
            allowed = ", ".join(letter or "no letter" for letter in slot.options)
            generic = field_spec(field.tag)
            name = f":{generic.tag}:" if generic is not None else _label(slot)
            out.append(_issue("mt.option", f"T13: option {option or 'without a letter'} of {name} is not "
                              f"allowed in {_name(spec)} (allowed: {allowed})", path))
        if target > last:
            for skipped in range(last + 1, target):
                if slots[skipped].mandatory and not seen[skipped] and slots[skipped].number not in present:
                    out.append(_issue("mt.missing_field", f"T13: mandatory field {_label(slots[skipped])} is "
                                      "missing", f":{slots[skipped].label}:"))
                    seen[skipped] = True
        seen[target] = True
        last = target
        placed.append(slot)
    for index in range(last + 1, len(slots)):
        if slots[index].mandatory and not seen[index]:
            if present is None:                       # only now needed: a mandatory slot after the last field
                present = {field.tag[:2] for field in message.fields}
            if slots[index].number in present:
                continue
            out.append(_issue("mt.missing_field", f"T13: mandatory field {_label(slots[index])} is missing",
                              f":{slots[index].label}:"))
    return MessageView(message, spec, tuple(placed))


def _next_slot(slots: tuple[Slot, ...], positions: tuple[int, ...], last: int, option: str) -> int | None:
    """The slot for the next field, or None when it has no place here (repeated or out of order).

    In order of preference: the same slot again if repeatable; the first later slot with the
    number that allows the option; the start again of the repeating group `last` is in; the
    first later slot with the number (the option is then reported). A field matching the slot
    just used, and no later one, is a repetition.
    """
    if last >= 0 and last in positions and slots[last].repeatable and slots[last].allows(option):
        return last
    later = [index for index in positions if index > last]
    allowing = next((index for index in later if slots[index].allows(option)), None)
    if allowing is not None:
        return allowing
    group = slots[last].group if last >= 0 else 0
    if group:
        for index in positions:
            if (index <= last and slots[index].group == group and slots[index].allows(option)
                    and not any(slots[between].mandatory for between in range(index, last))):
                return index
    if last >= 0 and slots[last].number == slots[positions[0]].number and slots[last].allows(option):
        return None
    return later[0] if later else None


# --- headers -----------------------------------------------------------------------------------

def _header_issues(message: FinMessage, message_type: str) -> list[Issue]:
    out: list[Issue] = []
    basic, application = message.basic_header, message.application_header
    if basic is not None:
        if basic.app_id not in ("F", "A", "L"):
            out.append(_issue("mt.block1", f"the application id must be F, A or L, not {basic.app_id}", "block 1"))
        problem = bic_problem(basic.bic)
        if problem is not None:
            out.append(_issue("mt.block1", f"the LT address {basic.lt_address} is not a BIC's: {problem}", "block 1"))
    if isinstance(application, InputHeader):
        if application.priority not in ("S", "U", "N"):
            out.append(_issue("mt.block2", f"the priority must be S, U or N, not {application.priority}", "block 2"))
        monitoring = application.delivery_monitoring
        if monitoring is not None and monitoring not in {"U": "13", "N": "2"}.get(application.priority, ""):
            out.append(_issue("mt.block2", f"delivery monitoring {monitoring} is not allowed with priority "
                              f"{application.priority} (U: 1 or 3, N: 2)", "block 2"))
        problem = bic_problem(application.receiver_bic)
        if problem is not None:
            out.append(_issue("mt.block2", f"the receiver address {application.receiver_address} is not a BIC's: "
                              f"{problem}", "block 2"))
    elif isinstance(application, OutputHeader):
        for label, text, valid in (("input time", application.input_time, is_valid_hhmm),
                                   ("MIR date", application.mir.date, is_valid_yymmdd),
                                   ("output date", application.output_date, is_valid_yymmdd),
                                   ("output time", application.output_time, is_valid_hhmm)):
            if not valid(text):
                out.append(_issue("mt.block2", f"the {label} {text} is not valid", "block 2"))
    user_message = basic is None or basic.service_id == "01"
    if message_type in UETR_REQUIRED and user_message and message.uetr is None:
        out.append(_issue("mt.uetr", f"the UETR {{121:}} is mandatory in MT{message_type} (since November 2018)",
                          "block 3/{121:}"))
    flag = message.validation_flag
    if flag is not None:
        allowed = VARIANTS.get(message_type)
        if allowed is None:
            out.append(_issue("mt.validation_flag", f"U09: MT{message_type} has no variant; {{119:{flag}}} is not "
                              "allowed", "block 3/{119:}"))
        elif flag not in allowed:
            out.append(_issue("mt.validation_flag", f"U08: {flag} is not a validation flag of MT{message_type} "
                              f"({', '.join(sorted(allowed))})", "block 3/{119:}"))
    return out


# --- entry points ------------------------------------------------------------------------------

def validate_message(message: FinMessage, *, message_type: str | None = None, variant: str | None = None,
                     rules: Rules | None = None, spec: MessageSpec | None = None) -> list[Issue]:
    """All issues of one message: its parse issues, headers, structure, fields and C-rules; never raises.

    `message_type`/`variant` override what the headers say (bare text blocks have none);
    `rules` maps a spec key (`103`, `103STP`, `202COV`, `940`) to extra network rules;
    `spec` replaces the structure found from the type and `{119:}` (e.g. one derived with
    `dataclasses.replace(MESSAGES["103"], rules=...)`).
    """
    out = list(message.issues)
    kind = message_type or message.message_type
    if message.basic_header is not None and message.basic_header.service_id in _SYSTEM_SERVICES:
        return out
    if kind is not None and not message.headerless:
        out.extend(_header_issues(message, kind))
    flag = variant if variant is not None else message.validation_flag
    if kind == "202" and flag != "COV" and any(field.tag[:2] in ("50", "59") for field in message.fields):
        out.append(_issue("mt.validation_flag", "U08: the message has a sequence B (underlying customer credit "
                          "transfer): an MT202 COV needs {119:COV}", "block 3/{119:}"))
        flag = "COV"
    spec = spec or message_spec(kind, flag)
    if spec is None:
        out.append(_issue("mt.message_type", f"MT{kind} is not a message type whose fields the gateway checks; "
                          "only the blocks and known field formats were checked" if kind else
                          "the message type is unknown (a bare text block: pass message_type)" if message.headerless
                          else "the message type is unknown: no readable application header (block 2)",
                          "block 4" if message.headerless else "block 2", Severity.WARNING))
    block4 = message.block("4")
    if spec is not None and spec.max_characters and block4 is not None and len(block4.content) > spec.max_characters:
        out.append(_issue("mt.limit", f"M50: the text block has {len(block4.content)} characters, more than the "
                          f"{spec.max_characters} of a FIN message", "block 4"))
    if spec is not None and clean_page(message, spec, rules):
        return out                                # a clean statement page: nothing more to report
    code_words = spec.code_words if spec is not None else {}
    runs: dict[str, Callable[[Field, list[Issue]], None] | None] = {}
    for field in message.fields:
        tag = field.tag
        try:
            run = runs[tag]
        except KeyError:
            check = _field_check(tag, code_words.get(tag))
            run = runs[tag] = check.run if check is not None else None
        if run is not None:
            run(field, out)
    if spec is not None:
        view = place_fields(message, spec, out)
        for rule in (*spec.rules, *((rules or {}).get(spec.key, ()))):
            out.extend(rule(view))
    return out


def validate(file: FinFile, *, message_type: str | None = None, rules: Rules | None = None) -> list[Issue]:
    """File issues, then each message's issues, prefixed `message N/` when the file holds several."""
    out = list(file.issues)
    several = len(file.messages) > 1
    for number, message in enumerate(file.messages, start=1):
        issues = validate_message(message, message_type=message_type, rules=rules)
        if several:
            issues = [issue.model_copy(update={"path": f"message {number}/{issue.path}"}) for issue in issues]
        out.extend(issues)
    return out

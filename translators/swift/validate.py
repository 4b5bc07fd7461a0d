"""Validation of parsed FIN messages: headers, structure, and every field against the table (DOMAIN §1).

`validate_message` returns the message's parse issues, then: block 1/2/3 checks that
depend on the message type (UETR mandatory, which `{119:}` flags the MT has), the
10,000-character limit (M50), the text block against the `MessageSpec` (unknown tag,
tag not allowed in the variant, option not allowed, mandatory field missing, field
out of order, field repeated, sequences), each field against its notation and the
semantic checks its kinds name, and finally the network-validated rules (C-rules)
plugged in through `MessageSpec.rules` or the `rules` argument. It never raises on
bad input. The C-rules themselves (D75, E01, C81...) belong to each message type's
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

from schemas.codes import currency_exponent, is_currency
from schemas.issues import Issue, Severity
from translators.swift.fields import CodeWords, FieldSpec, field_spec, notation_of
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
from translators.swift.notation import NotationError, compile_notation
from translators.swift.party import party_issues
from translators.swift.values import bic_problem, decimals_of, is_valid_hhmm, is_valid_mmdd, is_valid_yymmdd

_issue = swift_issue
Rules = Mapping[str, Sequence[NetworkRule]]
_PARTY_NUMBERS = frozenset({"50", "51", "52", "53", "54", "55", "56", "57", "58", "59"})
_SYSTEM_SERVICES = frozenset({"21"})              # block 1 service id of ACK/NAK: no text block to check


class _FieldCheck:
    """Everything needed to check one concrete tag, resolved once (cached per tag and code list)."""

    __slots__ = ("checks", "code_words", "currency_index", "fits", "match", "party", "rate_components", "reference",
                 "run", "simple", "tag")

    def __init__(self, tag: str, spec: FieldSpec, notation_text: str, code_words: CodeWords | None) -> None:
        self.tag = tag
        self.fits: Callable[[str], bool] | None = None
        if spec.parser is not None:
            self.match = spec.parser
            kinds = ["text"] * (max(spec.kinds) + 1)
        else:
            notation = compile_notation(notation_text)
            self.match = notation.match
            self.fits = notation.fits
            kinds = list(notation.kinds)
        for index, kind in spec.kinds.items():
            kinds[index] = kind
        self.code_words = code_words or spec.codes.get(tag[2:])
        if self.code_words is not None:
            kinds[self.code_words.component] = "code"
        self.currency_index = kinds.index("currency") if "currency" in kinds else None
        self.rate_components = frozenset(index for index, kind in enumerate(kinds) if kind == "rate")
        self.checks = tuple((index, kind) for index, kind in enumerate(kinds) if kind not in ("text", "rate")
                            and not (kind == "amount" and self.currency_index is None))
        self.reference = spec.reference
        self.party = tag[:2] in _PARTY_NUMBERS
        self.simple = not (self.checks or self.reference or self.party)
        # `run`: `check` after a fast accept of a simple field that fits its notation, or of a `:61:` whose dates,
        # D/C mark and transaction type are right; anything else goes to `check`, which says what is wrong.
        self.run: Callable[[Field, list[Issue]], None] = self.check
        if self.simple and self.fits is not None:
            self.run = self._run_simple
        elif (self.checks == _STATEMENT_LINE_CHECKS and not self.reference and not self.party
              and self.code_words is not None):
            self.run = self._run_statement_line

    def _run_simple(self, field: Field, out: list[Issue]) -> None:
        if not self.fits(field.value):  # type: ignore[misc]
            self.check(field, out)

    def _run_statement_line(self, field: Field, out: list[Issue]) -> None:
        components = self.match(field.value)
        if not isinstance(components, NotationError):
            value_date, entry_date, mark, transaction_type = components[0], components[1], components[2], components[5]
            if ((value_date is None or is_valid_yymmdd(value_date))
                    and (entry_date is None or is_valid_mmdd(entry_date))
                    and (mark is None or mark in self.code_words.words)  # type: ignore[union-attr]
                    and (transaction_type is None or _is_transaction_type(transaction_type))):
                return
        self.check(field, out)

    def check(self, field: Field, out: list[Issue]) -> None:
        components = self.match(field.value)
        if components.__class__ is NotationError:
            out.append(self._notation_issue(field, components))
            return
        if self.simple:
            return
        assert not isinstance(components, NotationError)
        path = f":{field.tag}:"
        for index, kind in self.checks:
            text = components[index]
            if text is None:
                continue
            if kind == "date":
                if not is_valid_yymmdd(text):
                    out.append(_issue("mt.date", f"T50: {text} is not a valid date (YYMMDD)", path))
            elif kind == "code":
                words = self.code_words
                if words is not None and text not in words.words:
                    code = f"{words.swift_code}: " if words.swift_code else ""
                    out.append(_issue("mt.code", f"{code}{text} is not a code of :{field.tag}: "
                                      f"({', '.join(words.words)})", path))
            elif kind == "amount":
                currency = components[self.currency_index] or ""  # type: ignore[index]
                exponent = currency_exponent(currency)
                if exponent is not None and decimals_of(text) > exponent:
                    out.append(_issue("money.precision", f"C03: {currency} allows {exponent} decimals, the "
                                      f"amount has {decimals_of(text)}", path))
            elif kind == "mmdd":
                if not is_valid_mmdd(text):
                    out.append(_issue("mt.date", f"T50: {text} is not a valid month and day (MMDD)", path))
            elif kind == "currency":
                if not is_currency(text):
                    out.append(_issue("money.currency", f"T52: {text} is not an ISO 4217 currency code", path))
            elif kind == "bic":
                problem = bic_problem(text)
                if problem is not None:
                    out.append(_issue("mt.bic", f"T27: {text} is not a valid BIC: {problem}", path))
            else:
                self._other(kind, text, path, out)
        if self.reference:
            value = field.value
            if value.startswith("/") or value.endswith("/") or "//" in value:
                out.append(_issue("mt.T26", 'T26: the reference must not start or end with "/" or contain "//"',
                                  path))
        if self.party:
            out.extend(party_issues(field))

    @staticmethod
    def _other(kind: str, text: str, path: str, out: list[Issue]) -> None:
        if kind == "time" and not is_valid_hhmm(text):
            out.append(_issue("mt.time", f"T38: {text} is not a valid time (HHMM)", path))
        elif kind == "sign" and text not in ("+", "-"):
            out.append(_issue("mt.time", "T15: the UTC offset sign must be + or -", path))
        elif kind == "offset" and not (text.isdigit() and int(text[:2]) <= 13 and int(text[2:]) <= 59):
            out.append(_issue("mt.time", f"T16: {text} is not a UTC offset (hours 00-13, minutes 00-59)", path))
        elif kind == "transaction_type" and not _is_transaction_type(text):
            out.append(_issue("mt.code", "T53: the transaction type must be S and a 3-digit message type, or N or F "
                              "and a 3-character code", path))

    def _notation_issue(self, field: Field, error: NotationError) -> Issue:
        multi_line = "\n" in field.value
        path = f":{field.tag}:/line {error.line}" if multi_line else f":{field.tag}:"
        code = f"{error.swift_code}: " if error.swift_code else ""
        text = f"{code}{error.reason} (format {error.part}, character {error.column})"
        if error.category == "amount" and error.component not in self.rate_components:
            return _issue("mt.amount", text, path)
        if error.category == "bic":
            return _issue("mt.bic", text, path)
        return _issue("mt.field_format", text, path)


def _is_transaction_type(text: str) -> bool:
    """T53: S and a 3-digit message type, or N or F and a 3-character code."""
    return (text[0] == "S" and text[1:].isdigit()) or (text[0] in "NF" and text[1:].isalnum())


_STATEMENT_LINE_CHECKS = ((0, "date"), (1, "mmdd"), (2, "code"), (5, "transaction_type"))
_CHECKS: dict[tuple[str, CodeWords | None], _FieldCheck | None] = {}


def _field_check(tag: str, code_words: CodeWords | None) -> _FieldCheck | None:
    key = (tag, code_words)
    found = _CHECKS.get(key, False)
    if found is False:
        spec, notation = field_spec(tag), notation_of(tag)
        found = _FieldCheck(tag, spec, notation, code_words) if spec is not None and notation is not None else None
        _CHECKS[key] = found
    return found  # type: ignore[return-value]


def check_field(field: Field, *, code_words: CodeWords | None = None) -> list[Issue]:
    """One field against its notation and semantic checks (format, date, currency, decimals, BIC, codes,
    T26, party parts); a tag not in the table gives no issue here (the structure check reports it)."""
    out: list[Issue] = []
    check = _field_check(field.tag, code_words)
    if check is not None:
        check.check(field, out)
    return out


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

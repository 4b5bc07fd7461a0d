"""A file of SWIFT FIN messages as the pipeline reads it: payments, statements, or messages kept as they are.

One file may hold one message or many (consecutive, or an RJE file of `$`-separated
messages), or bare MT940 text blocks. The reader classifies the file by its messages:

    payments     any MT103 / MT202 / MT202 COV: each such message is one transaction, read
                 and validated on its own, so one bad message rejects only itself and the
                 rest of the file still settles; other payment-category or statement
                 messages in the same file are rejected transactions (they cannot be
                 processed there), MT900/910/199/299 are noted and kept with the file
    statements   MT940 / MT950 only: pages and statements are checked against each other
                 (:28C: numbers, carried balances), so the intake judges them as a set
    other        MT900 / MT910 / MT199 / MT299 only: validated, then kept with the file

What breaks the file itself (stray text, a message limit, no message at all) rejects the
whole document: cutting around it could lose a message. A file holding no message the
gateway processes is rejected with `mt.unsupported_message`.

The file is read twice from the bytes (survey, then messages one by one through
`stream.iter_parse`), so a bulk file of 100,000 MT103s passes in bounded memory.
A file of MT messages has no document-level id: the duplicate key is a digest of the
content, and the single message's :20: is the message id when there is only one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from schemas.canonical import Payment, Source
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from translators.base import (
    DocumentKind,
    DocumentReading,
    ReadContext,
    StatementReading,
    TransactionReading,
    Translated,
)
from translators.swift import crules, mt9xx, mt103, mt202, statements
from translators.swift.messages import NetworkRule
from translators.swift.model import FinFile, FinMessage, swift_issue
from translators.swift.stream import iter_parse
from translators.swift.validate import validate_message

PaymentReader = Callable[..., Translated[Payment | None]]

PAYMENT_READERS: Final[Mapping[str, PaymentReader]] = {"103": mt103.to_payment, "202": mt202.to_payment}
STATEMENT_TYPES: Final = frozenset({"940", "950"})
KEPT_TYPES: Final = mt9xx.MESSAGE_TYPES
NETWORK_RULES: Final[Mapping[str, Sequence[NetworkRule]]] = {
    **crules.RULES_BY_SPEC, **statements.RULES_BY_SPEC, **mt9xx.RULES_BY_SPEC}
CHUNK_BYTES: Final = 1 << 20
# Every format id detection gives a FIN file (translators/detect.py); all are read here.
FORMATS: Final = ("mt103", "mt202", "mt202cov", "mt940", "mt950", "mt900", "mt910", "mt199", "mt299")


def format_of(message: FinMessage) -> str:
    """`mt103`, `mt202cov`, `mt940`...: the message type, with `cov` for a cover payment."""
    kind = message.message_type or "unknown"
    cover = kind == "202" and (message.validation_flag == "COV"
                               or any(f.tag[:2] in ("50", "59") for f in message.fields))
    return f"mt{kind}cov" if cover else f"mt{kind}"


def validate_fin_message(message: FinMessage) -> list[Issue]:
    """Every check the gateway makes on one message: blocks, structure, fields and network rules."""
    return validate_message(message, rules=NETWORK_RULES)


@dataclass
class _Survey:
    """The first pass over the file: what it holds, without validating any message."""

    messages: int = 0
    payments: int = 0
    statements: int = 0
    kept: list[tuple[int, str]] = field(default_factory=list)     # (index, type) of MT900/910/199/299
    unsupported: int = 0
    first: FinMessage | None = None
    file_issues: list[Issue] = field(default_factory=list)

    def kind(self) -> DocumentKind | None:
        if self.payments:
            return "payments"
        if self.statements:
            return "statements"
        if self.kept and not self.unsupported:
            return "other"
        return None


def _pieces(data: bytes) -> Iterator[FinFile]:
    return iter_parse(data[at:at + CHUNK_BYTES] for at in range(0, len(data), CHUNK_BYTES))


def _survey(data: bytes) -> _Survey:
    survey = _Survey()
    for piece in _pieces(data):
        survey.file_issues.extend(i for i in piece.issues if i.severity is Severity.ERROR)
        for message in piece.messages:
            survey.messages += 1
            survey.first = survey.first or message
            kind = message.message_type
            if kind in PAYMENT_READERS:
                survey.payments += 1
            elif kind in STATEMENT_TYPES:
                survey.statements += 1
            elif kind in KEPT_TYPES:
                survey.kept.append((message.index, kind or ""))
            else:
                survey.unsupported += 1
    return survey


def read(data: bytes, context: ReadContext) -> DocumentReading:
    """Read a FIN file (see the module docstring); never raises."""
    survey = _survey(data)
    first = survey.first
    document_format = format_of(first) if first is not None else "mt"
    reading = DocumentReading(format=document_format, number_of_transactions=survey.payments or None,
                              duplicate_key="fin:sha256:" + hashlib.sha256(data).hexdigest())
    if survey.messages == 1 and first is not None:
        reference = first.field("20")
        reading.msg_id = reference.value if reference is not None else None
    kind = survey.kind()
    reading.issues = list(survey.file_issues)
    if kind is None and not reading.issues:
        reading.issues.append(swift_issue("mt.unsupported_message", "the file holds no message the gateway "
                                          "processes (MT103, MT202, MT202 COV, MT940, MT950, MT900, MT910, "
                                          "MT199, MT299)", "file"))
    reading.issues += _profile_issues(context.profile, document_format)
    if not reading.accepted or kind is None:
        return reading
    reading.kind = kind
    source = context.source.model_copy(update={"format": document_format})
    several = survey.messages > 1
    if kind == "payments":
        reading.issues += _kept_notes(survey.kept, several)
        reading._transactions = lambda: _transactions(data, context, source, several)
    elif kind == "statements":
        reading.issues += _kept_notes(survey.kept, several)
        reading._statements = lambda: _statements(data, context, source, several)
    else:
        reading.issues += _kept_messages(data, context.profile, several)
    return reading


def _profile_issues(profile: Profile, document_format: str) -> list[Issue]:
    if profile.message_types is None or document_format in profile.message_types:
        return []
    return [swift_issue("profile.message_type", f"profile {profile.id} does not accept {document_format}",
                        "block 2")]


def _numbered(issues: Sequence[Issue], message: FinMessage, several: bool, profile: Profile) -> tuple[Issue, ...]:
    """The message's issues as the document shows them: `message N/` first when the file holds several."""
    kept = [i for i in issues if i.rule not in profile.rules_off] if profile.rules_off else list(issues)
    if not several:
        return tuple(kept)
    prefix = f"message {message.index + 1}/"
    return tuple(i.model_copy(update={"path": prefix + i.path}) for i in kept)


def _messages(data: bytes) -> Iterator[FinMessage]:
    for piece in _pieces(data):
        yield from piece.messages


def _transactions(data: bytes, context: ReadContext, source: Source, several: bool) -> Iterator[TransactionReading]:
    for message in _messages(data):
        kind = message.message_type
        reader = PAYMENT_READERS.get(kind or "")
        if reader is None:
            if kind not in KEPT_TYPES:
                yield TransactionReading(message.index, None, _numbered([_not_a_payment(message)], message,
                                                                         several, context.profile))
            continue
        issues = validate_fin_message(message)
        translated = reader(message, document_id=context.document_id, index=message.index, source=source)
        issues += translated.issues
        yield TransactionReading(message.index, translated.value,
                                 _numbered(issues, message, several, context.profile),
                                 reference=_reference(message))


def _statements(data: bytes, context: ReadContext, source: Source, several: bool) -> Iterator[StatementReading]:
    """Each page with its own issues and the continuity issues it raises; the file's last
    continuity verdict (a statement left unfinished) is added to the last page."""
    checker = statements.ContinuityChecker()
    pending: StatementReading | None = None
    for message in _messages(data):
        if message.message_type in KEPT_TYPES:
            continue
        if message.message_type not in STATEMENT_TYPES:
            reading = StatementReading(message.index, None, _numbered(
                [_not_a_statement(message)], message, several, context.profile))
        else:
            issues = validate_fin_message(message)
            translated = statements.to_statement(message, document_id=context.document_id, index=message.index,
                                                 source=source)
            issues += translated.issues
            issues += checker.add(translated.value)
            reading = StatementReading(message.index, translated.value,
                                       _numbered(issues, message, several, context.profile))
        if pending is not None:
            yield pending
        pending = reading
    if pending is not None:
        last = checker.finish()
        if last:
            pending = StatementReading(pending.index, pending.statement, pending.issues + tuple(last))
        yield pending


def _kept_messages(data: bytes, profile: Profile, several: bool) -> list[Issue]:
    """A file of MT900/910/199/299 only: every message's issues (the file is stored when clean)."""
    found: list[Issue] = []
    for message in _messages(data):
        found += _numbered(validate_fin_message(message), message, several, profile)
    return found


def _kept_notes(kept: list[tuple[int, str]], several: bool) -> list[Issue]:
    """Confirmations and free-format messages among payments or statements: noted, kept with the file."""
    return [swift_issue("mt.kept_message", f"MT{kind} is kept with the file; it is not processed further",
                        f"message {index + 1}/block 2" if several else "block 2", Severity.INFO)
            for index, kind in kept]


def _reference(message: FinMessage) -> str | None:
    reference = message.field("20")
    return reference.value if reference is not None else None


def _not_a_payment(message: FinMessage) -> Issue:
    kind = message.message_type
    what = f"MT{kind}" if kind else "a message of unknown type"
    advice = "; statements travel in their own file" if kind in STATEMENT_TYPES else ""
    return swift_issue("mt.unsupported_message", f"{what} is not a payment the gateway processes (MT103, MT202, "
                       f"MT202 COV){advice}", "block 2")


def _not_a_statement(message: FinMessage) -> Issue:
    kind = message.message_type
    what = f"MT{kind}" if kind else "a message of unknown type"
    return swift_issue("mt.unsupported_message", f"{what} in a file of statements: only MT940 and MT950 are "
                       "read there", "block 2")

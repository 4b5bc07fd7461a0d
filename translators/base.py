"""What every format module hands back: readings with issues, translations with losses.

A reader never raises on bad input: whatever is wrong with the bytes becomes an
`Issue`. Document-level errors reject the whole document; transaction-level errors
reject only that transaction (the others still settle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar

from schemas.canonical import Payment, Source, Statement
from schemas.issues import Issue, Severity
from schemas.profiles import DEFAULT_PROFILE, Profile

T = TypeVar("T")


@dataclass(frozen=True)
class Loss:
    """Information a translation could not carry (path in the source, what survived, why)."""

    path: str
    kept: str
    reason: str


@dataclass(frozen=True)
class Translated(Generic[T]):
    value: T
    losses: tuple[Loss, ...] = ()
    issues: tuple[Issue, ...] = ()


class SchemaLookup(Protocol):
    """The XSD catalogue as readers see it (implemented by `schemas.xsd.XsdCatalogue`)."""

    def schema_for(self, namespace: str) -> Any | None:  # lxml.etree.XMLSchema: untyped library edge
        ...


@dataclass(frozen=True)
class ReadContext:
    """What a reader needs besides the bytes: ids for the canonical payments, rules, schemas."""

    document_id: str
    source: Source
    profile: Profile = DEFAULT_PROFILE
    catalogue: SchemaLookup | None = None


@dataclass(frozen=True)
class TransactionReading:
    """One transaction of a document: its canonical payment, or the issues that reject it."""

    index: int
    payment: Payment | None
    issues: tuple[Issue, ...] = ()
    reference: str | None = None                 # the sender's id for it (MT :20:), for a report without a payment

    @property
    def rejected(self) -> bool:
        return self.payment is None or any(i.severity is Severity.ERROR for i in self.issues)


@dataclass(frozen=True)
class StatementReading:
    """One statement of a document, or the issues that reject it."""

    index: int
    statement: Statement | None
    issues: tuple[Issue, ...] = ()

    @property
    def rejected(self) -> bool:
        return self.statement is None or any(i.severity is Severity.ERROR for i in self.issues)


DocumentKind = Literal["payments", "statements", "other"]


@dataclass
class DocumentReading:
    """The result of reading one document.

    `issues` are document-level: any error among them rejects the document and
    `transactions()` must not be used. Otherwise `transactions()` streams the
    transactions again from the bytes (bounded memory for bulk files), in order.
    """

    format: str                                  # e.g. pacs.008.001.08, mt103, nacha, unknown
    issues: list[Issue] = field(default_factory=list)
    msg_id: str | None = None
    creation_date_time: datetime | None = None
    number_of_transactions: int | None = None
    _transactions: Callable[[], Iterator[TransactionReading]] | None = None
    kind: DocumentKind = "payments"              # statements: read them with statements(); other: stored only
    duplicate_key: str | None = None             # the sender's id for this submission when msg_id is not one
    _statements: Callable[[], Iterator[StatementReading]] | None = None

    @property
    def accepted(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)

    def transactions(self) -> Iterator[TransactionReading]:
        if self._transactions is None:
            return iter(())
        return self._transactions()

    def statements(self) -> Iterator[StatementReading]:
        if self._statements is None:
            return iter(())
        return self._statements()


class DocumentReader(Protocol):
    def __call__(self, data: bytes, context: ReadContext) -> DocumentReading: ...

"""Errors as data: every finding about a message is an `Issue`, never an exception.

`code` is what a status report carries (an ISO 20022 ExternalStatusReason1Code such
as FF01, AC01, AM05 — or a NACHA return code for ACH); `rule` is the stable id of
the check that fired, so two checks sharing a reason code stay distinguishable.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    ERROR = "error"        # the message (or the payment it belongs to) is rejected
    WARNING = "warning"    # accepted, but an operator or the sender should know
    INFO = "info"          # e.g. "no official XSD available, structural checks only"


class Issue(BaseModel):
    """One finding: reason code, rule id, where, and one plain sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    rule: str
    path: str = ""
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def errors(issues: Iterable[Issue]) -> list[Issue]:
    """The issues that reject."""
    return [i for i in issues if i.severity is Severity.ERROR]


class PermanentError(Exception):
    """Raised only where a boundary can only raise; carries issues, never retried."""


class InvalidMessage(PermanentError):
    """A message that can never succeed as it is: the stage rejects and parks it."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("; ".join(f"{i.code} {i.rule} at {i.path or '-'}: {i.message}" for i in self.issues))

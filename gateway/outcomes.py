"""What a stage decides about each message; only `gateway.broker` turns it into AMQP.

A stage never acks, publishes or sleeps: it returns one outcome per delivery.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.issues import Issue


@dataclass(frozen=True)
class Publish:
    """One message to publish with confirm, mandatory and persistent."""

    exchange: str
    routing_key: str
    body: bytes
    message_id: str
    type: str
    headers: Mapping[str, Any] = field(default_factory=dict)
    content_type: str = "application/json"
    correlation_id: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True)
class Forward:
    """Publish these (possibly none, possibly a stream of many), then ack the input."""

    messages: Iterable[Publish] | AsyncIterable[Publish] = ()


@dataclass(frozen=True)
class Reject:
    """A permanent, business or validation failure: publish the status reports, park the
    original with its issues, then ack. Never retried blindly."""

    issues: tuple[Issue, ...]
    reports: tuple[Publish, ...] = ()


@dataclass(frozen=True)
class Retry:
    """A transient failure: try again later through the retry tiers (or in place when ordered)."""

    reason: str


@dataclass(frozen=True)
class Park:
    """Cannot proceed and no report can be made (e.g. undecodable): keep it for an operator."""

    reason: str
    issues: tuple[Issue, ...] = ()


Outcome = Forward | Reject | Retry | Park

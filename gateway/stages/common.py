"""What stages share: their context, and the wire form of payments and status reports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from gateway.broker import H_DOCUMENT_ID, H_PAYMENT_ID, H_SENDER, Delivery
from gateway.config import Batching, Settings
from gateway.outcomes import Park, Publish
from gateway.topology import Names
from schemas.canonical import Model, Payment, StatusReport, report_id_for
from schemas.issues import Issue
from schemas.profiles import DEFAULT_PROFILE, Profile, load_profiles
from schemas.xsd import XsdCatalogue, default_cache_dir

JSON = "application/json"
M = TypeVar("M", bound=Model)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StageContext:
    """Everything a stage reads; built once per process."""

    settings: Settings
    names: Names
    pool: Any                                   # asyncpg.Pool (None for stages that need no database)
    catalogue: XsdCatalogue
    profiles: dict[str, Profile] = field(default_factory=lambda: {DEFAULT_PROFILE.id: DEFAULT_PROFILE})
    clock: Callable[[], datetime] = utc_now


class BatchingStage:
    """Takes its batching from `stages.<name>` in the configuration (a `Batching` section)."""

    name: str
    ordered: bool = False

    def __init__(self, context: StageContext) -> None:
        self.context = context
        batching: Batching = getattr(context.settings.stages, self.name)
        self.batch_size = batching.batch_size
        self.batch_wait = batching.batch_wait_ms / 1000
        self.concurrency = 1 if self.ordered else batching.concurrency
        wanted = batching.prefetch or max(2, self.batch_size * self.concurrency * 2)
        self._prefetch = min(wanted, context.settings.broker.prefetch)

    def prefetch(self) -> int:
        """Enough for the batches in flight and the next ones (BROKER.md (d)), within the broker cap."""
        return self._prefetch


def build_catalogue(settings: Settings) -> XsdCatalogue:
    dirs = [settings.resolve(d) for d in settings.schemas.dirs]
    cache = settings.resolve(settings.schemas.cache_dir) if settings.schemas.cache_dir else default_cache_dir()
    return XsdCatalogue(dirs, cache_dir=cache)


def build_profiles(settings: Settings) -> dict[str, Profile]:
    directory = settings.resolve(settings.schemas.profiles_dir)
    if not directory.is_dir():
        return {DEFAULT_PROFILE.id: DEFAULT_PROFILE}
    return load_profiles(directory)


def decode(delivery: Delivery, model: type[M]) -> M | Park:
    """The canonical model of a delivery, or a Park that keeps the bytes (never a crash loop)."""
    try:
        return model.model_validate_json(delivery.body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first.get("loc", ()))
        issue = Issue(code="FF01", rule="wire.undecodable", path=where,
                      message=f"not a valid {model.__name__}: {first.get('msg', 'invalid')}")
        return Park(f"undecodable {model.__name__}", (issue,))


def payment_message(exchange: str, routing_key: str, payment: Payment, hop: str) -> Publish:
    return Publish(
        exchange=exchange, routing_key=routing_key, body=payment.model_dump_json(exclude_defaults=True).encode(),
        message_id=f"{payment.payment_id}.{hop}", type=payment.type, correlation_id=payment.payment_id,
        headers={H_DOCUMENT_ID: payment.document_id, H_PAYMENT_ID: payment.payment_id},
    )


def status_message(names: Names, report: StatusReport) -> Publish:
    return Publish(
        exchange=names.status, routing_key=f"{report.status}.{report.source.sender}",
        body=report.model_dump_json(exclude_defaults=True).encode(), message_id=report.report_id,
        type=report.type, correlation_id=report.payment_id or report.document_id,
        headers={H_DOCUMENT_ID: report.document_id, H_PAYMENT_ID: report.payment_id or "",
                 H_SENDER: report.source.sender, "x-gw-status": report.status},
    )


def payment_report(payment: Payment, status: str, stage: str, at: datetime,
                   reasons: Sequence[Issue] = ()) -> StatusReport:
    """A transaction-level verdict carrying every original id the sender may correlate on."""
    return StatusReport(
        report_id=report_id_for(payment.document_id, payment.payment_id, status),
        document_id=payment.document_id, payment_id=payment.payment_id, index=payment.index,
        source=payment.source, stage=stage, status=status, reasons=tuple(reasons), created_at=at,
        original_msg_id=payment.msg_id, original_message_type=payment.message_type,
        original_payment_information_id=payment.payment_information_id,
        original_creation_date_time=payment.creation_date_time, original_instr_id=payment.instr_id,
        original_end_to_end_id=payment.end_to_end_id, original_tx_id=payment.tx_id, original_uetr=payment.uetr,
        original_amount=payment.interbank_settlement_amount,
        original_settlement_date=payment.interbank_settlement_date,
        effective_settlement_date=(payment.settled_at.date() if payment.settled_at else None),
        instructing_agent=payment.instructed_agent, instructed_agent=payment.instructing_agent,
    )


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()

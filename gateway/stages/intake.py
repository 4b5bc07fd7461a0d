"""Intake: raw document in; detect, parse, validate, split; canonical payments out.

The raw bytes are kept first (so nothing that arrived can vanish), then the document
is read in two passes (validate everything, then stream the transactions), so no
payment is published from a document that fails a document-level check. Payments are
recorded and published in chunks: a 100,000-payment file passes in bounded memory.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import datetime
from itertools import islice

from gateway import store
from gateway.broker import (
    H_CHANNEL,
    H_DOCUMENT_ID,
    H_FILE_NAME,
    H_RECEIVED_AT,
    H_REPLY_TO,
    H_SENDER,
    SENDER_PATTERN,
    Delivery,
)
from gateway.config import ConfigError
from gateway.observability import log_event
from gateway.outcomes import Forward, Outcome, Park, Publish, Reject
from gateway.stages.common import BatchingStage, StageContext, payment_message, payment_report, status_message
from schemas.canonical import Source, StatusReport, payment_id_for, report_id_for, stable_id
from schemas.codes import TX_STATUS_REJECTED
from schemas.issues import Issue, Severity
from schemas.profiles import DEFAULT_PROFILE, Profile
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.detect import read_document

CHANNELS = {"amqp", "filedrop", "sftp", "cli"}


def ingress_identity(delivery: Delivery, now: datetime) -> tuple[Source, str] | Park:
    """Who sent this document and its document id, from the ingress contract (README).

    The document id is what makes a redelivery recognisable: an adapter's
    `x-gw-document-id`, else the publisher's `message_id`, else the content itself.
    """
    sender = delivery.header(H_SENDER) or delivery.routing_key
    if not sender or not SENDER_PATTERN.match(sender):
        issue = Issue(code="FF01", rule="intake.sender", path="routing_key",
                      message="the sender id (routing key or x-gw-sender) is missing or not [A-Za-z0-9_-]{1,64}")
        return Park("no usable sender id", (issue,))
    channel = delivery.header(H_CHANNEL) or "amqp"
    if channel not in CHANNELS:
        channel = "amqp"
    content_hash = hashlib.sha256(delivery.body).hexdigest()
    document_id = delivery.header(H_DOCUMENT_ID)
    if not document_id:
        key = delivery.message_id or f"sha256:{content_hash}"
        document_id = stable_id("document", channel, sender, key)
    source = Source(
        channel=channel,  # checked against CHANNELS above
        sender=sender, format="unknown",
        file_name=delivery.header(H_FILE_NAME), reply_to=delivery.header(H_REPLY_TO),
        received_at=_received_at(delivery.header(H_RECEIVED_AT)) or now,
        submission_id=delivery.message_id,
    )
    return source, document_id


def _received_at(value: str | None) -> datetime | None:
    """When an adapter of ours received the document (publishers' own timestamps are not trusted)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def unread_transaction_report(document_id: str, payment_id: str, source: Source, reading: DocumentReading,
                              transaction: TransactionReading, at: datetime) -> StatusReport:
    """RJCT for a transaction no payment could be read from (an MT101 among MT103s, an MT103
    without :32A:): the sender still hears about it, by its own reference where it has one."""
    errors = [i for i in transaction.issues if i.severity is Severity.ERROR] or list(transaction.issues)
    return StatusReport(
        report_id=report_id_for(document_id, payment_id, TX_STATUS_REJECTED), document_id=document_id,
        payment_id=payment_id, index=transaction.index, source=source, stage="intake", status=TX_STATUS_REJECTED,
        reasons=tuple(errors[:20]), created_at=at, original_msg_id=transaction.reference or reading.msg_id,
        original_message_type=reading.format, original_creation_date_time=reading.creation_date_time)


class IntakeStage(BatchingStage):
    name = "intake"

    def __init__(self, context: StageContext) -> None:
        super().__init__(context)
        self.settings = context.settings.stages.intake
        unknown = sorted({self.settings.profile, *self.settings.profiles_by_sender.values()} - set(context.profiles))
        if unknown:
            raise ConfigError(f"stages.intake names validation profile(s) {', '.join(unknown)}, which are not in "
                              f"the profiles folder (known: {', '.join(sorted(context.profiles))})")

    def queues(self) -> Sequence[str]:
        return [self.context.names.work_queue("intake")]

    def profile_for(self, sender: str) -> Profile:
        """The sender's validation profile (channel configuration), else the intake default."""
        wanted = self.settings.profiles_by_sender.get(sender, self.settings.profile)
        profiles = self.context.profiles
        return profiles.get(wanted) or profiles.get(DEFAULT_PROFILE.id) or DEFAULT_PROFILE

    async def handle(self, batch: Sequence[Delivery]) -> Sequence[Outcome]:
        return [await self._document(delivery) for delivery in batch]

    async def _document(self, delivery: Delivery) -> Outcome:
        now = self.context.clock()
        identity = ingress_identity(delivery, now)
        if isinstance(identity, Park):
            return identity
        source, document_id = identity
        data = delivery.body
        if len(data) > self.settings.max_document_bytes:
            reading = DocumentReading(format="unknown", issues=[Issue(
                code="FF01", rule="intake.too_large", path="",
                message=f"the document has {len(data)} bytes, above the limit of {self.settings.max_document_bytes}")])
        else:
            context = ReadContext(document_id=document_id, source=source, catalogue=self.context.catalogue,
                                  profile=self.profile_for(source.sender))
            reading = await asyncio.to_thread(read_document, data, context)
        source = source.model_copy(update={"format": reading.format})
        async with self.context.pool.acquire() as connection:
            await store.record_document(connection, document_id=document_id, source=source, data=data,
                                        detected_format=reading.format)
        if not reading.accepted:
            return await self._reject_document(document_id, source, reading, reading.issues)
        duplicate = await self._duplicate(document_id, source, reading)
        if duplicate is not None:
            return await self._reject_document(document_id, source, reading, [duplicate])
        log_event("intake.document_accepted", stage=self.name, document_id=document_id, format=reading.format,
                  sender=source.sender, transactions=reading.number_of_transactions, kind=reading.kind)
        if reading.kind == "statements":
            return await self._statements(document_id, source, reading)
        if reading.kind == "other":                   # recognised and kept (MT199, MT900...), nothing to route
            await self._finish(document_id, source, reading, payments=0, rejected=0)
            return Forward(())
        return Forward(self._payments(document_id, source, reading))

    async def _duplicate(self, document_id: str, source: Source, reading: DocumentReading) -> Issue | None:
        """AM05 when this sender already submitted this document: same message id, or (for formats
        with no document-level id, like a file of MT messages) the same content."""
        key = reading.msg_id if reading.duplicate_key is None else reading.duplicate_key
        if not key:
            return None
        async with self.context.pool.acquire() as connection:
            owner = await store.claim_document_key(connection, source.sender, key, document_id)
        if owner == document_id:
            return None
        if reading.duplicate_key is None:
            return Issue(code="AM05", rule="intake.duplicate_document", path="GrpHdr/MsgId",
                         message=f"message id {reading.msg_id} was already submitted by this sender")
        return Issue(code="AM05", rule="intake.duplicate_document", path="document",
                     message="this sender already submitted a document with exactly these messages")

    async def _finish(self, document_id: str, source: Source, reading: DocumentReading, *, payments: int,
                      rejected: int) -> None:
        async with self.context.pool.acquire() as connection, connection.transaction():
            await store.finish_document(connection, document_id, status="accepted", msg_id=reading.msg_id,
                                        payment_count=payments, rejected_count=rejected, issues=reading.issues,
                                        detected_format=reading.format)
            await store.record_events(connection, [
                store.Event(document_id, None, store.RECEIVED, self.name, source.received_at),
                store.Event(document_id, None, store.VALIDATED, self.name, self.context.clock(),
                            detail={"kind": reading.kind, "payments": payments, "rejected": rejected}),
            ])

    async def _statements(self, document_id: str, source: Source, reading: DocumentReading) -> Forward | Reject:
        """Statements are kept, not booked. They are judged as a set (balances continue from page
        to page): they are read once and stored in one transaction, which is rolled back when any
        statement is invalid, and then the whole document is rejected."""
        problems: list[Issue] = []
        stored = 0
        statements = reading.statements()
        async with self.context.pool.acquire() as connection:
            transaction = connection.transaction()
            await transaction.start()
            try:
                while True:
                    chunk = await asyncio.to_thread(lambda: list(islice(statements, self.settings.chunk_size)))
                    if not chunk:
                        break
                    for statement in chunk:
                        problems.extend(i for i in statement.issues if i.severity is Severity.ERROR)
                        if statement.statement is None and not statement.issues:
                            problems.append(Issue(code="FF01", rule="intake.unreadable_statement",
                                                  path=f"statement {statement.index + 1}",
                                                  message="the statement could not be read"))
                    if not problems:
                        await store.record_statements(connection, [s.statement for s in chunk if s.statement])
                        stored += len(chunk)
            except BaseException:
                await transaction.rollback()
                raise
            if problems:
                await transaction.rollback()
            else:
                await transaction.commit()
        if problems:
            return await self._reject_document(document_id, source, reading, problems)
        await self._finish(document_id, source, reading, payments=0, rejected=0)
        log_event("intake.statements_stored", stage=self.name, document_id=document_id, statements=stored)
        return Forward(())

    async def _reject_document(self, document_id: str, source: Source, reading: DocumentReading,
                               issues: Sequence[Issue]) -> Reject:
        now = self.context.clock()
        errors = tuple(i for i in issues if i.severity is Severity.ERROR) or tuple(issues)
        async with self.context.pool.acquire() as connection, connection.transaction():
            await store.finish_document(connection, document_id, status="rejected", msg_id=reading.msg_id,
                                        payment_count=0, rejected_count=reading.number_of_transactions or 0,
                                        issues=issues, detected_format=reading.format)
            await store.record_events(connection, [
                store.Event(document_id, None, store.RECEIVED, self.name, source.received_at),
                store.Event(document_id, None, store.REJECTED, self.name, now, errors[0].code,
                            {"issues": store.issues_json(errors[:20])}),
            ])
        report = StatusReport(
            report_id=report_id_for(document_id, None, TX_STATUS_REJECTED), document_id=document_id,
            source=source, stage=self.name, status=TX_STATUS_REJECTED, reasons=errors[:20], created_at=now,
            original_msg_id=reading.msg_id, original_message_type=reading.format,
            original_creation_date_time=reading.creation_date_time,
            original_number_of_transactions=reading.number_of_transactions,
        )
        log_event("intake.document_rejected", stage=self.name, document_id=document_id, format=reading.format,
                  sender=source.sender, issue_rule=errors[0].rule, reason_code=errors[0].code)
        return Reject(tuple(errors), (status_message(self.context.names, report),))

    async def _payments(self, document_id: str, source: Source, reading: DocumentReading) -> AsyncIterator[Publish]:
        """Record each chunk of transactions, then yield its messages; finish the document last."""
        names = self.context.names
        transactions: Iterator[TransactionReading] = reading.transactions()
        accepted_count = rejected_count = 0
        while True:
            chunk = await asyncio.to_thread(lambda: list(islice(transactions, self.settings.chunk_size)))
            if not chunk:
                break
            now = self.context.clock()
            accepted = [t.payment for t in chunk if not t.rejected and t.payment is not None]
            rejected = [t for t in chunk if t.rejected]
            events = [store.Event(document_id, p.payment_id, store.VALIDATED, self.name, now) for p in accepted]
            reports = []
            rows = []
            for t in rejected:
                payment_id = t.payment.payment_id if t.payment else payment_id_for(document_id, t.index)
                errors = [i for i in t.issues if i.severity is Severity.ERROR]
                code = errors[0].code if errors else None
                rows.append(store.RejectedTransaction(t.index, payment_id, t.payment))
                events.append(store.Event(document_id, payment_id, store.REJECTED, self.name, now, code,
                                          {"issues": store.issues_json(errors[:20])}))
                if t.payment is not None:
                    reports.append(payment_report(t.payment, TX_STATUS_REJECTED, self.name, now, errors))
                else:
                    reports.append(unread_transaction_report(document_id, payment_id, source, reading, t, now))
            async with self.context.pool.acquire() as connection, connection.transaction():
                await store.record_payments(connection, accepted)
                await store.record_rejected_transactions(connection, document_id, source, rows)
                await store.record_events(connection, events)
            accepted_count += len(accepted)
            rejected_count += len(rejected)
            for payment in accepted:
                yield payment_message(names.payments, source.sender, payment, "intake")
            for report in reports:
                yield status_message(names, report)
        await self._finish(document_id, source, reading, payments=accepted_count, rejected=rejected_count)
        log_event("intake.document_split", stage=self.name, document_id=document_id, payments=accepted_count,
                  rejected=rejected_count)

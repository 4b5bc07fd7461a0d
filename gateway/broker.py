"""RabbitMQ for the stages: connection, confirmed publishing, the consume loop.

The one place that acks. A delivery is acked only after its outcome is durable:
every message it produced was confirmed by the broker (and the stage committed its
database effects before returning). Publishing is always confirmed, `mandatory`
(unroutable is an error, never a silent drop) and persistent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import re
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

import aio_pika
import aiormq
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustChannel, AbstractRobustConnection

from gateway.config import BrokerSettings
from gateway.failures import UNEXPECTED_ATTEMPTS, is_transient
from gateway.observability import log_event
from gateway.outcomes import Forward, Outcome, Park, Publish, Reject, Retry
from gateway.topology import Names
from schemas.issues import Issue

logger = logging.getLogger("gateway.broker")

APP_ID = "qenex-gateway"
H_DOCUMENT_ID = "x-gw-document-id"
H_PAYMENT_ID = "x-gw-payment-id"
H_ATTEMPT = "x-gw-attempt"
H_SENDER = "x-gw-sender"
H_CHANNEL = "x-gw-channel"
H_FILE_NAME = "x-gw-file-name"
H_FORMAT = "x-gw-format"
H_SHA256 = "x-gw-sha256"
H_STAGE = "x-gw-stage"
H_PARK_REASON = "x-gw-park-reason"
H_ISSUES = "x-gw-issues"
H_LAST_ERROR = "x-gw-last-error"
H_REPLY_TO = "x-gw-reply-to"
H_RECEIVED_AT = "x-gw-received-at"

# the ingress contract: a sender id is the routing key (or x-gw-sender) of a raw document
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class BrokerUnavailable(Exception):
    """The broker cannot be reached at start-up (fail fast, with where we looked)."""


def connection_url(settings: BrokerSettings) -> str:
    """The configured URL with the heartbeat set (ordered consumers need fast fail-over)."""
    parts = urlsplit(settings.url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("heartbeat", str(settings.heartbeat))
    return parts._replace(query=urlencode(query)).geturl()


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


async def connect(settings: BrokerSettings, name: str) -> AbstractRobustConnection:
    """A robust connection: fails fast at start-up, reconnects by itself afterwards."""
    url = connection_url(settings)
    try:
        return await aio_pika.connect_robust(
            url, timeout=settings.connect_timeout, client_properties={"connection_name": name})
    except (TimeoutError, OSError, aiormq.exceptions.AMQPError) as exc:
        raise BrokerUnavailable(
            f"RabbitMQ is not reachable at {redacted(settings.url)} ({type(exc).__name__}: {exc}); "
            "start it with `rabbitmq-server -detached` or set GATEWAY_BROKER__URL") from None


@dataclass(frozen=True)
class Delivery:
    """An incoming message as stages see it: bytes and properties, nothing to ack with."""

    body: bytes
    queue: str
    routing_key: str
    headers: Mapping[str, Any]
    message_id: str | None
    correlation_id: str | None
    content_type: str | None
    type: str | None
    timestamp: datetime | None
    redelivered: bool
    delivery_count: int           # x-delivery-count of the quorum queue: absent means 0
    attempt: int                  # the gateway's own retry counter (x-gw-attempt)
    incoming: AbstractIncomingMessage | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, message: AbstractIncomingMessage, queue: str) -> Delivery:
        headers = dict(message.headers or {})
        return cls(
            body=message.body, queue=queue, routing_key=message.routing_key or "", headers=headers,
            message_id=message.message_id, correlation_id=message.correlation_id,
            content_type=message.content_type, type=message.type, timestamp=message.timestamp,
            redelivered=bool(message.redelivered), delivery_count=_int(headers.get("x-delivery-count")),
            attempt=_int(headers.get(H_ATTEMPT)), incoming=message,
        )

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        if value is None:
            return None
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class Publisher:
    """Confirmed publishing with a window of outstanding confirms (BROKER.md (c))."""

    def __init__(self, channel: AbstractRobustChannel, settings: BrokerSettings) -> None:
        self._channel = channel
        self._settings = settings
        self._exchanges: dict[str, aio_pika.abc.AbstractExchange] = {}

    @classmethod
    async def open(cls, connection: AbstractRobustConnection, settings: BrokerSettings) -> Publisher:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        return cls(channel, settings)  # a robust connection hands out robust channels

    async def close(self) -> None:
        if not self._channel.is_closed:
            await self._channel.close()

    async def _exchange(self, name: str) -> aio_pika.abc.AbstractExchange:
        exchange = self._exchanges.get(name)
        if exchange is None:
            exchange = await self._channel.get_exchange(name, ensure=False)
            self._exchanges[name] = exchange
        return exchange

    async def publish(self, item: Publish) -> None:
        exchange = await self._exchange(item.exchange)
        message = aio_pika.Message(
            body=item.body, headers=dict(item.headers), content_type=item.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=item.message_id, type=item.type,
            correlation_id=item.correlation_id, timestamp=item.timestamp or datetime.now(UTC), app_id=APP_ID,
        )
        # no per-message timer (it costs more than the publish): publish_all bounds the whole batch
        await exchange.publish(message, routing_key=item.routing_key, mandatory=True, timeout=None)

    async def publish_raw(self, exchange_name: str, routing_key: str, message: aio_pika.Message) -> None:
        exchange = await self._exchange(exchange_name)
        await exchange.publish(message, routing_key=routing_key, mandatory=True,
                               timeout=self._settings.publish_timeout)

    async def publish_all(self, items: Iterable[Publish] | AsyncIterable[Publish]) -> int:
        """Publish everything with up to `publish_window` confirms outstanding; raise the first failure."""
        window = asyncio.Semaphore(self._settings.publish_window)
        pending: set[asyncio.Task[None]] = set()
        failures: list[BaseException] = []
        count = 0

        def done(task: asyncio.Task[None]) -> None:
            pending.discard(task)
            window.release()
            if not task.cancelled() and task.exception() is not None:
                failures.append(task.exception())  # type: ignore[arg-type]

        async def submit(item: Publish) -> None:
            await window.acquire()
            task = asyncio.ensure_future(self.publish(item))
            pending.add(task)
            task.add_done_callback(done)

        try:
            if isinstance(items, AsyncIterable):
                async for item in items:
                    if failures:
                        break
                    await submit(item)
                    count += 1
            else:
                for item in items:
                    if failures:
                        break
                    await submit(item)
                    count += 1
            if pending:
                _, late = await asyncio.wait(set(pending), timeout=self._settings.publish_timeout)
                if late:
                    raise TimeoutError(f"{len(late)} publishes not confirmed within "
                                       f"{self._settings.publish_timeout:.0f} s")
        finally:
            for task in list(pending):
                task.cancel()
        if failures:
            raise failures[0]
        return count


@dataclass(frozen=True)
class ParkedMessage:
    """What an operator needs to see and replay a parked message."""

    stage: str
    queue: str
    reason: str
    issues: tuple[Issue, ...]
    body: bytes
    message_id: str | None
    headers: Mapping[str, Any]
    properties: Mapping[str, Any]
    document_id: str | None
    payment_id: str | None
    attempts: int


ParkRecorder = Callable[[ParkedMessage], Awaitable[None]]


class Stage(Protocol):
    """A thin stage: decoded deliveries in, one outcome per delivery out."""

    name: str
    ordered: bool          # handle each queue's messages strictly in order (settle shards)
    batch_size: int
    batch_wait: float      # seconds to wait for a batch to fill
    concurrency: int       # batches in flight per queue (1 when ordered)

    def queues(self) -> Sequence[str]: ...

    def prefetch(self) -> int: ...

    async def handle(self, batch: Sequence[Delivery]) -> Sequence[Outcome]: ...


class StageRunner:
    """Consumes a stage's queues and applies its outcomes; stops gracefully."""

    def __init__(self, stage: Stage, connection: AbstractRobustConnection, settings: BrokerSettings,
                 names: Names, park_recorder: ParkRecorder | None = None) -> None:
        self.stage = stage
        self._connection = connection
        self._settings = settings
        self._names = names
        self._park_recorder = park_recorder
        self._publisher: Publisher | None = None
        self._consumers: list[_QueueConsumer] = []

    async def start(self) -> None:
        self._publisher = await Publisher.open(self._connection, self._settings)
        for queue_name in self.stage.queues():
            consumer = _QueueConsumer(self, queue_name)
            await consumer.start()
            self._consumers.append(consumer)
        log_event("stage.started", stage=self.stage.name, queues=len(self._consumers))

    async def stop(self, grace: float) -> None:
        """Stop taking deliveries, let in-flight batches finish (up to `grace`), close channels."""
        await asyncio.gather(*(c.cancel_consuming() for c in self._consumers), return_exceptions=True)
        deadline = time.monotonic() + grace
        await asyncio.gather(*(c.drain(deadline) for c in self._consumers), return_exceptions=True)
        await asyncio.gather(*(c.close() for c in self._consumers), return_exceptions=True)
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                await self._publisher.close()
        log_event("stage.stopped", stage=self.stage.name)

    @property
    def publisher(self) -> Publisher:
        assert self._publisher is not None, "start() first"
        return self._publisher

    # -- outcome handling: the only place that acks ------------------------------------------

    async def apply(self, deliveries: Sequence[Delivery], outcomes: Sequence[Outcome],
                    ack_multiple: bool = False) -> None:
        """Publish what the outcomes produce, park or retry what they say, then ack.

        `ack_multiple`: the caller guarantees no older unacked delivery on this channel is still
        in progress (one batch at a time), so one `multiple` ack settles the whole batch.
        """
        if len(deliveries) != len(outcomes):
            raise RuntimeError(f"stage {self.stage.name} returned {len(outcomes)} outcomes "
                               f"for {len(deliveries)} deliveries")
        forwards: list[Publish | AsyncIterable[Publish]] = []
        for outcome in outcomes:
            if isinstance(outcome, Forward):
                forwards.append(outcome.messages)  # type: ignore[arg-type]
            elif isinstance(outcome, Reject):
                forwards.append(outcome.reports)  # type: ignore[arg-type]
        await self._publish_streams(forwards)
        for delivery, outcome in zip(deliveries, outcomes, strict=True):
            if isinstance(outcome, Reject):
                await self.park(delivery, "rejected", outcome.issues)
            elif isinstance(outcome, Park):
                await self.park(delivery, outcome.reason, outcome.issues)
            elif isinstance(outcome, Retry):
                await self.retry(delivery, outcome.reason)
        if ack_multiple and deliveries:
            await _ack(deliveries[-1], multiple=True)
            return
        for delivery in deliveries:
            await _ack(delivery)

    async def _publish_streams(self, streams: Sequence[Any]) -> None:
        flat: list[Publish] = []
        for stream in streams:
            if isinstance(stream, AsyncIterable):
                if flat:
                    await self.publisher.publish_all(flat)
                    flat = []
                await self.publisher.publish_all(stream)
            else:
                flat.extend(stream)
        if flat:
            await self.publisher.publish_all(flat)

    async def park(self, delivery: Delivery, reason: str, issues: Sequence[Issue]) -> None:
        """Keep the original bytes and properties, with the reasons, where operators look."""
        headers = dict(delivery.headers)
        headers.update({
            H_STAGE: self.stage.name, H_PARK_REASON: reason[:500],
            H_ISSUES: json.dumps([i.model_dump(mode="json") for i in issues])[:8000],
            "x-gw-parked-from": delivery.queue,
        })
        message = aio_pika.Message(
            body=delivery.body, headers=headers, content_type=delivery.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=delivery.message_id,
            correlation_id=delivery.correlation_id, type=delivery.type, timestamp=delivery.timestamp,
            app_id=APP_ID,
        )
        await self.publisher.publish_raw(self._names.dead_letter_exchange(self.stage.name), "", message)
        if self._park_recorder is not None:
            await self._park_recorder(ParkedMessage(
                stage=self.stage.name, queue=delivery.queue, reason=reason, issues=tuple(issues),
                body=delivery.body, message_id=delivery.message_id, headers=_jsonable(delivery.headers),
                properties={"content_type": delivery.content_type, "type": delivery.type,
                            "correlation_id": delivery.correlation_id, "routing_key": delivery.routing_key},
                document_id=delivery.header(H_DOCUMENT_ID), payment_id=delivery.header(H_PAYMENT_ID),
                attempts=delivery.attempt,
            ))
        log_event("stage.message_parked", level=logging.WARNING, stage=self.stage.name, reason=reason[:200],
                  document_id=delivery.header(H_DOCUMENT_ID), payment_id=delivery.header(H_PAYMENT_ID),
                  issue_rule=issues[0].rule if issues else None)

    async def retry(self, delivery: Delivery, reason: str) -> None:
        """Send through the next retry tier (TTL queue back to the work queue), or park at the end."""
        tiers = self._settings.retry_tiers
        attempt = delivery.attempt + 1
        if attempt > len(tiers):
            await self.park(delivery, f"retries exhausted after {delivery.attempt} attempts: {reason}", ())
            return
        tier = tiers[attempt - 1]
        headers = dict(delivery.headers)
        headers.pop("x-delivery-count", None)
        headers.update({H_ATTEMPT: attempt, H_LAST_ERROR: reason[:500]})
        message = aio_pika.Message(
            body=delivery.body, headers=headers, content_type=delivery.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=delivery.message_id,
            correlation_id=delivery.correlation_id, type=delivery.type, timestamp=delivery.timestamp,
            app_id=APP_ID, expiration=round(tier * random.uniform(0.8, 1.2), 3),  # noqa: S311  # jitter only
        )
        await self.publisher.publish_raw(self._names.retry_exchange(tier), delivery.queue, message)
        log_event("stage.retry_scheduled", stage=self.stage.name, attempt=attempt, tier=tier,
                  reason=reason[:200], document_id=delivery.header(H_DOCUMENT_ID),
                  payment_id=delivery.header(H_PAYMENT_ID))


async def _ack(delivery: Delivery, multiple: bool = False) -> None:
    if delivery.incoming is None:
        return
    try:
        await delivery.incoming.ack(multiple=multiple)
    except (aio_pika.exceptions.ChannelInvalidStateError, aiormq.exceptions.AMQPError, RuntimeError) as exc:
        # the channel went away: the broker redelivers, and the stage's idempotency absorbs it
        log_event("stage.ack_lost", level=logging.INFO, queue=delivery.queue, error=type(exc).__name__)


def _jsonable(headers: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in headers.items():
        if isinstance(value, bytes):
            out[key] = value.decode("utf-8", "replace")
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        elif isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out


class _QueueConsumer:
    """One queue of a stage: buffers deliveries, cuts batches, runs them, applies outcomes."""

    def __init__(self, runner: StageRunner, queue_name: str) -> None:
        self._runner = runner
        self._stage = runner.stage
        self._queue_name = queue_name
        self._inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._channel: AbstractRobustChannel | None = None
        self._queue: aio_pika.abc.AbstractQueue | None = None
        self._tag: str | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._batches: set[asyncio.Task[None]] = set()
        self._one_at_a_time = runner.stage.ordered or runner.stage.concurrency <= 1
        self._slots = asyncio.Semaphore(1 if self._one_at_a_time else runner.stage.concurrency)
        self._stopping = False

    async def start(self) -> None:
        connection = self._runner._connection
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=self._stage.prefetch())
        self._channel = channel
        # passive: the topology must exist (`gateway topology apply`); fail fast if it does not
        self._queue = await channel.get_queue(self._queue_name, ensure=True)
        self._tag = await self._queue.consume(self._on_message, no_ack=False)
        if isinstance(channel, aio_pika.RobustChannel):
            channel.reopen_callbacks.add(self._on_reopen)
        self._loop_task = asyncio.create_task(self._batch_loop(), name=f"consume:{self._queue_name}")

    def _on_reopen(self, *_: Any) -> None:
        # deliveries buffered before a reconnect carry dead delivery tags: the broker redelivers them
        dropped = 0
        while not self._inbox.empty():
            self._inbox.get_nowait()
            dropped += 1
        if dropped:
            log_event("stage.buffer_dropped_on_reconnect", queue=self._queue_name, count=dropped)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        self._inbox.put_nowait(message)

    async def _next_batch(self) -> list[AbstractIncomingMessage]:
        batch = [await self._inbox.get()]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._stage.batch_wait
        while len(batch) < self._stage.batch_size:
            try:
                batch.append(self._inbox.get_nowait())
                continue
            except asyncio.QueueEmpty:
                pass
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(self._inbox.get(), remaining))
            except TimeoutError:
                break
        return batch

    async def _batch_loop(self) -> None:
        while not self._stopping:
            try:
                batch = await self._next_batch()
            except asyncio.CancelledError:
                return
            await self._slots.acquire()
            task = asyncio.create_task(self._run_batch(batch))
            self._batches.add(task)
            task.add_done_callback(self._batch_done)

    def _batch_done(self, task: asyncio.Task[None]) -> None:
        self._batches.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            logger.error("batch on %s failed: %r", self._queue_name, exc, exc_info=exc)

    async def _run_batch(self, messages: list[AbstractIncomingMessage]) -> None:
        deliveries = [Delivery.of(m, self._queue_name) for m in messages]
        threshold = self._runner._settings.poison_threshold
        poisoned = [d for d in deliveries if d.delivery_count >= threshold]
        healthy = [d for d in deliveries if d.delivery_count < threshold]
        if poisoned:
            poison_issue = Issue(code="FF01", rule="stage.poison", path="",
                                 message=f"delivered {threshold} or more times without completing")
            await self._apply_with_backoff(poisoned, [Park("poison: redelivered too often", (poison_issue,))
                                                      for _ in poisoned], ack_multiple=False)
        if not healthy:
            return
        outcomes = await self._handle(healthy)
        if outcomes:
            await self._apply_with_backoff(healthy, outcomes, ack_multiple=self._one_at_a_time)

    async def _handle(self, batch: list[Delivery]) -> Sequence[Outcome] | None:
        """The stage's outcomes for the batch, after retries; None when stopping mid-way (nothing acked).

        Unordered stages send a failed batch through the retry tiers. Ordered stages keep the
        shard blocked and retry in place (later payments must not overtake); an infrastructure
        fault is retried until it clears, an unexpected error a few times, then the batch is
        taken apart one message at a time so the one that fails is parked and the rest go on.
        """
        backoff, unexpected = 0.5, 0
        while True:
            try:
                return await self._stage.handle(batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                log_event("stage.handler_failed", level=logging.WARNING, stage=self._stage.name,
                          queue=self._queue_name, error=reason[:300], batch=len(batch))
                if not self._stage.ordered:
                    return [Retry(reason) for _ in batch]
                if not is_transient(exc):
                    unexpected += 1
                    if unexpected >= UNEXPECTED_ATTEMPTS:
                        return await self._isolate(batch, reason)
                if self._stopping:
                    return None                  # unacked: redelivered to whoever consumes next
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    async def _isolate(self, batch: list[Delivery], reason: str) -> Sequence[Outcome] | None:
        if len(batch) == 1:
            issue = Issue(code="FF01", rule="stage.unexpected_error", path="",
                          message=f"the {self._stage.name} stage failed on this message: {reason}"[:500])
            return [Park(f"unexpected error: {reason}"[:500], (issue,))]
        for delivery in batch:                   # in order: each single is settled before the next
            outcomes = await self._handle([delivery])
            if outcomes is None:
                return None
            await self._apply_with_backoff([delivery], outcomes, ack_multiple=False)
        return []

    async def _apply_with_backoff(self, deliveries: Sequence[Delivery], outcomes: Sequence[Outcome],
                                  ack_multiple: bool) -> None:
        """Publishing outcomes can meet a broker hiccup: retry; never ack what was not confirmed.

        A streamed outcome (intake's payments) cannot be replayed from here once partly
        consumed, so it is not retried in place: the delivery goes back to the queue and the
        stage regenerates the same messages (same ids) from the same bytes.
        """
        replayable = not any(isinstance(o, Forward) and isinstance(o.messages, AsyncIterable) for o in outcomes)
        delay = 0.5
        for attempt in range(8 if replayable else 1):
            try:
                await self._runner.apply(deliveries, outcomes, ack_multiple=ack_multiple)
                return
            except asyncio.CancelledError:
                raise
            except aio_pika.exceptions.PublishError as exc:
                # unroutable: a topology bug, not the message's fault; keep it for an operator
                log_event("stage.unroutable", level=logging.ERROR, stage=self._stage.name,
                          queue=self._queue_name, error=str(exc)[:300])
                for delivery in deliveries:
                    with contextlib.suppress(Exception):
                        await self._runner.park(delivery, f"unroutable output: {exc}"[:500], ())
                        await _ack(delivery)
                return
            except Exception as exc:
                log_event("stage.publish_failed", level=logging.WARNING, stage=self._stage.name,
                          queue=self._queue_name, attempt=attempt + 1, error=f"{type(exc).__name__}: {exc}"[:300])
                if self._stopping and attempt >= 1:
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        for delivery in deliveries:                 # give the message back; the delivery limit bounds this
            if delivery.incoming is not None:
                with contextlib.suppress(Exception):
                    await delivery.incoming.nack(requeue=True)

    async def cancel_consuming(self) -> None:
        self._stopping = True
        if self._queue is not None and self._tag is not None:
            with contextlib.suppress(Exception):
                await self._queue.cancel(self._tag)
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._loop_task

    async def drain(self, deadline: float) -> None:
        while self._batches and time.monotonic() < deadline:
            await asyncio.wait(set(self._batches), timeout=max(0.0, deadline - time.monotonic()))
        for task in list(self._batches):
            task.cancel()              # half-done: nothing acked, the broker redelivers
        if self._batches:
            await asyncio.gather(*self._batches, return_exceptions=True)

    async def close(self) -> None:
        if self._channel is not None and not self._channel.is_closed:
            with contextlib.suppress(Exception):
                await self._channel.close()

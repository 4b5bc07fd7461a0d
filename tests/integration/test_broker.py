"""The broker layer's contract on a real RabbitMQ: confirmed, mandatory publishing; acks only
after the outcome is durable; transient failures through the retry tiers, then parked;
poison messages parked; a graceful stop that finishes in-flight work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import aio_pika
import pytest

from gateway.broker import (
    H_ATTEMPT,
    Delivery,
    ParkedMessage,
    Publisher,
    StageRunner,
    connect,
)
from gateway.config import Settings
from gateway.outcomes import Forward, Outcome, Publish, Retry
from gateway.topology import Names
from tests.conftest import AMQP_URL, eventually

pytestmark = [pytest.mark.rabbit]


class RecordingStage:
    """A stage on the route queue whose behaviour each test chooses."""

    name = "route"
    ordered = False
    batch_size = 10
    batch_wait = 0.01
    concurrency = 1

    def __init__(self, settings: Settings, behaviour: str) -> None:
        self.names = Names(settings.broker.prefix)
        self.behaviour = behaviour
        self.ordered = behaviour == "ordered-with-a-bad-one"
        self.handled: list[bytes] = []
        self.seen: list[Delivery] = []
        self.finished = 0

    def queues(self) -> Sequence[str]:
        return [self.names.work_queue("route")]

    def prefetch(self) -> int:
        return 20

    async def handle(self, batch: Sequence[Delivery]) -> Sequence[Outcome]:
        self.seen.extend(batch)
        if self.behaviour == "fail":
            raise ConnectionError("database unavailable")
        if self.behaviour == "retry":
            return [Retry("downstream unavailable") for _ in batch]
        if self.behaviour == "slow":
            await asyncio.sleep(1.5)
            self.finished += len(batch)
        if self.behaviour == "ordered-with-a-bad-one":
            if any(d.body == b"bad" for d in batch):
                raise ValueError("a bug this message triggers")
            self.handled.extend(d.body for d in batch)
        return [Forward([Publish(self.names.outbound, "no-such-rail", d.body, f"{d.message_id}.x", "Test/1")])
                if self.behaviour == "unroutable" else Forward(()) for d in batch]


async def publish_to_route(settings: Settings, *bodies: bytes) -> None:
    connection = await aio_pika.connect(AMQP_URL)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(Names(settings.broker.prefix).payments)
    for n, body in enumerate(bodies):
        await exchange.publish(aio_pika.Message(body, message_id=f"m{n}"), routing_key="BANK", mandatory=True)
    await connection.close()


async def queue_depth(name: str) -> int:
    connection = await aio_pika.connect(AMQP_URL)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(name, passive=True)
        return int(declared.declaration_result.message_count)
    finally:
        await connection.close()


@asynccontextmanager
async def stage_running(settings: Settings, behaviour: str, grace: float = 5) -> AsyncIterator[
        tuple[RecordingStage, list[ParkedMessage], StageRunner]]:
    """A RecordingStage consuming the route queue; parked messages are recorded in a list."""
    stage = RecordingStage(settings, behaviour)
    parked: list[ParkedMessage] = []
    connection = await connect(settings.broker, "broker-test")

    async def record(message: ParkedMessage) -> None:
        parked.append(message)

    runner = StageRunner(stage, connection, settings.broker, Names(settings.broker.prefix), record)  # type: ignore[arg-type]
    await runner.start()
    try:
        yield stage, parked, runner
    finally:
        await runner.stop(grace)
        await connection.close()


async def _true(value: bool) -> bool:
    return value


async def test_an_unroutable_publish_is_an_error_not_a_silent_drop(settings: Settings) -> None:
    connection = await connect(settings.broker, "broker-test")
    try:
        publisher = await Publisher.open(connection, settings.broker)
        with pytest.raises(aio_pika.exceptions.PublishError):
            await publisher.publish(Publish(Names(settings.broker.prefix).outbound, "no-such-rail", b"{}", "m1", "T/1"))
        # the reports exchange never drops: its alternate exchange keeps what no sender queue takes
        await publisher.publish(Publish(Names(settings.broker.prefix).reports, "NOBODY", b"<x/>", "r1", "Test/1"))
        assert await queue_depth(Names(settings.broker.prefix).unrouted_reports_queue) == 1
    finally:
        await connection.close()


async def test_unroutable_output_parks_the_input_instead_of_losing_it(settings: Settings) -> None:
    async with stage_running(settings, "unroutable") as (_, parked, _):
        await publish_to_route(settings, b'{"n": 1}')
        await eventually(lambda: _true(len(parked) == 1), timeout=20)
    assert parked[0].reason.startswith("unroutable output")
    assert await queue_depth(Names(settings.broker.prefix).parked_queue("route")) == 1
    assert await queue_depth(Names(settings.broker.prefix).work_queue("route")) == 0


async def test_a_transient_failure_goes_through_every_retry_tier_then_is_parked(settings: Settings) -> None:
    """Test tiers are 1 s and 2 s: the handler sees attempts 0, 1, 2; then the message is parked."""
    async with stage_running(settings, "fail") as (stage, parked, _):
        await publish_to_route(settings, b'{"n": 2}')
        await eventually(lambda: _true(len(parked) == 1), timeout=30)
    assert [d.attempt for d in stage.seen] == [0, 1, 2]
    assert all(d.body == b'{"n": 2}' and d.message_id == "m0" for d in stage.seen)
    assert "retries exhausted" in parked[0].reason and "database unavailable" in parked[0].reason
    assert parked[0].body == b'{"n": 2}'
    assert await queue_depth(Names(settings.broker.prefix).parked_queue("route")) == 1


async def test_a_stage_asking_for_a_retry_gets_the_message_back_with_its_attempt_count(settings: Settings) -> None:
    async with stage_running(settings, "retry") as (stage, _, _):
        await publish_to_route(settings, b'{"n": 3}')
        await eventually(lambda: _true(len(stage.seen) >= 2), timeout=20)
    assert stage.seen[1].headers[H_ATTEMPT] == 1
    assert "downstream unavailable" in str(stage.seen[1].headers["x-gw-last-error"])


async def test_an_ordered_stage_isolates_the_message_that_breaks_it_and_keeps_the_order(
        settings: Settings) -> None:
    """One bad payment must not block a settlement shard: retried a few times, then the batch is
    taken apart, the culprit parked, and the others handled in their original order."""
    bodies = [b"1", b"2", b"bad", b"4", b"5"]
    async with stage_running(settings, "ordered-with-a-bad-one") as (stage, parked, _):
        await publish_to_route(settings, *bodies)
        await eventually(lambda: _true(len(parked) == 1 and len(stage.handled) == 4), timeout=30)
    assert stage.handled == [b"1", b"2", b"4", b"5"]
    assert parked[0].body == b"bad" and parked[0].issues[0].rule == "stage.unexpected_error"
    assert await queue_depth(Names(settings.broker.prefix).work_queue("route")) == 0


async def test_a_message_redelivered_too_often_is_parked_as_poison(settings: Settings) -> None:
    """A consumer that dies with the message (no outcome, no ack) makes the broker count deliveries."""
    queue_name = Names(settings.broker.prefix).work_queue("route")
    await publish_to_route(settings, b'{"poison": true}')
    for _ in range(settings.broker.poison_threshold):           # crash loop: take it and die without acking
        connection = await aio_pika.connect(AMQP_URL)
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        assert await queue.get(timeout=5) is not None
        await connection.close()
    async with stage_running(settings, "ok") as (stage, parked, _):
        await eventually(lambda: _true(len(parked) == 1), timeout=20)
    assert stage.seen == [], "never handed to the stage again"
    assert parked[0].reason.startswith("poison") and parked[0].issues[0].rule == "stage.poison"


async def test_stop_lets_in_flight_batches_finish_and_acks_them(settings: Settings) -> None:
    async with stage_running(settings, "slow", grace=10) as (stage, _, runner):
        await publish_to_route(settings, *(b"{}" for _ in range(5)))
        await eventually(lambda: _true(len(stage.seen) == 5), timeout=10)
        await runner.stop(10)                              # while the batch sleeps
    assert stage.finished == 5
    assert await queue_depth(Names(settings.broker.prefix).work_queue("route")) == 0, "all acked, none returned"


async def test_a_stop_past_the_grace_period_acks_nothing_half_done(settings: Settings) -> None:
    async with stage_running(settings, "slow", grace=0.1) as (stage, _, runner):
        await publish_to_route(settings, *(b"{}" for _ in range(5)))
        await eventually(lambda: _true(len(stage.seen) == 5), timeout=10)
        await runner.stop(0.1)                             # shorter than the handler takes
    assert stage.finished == 0
    await asyncio.sleep(0.5)
    assert await queue_depth(Names(settings.broker.prefix).work_queue("route")) == 5, "returned, not lost"

"""The RabbitMQ topology, declared in one place as typed data.

`build_topology(settings)` computes every exchange, queue and binding from the
configuration (prefix, shard count, rails, retry tiers); `apply` declares it over
AMQP idempotently and `definitions` renders the same objects as a definitions file
that `rabbitmqctl import_definitions` accepts — one source, two outputs.

Flow (names shown without the configured prefix):

    gw.ingress (topic) ──#──► gw.intake ─► [intake] ─► gw.payments (topic) ──#──► gw.route
    [route] ─► gw.routed (direct) ──sNN──► gw.settle.sNN (single active consumer)
    [settle] ─► gw.outbound (direct) ──<rail>──► gw.deliver.<rail>
    every verdict ─► gw.status (topic) ──#──► gw.report ─► [report] ─► gw.reports (topic, key = sender)
    work queue ─reject/delivery limit─► gw.dlx.<stage> (fanout) ─► gw.parked.<stage>
    retry: gw.retry.<tier> (direct, key = work queue) ─► gw.retry.<stage>.<tier> (TTL)
           ─expired─► gw.redrive (direct, key = work queue) ─► back to the work queue
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.config import Settings

STAGES = ("intake", "route", "settle", "deliver", "report")
ExchangeKind = Literal["topic", "direct", "fanout"]


def tier_name(seconds: int) -> str:
    """5 -> '5s', 300 -> '5m', 1800 -> '30m', 7200 -> '2h'."""
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


@dataclass(frozen=True)
class Names:
    """Every resource name, derived in one place from the environment prefix."""

    prefix: str = ""

    def exchange(self, logical: str) -> str:
        return f"{self.prefix}gw.{logical}"

    @property
    def ingress(self) -> str:
        return self.exchange("ingress")

    @property
    def payments(self) -> str:
        return self.exchange("payments")

    @property
    def routed(self) -> str:
        return self.exchange("routed")

    @property
    def outbound(self) -> str:
        return self.exchange("outbound")

    @property
    def status(self) -> str:
        return self.exchange("status")

    @property
    def reports(self) -> str:
        return self.exchange("reports")

    @property
    def reports_unrouted(self) -> str:
        return self.exchange("reports.unrouted")

    @property
    def redrive(self) -> str:
        return self.exchange("redrive")

    def retry_exchange(self, seconds: int) -> str:
        return self.exchange(f"retry.{tier_name(seconds)}")

    def dead_letter_exchange(self, stage: str) -> str:
        return self.exchange(f"dlx.{stage}")

    def work_queue(self, stage: str) -> str:
        return f"{self.prefix}gw.{stage}"

    def shard_queue(self, shard: int) -> str:
        return f"{self.prefix}gw.settle.{shard_key(shard)}"

    def deliver_queue(self, rail: str) -> str:
        return f"{self.prefix}gw.deliver.{rail}"

    def parked_queue(self, stage: str) -> str:
        return f"{self.prefix}gw.parked.{stage}"

    def retry_queue(self, stage: str, seconds: int) -> str:
        return f"{self.prefix}gw.retry.{stage}.{tier_name(seconds)}"

    @property
    def unrouted_reports_queue(self) -> str:
        return f"{self.prefix}gw.reports.unrouted"


def shard_key(shard: int) -> str:
    return f"s{shard:02d}"


@dataclass(frozen=True)
class ExchangeSpec:
    name: str
    kind: ExchangeKind
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueSpec:
    """Work, retry and parked queues are all quorum queues (durable, replicated)."""

    name: str
    stage: str
    role: Literal["work", "retry", "parked", "outlet"]
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BindingSpec:
    exchange: str
    queue: str
    routing_key: str


@dataclass(frozen=True)
class Topology:
    exchanges: tuple[ExchangeSpec, ...]
    queues: tuple[QueueSpec, ...]
    bindings: tuple[BindingSpec, ...]
    names: Names

    def work_queues(self, stage: str | None = None) -> list[QueueSpec]:
        return [q for q in self.queues if q.role == "work" and (stage is None or q.stage == stage)]

    def queue(self, name: str) -> QueueSpec:
        for spec in self.queues:
            if spec.name == name:
                return spec
        raise KeyError(name)


def build_topology(settings: Settings) -> Topology:
    names = Names(settings.broker.prefix)
    broker = settings.broker
    exchanges: list[ExchangeSpec] = [
        ExchangeSpec(names.ingress, "topic"),
        ExchangeSpec(names.payments, "topic"),
        ExchangeSpec(names.routed, "direct"),
        ExchangeSpec(names.outbound, "direct"),
        ExchangeSpec(names.status, "topic"),
        # reports for a sender that has bound no queue are kept, not dropped
        ExchangeSpec(names.reports, "topic", {"alternate-exchange": names.reports_unrouted}),
        ExchangeSpec(names.reports_unrouted, "fanout"),
        ExchangeSpec(names.redrive, "direct"),
    ]
    exchanges += [ExchangeSpec(names.retry_exchange(t), "direct") for t in broker.retry_tiers]
    exchanges += [ExchangeSpec(names.dead_letter_exchange(s), "fanout") for s in STAGES]

    def work_args(stage: str, **extra: Any) -> dict[str, Any]:
        return {
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": names.dead_letter_exchange(stage),
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
            "x-delivery-limit": broker.delivery_limit,
            **extra,
        }

    queues: list[QueueSpec] = []
    bindings: list[BindingSpec] = []

    def work(stage: str, name: str, source: str, key: str, **extra: Any) -> None:
        queues.append(QueueSpec(name, stage, "work", work_args(stage, **extra)))
        bindings.append(BindingSpec(source, name, key))
        bindings.append(BindingSpec(names.redrive, name, name))

    work("intake", names.work_queue("intake"), names.ingress, "#")
    work("route", names.work_queue("route"), names.payments, "#")
    for shard in range(broker.settle_shards):
        work("settle", names.shard_queue(shard), names.routed, shard_key(shard),
             **{"x-single-active-consumer": True})
    for rail in settings.rails:
        work("deliver", names.deliver_queue(rail), names.outbound, rail)
    work("report", names.work_queue("report"), names.status, "#")

    for stage in STAGES:
        stage_work = [q.name for q in queues if q.stage == stage and q.role == "work"]
        parked = names.parked_queue(stage)
        queues.append(QueueSpec(parked, stage, "parked", {"x-queue-type": "quorum"}))
        bindings.append(BindingSpec(names.dead_letter_exchange(stage), parked, ""))
        for tier in broker.retry_tiers:
            retry = names.retry_queue(stage, tier)
            queues.append(QueueSpec(retry, stage, "retry", {
                "x-queue-type": "quorum",
                "x-message-ttl": int(tier * 1200),          # cap: 1.2 x the tier, in ms
                "x-dead-letter-exchange": names.redrive,    # keeps the routing key: the work queue's name
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            }))
            bindings += [BindingSpec(names.retry_exchange(tier), retry, q) for q in stage_work]

    queues.append(QueueSpec(names.unrouted_reports_queue, "report", "outlet", {"x-queue-type": "quorum"}))
    bindings.append(BindingSpec(names.reports_unrouted, names.unrouted_reports_queue, ""))
    return Topology(tuple(exchanges), tuple(queues), tuple(bindings), names)


async def apply(channel: Any, topology: Topology) -> None:
    """Declare everything; idempotent. `channel` is an aio-pika channel (library edge).

    A queue that exists with other arguments makes the broker refuse (PRECONDITION_FAILED);
    the error names the queue so an operator can migrate it deliberately.
    """
    import aio_pika

    declared: dict[str, Any] = {}
    for spec in topology.exchanges:
        declared[spec.name] = await channel.declare_exchange(
            spec.name, aio_pika.ExchangeType(spec.kind), durable=True, arguments=spec.arguments or None)
    for queue_spec in topology.queues:
        try:
            queue = await channel.declare_queue(queue_spec.name, durable=True, arguments=queue_spec.arguments)
        except aio_pika.exceptions.ChannelPreconditionFailed as exc:
            raise TopologyMismatch(
                f"queue {queue_spec.name} exists with other arguments than the configuration "
                f"({exc}); drain and delete it, or restore the previous settings") from None
        for binding in topology.bindings:
            if binding.queue == queue_spec.name:
                await queue.bind(declared[binding.exchange], routing_key=binding.routing_key)


class TopologyMismatch(Exception):
    pass


async def delete(channel_factory: Any, topology: Topology) -> None:
    """Remove every object of this topology (test isolation, demo resets). Never touches other names."""
    for queue_spec in topology.queues:
        channel = await channel_factory()
        try:
            await channel.queue_delete(queue_spec.name)
        finally:
            await channel.close()
    for spec in topology.exchanges:
        channel = await channel_factory()
        try:
            await channel.exchange_delete(spec.name)
        finally:
            await channel.close()


def definitions(topology: Topology, vhost: str = "/") -> dict[str, Any]:
    """The same topology as a RabbitMQ definitions document (`rabbitmqctl import_definitions`)."""
    return {
        "rabbit_version": "3.10.8",
        "rabbitmq_version": "3.10.8",
        "vhosts": [{"name": vhost}],
        "exchanges": [
            {"name": e.name, "vhost": vhost, "type": e.kind, "durable": True, "auto_delete": False,
             "internal": False, "arguments": dict(e.arguments)}
            for e in topology.exchanges
        ],
        "queues": [
            {"name": q.name, "vhost": vhost, "durable": True, "auto_delete": False, "arguments": dict(q.arguments)}
            for q in topology.queues
        ],
        "bindings": [
            {"source": b.exchange, "vhost": vhost, "destination": b.queue, "destination_type": "queue",
             "routing_key": b.routing_key, "arguments": {}}
            for b in topology.bindings
        ],
        "policies": [],
    }

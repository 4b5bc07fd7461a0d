"""The broker ceiling (bench/ceiling.py) against the real RabbitMQ: every message crosses the four
confirmed hops, the figures are there, and the run leaves no queue or exchange behind."""

from __future__ import annotations

import aio_pika
import aiormq
import pytest

from bench.ceiling import HOPS, Topology, run_ceiling

pytestmark = pytest.mark.rabbit

N = 500


async def _exists(amqp_url: str, kind: str, name: str) -> bool:
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        try:
            if kind == "queue":
                await channel.declare_queue(name, passive=True)
            else:
                await channel.declare_exchange(name, passive=True)
        except aiormq.exceptions.ChannelNotFoundEntity:
            return False
        return True
    finally:
        await connection.close()


@pytest.mark.parametrize("mode", ["inprocess", "processes"])
async def test_every_message_crosses_the_chain_and_nothing_is_left_behind(rabbitmq: str, mode: str) -> None:
    result = await run_ceiling(rabbitmq, n=N, body_size=512, prefetch=32, mode=mode, stall_timeout=20)

    assert result["received"] == N
    assert result["duplicates"] == 0
    assert result["mode"] == mode and result["hops"] == HOPS and result["n"] == N
    assert result["msgs_per_s"] > 0
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    topology = Topology(result["prefix"])
    for hop in range(HOPS + 1):
        assert not await _exists(rabbitmq, "queue", topology.queue(hop))
        assert not await _exists(rabbitmq, "exchange", topology.exchange(hop))


async def test_bad_arguments_are_refused_before_touching_the_broker() -> None:
    unreachable = "amqp://guest:guest@127.0.0.1:1/"
    with pytest.raises(ValueError, match="mode"):
        await run_ceiling(unreachable, n=N, body_size=512, prefetch=32, mode="threads")
    with pytest.raises(ValueError):
        await run_ceiling(unreachable, n=0, body_size=512, prefetch=32, mode="inprocess")


async def test_a_stalled_chain_fails_with_a_clear_message_and_is_cleaned_up(
    rabbitmq: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bench.ceiling as ceiling

    prefixes: list[str] = []
    fresh = Topology.fresh

    def recording_fresh() -> Topology:
        topology = fresh()
        prefixes.append(topology.prefix)
        return topology

    async def swallow(self: ceiling.Hop, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        return None  # neither forwards nor acks: nothing ever reaches the last queue

    monkeypatch.setattr(ceiling.Topology, "fresh", staticmethod(recording_fresh))
    monkeypatch.setattr(ceiling.Hop, "_forward", swallow)

    with pytest.raises(ceiling.CeilingError, match=rf"no message reached hop{HOPS} for 1 s"):
        await run_ceiling(rabbitmq, n=50, body_size=64, prefetch=8, mode="inprocess", stall_timeout=1)

    topology = Topology(prefixes[0])
    for hop in range(HOPS + 1):
        assert not await _exists(rabbitmq, "queue", topology.queue(hop))


async def test_a_name_clash_is_refused_and_the_other_queue_is_left_alone(
    rabbitmq: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bench.ceiling as ceiling

    taken = Topology.fresh()
    connection = await aio_pika.connect(rabbitmq)
    try:
        channel = await connection.channel()
        await channel.declare_queue(taken.queue(2), durable=True, arguments={"x-queue-type": "quorum"})
        monkeypatch.setattr(ceiling.Topology, "fresh", staticmethod(lambda: taken))

        with pytest.raises(ceiling.CeilingError, match="already exists"):
            await run_ceiling(rabbitmq, n=10, body_size=64, prefetch=8, mode="inprocess")

        assert await _exists(rabbitmq, "queue", taken.queue(2))
        assert not await _exists(rabbitmq, "queue", taken.queue(0))
    finally:
        channel = await connection.channel()
        await channel.queue_delete(taken.queue(2))
        await connection.close()

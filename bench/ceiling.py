"""Broker ceiling: a bare chain of four pass-through consumers, each republishing with confirms.

The end-to-end benchmark (bench/e2e.py) divides its throughput by this figure, measured in the
same run on the same broker (STYLE.md rule 13), so the ratio shows what our stages cost on top of
the broker. The chain keeps the gateway's delivery contract (BROKER.md (c), (d)): durable quorum
queues behind direct exchanges, persistent mandatory publishes on confirm channels, a window of
outstanding confirms, and the input acked only after its output is confirmed. It does no work
on the payload, so no pipeline with the same contract can beat it on the same broker.

    python -m bench.ceiling [-n 20000] [--mode inprocess|processes] [--prefetch 256] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import logging
import math
import multiprocessing
import os
import signal
import statistics
import sys
import time
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from multiprocessing.synchronize import Event as ProcessEvent
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
    DeliveryMode,
    ExchangeType,
)

log = logging.getLogger("bench.ceiling")

HOPS = 4  # pass-through consumers; the chain has HOPS + 1 queues and the sink drains the last
MODES = ("inprocess", "processes")
URL_ENV = "GATEWAY_BROKER__URL"  # the gateway's own broker setting (gateway/config.py)
DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_N = 20_000
DEFAULT_BODY_SIZE = 2_048  # about one canonical payment as JSON
DEFAULT_PREFETCH = 256  # BROKER.md (d): concurrent I/O-bound stages
DEFAULT_WINDOW = 1_000  # BROKER.md (c): ~1000 outstanding confirms per publisher
STALL_TIMEOUT_S = 30.0
PUBLISH_TIMEOUT_S = 30.0
START_TIMEOUT_S = 60.0
STOP_GRACE_S = 10.0
SINK_PREFETCH = 1_024  # BROKER.md (d): 2 x batch and more, so the sink is never the bottleneck
SINK_ACK_EVERY = 128
SEQ_HEADER = "x-bench-seq"
SENT_NS_HEADER = "x-bench-sent-ns"  # wall clock, so latency also works across hop processes

T = TypeVar("T")


class CeilingError(RuntimeError):
    """The run could not finish: a stalled chain, a dead hop, a failed publish or a name clash."""


@dataclass(frozen=True)
class Topology:
    """One run's private names: a random prefix keeps concurrent runs and environments apart."""

    prefix: str

    @classmethod
    def fresh(cls) -> Topology:
        return cls(f"bench-{uuid.uuid4().hex[:12]}.")

    def exchange(self, hop: int) -> str:
        return f"{self.prefix}hop{hop}.x"

    def queue(self, hop: int) -> str:
        return f"{self.prefix}hop{hop}.q"

    @staticmethod
    def routing_key(hop: int) -> str:
        return f"hop{hop}"


def payment_body(size: int) -> bytes:
    """A JSON document shaped like a canonical payment, padded to `size` bytes so frames match real
    traffic; below the skeleton's size it is cut short (nothing in the chain parses it)."""
    document = {
        "type": "Payment/1",
        "payment_id": "00000000-0000-4000-8000-000000000000",
        "end_to_end_id": "BENCH-E2E-0000000001",
        "amount": "1234.56",
        "currency": "EUR",
        "debtor": {"name": "Bench Debtor", "account": "XX00BENCH0000000001", "agent": "BENCHXXXXXX"},
        "creditor": {"name": "Bench Creditor", "account": "XX00BENCH0000000002", "agent": "BENCHYYYYYY"},
        "remittance": "",
    }
    skeleton = json.dumps(document, separators=(",", ":")).encode()
    if size <= len(skeleton):
        return skeleton[:size]
    document["remittance"] = "x" * (size - len(skeleton))
    return json.dumps(document, separators=(",", ":")).encode()


def _connection_name(topology: Topology, role: str) -> dict[str, Any]:
    """Client properties naming the connection, so the management view shows who opened it."""
    return {"connection_name": f"{topology.prefix}{role}"}


# ---------------------------------------------------------------------------------------- topology


async def _absent(connection: AbstractConnection, kind: str, name: str) -> bool:
    """True if no such exchange or queue exists; a passive declare of a missing one closes its
    channel, hence a throwaway channel per check."""
    channel = await connection.channel()
    try:
        if kind == "queue":
            await channel.declare_queue(name, passive=True)
        else:
            await channel.declare_exchange(name, passive=True)
    except aiormq.exceptions.ChannelNotFoundEntity:
        return True
    finally:
        with contextlib.suppress(Exception):
            await channel.close()
    return False


async def _declare(connection: AbstractConnection, topology: Topology, created: list[tuple[str, str]]) -> None:
    """Declare the chain, recording each object as soon as it exists so that a failure half-way
    still deletes exactly what this run made and nothing else."""
    for hop in range(HOPS + 1):
        for kind, name in (("exchange", topology.exchange(hop)), ("queue", topology.queue(hop))):
            if not await _absent(connection, kind, name):
                raise CeilingError(f"{kind} {name!r} already exists; a ceiling run only uses names it made")
    channel = await connection.channel()
    try:
        for hop in range(HOPS + 1):
            exchange = await channel.declare_exchange(topology.exchange(hop), ExchangeType.DIRECT, durable=True)
            created.append(("exchange", exchange.name))
            queue = await channel.declare_queue(topology.queue(hop), durable=True, arguments={"x-queue-type": "quorum"})
            created.append(("queue", queue.name))
            await queue.bind(exchange, routing_key=topology.routing_key(hop))
    finally:
        await channel.close()


async def _delete(amqp_url: str, topology: Topology, created: list[tuple[str, str]]) -> None:
    """Delete what this run created, newest first, on a fresh connection (the run's own ones may
    be the reason we are here) and a channel per object, so one failure does not stop the rest."""
    if not created:
        return
    try:
        connection = await aio_pika.connect(
            amqp_url, timeout=10, client_properties=_connection_name(topology, "cleanup")
        )
    except Exception as exc:  # keep the run's own error in front; say what is left behind
        names = ", ".join(name for _, name in created)
        log.warning("could not reach the broker to delete %s: %r", names, exc)
        return
    try:
        for kind, name in reversed(created):
            try:
                channel = await connection.channel()
                if kind == "queue":
                    await channel.queue_delete(name, timeout=10)
                else:
                    await channel.exchange_delete(name, timeout=10)
                await channel.close()
            except Exception as exc:
                log.warning("could not delete %s %s: %r", kind, name, exc)
    finally:
        await connection.close()


async def _depths(connection: AbstractConnection, topology: Topology) -> dict[str, int | None]:
    """Ready-message count per queue, for the stall diagnosis (None where the broker did not say)."""
    depths: dict[str, int | None] = {}
    for hop in range(HOPS + 1):
        depth: int | None = None
        with contextlib.suppress(Exception):
            channel = await connection.channel()
            queue = await channel.declare_queue(topology.queue(hop), passive=True)
            depth = queue.declaration_result.message_count
            await channel.close()
        depths[f"hop{hop}"] = depth
    return depths


# ---------------------------------------------------------------------------------------- the chain


class Hop:
    """Pass-through consumer: queue hop<i> to exchange hop<i+1>, acking each input only after its
    output is confirmed (BROKER.md (d)); a failed publish leaves the input unacked and is reported
    through `failure`, so the run fails loudly instead of counting a loss."""

    _connection: AbstractRobustConnection
    _exchange: AbstractExchange
    _queue: AbstractQueue
    _consumer_tag: str

    def __init__(self, amqp_url: str, topology: Topology, index: int, prefetch: int, window: int) -> None:
        self._url = amqp_url
        self._topology = topology
        self._index = index
        self._prefetch = prefetch
        self._window = asyncio.Semaphore(window)  # binds only when smaller than the prefetch
        self._routing_key = topology.routing_key(index + 1)
        self._inflight: set[asyncio.Task[Any]] = set()
        self._started = False
        self.failure: BaseException | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(
            self._url, timeout=10, client_properties=_connection_name(self._topology, f"hop{self._index}")
        )
        self._started = True
        channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        await channel.set_qos(prefetch_count=self._prefetch)
        # Passive look-ups: a robust channel restores them after a reconnect without ever creating
        # a queue or exchange that the coordinator has already deleted.
        self._exchange = await channel.get_exchange(self._topology.exchange(self._index + 1))
        self._queue = await channel.get_queue(self._topology.queue(self._index))
        self._consumer_tag = await self._queue.consume(self._forward)

    async def _forward(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            output = aio_pika.Message(
                message.body,
                headers=message.headers,
                message_id=message.message_id,
                content_type=message.content_type,
                delivery_mode=DeliveryMode.PERSISTENT,
            )
            async with self._window:
                await self._exchange.publish(output, self._routing_key, mandatory=True, timeout=PUBLISH_TIMEOUT_S)
            await message.ack()
        except Exception as exc:
            if self.failure is None:
                self.failure = exc
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def stop(self, grace: float = STOP_GRACE_S) -> None:
        """Stop consuming, let in-flight republishes finish, then close (BROKER.md (d) shutdown)."""
        if not self._started:
            return
        try:
            if hasattr(self, "_consumer_tag"):
                await self._queue.cancel(self._consumer_tag, timeout=5)
            if self._inflight:
                await asyncio.wait(set(self._inflight), timeout=grace)
        except Exception as exc:
            log.debug("hop%d: stopping: %r", self._index, exc)
        finally:
            await self._connection.close()


class Chain(Protocol):
    """The four hops, wherever they run."""

    async def start(self) -> None: ...
    def check(self) -> None: ...
    async def stop(self) -> None: ...


class TaskChain:
    """The hops as consumers sharing the caller's event loop: one core for the whole client side."""

    def __init__(self, amqp_url: str, topology: Topology, prefetch: int, window: int) -> None:
        self._hops = [Hop(amqp_url, topology, index, prefetch, window) for index in range(HOPS)]

    async def start(self) -> None:
        for hop in self._hops:
            await hop.start()

    def check(self) -> None:
        for index, hop in enumerate(self._hops):
            if hop.failure is not None:
                raise CeilingError(f"hop{index} could not republish: {hop.failure!r}") from hop.failure

    async def stop(self) -> None:
        await asyncio.gather(*(hop.stop() for hop in self._hops), return_exceptions=True)


class ProcessChain:
    """The hops as separate OS processes, like the gateway's stage services. Spawned rather than
    forked, so no child inherits the coordinator's event loop or sockets."""

    def __init__(self, amqp_url: str, topology: Topology, prefetch: int, window: int, use_uvloop: bool) -> None:
        self._args = (amqp_url, topology.prefix, prefetch, window, use_uvloop)
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[tuple[multiprocessing.process.BaseProcess, ProcessEvent]] = []

    async def start(self) -> None:
        url, prefix, prefetch, window, use_uvloop = self._args
        for index in range(HOPS):
            ready = self._context.Event()
            process = self._context.Process(
                target=_hop_process_main,
                args=(url, prefix, index, prefetch, window, use_uvloop, ready),
                name=f"bench-ceiling-hop{index}",
                daemon=True,  # reaped by multiprocessing if the coordinator exits without stop()
            )
            process.start()
            self._processes.append((process, ready))
        deadline = time.monotonic() + START_TIMEOUT_S
        while not all(ready.is_set() for _, ready in self._processes):
            self.check()
            if time.monotonic() > deadline:
                raise CeilingError(f"hop processes were not consuming after {START_TIMEOUT_S:.0f} s")
            await asyncio.sleep(0.05)

    def check(self) -> None:
        for process, _ in self._processes:
            if process.exitcode is not None:
                raise CeilingError(f"{process.name} exited with code {process.exitcode} (its log is above)")

    async def stop(self) -> None:
        for process, _ in self._processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: the hop drains in-flight work and closes
        deadline = time.monotonic() + STOP_GRACE_S + 5
        while any(p.is_alive() for p, _ in self._processes) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for process, _ in self._processes:
            if process.is_alive():
                log.warning("%s did not stop in time; killing it", process.name)
                process.kill()
            process.join(timeout=5)


def _hop_process_main(
    amqp_url: str, prefix: str, index: int, prefetch: int, window: int, use_uvloop: bool, ready: ProcessEvent
) -> None:
    """Entry point of one hop process. Ctrl-C is left to the coordinator, which stops hops with
    SIGTERM after it has stopped publishing, so shutdown happens in one order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format=f"hop{index} %(levelname)s %(name)s: %(message)s")
    sys.exit(_run(_hop_process(amqp_url, Topology(prefix), index, prefetch, window, ready), use_uvloop))


async def _hop_process(
    amqp_url: str, topology: Topology, index: int, prefetch: int, window: int, ready: ProcessEvent
) -> int:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    parent = os.getppid()
    hop = Hop(amqp_url, topology, index, prefetch, window)
    try:
        await hop.start()
        ready.set()
        # A coordinator that died (SIGKILL) cannot stop us: notice the re-parenting and leave.
        while not stop.is_set() and hop.failure is None and os.getppid() == parent:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)
    finally:
        await hop.stop()
    if hop.failure is not None:
        log.error("hop%d could not republish: %r", index, hop.failure)
        return 1
    return 0


# ---------------------------------------------------------------------------------------- ends


class Producer:
    """Publishes n numbered messages to hop0 with at most `window` unconfirmed (BROKER.md (c))."""

    def __init__(self, exchange: AbstractExchange, body: bytes, window: int, rate: float | None) -> None:
        self._exchange = exchange
        self._body = body
        self._window = window
        self._rate = rate
        self.confirmed = 0
        self.started_at = 0.0
        self.finished_at = 0.0

    async def run(self, n: int) -> None:
        slots = asyncio.Semaphore(self._window)
        pending: set[asyncio.Task[None]] = set()
        failures: list[BaseException] = []

        async def publish(seq: int) -> None:
            try:
                message = aio_pika.Message(
                    self._body,
                    headers={SEQ_HEADER: seq, SENT_NS_HEADER: time.time_ns()},
                    message_id=str(seq),
                    content_type="application/json",
                    delivery_mode=DeliveryMode.PERSISTENT,
                )
                await self._exchange.publish(
                    message, Topology.routing_key(0), mandatory=True, timeout=PUBLISH_TIMEOUT_S
                )
                self.confirmed += 1
            except Exception as exc:
                failures.append(exc)
            finally:
                slots.release()

        self.started_at = time.perf_counter()
        try:
            for seq in range(n):
                if self._rate:
                    delay = self.started_at + seq / self._rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                await slots.acquire()
                if failures:
                    break
                task = asyncio.create_task(publish(seq))
                pending.add(task)
                task.add_done_callback(pending.discard)
            if pending:
                await asyncio.wait(set(pending))
        finally:
            for task in pending:
                task.cancel()
        if failures:
            raise CeilingError(f"publishing to hop0 failed: {failures[0]!r}") from failures[0]
        self.finished_at = time.perf_counter()


def _int_header(message: AbstractIncomingMessage, name: str) -> int:
    value = message.headers.get(name)
    if not isinstance(value, int):
        raise CeilingError(f"message without integer header {name!r} reached the sink")
    return value


class Sink:
    """Counts arrivals at the end of the chain and their latency, acking in batches
    (BROKER.md (d)) so that counting costs the chain as little as possible."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._seen = bytearray(n)
        self._unacked = 0
        self.received = 0
        self.duplicates = 0
        self.latencies_ns: list[int] = []
        self.finished_at = 0.0
        self.complete = asyncio.Event()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        arrived_ns = time.time_ns()
        seq = _int_header(message, SEQ_HEADER)
        if not 0 <= seq < self._n:
            raise CeilingError(f"sequence number {seq} is outside this run's 0..{self._n - 1}")
        if self._seen[seq]:
            self.duplicates += 1  # at-least-once: possible after a reconnect, never expected here
        else:
            self._seen[seq] = 1
            self.received += 1
            self.latencies_ns.append(arrived_ns - _int_header(message, SENT_NS_HEADER))
        self._unacked += 1
        done = self.received == self._n
        if done and not self.complete.is_set():
            self.finished_at = time.perf_counter()
            self.complete.set()
        if self._unacked >= SINK_ACK_EVERY or done:
            self._unacked = 0
            await message.ack(multiple=True)

    @property
    def progress(self) -> int:
        return self.received + self.duplicates


def _percentile_ms(sorted_ns: Sequence[int], fraction: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not sorted_ns:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_ns)))
    return round(sorted_ns[rank - 1] / 1e6, 2)


# ---------------------------------------------------------------------------------------- the run


async def _watch(
    sink: Sink,
    producer: Producer,
    publishing: asyncio.Task[None],
    chain: Chain,
    admin: AbstractConnection,
    topology: Topology,
    n: int,
    stall_timeout: float,
) -> None:
    """Wait until the sink has all n messages; fail at once on a dead hop or a failed publish,
    and after `stall_timeout` seconds in which nothing reached the sink."""
    last_progress, last_change = -1, time.monotonic()
    while not sink.complete.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sink.complete.wait(), 0.25)
        chain.check()
        if publishing.done() and not publishing.cancelled() and publishing.exception() is not None:
            publishing.result()  # re-raises the producer's CeilingError
        if sink.progress != last_progress:
            last_progress, last_change = sink.progress, time.monotonic()
        elif time.monotonic() - last_change > stall_timeout:
            depths = await _depths(admin, topology)
            raise CeilingError(
                f"no message reached hop{HOPS} for {stall_timeout:.0f} s: {producer.confirmed}/{n} "
                f"publishes confirmed, {sink.received}/{n} arrived; ready messages per queue {depths}"
            )


def _running_uvloop() -> bool:
    return type(asyncio.get_running_loop()).__module__.startswith("uvloop")


async def run_ceiling(
    amqp_url: str,
    n: int = DEFAULT_N,
    body_size: int = DEFAULT_BODY_SIZE,
    prefetch: int = DEFAULT_PREFETCH,
    mode: str = "inprocess",
    *,
    window: int = DEFAULT_WINDOW,
    rate: float | None = None,
    use_uvloop: bool | None = None,
    stall_timeout: float = STALL_TIMEOUT_S,
) -> dict[str, Any]:
    """Measure the chain once and return its figures. Throughput runs from the first publish to
    the n-th arrival at the sink; latency is publish to arrival per message, so without `rate` it
    includes the backlog in hop0. Everything declared is deleted before this returns or raises.

    `use_uvloop` picks the hop processes' loop in `processes` mode (default: the caller's kind);
    in `inprocess` mode the hops run on the caller's loop, whatever it is."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if n < 1 or body_size < 0 or prefetch < 1 or window < 1 or (rate is not None and rate <= 0):
        raise ValueError("n, prefetch and window must be at least 1, body_size at least 0, rate positive")
    if use_uvloop is None:
        use_uvloop = _running_uvloop()
    topology = Topology.fresh()
    created: list[tuple[str, str]] = []
    async with contextlib.AsyncExitStack() as cleanup:  # runs in reverse: stop senders first, delete last
        cleanup.push_async_callback(_delete, amqp_url, topology, created)
        admin = await aio_pika.connect(amqp_url, timeout=10, client_properties=_connection_name(topology, "admin"))
        cleanup.push_async_callback(admin.close)
        await _declare(admin, topology, created)

        chain: Chain = (
            TaskChain(amqp_url, topology, prefetch, window)
            if mode == "inprocess"
            else ProcessChain(amqp_url, topology, prefetch, window, use_uvloop)
        )
        cleanup.push_async_callback(chain.stop)
        await chain.start()

        sink = Sink(n)
        sink_connection = await aio_pika.connect_robust(
            amqp_url, timeout=10, client_properties=_connection_name(topology, "sink")
        )
        cleanup.push_async_callback(sink_connection.close)
        sink_channel = await sink_connection.channel()
        await sink_channel.set_qos(prefetch_count=SINK_PREFETCH)
        sink_queue = await sink_channel.get_queue(topology.queue(HOPS))
        await sink_queue.consume(sink.on_message)

        producer_connection = await aio_pika.connect_robust(
            amqp_url, timeout=10, client_properties=_connection_name(topology, "producer")
        )
        cleanup.push_async_callback(producer_connection.close)
        producer_channel = await producer_connection.channel(publisher_confirms=True, on_return_raises=True)
        producer = Producer(
            await producer_channel.get_exchange(topology.exchange(0)), payment_body(body_size), window, rate
        )
        publishing = asyncio.create_task(producer.run(n))
        cleanup.push_async_callback(_cancel, publishing)

        await _watch(sink, producer, publishing, chain, admin, topology, n, stall_timeout)
        await asyncio.wait_for(publishing, PUBLISH_TIMEOUT_S)  # every arrival implies its confirm is near

    elapsed = sink.finished_at - producer.started_at
    latencies = sorted(sink.latencies_ns)
    return {
        "schema": "bench.ceiling/1",
        "mode": mode,
        "hops": HOPS,
        "n": n,
        "body_size": body_size,
        "prefetch": prefetch,
        "window": window,
        "rate": rate,
        "loop": "uvloop" if (use_uvloop if mode == "processes" else _running_uvloop()) else "asyncio",
        "received": sink.received,
        "duplicates": sink.duplicates,
        "elapsed_s": round(elapsed, 3),
        "msgs_per_s": round(n / elapsed, 1),
        "publish_msgs_per_s": round(n / (producer.finished_at - producer.started_at), 1),
        "p50_ms": _percentile_ms(latencies, 0.50),
        "p99_ms": _percentile_ms(latencies, 0.99),
        "max_ms": _percentile_ms(latencies, 1.0),
        "prefix": topology.prefix,
    }


async def _cancel(task: asyncio.Task[Any]) -> None:
    """Cancel and wait without raising the task's own error, which the run has already reported."""
    task.cancel()
    await asyncio.wait({task})
    if not task.cancelled():
        task.exception()  # mark it retrieved


# ---------------------------------------------------------------------------------------- CLI


def _run(main: Coroutine[Any, Any, T], use_uvloop: bool) -> T:
    if use_uvloop:
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)


async def _until_sigterm(main: Coroutine[Any, Any, T]) -> T:
    """Let SIGTERM cancel the run like Ctrl-C does, so a killed benchmark still cleans up."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await main


def _redacted(url: str) -> str:
    """The URL without its password, for error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _uvloop_available() -> bool:
    return importlib.util.find_spec("uvloop") is not None


_COLUMNS = ("mode", "prefetch", "window", "loop", "msgs/s", "p50 ms", "p99 ms", "publish/s")


def _row(result: dict[str, Any]) -> str:
    cells = (
        result["mode"],
        result["prefetch"],
        result["window"],
        result["loop"],
        f"{result['msgs_per_s']:,.0f}",
        f"{result['p50_ms']:,.1f}",
        f"{result['p99_ms']:,.1f}",
        f"{result['publish_msgs_per_s']:,.0f}",
    )
    return "  ".join(f"{cell!s:>10}" for cell in cells)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ceiling",
        description=f"Broker ceiling: {HOPS} pass-through consumers, each republishing with confirms.",
    )
    parser.add_argument(
        "--url",
        default=os.environ.get(URL_ENV, DEFAULT_URL),
        help=f"AMQP URL (default: ${URL_ENV} or {DEFAULT_URL})",
    )
    parser.add_argument("-n", type=int, default=DEFAULT_N, help="messages per run (default %(default)s)")
    parser.add_argument("--body-size", type=int, default=DEFAULT_BODY_SIZE, help="bytes per body (default %(default)s)")
    parser.add_argument("--prefetch", type=int, default=DEFAULT_PREFETCH, help="per hop (default %(default)s)")
    parser.add_argument(
        "--window",
        type=int,
        default=DEFAULT_WINDOW,
        help="unconfirmed publishes per publisher (default %(default)s)",
    )
    parser.add_argument("--mode", choices=MODES, default="inprocess", help="where the hops run (default %(default)s)")
    parser.add_argument(
        "--processes", dest="mode", action="store_const", const="processes", help="same as --mode processes"
    )
    parser.add_argument(
        "--uvloop",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="use uvloop (default: when installed)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="pace publishing to this many msgs/s (default: as fast as confirms allow)",
    )
    parser.add_argument(
        "--stall-timeout",
        type=float,
        default=STALL_TIMEOUT_S,
        help="fail after this many seconds without arrivals",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs, each on a fresh topology; the table adds their median"
    )
    parser.add_argument("--json", action="store_true", help="print each run's result as one JSON line")
    return parser


async def _run_from_args(args: argparse.Namespace, use_uvloop: bool) -> dict[str, Any]:
    return await run_ceiling(
        args.url,
        args.n,
        args.body_size,
        args.prefetch,
        args.mode,
        window=args.window,
        rate=args.rate,
        use_uvloop=use_uvloop,
        stall_timeout=args.stall_timeout,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: 0 all messages arrived, 1 the run failed, 2 usage error, 130 interrupted."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.uvloop and not _uvloop_available():
        print("uvloop is not installed; pip install uvloop or pass --no-uvloop", file=sys.stderr)
        return 2
    use_uvloop = _uvloop_available() if args.uvloop is None else bool(args.uvloop)
    results: list[dict[str, Any]] = []
    try:
        for _ in range(max(1, args.repeat)):
            result = _run(_until_sigterm(_run_from_args(args, use_uvloop)), use_uvloop)
            results.append(result)
            if args.json:
                print(json.dumps(result), flush=True)
            else:
                if len(results) == 1:
                    print("  ".join(f"{c:>10}" for c in _COLUMNS))
                print(_row(result), flush=True)
    except ValueError as exc:
        print(f"bench.ceiling: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        print(
            "bench.ceiling: interrupted; deleted what this run created (warnings above name any left)",
            file=sys.stderr,
        )
        return 130
    except CeilingError as exc:
        print(f"bench.ceiling: {exc}", file=sys.stderr)
        return 1
    except (ConnectionError, aiormq.exceptions.AMQPError) as exc:
        print(f"bench.ceiling: cannot use the broker at {_redacted(args.url)}: {exc!r}", file=sys.stderr)
        return 1
    if len(results) > 1 and not args.json:
        median = dict(results[0])
        for key in ("msgs_per_s", "p50_ms", "p99_ms", "publish_msgs_per_s"):
            median[key] = statistics.median(r[key] for r in results)
        median["mode"] = "median"
        print(_row(median))
    return 0


if __name__ == "__main__":
    sys.exit(main())

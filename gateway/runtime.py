"""Running stages in one process: start-up checks, the stage runners, graceful shutdown.

Start-up fails fast (exit 2 with one sentence) when the broker, the database, the
topology or the migrations are not there. SIGTERM/SIGINT stop consuming at once,
let in-flight batches finish within the grace period, and ack nothing half-done.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aio_pika

from gateway import store
from gateway.adapters.filedrop import FileDropAdapter
from gateway.broker import ParkedMessage, Publisher, StageRunner, connect
from gateway.config import Settings
from gateway.db import create_pool
from gateway.observability import log_event
from gateway.stages.common import StageContext, build_catalogue, build_profiles
from gateway.topology import Names
from settlement.migrate import pending

STAGE_NAMES = ("intake", "route", "settle", "deliver", "report")
ADAPTER_NAMES = ("filedrop",)
ALL_COMPONENTS = STAGE_NAMES + ADAPTER_NAMES


class StartupError(Exception):
    """Something the gateway needs is missing: the message says what and how to fix it."""


def make_stage(name: str, context: StageContext) -> Any:
    if name == "intake":
        from gateway.stages.intake import IntakeStage
        return IntakeStage(context)
    if name == "route":
        from gateway.stages.route import RouteStage
        return RouteStage(context)
    if name == "settle":
        from gateway.stages.settle import SettleStage
        return SettleStage(context)
    if name == "deliver":
        from gateway.stages.deliver import DeliverStage
        return DeliverStage(context)
    if name == "report":
        from gateway.stages.report import ReportStage
        return ReportStage(context)
    raise ValueError(f"unknown stage {name!r}")


@dataclass
class Gateway:
    """A running set of stages and adapters in this process."""

    settings: Settings
    components: Sequence[str] = ALL_COMPONENTS
    connection_name: str = "gateway"
    context: StageContext | None = None
    runners: list[StageRunner] = field(default_factory=list)
    _connection: Any = None
    _pool: Any = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _adapter_stop: asyncio.Event = field(default_factory=asyncio.Event)
    _publisher: Publisher | None = None

    async def start(self) -> None:
        settings = self.settings
        names = Names(settings.broker.prefix)
        self._connection = await connect(settings.broker, self.connection_name)
        try:
            self._pool = await create_pool(settings.database)
            async with self._pool.acquire() as connection:
                missing = await pending(connection)
            if missing:
                raise StartupError(f"the database lacks {len(missing)} migration(s) "
                                   f"(first: {missing[0].version:04d}_{missing[0].name}); run `gateway db migrate`")
            self.context = StageContext(settings=settings, names=names, pool=self._pool,
                                        catalogue=build_catalogue(settings), profiles=build_profiles(settings))

            async def record_parked(parked: ParkedMessage) -> None:
                async with self._pool.acquire() as connection:
                    await store.record_parked(connection, parked)

            for name in self.components:
                if name in STAGE_NAMES:
                    runner = StageRunner(make_stage(name, self.context), self._connection, settings.broker, names,
                                         record_parked)
                    try:
                        await runner.start()
                    except aio_pika.exceptions.ChannelNotFoundEntity as exc:
                        raise StartupError(f"the RabbitMQ topology is missing ({exc.args[0] if exc.args else exc}); "
                                           "run `gateway topology apply`") from None
                    self.runners.append(runner)
            if "filedrop" in self.components and settings.filedrop.enabled:
                self._publisher = await Publisher.open(self._connection, settings.broker)
                root = settings.resolved_paths.filedrop_dir
                assert root is not None
                adapter = FileDropAdapter(
                    root, names, self._publisher, poll_interval=settings.filedrop.poll_interval,
                    stable_for=settings.filedrop.stable_for, max_bytes=settings.stages.intake.max_document_bytes)
                self._tasks.append(asyncio.create_task(adapter.run(self._adapter_stop), name="filedrop"))
        except BaseException:
            await self.stop()
            raise
        log_event("gateway.started", components=",".join(self.components), prefix=names.prefix or None)

    async def stop(self) -> None:
        self._adapter_stop.set()
        grace = self.settings.broker.shutdown_grace
        await asyncio.gather(*(r.stop(grace) for r in self.runners), return_exceptions=True)
        if self._tasks:
            _, still = await asyncio.wait(self._tasks, timeout=grace)
            for task in still:
                task.cancel()
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                await self._publisher.close()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
        if self._pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pool.close(), timeout=10)
        self.runners.clear()
        log_event("gateway.stopped")


def install_signal_handlers(stop: asyncio.Event, on_signal: Callable[[str], None] | None = None) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        def handler(name: str = sig.name) -> None:
            if on_signal is not None:
                on_signal(name)
            stop.set()
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, handler)


async def run_until_stopped(settings: Settings, components: Sequence[str], stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    install_signal_handlers(stop, lambda name: log_event("gateway.signal_received", signal=name))
    gateway = Gateway(settings, components)
    await gateway.start()
    try:
        await stop.wait()
    finally:
        await gateway.stop()

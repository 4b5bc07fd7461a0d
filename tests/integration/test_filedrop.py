"""File drop: a sender's folder is read the way banks expect — whole files only, claimed once,
archived only after the broker confirmed, bad files set aside with their reason."""

from __future__ import annotations

import asyncio
import json
import os
import time

import aio_pika
import pytest

from gateway.adapters.filedrop import PROCESSING, FileDropAdapter, ensure_sender
from gateway.broker import H_DOCUMENT_ID, Publisher, connect
from gateway.config import Settings
from gateway.topology import Names
from tests.conftest import AMQP_URL, SAMPLES, eventually

pytestmark = [pytest.mark.rabbit]


class Ingress:
    """A test's view of what reached the intake queue (nothing consumes it meanwhile)."""

    def __init__(self, settings: Settings) -> None:
        self.queue_name = Names(settings.broker.prefix).work_queue("intake")

    async def drain(self) -> list[aio_pika.abc.AbstractIncomingMessage]:
        connection = await aio_pika.connect(AMQP_URL)
        try:
            channel = await connection.channel()
            queue = await channel.get_queue(self.queue_name)
            messages = []
            while (message := await queue.get(fail=False, timeout=5)) is not None:
                await message.ack()
                messages.append(message)
            return messages
        finally:
            await connection.close()


async def adapter(settings: Settings, *, stable_for: float = 0.3, max_bytes: int = 10_000_000):  # type: ignore[no-untyped-def]
    connection = await connect(settings.broker, "filedrop-test")
    publisher = await Publisher.open(connection, settings.broker)
    root = settings.resolved_paths.filedrop_dir
    assert root is not None
    return connection, FileDropAdapter(root, Names(settings.broker.prefix), publisher, poll_interval=0.05,
                                       stable_for=stable_for, max_bytes=max_bytes)


async def test_a_file_still_being_written_is_not_picked_up_half_way(settings: Settings) -> None:
    connection, drop = await adapter(settings, stable_for=0.5)
    inbox = ensure_sender(drop.root, "SLOWBANK")["inbox"]
    data = (SAMPLES / "pacs008-multi-mixed.xml").read_bytes()
    path = inbox / "growing.xml"
    try:
        with open(path, "wb") as handle:
            for start in range(0, len(data), 400):          # a slow writer: a piece every 0.1 s
                handle.write(data[start:start + 400])
                handle.flush()
                assert await drop.scan_once() == 0, "claimed while still growing"
                await asyncio.sleep(0.1)
        deadline = time.monotonic() + 5
        taken = 0
        while taken == 0 and time.monotonic() < deadline:
            taken = await drop.scan_once()
            await asyncio.sleep(0.1)
        assert taken == 1
    finally:
        await connection.close()
    [message] = await Ingress(settings).drain()
    assert message.body == data, "the whole file, never a part"


async def test_part_files_and_hidden_files_are_ignored(settings: Settings) -> None:
    connection, drop = await adapter(settings, stable_for=0)
    inbox = ensure_sender(drop.root, "BANKP")["inbox"]
    (inbox / "upload.xml.part").write_bytes(b"<half")
    (inbox / ".hidden.xml").write_bytes(b"<x/>")
    try:
        assert await drop.scan_once() == 0
    finally:
        await connection.close()


async def test_an_oversized_file_is_set_aside_with_its_reason(settings: Settings) -> None:
    connection, drop = await adapter(settings, stable_for=0, max_bytes=100)
    folders = ensure_sender(drop.root, "BANKR")
    (folders["inbox"] / "huge.xml").write_bytes(b"<x>" + b"a" * 500 + b"</x>")
    try:
        await drop.scan_once()
    finally:
        await connection.close()
    [kept] = [p for p in folders["rejected"].iterdir() if not p.name.endswith(".reason.json")]
    reason = json.loads((folders["rejected"] / f"{kept.name}.reason.json").read_text())
    assert kept.name.endswith("huge.xml") and reason["code"] == "FF01" and reason["rule"] == "intake.too_large"
    assert reason["file"] == "huge.xml"
    assert list(folders["inbox"].iterdir()) == [] and await Ingress(settings).drain() == []


async def test_two_gateways_scanning_one_folder_take_each_file_once(settings: Settings) -> None:
    first_connection, first = await adapter(settings, stable_for=0)
    second_connection, second = await adapter(settings, stable_for=0)
    inbox = ensure_sender(first.root, "BANKS")["inbox"]
    for n in range(30):
        (inbox / f"doc-{n:02d}.xml").write_bytes(f"<d>{n}</d>".encode())
    try:
        taken = await asyncio.gather(first.scan_once(), second.scan_once(), first.scan_once(), second.scan_once())
    finally:
        await first_connection.close()
        await second_connection.close()
    assert sum(taken) == 30
    bodies = sorted(m.body for m in await Ingress(settings).drain())
    assert bodies == sorted(f"<d>{n}</d>".encode() for n in range(30))


async def test_a_file_claimed_before_a_crash_is_published_again_with_the_same_document_id(
        settings: Settings) -> None:
    connection, drop = await adapter(settings, stable_for=0)
    folders = ensure_sender(drop.root, "BANKX")
    # as a crash leaves it: claimed into processing/, maybe published, never archived
    claimed = folders[PROCESSING] / "20261124T101500.000000-abcd1234--batch.xml"
    claimed.write_bytes(b"<x/>")
    try:
        await drop.resume()
        # crash again, this time after the publish and before the archive rename
        [archived] = list(folders["archive"].rglob("*batch.xml"))
        os.replace(archived, claimed)
        await drop.resume()
    finally:
        await connection.close()
    messages = await Ingress(settings).drain()
    assert len(messages) == 2
    assert messages[0].headers[H_DOCUMENT_ID] == messages[1].headers[H_DOCUMENT_ID]
    assert list(folders[PROCESSING].iterdir()) == []
    assert len(list((folders["archive"]).rglob("*batch.xml"))) == 1


async def test_a_file_is_archived_only_after_the_broker_confirmed_it(settings: Settings) -> None:
    """Unroutable (no ingress exchange): the publish fails, the file stays claimable."""
    connection, drop = await adapter(settings, stable_for=0)
    drop.names = Names("no-such-prefix.")
    folders = ensure_sender(drop.root, "BANKU")
    (folders["inbox"] / "doc.xml").write_bytes(b"<x/>")
    try:
        with pytest.raises(Exception):  # noqa: B017  # the broker refuses: not found
            await drop.scan_once()
    finally:
        await connection.close()
    assert [p.name.split("--", 1)[1] for p in folders[PROCESSING].iterdir()] == ["doc.xml"]
    assert not (folders["archive"]).exists() or list(folders["archive"].rglob("*")) == []
    assert os.listdir(folders["inbox"]) == []


async def test_the_adapter_keeps_scanning_after_a_failed_publish(settings: Settings) -> None:
    connection, drop = await adapter(settings, stable_for=0)
    stop = asyncio.Event()
    task = asyncio.create_task(drop.run(stop))
    inbox = ensure_sender(drop.root, "BANKK")["inbox"]
    (inbox / "a.xml").write_bytes(b"<a/>")
    try:
        async def archived() -> bool:
            return bool(list((drop.root / "BANKK" / "archive").rglob("*a.xml")))
        await eventually(archived, timeout=10)
    finally:
        stop.set()
        await task
        await connection.close()

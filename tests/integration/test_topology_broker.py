"""The topology on a real broker: declared idempotently, and the definitions file that
`rabbitmqctl import_definitions` accepts describes exactly what `topology apply` declares."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import aio_pika
import pytest

from gateway.cli.topology import apply_topology
from gateway.config import load_settings
from gateway.topology import build_topology, definitions
from tests.conftest import AMQP_URL, delete_topology, skip_or_fail

pytestmark = pytest.mark.rabbit


def rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"rabbitmqctl {' '.join(args)} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout


@pytest.fixture
def vhost(rabbitmq: str):  # type: ignore[no-untyped-def]
    if shutil.which("rabbitmqctl") is None:
        skip_or_fail("rabbitmqctl is not on PATH: cannot import definitions")
    name = f"gw-def-{uuid.uuid4().hex[:8]}"
    try:
        rabbitmqctl("add_vhost", name)
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    except (AssertionError, PermissionError) as exc:
        skip_or_fail(f"rabbitmqctl cannot manage vhosts here: {exc}")
    yield name
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], capture_output=True, timeout=120)


async def test_topology_apply_is_idempotent(rabbitmq: str) -> None:
    settings = load_settings(broker={"url": AMQP_URL, "prefix": f"t{uuid.uuid4().hex[:8]}.", "settle_shards": 2})
    try:
        await apply_topology(settings)
        await apply_topology(settings)       # the same again: no error, nothing changes
        connection = await aio_pika.connect(AMQP_URL)
        channel = await connection.channel()
        for queue in build_topology(settings).queues:
            await channel.get_queue(queue.name, ensure=True)   # passive: exists
        await connection.close()
    finally:
        await delete_topology(settings)


async def test_imported_definitions_agree_with_the_declared_topology(vhost: str) -> None:
    url = AMQP_URL.rstrip("/") + "/" + quote(vhost, safe="")
    settings = load_settings(broker={"url": url, "prefix": "ci.", "settle_shards": 3})
    topology = build_topology(settings)
    # rabbitmqctl reads the file as the broker's own user: it must be readable by others
    folder = Path(tempfile.mkdtemp(prefix="gw-definitions-"))
    try:
        folder.chmod(0o755)
        path = folder / "definitions.json"
        path.write_text(json.dumps(definitions(topology, vhost)))
        path.chmod(0o644)
        rabbitmqctl("import_definitions", str(path.resolve()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    expected_queues = {q.name for q in topology.queues}
    for _ in range(60):                                   # the import is asynchronous
        listed = set(rabbitmqctl("list_queues", "-p", vhost, "name", "--no-table-headers").split())
        if expected_queues <= listed:
            break
        await asyncio.sleep(0.5)
    assert listed == expected_queues
    # declaring the same topology over AMQP on top of the import must find identical arguments
    await apply_topology(settings)
    exchanges = set(rabbitmqctl("list_exchanges", "-p", vhost, "name", "--no-table-headers").split())
    assert {e.name for e in topology.exchanges} <= exchanges
    bindings = {tuple(line.split("\t")) for line in rabbitmqctl(
        "list_bindings", "-p", vhost, "source_name", "destination_name", "routing_key",
        "--no-table-headers").splitlines() if line.startswith("ci.")}
    assert bindings == {(b.exchange, b.queue, b.routing_key) for b in topology.bindings}

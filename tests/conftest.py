"""Shared fixtures: real RabbitMQ and PostgreSQL, isolated per test.

Each integration test gets its own queue-name prefix and its own database (cloned
from a template migrated once per session), and removes both afterwards, so the
suite can run again and again on one broker and one server. Without the services
the tests skip with the reason; on CI (CI=true) they fail instead.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gateway.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_XSD = ROOT.parent / "shared" / "xsd"
SAMPLES = ROOT / "config" / "samples"
AMQP_URL = os.environ.get("GATEWAY_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
PG_URL = os.environ.get("GATEWAY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop without the dependency; fail on CI, where a skip would hide a gap."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: failing instead of skipping)")
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def shared_xsd() -> Path:
    if not (SHARED_XSD / "pacs.002.001.11.xsd").exists():
        skip_or_fail(f"the official XSDs of ../shared/xsd are not beside this checkout ({SHARED_XSD})")
    return SHARED_XSD


@pytest.fixture(scope="session")
def rabbitmq() -> str:
    if not _reachable("127.0.0.1", 5672):
        skip_or_fail("RabbitMQ is not reachable on 127.0.0.1:5672 (start it: rabbitmq-server -detached)")
    return AMQP_URL


@pytest.fixture(scope="session")
def postgres() -> str:
    if not _reachable("127.0.0.1", 5432):
        skip_or_fail("PostgreSQL is not reachable on 127.0.0.1:5432 "
                     "(start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)")
    return PG_URL


@pytest.fixture(scope="session")
async def template_database(postgres: str) -> AsyncIterator[str]:
    """A database migrated once per session; each test clones it (fast, isolated)."""
    from settlement.migrate import migrate

    name = f"gw_tpl_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(postgres)
    await admin.execute(f'CREATE DATABASE "{name}"')
    connection = await asyncpg.connect(postgres.rsplit("/", 1)[0] + f"/{name}")
    try:
        await migrate(connection)
    finally:
        await connection.close()
    yield name
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture
async def database_url(postgres: str, template_database: str) -> AsyncIterator[str]:
    name = f"gw_t_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        yield postgres.rsplit("/", 1)[0] + f"/{name}"
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def make_settings(prefix: str, database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "environment": "test",
        "broker": {"url": AMQP_URL, "prefix": prefix, "settle_shards": 2, "retry_tiers": [1, 2]},
        "database": {"url": database_url, "pool_max": 6},
        "paths": {"data_dir": str(data_dir)},
        "filedrop": {"poll_interval": 0.1, "stable_for": 0.2},
        "schemas": {"dirs": [str(SHARED_XSD)] if SHARED_XSD.exists() else []},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return load_settings(None, **base)


@pytest.fixture
async def settings(rabbitmq: str, database_url: str, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings isolated for one test: own prefix, own database, own folders; topology applied."""
    from gateway.cli.db import seed_accounts
    from gateway.cli.topology import apply_topology

    prefix = f"t{uuid.uuid4().hex[:10]}."
    test_settings = make_settings(prefix, database_url, tmp_path / "var")
    await apply_topology(test_settings)
    await seed_accounts(test_settings, SAMPLES / "accounts.yaml")
    yield test_settings
    await delete_topology(test_settings)


async def delete_topology(settings: Settings) -> None:
    from gateway.broker import connect
    from gateway.topology import build_topology, delete

    connection = await connect(settings.broker, "gateway-tests-cleanup")
    try:
        await delete(connection.channel, build_topology(settings))
    finally:
        await connection.close()


@asynccontextmanager
async def running_gateway(settings: Settings, components: tuple[str, ...] | None = None) -> AsyncIterator[Any]:
    from gateway.runtime import ALL_COMPONENTS, Gateway

    gateway = Gateway(settings, components or ALL_COMPONENTS, connection_name="gateway-tests")
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.stop()


async def eventually(predicate: Any, timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Await an async predicate until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value {value!r})")
        await asyncio.sleep(interval)

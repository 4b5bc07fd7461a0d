"""PostgreSQL access for the stages: the pool, creating the database, friendly failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import asyncpg

from gateway.config import DatabaseSettings


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached at start-up (fail fast, with where we looked and what to do)."""


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
    return url


async def _init_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


def _unavailable(settings: DatabaseSettings, exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"PostgreSQL is not reachable at {redacted(settings.url)} ({type(exc).__name__}: {exc}); start it with "
        "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set GATEWAY_DATABASE__URL")


@contextmanager
def _explained(settings: DatabaseSettings) -> Iterator[None]:
    """Start-up failures become one sentence: which server, what went wrong, what to do."""
    try:
        yield
    except asyncpg.InvalidCatalogNameError:
        raise DatabaseUnavailable(
            f"database {settings.database_name!r} does not exist at {redacted(settings.url)}; "
            "run `gateway db migrate` to create it") from None
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise _unavailable(settings, exc) from None


async def create_pool(settings: DatabaseSettings, *, min_size: int | None = None,
                      max_size: int | None = None) -> asyncpg.Pool:
    with _explained(settings):
        return await asyncpg.create_pool(
            settings.url, min_size=settings.pool_min if min_size is None else min_size,
            max_size=settings.pool_max if max_size is None else max_size,
            command_timeout=settings.command_timeout, init=_init_connection)


async def connect(settings: DatabaseSettings) -> asyncpg.Connection:
    with _explained(settings):
        connection = await asyncpg.connect(settings.url, timeout=10)
    await _init_connection(connection)
    return connection


async def ensure_database(settings: DatabaseSettings) -> bool:
    """Create the configured database when missing (through the server's `postgres` database)."""
    try:
        admin = await asyncpg.connect(settings.with_database("postgres"), timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise _unavailable(settings, exc) from None
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", settings.database_name)
        if exists:
            return False
        await admin.execute(f'CREATE DATABASE "{_ident(settings.database_name)}"')
        return True
    finally:
        await admin.close()


async def drop_database(settings: DatabaseSettings) -> None:
    admin = await asyncpg.connect(settings.with_database("postgres"), timeout=10)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{_ident(settings.database_name)}" WITH (FORCE)')
    finally:
        await admin.close()


def _ident(name: str) -> str:
    if not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    return name

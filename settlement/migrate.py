"""Forward-only SQL migrations, applied in order under an advisory lock.

Each file `NNNN_name.sql` runs once in its own transaction; its checksum is kept so a
migration edited after it was applied is reported instead of silently skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_LOCK_KEY = 0x51E7_0001  # pg_advisory_lock key: one migrator at a time


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


class MigrationError(Exception):
    pass


def available(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        if not number.isdigit():
            raise MigrationError(f"migration file {path.name} must start with a number, e.g. 0002_name.sql")
        found.append(Migration(int(number), name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a number")
    return found


async def migrate(connection: Any, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply what is missing; return what was applied. `connection` is an asyncpg connection."""
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())")
    await connection.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        rows = await connection.fetch("SELECT version, checksum FROM schema_migrations")
        applied = {r["version"]: r["checksum"] for r in rows}
        done: list[Migration] = []
        for migration in available(directory):
            if migration.version in applied:
                if applied[migration.version] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.version:04d}_{migration.name} was changed after it was applied; "
                        "write a new migration instead")
                continue
            async with connection.transaction():
                await connection.execute(migration.sql)
                await connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version, migration.name, migration.checksum)
            done.append(migration)
        return done
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


async def pending(connection: Any, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    exists = await connection.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    applied = set()
    if exists:
        applied = {r["version"] for r in await connection.fetch("SELECT version FROM schema_migrations")}
    return [m for m in available(directory) if m.version not in applied]

"""`gateway db migrate | seed`."""

from __future__ import annotations

import argparse
from pathlib import Path

from gateway.cli.aio import run_async
from gateway.cli.main import load_settings_from
from gateway.config import PROJECT_ROOT, Settings
from gateway.db import connect, ensure_database
from settlement.migrate import migrate
from settlement.seed import clearing_accounts, load_accounts, seed

DEMO_ACCOUNTS = PROJECT_ROOT / "config" / "samples" / "accounts.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("migrate", help="create the database if needed and apply pending migrations")
    seeder = sub.add_parser("seed", help="create accounts (default: the demo data set) and rail clearing accounts")
    seeder.add_argument("--accounts", type=Path, default=DEMO_ACCOUNTS)


async def migrate_database(settings: Settings) -> list[str]:
    await ensure_database(settings.database)
    connection = await connect(settings.database)
    try:
        return [f"{m.version:04d}_{m.name}" for m in await migrate(connection)]
    finally:
        await connection.close()


def rail_currencies(settings: Settings) -> list[tuple[str, str]]:
    return [(rule.rail, c) for rule in settings.routing.rules for c in rule.currencies if c != "*"]


async def seed_accounts(settings: Settings, accounts_file: Path) -> int:
    connection = await connect(settings.database)
    try:
        return await seed(connection, [*load_accounts(accounts_file), *clearing_accounts(rail_currencies(settings))])
    finally:
        await connection.close()


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    if args.action == "migrate":
        applied = run_async(migrate_database(settings))
        print(f"migrations applied: {', '.join(applied)}" if applied else "database is up to date")
        return 0
    created = run_async(seed_accounts(settings, args.accounts))
    print(f"accounts created: {created}")
    return 0

"""`python -m gateway.services`: are RabbitMQ and PostgreSQL reachable? Says which is not,
where it looked, and how to start it. Exit 1 when one is down (0 with --warn-only)."""

from __future__ import annotations

import asyncio
import logging
import sys

from gateway.broker import BrokerUnavailable, connect
from gateway.config import ConfigError, load_settings
from gateway.db import DatabaseUnavailable, ensure_database


async def check() -> list[str]:
    settings = load_settings()
    problems = []
    try:
        connection = await connect(settings.broker, "gateway-services-check")
        await connection.close()
    except BrokerUnavailable as exc:
        problems.append(str(exc))
    try:
        await ensure_database(settings.database)
    except DatabaseUnavailable as exc:
        problems.append(str(exc))
    return problems


def main() -> int:
    warn_only = "--warn-only" in sys.argv
    logging.getLogger("aiormq").setLevel(logging.CRITICAL)      # the sentence below says it better
    logging.getLogger("aio_pika").setLevel(logging.CRITICAL)
    try:
        problems = asyncio.run(check())
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    for problem in problems:
        print(("warning: " if warn_only else "") + problem, file=sys.stderr)
    return 0 if warn_only or not problems else 1


if __name__ == "__main__":
    sys.exit(main())

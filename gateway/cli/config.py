"""`gateway config check [--json]`: load and cross-check the configuration, start nothing."""

from __future__ import annotations

import argparse
import json

from gateway.broker import redacted as redacted_amqp
from gateway.cli.main import load_settings_from
from gateway.db import redacted as redacted_db


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    check = sub.add_parser("check", help="validate the configuration and print the effective settings")
    check.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    data = settings.model_dump(mode="json")
    data["broker"]["url"] = redacted_amqp(settings.broker.url)
    data["database"]["url"] = redacted_db(settings.database.url)
    if args.json:
        print(json.dumps({"schema": "gateway.config/1", "source": str(settings.source_file or ""), "settings": data}))
    else:
        print(f"configuration OK ({settings.source_file or 'defaults and environment'})")
        print(json.dumps(data, indent=2))
    return 0

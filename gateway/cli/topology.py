"""`gateway topology apply | definitions | names`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gateway.broker import connect
from gateway.cli.aio import run_async
from gateway.cli.main import load_settings_from
from gateway.config import Settings
from gateway.topology import TopologyMismatch, apply, build_topology, definitions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("apply", help="declare exchanges, queues and bindings (idempotent)")
    export = sub.add_parser("definitions", help="print the topology as a RabbitMQ definitions file")
    export.add_argument("--vhost", default="/")
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")
    listing = sub.add_parser("list", help="print every queue with its role")
    listing.add_argument("--json", action="store_true")


async def apply_topology(settings: Settings) -> None:
    """Declare the configured topology; raises TopologyMismatch when a queue differs."""
    connection = await connect(settings.broker, "gateway-topology")
    try:
        channel = await connection.channel()
        await apply(channel, build_topology(settings))
        await channel.close()
    finally:
        await connection.close()


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    topology = build_topology(settings)
    if args.action == "apply":
        try:
            run_async(apply_topology(settings))
        except TopologyMismatch as exc:
            print(f"gateway topology apply: {exc}", file=sys.stderr)
            return 1
        print(f"topology applied: {len(topology.exchanges)} exchanges, {len(topology.queues)} queues, "
              f"{len(topology.bindings)} bindings (prefix {settings.broker.prefix!r})")
        return 0
    if args.action == "definitions":
        text = json.dumps(definitions(topology, args.vhost), indent=2) + "\n"
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    rows = [{"queue": q.name, "stage": q.stage, "role": q.role} for q in topology.queues]
    if args.json:
        print(json.dumps({"schema": "gateway.topology/1", "queues": rows}))
    else:
        for row in rows:
            print(f"{row['role']:<7} {row['stage']:<8} {row['queue']}")
    return 0

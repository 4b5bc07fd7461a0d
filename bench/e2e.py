"""End-to-end throughput: pacs.008 payments through every stage, against the broker ceiling.

    python -m bench.e2e [--payments 20000] [--per-document 100] [--processes 1] [--json]

In one run, on one broker: (1) the gateway (`gateway run` processes) takes N payments in
documents of 100, published to the ingress exchange with confirms; throughput runs from
the first publish to the last payment that is both settled and delivered, latency per
payment from its document's publish to its delivery; (2) the ceiling: a bare chain of four
pass-through aio-pika consumers republishing with confirms (bench/ceiling.py), N messages.
It prints both and the ratio, and writes bench/results/e2e-<time>.json.

Everything runs in a private environment (random queue prefix, a new database, a temporary
data folder) that is removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aio_pika
import yaml

from bench.ceiling import run_ceiling
from bench.documents import document, ledger_key, many_debtors
from gateway.broker import H_CHANNEL, H_DOCUMENT_ID, H_SENDER, Publisher, connect
from gateway.cli.db import migrate_database
from gateway.cli.topology import apply_topology
from gateway.config import PROJECT_ROOT, Settings, load_settings
from gateway.db import connect as db_connect
from gateway.db import drop_database
from gateway.outcomes import Publish
from gateway.topology import Names, build_topology, delete
from schemas.canonical import stable_id
from settlement.seed import AccountSeed, clearing_accounts, seed

RESULTS = PROJECT_ROOT / "bench" / "results"
DEBTORS_FOR_BENCH = many_debtors(400)     # payments spread over settlement shards as real traffic does
GATEWAY = Path(sys.executable).with_name("gateway")
SENDER = "BENCHBANK"
# the component split for --processes: one process runs everything, or the work is shared
SPLITS = {
    1: "intake,route,settle,deliver,report",
    2: "intake,route,report;settle,deliver",
    3: "intake,route;settle;deliver,report",
}


def parse_split(text: str) -> list[list[str]]:
    """'intake,route;settle,report;deliver' -> one component list per process."""
    return [[c.strip() for c in group.split(",") if c.strip()] for group in text.split(";") if group.strip()]


def bench_settings(tmp: Path, shards: int) -> Settings:
    tag = uuid.uuid4().hex[:8]
    base = load_settings()
    return load_settings(
        environment="bench", log_level="WARNING",
        broker={"prefix": f"bench-{tag}.", "settle_shards": shards},
        database={"url": base.database.with_database(f"gw_bench_{tag}")},
        paths={"data_dir": str(tmp / "var")}, filedrop={"enabled": False},
    )


async def prepare(settings: Settings) -> None:
    await migrate_database(settings)
    await apply_topology(settings)
    rich = Decimal("1000000000.00")
    connection = await db_connect(settings.database)
    try:
        await seed(connection, [
            *(AccountSeed(ledger_key(d), d[2], opening_balance=rich) for d in DEBTORS_FOR_BENCH),
            *clearing_accounts([("target2", "EUR"), ("chaps", "GBP"), ("fedwire", "USD")]),
        ])
    finally:
        await connection.close()


async def cleanup(settings: Settings) -> None:
    connection = await connect(settings.broker, "bench-cleanup")
    try:
        await delete(connection.channel, build_topology(settings))
    finally:
        await connection.close()
    await drop_database(settings.database)


def start_processes(settings: Settings, folder: Path, split: list[list[str]],
                    profile: Path | None = None) -> list[subprocess.Popen[bytes]]:
    config = folder / "gateway.yaml"
    config.write_text(yaml.safe_dump(settings.model_dump(mode="json")))
    started = []
    for number, components in enumerate(split):
        command = [str(GATEWAY), "--config", str(config), "run"]
        for component in components:
            command += ["--stage", component]
        log = open(folder / f"gateway-{number}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
        started.append(process)
        if profile is not None:       # py-spy's collapsed stacks, one file per process; written on SIGINT
            profile.mkdir(parents=True, exist_ok=True)
            started.append(subprocess.Popen(
                [str(GATEWAY.with_name("py-spy")), "record", "--gil", "--format", "raw", "--rate", "200", "--output",
                 str(profile / f"gateway-{number}.txt"), "--pid", str(process.pid)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return started


async def wait_ready(settings: Settings, processes: list[subprocess.Popen[bytes]]) -> None:
    """Ready when every work queue has a consumer (the processes declared theirs)."""
    queues = [q.name for q in build_topology(settings).work_queues()]
    connection = await aio_pika.connect(settings.broker.url)      # not robust: no cached declarations
    try:
        deadline = time.monotonic() + 60
        idle = queues
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in processes if not str(p.args[0]).endswith("py-spy")):
                raise RuntimeError("a gateway process exited during start-up (see its log)")
            channel = await connection.channel()
            idle = []
            for name in queues:
                declared = await channel.declare_queue(name, passive=True)
                if not declared.declaration_result.consumer_count:
                    idle.append(name)
            await channel.close()
            if not idle:
                return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"the gateway processes did not start consuming within 60 s: no consumer on {idle}")
    finally:
        await connection.close()


async def publish_documents(settings: Settings, documents: list[tuple[str, bytes]]) -> dict[str, float]:
    """Publish every document (windowed confirms); returns each document's publish time."""
    names = Names(settings.broker.prefix)
    connection = await connect(settings.broker, "bench-publisher")
    published: dict[str, float] = {}
    try:
        publisher = await Publisher.open(connection, settings.broker)
        for message_id, body in documents:
            document_id = stable_id("document", "amqp", SENDER, message_id)
            published[document_id] = time.time()
            await publisher.publish(Publish(
                exchange=names.ingress, routing_key=SENDER, body=body, message_id=message_id, type="raw-document",
                content_type="application/xml",
                headers={H_SENDER: SENDER, H_CHANNEL: "amqp", H_DOCUMENT_ID: document_id}))
        await publisher.close()
    finally:
        await connection.close()
    return published


async def wait_done(settings: Settings, payments: int, timeout: float) -> None:
    """Until every payment is settled and delivered; fails when nothing moves for a minute."""
    connection = await db_connect(settings.database)
    try:
        deadline = time.monotonic() + timeout
        last: tuple[int, ...] = ()
        last_change = time.monotonic()
        while True:
            progress = tuple(await connection.fetchrow(
                "SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM settlements), "
                "(SELECT count(*) FROM deliveries), (SELECT count(*) FROM reports)"))
            if progress[1] >= payments and progress[2] >= payments:
                return
            if progress != last:
                last, last_change = progress, time.monotonic()
            if time.monotonic() > deadline or time.monotonic() - last_change > 60:
                depths = await queue_depths(settings)
                raise RuntimeError(f"stalled: payments/settled/delivered/reported {progress} of {payments}; "
                                   f"queue depths {depths}")
            await asyncio.sleep(0.2)
    finally:
        await connection.close()


async def queue_depths(settings: Settings) -> dict[str, int]:
    connection = await aio_pika.connect(settings.broker.url)
    try:
        channel = await connection.channel()
        depths = {}
        for queue in build_topology(settings).work_queues():
            declared = await channel.declare_queue(queue.name, passive=True)
            depths[queue.name.removeprefix(settings.broker.prefix)] = declared.declaration_result.message_count
        return depths
    finally:
        await connection.close()


async def measure(settings: Settings, published: dict[str, float]) -> dict[str, Any]:
    connection = await db_connect(settings.database)
    try:
        rows = await connection.fetch(
            "SELECT p.document_id, extract(epoch FROM d.delivered_at) AS delivered, "
            "extract(epoch FROM s.settled_at) AS settled FROM deliveries d JOIN payments p USING (payment_id) "
            "JOIN settlements s USING (payment_id)")
    finally:
        await connection.close()
    start = min(published.values())
    done = [max(float(r["delivered"]), float(r["settled"])) for r in rows]
    latencies = sorted(d - published[r["document_id"]] for r, d in zip(rows, done, strict=True))
    elapsed = max(done) - start
    return {
        "payments": len(rows), "seconds": round(elapsed, 3), "payments_per_second": round(len(rows) / elapsed, 1),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
    }


async def run_gateway(payments: int, per_document: int, split: list[list[str]], shards: int,
                      profile: Path | None = None) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    settings = bench_settings(folder, shards)
    documents = [(uuid.uuid4().hex, document(per_document, msg_id=f"BENCH{n:06d}{uuid.uuid4().hex[:8]}",
                                             debtors=DEBTORS_FOR_BENCH, offset=n * per_document))
                 for n in range(payments // per_document)]
    started: list[subprocess.Popen[bytes]] = []
    try:
        await prepare(settings)
        started = start_processes(settings, folder, split, profile)
        await wait_ready(settings, started)
        gateway_pids = [p.pid for p in started if not str(p.args[0]).endswith("py-spy")]
        before_services = service_pids()
        before = {name: cpu_seconds(pids) for name, pids in before_services.items()}
        before["gateway"] = cpu_seconds(gateway_pids)
        published = await publish_documents(settings, documents)
        await wait_done(settings, len(documents) * per_document, timeout=1800)
        after = {name: cpu_seconds(pids) for name, pids in service_pids().items()}
        after["gateway"] = cpu_seconds(gateway_pids)
        result = await measure(settings, published)
        result["cpu_seconds"] = {name: round(after[name] - before[name], 1) for name in after}
        result.update({"processes": len(split), "split": split, "per_document": per_document,
                       "settle_shards": shards})
        return result
    except BaseException:
        for log in sorted(folder.glob("gateway-*.log")):
            print(f"--- {log.name} (last lines)\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:]),
                  file=sys.stderr)
        raise
    finally:
        for process in reversed(started):     # py-spy (SIGINT: write the profile) before its gateway
            profiler = process.args[0].endswith("py-spy") if isinstance(process.args, list) else False
            process.send_signal(signal.SIGINT if profiler else signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        await cleanup(settings)
        shutil.rmtree(folder, ignore_errors=True)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (Linux /proc), 0 for those gone."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def service_pids() -> dict[str, list[int]]:
    """The broker's and the database server's processes, to see where the CPU goes."""
    found: dict[str, list[int]] = {"rabbitmq": [], "postgresql": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if name in {"beam.smp", "erl_child_setup"}:
            found["rabbitmq"].append(int(entry.name))
        elif name.startswith("postgres"):
            found["postgresql"].append(int(entry.name))
    return found


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=PROJECT_ROOT, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    split = parse_split(args.split or SPLITS[args.processes])
    ours = await run_gateway(args.payments, args.per_document, split, args.shards, args.profile)
    url = load_settings().broker.url
    ceilings = {mode: await run_ceiling(url, n=args.payments, mode=mode) for mode in args.ceiling_modes}
    best = max(c["msgs_per_s"] for c in ceilings.values())
    return {
        "benchmark": "e2e-pacs008", "at": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "gateway": ours, "ceilings": ceilings,
        "ratios": {mode: round(ours["payments_per_second"] / c["msgs_per_s"], 3) for mode, c in ceilings.items()},
        "ratio": round(ours["payments_per_second"] / best, 3),   # against the higher ceiling: the strict figure
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e", description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--per-document", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2, choices=sorted(SPLITS))
    parser.add_argument("--split", help="components per process, e.g. 'intake,route;settle,report;deliver' "
                        "(default: by --processes)")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--ceiling-mode", dest="ceiling_modes", action="append", choices=("inprocess", "processes"),
                        help="ceiling chain as 4 processes and/or in one process (default: both)")
    parser.add_argument("--profile", type=Path, help="record each gateway process with py-spy into this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    args.ceiling_modes = args.ceiling_modes or ["processes", "inprocess"]
    try:
        import uvloop
        result = uvloop.run(main_async(args))
    except ImportError:
        result = asyncio.run(main_async(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"e2e-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result))
        return 0
    ours = result["gateway"]
    print(f"end to end, pacs.008 ({ours['payments']} payments in documents of {ours['per_document']}, "
          f"{ours['processes']} gateway process(es): {' | '.join(','.join(g) for g in ours['split'])})")
    print(f"  gateway   {ours['payments_per_second']:>9,.0f} payments/s   p50 {ours['latency_p50_ms']:>8,.0f} ms   "
          f"p99 {ours['latency_p99_ms']:>8,.0f} ms")
    for mode, ceiling in result["ceilings"].items():
        print(f"  ceiling   {ceiling['msgs_per_s']:>9,.0f} msgs/s       p50 {ceiling['p50_ms']:>8,.0f} ms   "
              f"p99 {ceiling['p99_ms']:>8,.0f} ms   4-hop aio-pika chain, {mode}: "
              f"ratio {result['ratios'][mode]:.2f}")
    print(f"  ratio     {result['ratio']:>9.2f}   (against the higher ceiling)")
    cpu = ours["cpu_seconds"]
    print(f"  CPU seconds during the gateway run ({ours['seconds']:.1f} s wall on {os.cpu_count()} cores): "
          + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

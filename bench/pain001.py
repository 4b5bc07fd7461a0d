"""pain.001 bulk read against the bare-lxml ceiling and xmlschema, on one generated file.

    python -m bench.pain001 [--n 100000] [--repeat 1] [--json]

In one run, on the same seeded pain.001.001.09 (bench/pain001_documents.py), each
measurement in a subprocess of its own (so `ru_maxrss` is that measurement's peak):

* ours: `pain001.read` + every `transactions()` reading consumed: parse, XSD validation,
  group and block totals, transaction rules and canonical `Payment`s;
* ceiling: bare lxml `etree.iterparse(schema=...)` over the file, validating against the
  same official XSD while streaming and clearing each transaction, doing nothing else;
* xmlschema: `XMLSchema(xsd).validate(file)` (lazy), time only.

Prints transactions/s, the ratio ours / ceiling and peak RSS; writes bench/results/pain001-<time>.json.
Targets: ratio >= 0.5, peak RSS < 250 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT_ROOT / "bench" / "results"
VERSION = "pain.001.001.09"
LABELS = {"ours": "ours: read + transactions()", "ceiling": "ceiling: lxml iterparse(schema=)",
          "xmlschema": "xmlschema validate (lazy)"}


def _ours(path: Path) -> Callable[[], int]:
    from bench.mt_documents import SOURCE
    from schemas.xsd import XsdCatalogue, default_cache_dir, namespace_for
    from translators.base import ReadContext
    from translators.iso20022 import pain001

    catalogue = XsdCatalogue([], cache_dir=default_cache_dir())
    catalogue.schema_for(namespace_for(VERSION))  # compiled before the clock starts, as for the ceiling
    return lambda: _read_all(pain001, catalogue, SOURCE, ReadContext, path)


def _read_all(pain001: Any, catalogue: Any, source: Any, context: Any, path: Path) -> int:
    reading = pain001.read(path.read_bytes(), context(document_id="bench", source=source, catalogue=catalogue))
    if not reading.accepted:
        raise SystemExit(f"the generated file was rejected: {reading.issues[:3]}")
    count = rejected = 0
    for found in reading.transactions():
        count += 1
        rejected += found.rejected
    if rejected:
        raise SystemExit(f"{rejected} generated transactions were rejected")
    return count


def _ceiling(path: Path) -> Callable[[], int]:
    from lxml import etree

    from schemas.xsd import XsdCatalogue, default_cache_dir, namespace_for

    schema = XsdCatalogue([], cache_dir=default_cache_dir()).schema_for(namespace_for(VERSION))
    return lambda: _iterparse(etree, schema, path)


def _iterparse(etree: Any, schema: Any, path: Path) -> int:
    count = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag="{*}CdtTrfTxInf", schema=schema,
                                      resolve_entities=False, no_network=True, load_dtd=False):
        count += 1
        element.clear()
        parent = element.getparent()
        while element.getprevious() is not None:
            del parent[0]
    return count


def _xmlschema(path: Path) -> Callable[[], int]:
    import xmlschema

    from schemas.xsd import default_cache_dir

    schema = xmlschema.XMLSchema(str(default_cache_dir() / f"{VERSION}.xsd"))

    def validate() -> int:
        schema.validate(xmlschema.XMLResource(str(path), lazy=True))
        return -1
    return validate


WORKERS = {"ours": _ours, "ceiling": _ceiling, "xmlschema": _xmlschema}


def worker(name: str, path: Path) -> dict[str, Any]:
    run = WORKERS[name](path)
    started = time.perf_counter()
    count = run()
    seconds = time.perf_counter() - started
    return {"name": name, "seconds": seconds, "transactions": count,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(name: str, path: Path) -> dict[str, Any]:
    completed = subprocess.run([sys.executable, "-m", "bench.pain001", "--worker", name, "--file", str(path)],
                               cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{name} failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          check=False)
    return done.stdout.strip() or "unknown"


def run(options: argparse.Namespace) -> dict[str, Any]:
    from bench.pain001_documents import generate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{VERSION}-{options.n}.xml"
        path.write_bytes(generate(options.n))
        size = path.stat().st_size
        runs = {name: min((measure(name, path) for _ in range(options.repeat)), key=lambda r: r["seconds"])
                for name in WORKERS}
    for measured in runs.values():
        measured["transactions_per_second"] = options.n / measured["seconds"]
    return {
        "benchmark": "pain001", "at": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "options": {"n": options.n, "repeat": options.repeat, "file_bytes": size, "version": VERSION},
        "runs": runs, "ratio_ours_ceiling": runs["ceiling"]["seconds"] / runs["ours"]["seconds"],
        "targets": {"ratio": 0.5, "peak_rss_mb": 250},
    }


def table(result: dict[str, Any]) -> str:
    options = result["options"]
    lines = [f"pain.001.001.09, {options['n']:,} transactions, {options['file_bytes'] / 1e6:.1f} MB"]
    for name, measured in result["runs"].items():
        lines.append(f"{LABELS[name]:<36}{measured['transactions_per_second']:>12,.0f} tx/s"
                     f"{measured['seconds']:>9.2f} s{measured['peak_rss_mb']:>9.0f} MB peak RSS")
    ours = result["runs"]["ours"]
    lines.append(f"{'ratio ours / ceiling':<36}{result['ratio_ours_ceiling']:>12.2f}   (target >= 0.5)")
    lines.append(f"{'peak RSS ours':<36}{ours['peak_rss_mb']:>12.0f} MB (target < 250 MB)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        sys.stdout.write(json.dumps(worker(options.worker, options.file)))
        return 0
    result = run(options)
    sys.stdout.write(table(result) + "\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"pain001-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(json.dumps(result, indent=2) + "\n")
    if options.json:
        sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

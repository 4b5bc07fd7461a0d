"""SWIFT MT throughput: MT940 statements against two open MT940 libraries, and MT103 messages.

    python -m bench.mt [--accounts 8] [--days 5] [--entries 500] [--mt103 3000] [--repeat 5] [--json]

In one run, on the same generated files (bench/mt_documents.py, seeded):

* ours, MT940: `parse` + `validate_message(m, rules=RULES_BY_SPEC)` + `to_statement` per
  message, i.e. every statement line parsed, validated (fields, C-rules, page balances)
  and mapped to the canonical model;
* `mt-940` (PyPI `mt-940`, import `mt940`): `mt940.parse(file)`, which parses only;
* Tryton's `mt940` (PyPI `mt940`, import `mt940` too): `mt940.MT940(file)`, parse only.

The two libraries share an import name, so each is installed into its own folder
(`.cache/bench-packages/<name>`, `pip install --target`) and every measurement runs in a
subprocess of its own with only that folder added to `sys.path`. They are never project
dependencies. Each subprocess times `--repeat` passes over the in-memory files; the table
gives the median pass (and the best) as statement entries per second, and the ratio ours
/ fastest other library. MT103: `parse` + `validate_message(m, rules=crules.RULES_BY_SPEC)`
+ `mt103.to_payment` per message when that module is importable (otherwise parse+validate
only, and the table says so). Results go to bench/results/mt-<time>.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
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
PACKAGES = PROJECT_ROOT / ".cache" / "bench-packages"
# name -> (pip requirement, what the table calls it)
LIBRARIES: dict[str, tuple[str, str]] = {
    "mt-940": ("mt-940", "mt-940 (WoLpH) mt940.parse"),
    "mt940-tryton": ("mt940", "mt940 (Tryton) MT940()"),
}


# --- workers: run in their own process ------------------------------------------------------------

def _files(folder: Path, suffix: str) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.glob(f"*{suffix}"))]


def _ours_mt940(folder: Path) -> Callable[[], int]:
    from bench.mt_documents import SOURCE
    from translators.swift.blocks import parse
    from translators.swift.fields import forget_statement_lines
    from translators.swift.statements import RULES_BY_SPEC, to_statement
    from translators.swift.validate import validate_message

    files = _files(folder, ".sta")

    def run() -> int:
        forget_statement_lines()          # no reuse of the previous pass's readings
        entries = 0
        for data in files:
            for message in parse(data, message_type="940").messages:
                if validate_message(message, rules=RULES_BY_SPEC):
                    raise RuntimeError("a generated statement has issues")
                statement = to_statement(message, document_id="bench", index=message.index, source=SOURCE).value
                entries += len(statement.entries)
        return entries
    return run


def _mt940_wolph(folder: Path) -> Callable[[], int]:
    import mt940  # type: ignore[import-not-found]  # installed for the benchmark only (sys.path set by main)

    texts = [data.decode("ascii") for data in _files(folder, ".sta")]

    def run() -> int:
        return sum(len(mt940.parse(io.StringIO(text))) for text in texts)
    return run


def _mt940_tryton(folder: Path) -> Callable[[], int]:
    import mt940  # installed for the benchmark only (sys.path set by main)

    texts = [data.decode("ascii") for data in _files(folder, ".sta")]

    def run() -> int:
        return sum(len(statement.transactions) for text in texts
                   for statement in mt940.MT940(io.StringIO(text)).statements)
    return run


def _ours_mt103(folder: Path) -> Callable[[], int]:
    from translators.swift import crules
    from translators.swift.blocks import parse
    from translators.swift.validate import validate_message

    try:
        from translators.swift.mt103 import to_payment
    except ImportError:
        to_payment = None  # type: ignore[assignment]
    from bench.mt_documents import SOURCE

    files = _files(folder, ".fin")

    def run() -> int:
        count = 0
        for data in files:
            for message in parse(data).messages:
                if validate_message(message, rules=crules.RULES_BY_SPEC):
                    raise RuntimeError("a generated MT103 has issues")
                if to_payment is not None:
                    to_payment(message, document_id="bench", index=message.index, source=SOURCE)
                count += 1
        return count
    run.mapped = to_payment is not None  # type: ignore[attr-defined]
    return run


WORKERS: dict[str, Callable[[Path], Callable[[], int]]] = {
    "ours-mt940": _ours_mt940, "mt-940": _mt940_wolph, "mt940-tryton": _mt940_tryton, "ours-mt103": _ours_mt103,
}


def worker(name: str, folder: Path, repeat: int) -> dict[str, Any]:
    """Time `repeat` passes of one worker over the files; the first call warms caches and imports."""
    if name in LIBRARIES:
        sys.path.insert(0, str(PACKAGES / name))
    run = WORKERS[name](folder)
    items = run()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        counted = run()
        seconds.append(time.perf_counter() - started)
        if counted != items:
            raise RuntimeError(f"{name} counted {counted} items, then {items}")
    return {"items": items, "seconds": seconds, "mapped": getattr(run, "mapped", True)}


# --- the run -------------------------------------------------------------------------------------

def ensure_library(name: str) -> str:
    """Install a library into its own folder once; its version, from the installed metadata."""
    requirement, _ = LIBRARIES[name]
    target = PACKAGES / name
    if not any(target.glob("*.dist-info")):
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--target", str(target), requirement], check=True)
    info = next(target.glob("*.dist-info"))
    return info.name.removesuffix(".dist-info").rpartition("-")[2]


def measure(name: str, folder: Path, repeat: int) -> dict[str, Any]:
    completed = subprocess.run([sys.executable, "-m", "bench.mt", "--worker", name, "--folder", str(folder),
                                "--repeat", str(repeat)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                               check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"worker {name} failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout)
    result["median_per_second"] = result["items"] / statistics.median(result["seconds"])
    result["best_per_second"] = result["items"] / min(result["seconds"])
    return result


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=PROJECT_ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_files(folder: Path, options: argparse.Namespace) -> dict[str, int]:
    from bench.mt_documents import mt103_file, mt940_files

    files = mt940_files(seed=options.seed, accounts=options.accounts, days=options.days,
                        entries_per_statement=options.entries)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    payments = mt103_file(seed=options.seed, count=options.mt103)
    (folder / "mt103.fin").write_bytes(payments)
    return {"mt940_files": len(files), "mt940_bytes": sum(map(len, files.values())), "mt103_bytes": len(payments)}


def run(options: argparse.Namespace) -> dict[str, Any]:
    versions = {name: ensure_library(name) for name in LIBRARIES}
    with tempfile.TemporaryDirectory(prefix="bench-mt-") as tmp:
        folder = Path(tmp)
        sizes = write_files(folder, options)
        figures = {name: measure(name, folder, options.repeat) for name in ("ours-mt940", *LIBRARIES, "ours-mt103")}
    ours = figures["ours-mt940"]
    fastest = max(LIBRARIES, key=lambda name: figures[name]["median_per_second"])
    return {
        "benchmark": "mt", "at": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "options": {key: value for key, value in vars(options).items() if key not in ("worker", "folder", "json")},
        "files": sizes, "versions": versions, "figures": figures, "fastest_other": fastest,
        "ratio_ours_to_fastest_other": ours["median_per_second"] / figures[fastest]["median_per_second"],
        "entries_agree": len({figures[name]["items"] for name in ("ours-mt940", *LIBRARIES)}) == 1,
    }


def table(result: dict[str, Any]) -> str:
    figures, versions = result["figures"], result["versions"]
    rows = [("MT940 parse+validate+to_statement (ours)", figures["ours-mt940"], "entries")]
    rows += [(f"{LIBRARIES[name][1]} {versions[name]} (parse only)", figures[name], "entries") for name in LIBRARIES]
    mt103 = figures["ours-mt103"]
    what = "parse+validate+to_payment" if mt103["mapped"] else "parse+validate (mt103.to_payment not importable)"
    rows.append((f"MT103 {what} (ours)", mt103, "messages"))
    lines = [f"{'':58} {'items':>8} {'median/s':>12} {'best/s':>12}"]
    for label, figure, unit in rows:
        lines.append(f"{label:58} {figure['items']:>8,} {figure['median_per_second']:>12,.0f} "
                     f"{figure['best_per_second']:>12,.0f}  {unit}")
    lines.append(f"ratio ours / fastest other MT940 library ({result['fastest_other']}): "
                 f"{result['ratio_ours_to_fastest_other']:.2f}   (medians; entries counted alike: "
                 f"{result['entries_agree']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mt", description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=8, help="accounts, one .sta file each (max 10)")
    parser.add_argument("--days", type=int, default=5, help="statements per account")
    parser.add_argument("--entries", type=int, default=500, help="mean :61: entries per statement")
    parser.add_argument("--mt103", type=int, default=3000, help="MT103 messages")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes per measurement")
    parser.add_argument("--seed", type=int, default=20251124)
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        sys.stdout.write(json.dumps(worker(options.worker, options.folder, options.repeat)))
        return 0
    result = run(options)
    sys.stdout.write(table(result) + "\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"mt-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(json.dumps(result, indent=2) + "\n")
    if options.json:
        sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

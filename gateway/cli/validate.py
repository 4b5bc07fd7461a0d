"""`gateway validate PATH... [--json] [--profile NAME]`: offline checks, no broker or database.

A PATH may be a folder (walked recursively). With `--json`, one JSON object per
document per line (schema `gateway.validate/1`). Exit 0 when every document is
accepted, 1 when any is rejected, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gateway.cli.main import Exit, UsageError, load_settings_from
from gateway.stages.common import build_catalogue, build_profiles
from schemas.canonical import Source, stable_id
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from schemas.xsd import XsdCatalogue
from translators.base import ReadContext
from translators.detect import read_document

MAX_LISTED_ISSUES = 200


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders (recursive)")
    parser.add_argument("--json", action="store_true", help="JSON Lines: one object per document")
    parser.add_argument("--profile", default="default", help="validation profile (config/profiles/*.yaml)")


def documents(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def validate_file(path: Path, profile: Profile, catalogue: XsdCatalogue) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        issue = Issue(code="FF01", rule="detect.unreadable", path="", message=f"cannot read the file: {exc.strerror}")
        return _result(path, "unknown", profile, 0, [issue])
    source = Source(channel="cli", sender="validate", format="unknown", received_at=datetime.now(UTC),
                    file_name=path.name)
    context = ReadContext(document_id=stable_id("validate", str(path)), source=source, profile=profile,
                          catalogue=catalogue)
    reading = read_document(data, context)
    issues = list(reading.issues)
    payments = statements = 0
    if reading.accepted:
        for transaction in reading.transactions():
            if transaction.payment is not None:
                payments += 1
            issues.extend(transaction.issues)
        for statement in reading.statements():
            if statement.statement is not None:
                statements += 1
            issues.extend(statement.issues)
    return _result(path, reading.format, profile, payments, issues, kind=reading.kind, statements=statements)


def _result(path: Path, fmt: str, profile: Profile, payments: int, issues: list[Issue], *,
            kind: str = "payments", statements: int = 0) -> dict[str, Any]:
    rejected = any(i.severity is Severity.ERROR for i in issues)
    return {
        "schema": "gateway.validate/1", "path": str(path), "format": fmt, "profile": profile.id,
        "verdict": "reject" if rejected else "accept", "kind": kind, "payments": payments, "statements": statements,
        "issues": [{"code": i.code, "rule": i.rule, "path": i.path, "message": i.message,
                    "severity": i.severity.value} for i in issues[:MAX_LISTED_ISSUES]],
    }


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    profiles = build_profiles(settings)
    if args.profile not in profiles:
        raise UsageError(f"unknown profile {args.profile!r}; known: {', '.join(sorted(profiles))}")
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"{missing[0]} does not exist")
    catalogue = build_catalogue(settings)
    any_rejected = False
    for path in documents(list(args.paths)):
        result = validate_file(path, profiles[args.profile], catalogue)
        any_rejected = any_rejected or result["verdict"] == "reject"
        if args.json:
            sys.stdout.write(json.dumps(result) + "\n")
        else:
            counted = (f"{result['statements']:>6} statement(s)" if result["kind"] == "statements"
                       else f"{result['payments']:>6} payment(s)")
            print(f"{result['verdict'].upper():<7} {result['format']:<17} {counted}  {result['path']}")
            for issue in result["issues"]:
                where = f" at {issue['path']}" if issue["path"] else ""
                print(f"        {issue['severity']:<7} {issue['code']:<5} {issue['rule']}{where}: {issue['message']}")
        sys.stdout.flush()
    return Exit.REJECTED if any_rejected else Exit.OK

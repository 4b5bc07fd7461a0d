"""`gateway schemas list | fetch`: the official XSDs the gateway validates with."""

from __future__ import annotations

import argparse
import json

from gateway.cli.main import load_settings_from
from gateway.stages.common import build_catalogue
from schemas.xsd import default_cache_dir, fetch_official_schemas


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    listing = sub.add_parser("list", help="every schema found, by namespace, with where it came from")
    listing.add_argument("--json", action="store_true")
    sub.add_parser("fetch", help="download the pinned packages that ship official XSDs into the cache")


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    if args.action == "fetch":
        cache = settings.resolve(settings.schemas.cache_dir) if settings.schemas.cache_dir else default_cache_dir()
        fetched = fetch_official_schemas(cache)
        print(f"{len(fetched)} schemas in {cache}")
        return 0
    catalogue = build_catalogue(settings)
    entries = catalogue.entries()
    if args.json:
        print(json.dumps({"schema": "gateway.schemas/1", "schemas": [
            {"name": e.name, "namespace": e.namespace, "path": str(e.path), "origin": e.origin,
             "official": e.official} for e in entries]}))
        return 0
    for e in entries:
        print(f"{e.name:<18} {'official' if e.official else 'unofficial':<10} {e.origin:<24} {e.path}")
    if not entries:
        print("no schemas found: run `make install` (or `gateway schemas fetch`)")
    return 0

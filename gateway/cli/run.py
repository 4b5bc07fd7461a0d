"""`gateway run [--stage NAME ...]`: stages and adapters in the foreground."""

from __future__ import annotations

import argparse

from gateway.cli.aio import run_async
from gateway.cli.main import UsageError, load_settings_from
from gateway.observability import configure_logging, init_sentry
from gateway.runtime import ALL_COMPONENTS, run_until_stopped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stage", action="append", dest="stages", metavar="NAME",
                        help=f"run only these (repeatable): {', '.join(ALL_COMPONENTS)}; default: all")


def run(args: argparse.Namespace) -> int:
    settings = load_settings_from(args)
    stages = args.stages or list(ALL_COMPONENTS)
    unknown = [s for s in stages if s not in ALL_COMPONENTS]
    if unknown:
        raise UsageError(f"unknown stage {unknown[0]!r}; choose from {', '.join(ALL_COMPONENTS)}")
    configure_logging(settings.log_level, settings.log_format)
    init_sentry(settings.sentry.dsn, settings.sentry.environment or settings.environment, "qenex-gateway")
    run_async(run_until_stopped(settings, stages))
    return 0

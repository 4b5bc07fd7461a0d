"""`gateway`: one entry point, one module per subcommand, imported only when used."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from gateway.config import Settings


class Exit(IntEnum):
    OK = 0
    REJECTED = 1      # a document was rejected, a check failed, a payment did not settle
    USAGE = 2         # wrong arguments or configuration, a service missing at start-up
    INTERNAL = 3      # a bug: traceback on stderr


class UsageError(Exception):
    """The user can fix this: wrong argument, bad configuration, a service not running."""


# name -> (module, one-line summary)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("gateway.cli.run", "run stages and adapters in the foreground until SIGTERM/SIGINT"),
    "topology": ("gateway.cli.topology", "declare or export the RabbitMQ topology"),
    "db": ("gateway.cli.db", "apply database migrations, seed demo accounts"),
    "submit": ("gateway.cli.submit", "publish documents like a bank would (optionally wait for the outcome)"),
    "validate": ("gateway.cli.validate", "check documents offline: format, schema and rules"),
    "status": ("gateway.cli.status", "show a payment's or a document's history"),
    "demo": ("gateway.cli.demo", "run the whole gateway on the bundled samples in a sandbox"),
    "schemas": ("gateway.cli.schemas", "list or fetch the official XSDs"),
    "config": ("gateway.cli.config", "check the configuration and print it"),
}


class Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...
    def run(self, args: argparse.Namespace) -> int: ...


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description="Qenex payment message gateway")
    parser.add_argument("--config", type=Path, default=None,
                        help="configuration file (default: config/gateway.yaml; env GATEWAY_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = sys.argv[1:]
    for name, (module, summary) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=summary, description=summary)
        if name in wanted:          # import only the command being run: `--help` stays fast
            _load(module).add_arguments(command_parser)
    return parser


def _load(module: str) -> Command:
    return importlib.import_module(module)  # a module with add_arguments() and run()


def main(argv: list[str] | None = None) -> int:
    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    parser = build_parser()
    args = parser.parse_args()
    if not args.command:
        parser.print_help()
        return Exit.USAGE
    from gateway.broker import BrokerUnavailable
    from gateway.config import ConfigError
    from gateway.db import DatabaseUnavailable
    from gateway.runtime import StartupError

    try:
        return int(_load(COMMANDS[args.command][0]).run(args))
    except (UsageError, ConfigError, BrokerUnavailable, DatabaseUnavailable, StartupError) as exc:
        print(f"gateway {args.command}: {exc}", file=sys.stderr)
        return Exit.USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return Exit.OK
    except Exception:
        traceback.print_exc()
        print(f"gateway {args.command}: internal error (the traceback above is for the developers)",
              file=sys.stderr)
        return Exit.INTERNAL


def load_settings_from(args: argparse.Namespace) -> Settings:
    from gateway.config import load_settings

    return load_settings(args.config)


if __name__ == "__main__":
    sys.exit(main())

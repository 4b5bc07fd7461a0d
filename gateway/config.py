"""One settings tree: `config/gateway.yaml` (or `--config PATH`), then `GATEWAY_…` variables.

Every field can be overridden from the environment with `__` between levels:
`GATEWAY_BROKER__URL`, `GATEWAY_BROKER__PREFETCH`, `GATEWAY_DATABASE__URL`. A wrong
setting stops start-up with one sentence naming it (`ConfigError`).
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

ENV_PREFIX = "GATEWAY_"
ENV_NESTED = "__"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "gateway.yaml"

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_YAML_FILE: ContextVar[Path | None] = ContextVar("gateway_yaml_file", default=None)


class ConfigError(Exception):
    """A setting is wrong: the message is one sentence naming the setting."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BrokerSettings(Section):
    url: str = "amqp://guest:guest@127.0.0.1:5672/"
    prefix: str = Field("", pattern=r"^([A-Za-z0-9][A-Za-z0-9_-]*\.)*$",
                        description="name prefix isolating an environment, e.g. 'ci.' or 'dev-alice.'")
    prefetch: int = Field(1000, ge=1, le=65535)       # upper bound for every consumer's prefetch
    heartbeat: int = Field(15, ge=0, le=600)
    connect_timeout: float = Field(10.0, gt=0)
    publish_window: int = Field(1000, ge=1, le=100_000)
    publish_timeout: float = Field(30.0, gt=0)
    settle_shards: int = Field(4, ge=1, le=256)
    retry_tiers: tuple[int, ...] = Field((5, 30, 300, 1800), min_length=1)
    delivery_limit: int = Field(10, ge=2)
    poison_threshold: int = Field(5, ge=1)
    shutdown_grace: float = Field(20.0, gt=0)

    @field_validator("url")
    @classmethod
    def _amqp_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in {"amqp", "amqps"}:
            raise ValueError("must be an amqp:// or amqps:// URL")
        return value

    @field_validator("retry_tiers")
    @classmethod
    def _ascending(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(t <= 0 for t in value) or list(value) != sorted(set(value)):
            raise ValueError("must be positive seconds in ascending order, e.g. [5, 30, 300, 1800]")
        return value

    @model_validator(mode="after")
    def _poison_below_limit(self) -> BrokerSettings:
        if self.poison_threshold >= self.delivery_limit:
            raise ValueError("poison_threshold must be below delivery_limit, so the consumer parks a poison "
                             "message before the queue's limit dead-letters it")
        return self


class DatabaseSettings(Section):
    url: str = "postgresql://postgres@127.0.0.1:5432/gateway"
    pool_min: int = Field(1, ge=0)
    pool_max: int = Field(8, ge=1)
    command_timeout: float = Field(60.0, gt=0)

    @field_validator("url")
    @classmethod
    def _pg_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"postgresql", "postgres"}:
            raise ValueError("must be a postgresql:// URL")
        if not parts.path.strip("/"):
            raise ValueError("must name a database, e.g. postgresql://postgres@127.0.0.1:5432/gateway")
        return value

    @property
    def database_name(self) -> str:
        return urlsplit(self.url).path.strip("/")

    def with_database(self, name: str) -> str:
        parts = urlsplit(self.url)
        return parts._replace(path=f"/{name}").geturl()


class PathSettings(Section):
    data_dir: Path = Path("var")
    outbox_dir: Path | None = None       # default <data_dir>/outbox: one folder per rail
    filedrop_dir: Path | None = None     # default <data_dir>/drop: one folder per sender

    def resolve(self, base: Path) -> PathSettings:
        data = self.data_dir if self.data_dir.is_absolute() else base / self.data_dir
        return PathSettings(
            data_dir=data,
            outbox_dir=_under(base, self.outbox_dir, data / "outbox"),
            filedrop_dir=_under(base, self.filedrop_dir, data / "drop"),
        )


def _under(base: Path, value: Path | None, default: Path) -> Path:
    if value is None:
        return default
    return value if value.is_absolute() else base / value


class InstitutionSettings(Section):
    bic: str = Field("QNXGDEFFXXX", pattern=r"^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
    name: str = "Qenex Demo Bank"


PAYMENT_KINDS: frozenset[str] = frozenset({"customer", "institution"})


class RailSettings(Section):
    """An outbound rail: the message it speaks and how the group header is filled."""

    format: Literal["pacs.008.001.08", "mt"] = "pacs.008.001.08"   # mt: SWIFT FIN, MT103 / MT202 / MT202 COV
    settlement_method: Literal["CLRG", "INDA", "INGA", "COVE"] = "CLRG"
    clearing_system: str | None = None           # SttlmInf/ClrSys/Cd, e.g. TGT, FDW, STG
    instructed_agent_bic: str | None = None      # None: the creditor agent
    mt_stp: bool = False                         # mt rails: send MT103 as MT103 STP ({119:STP})
    app_header: bool = False                     # ISO rails: wrap each Document with its head.001 AppHdr (CBPR+)
    description: str = ""

    @property
    def carries(self) -> frozenset[str]:
        """Which payments the rail's message can carry: pacs.008 only customer transfers
        (institution transfers need pacs.009); MT both, as MT103 and MT202 / MT202 COV."""
        return PAYMENT_KINDS if self.format == "mt" else frozenset({"customer"})


class RoutingRule(Section):
    id: str = Field(pattern=NAME_PATTERN)
    currencies: tuple[str, ...] = Field(min_length=1)   # ISO 4217 codes, or "*" for any
    rail: str = Field(pattern=NAME_PATTERN)
    kinds: tuple[Literal["customer", "institution"], ...] = ("customer", "institution")


def _default_rails() -> dict[str, RailSettings]:
    return {
        "target2": RailSettings(clearing_system="TGT", instructed_agent_bic="TRGTXEPMXXX",
                                description="TARGET2 / T2 RTGS, euro"),
        "fedwire": RailSettings(clearing_system="FDW", description="Fedwire Funds Service, US dollar"),
        "chaps": RailSettings(clearing_system="STG", instructed_agent_bic="BKENGB2LXXX",
                              description="CHAPS Sterling"),
        "swift": RailSettings(settlement_method="INDA", app_header=True, description="correspondent banking (CBPR+)"),
        "swift-fin": RailSettings(format="mt", settlement_method="INDA",
                                  description="correspondent banking in SWIFT MT (MT103, MT202, MT202 COV)"),
    }


def _default_rules() -> tuple[RoutingRule, ...]:
    return (
        RoutingRule(id="banks-swift-fin", currencies=("*",), rail="swift-fin", kinds=("institution",)),
        RoutingRule(id="eur-target2", currencies=("EUR",), rail="target2"),
        RoutingRule(id="usd-fedwire", currencies=("USD",), rail="fedwire"),
        RoutingRule(id="gbp-chaps", currencies=("GBP",), rail="chaps"),
        RoutingRule(id="majors-swift", currencies=("CHF", "JPY", "CAD", "AUD", "SEK", "NOK", "DKK"), rail="swift"),
    )


class RoutingSettings(Section):
    rules: tuple[RoutingRule, ...] = Field(default_factory=_default_rules)


class Batching(Section):
    """How a stage takes its messages: up to `batch_size` at once (waiting at most
    `batch_wait_ms` for a batch to fill), `concurrency` batches in flight per queue.
    With one batch in flight, a whole batch is settled with a single `multiple` ack."""

    batch_size: int = Field(100, ge=1, le=5000)
    batch_wait_ms: int = Field(20, ge=0)
    concurrency: int = Field(1, ge=1, le=64)
    prefetch: int | None = Field(None, ge=1, le=65535)   # default: 2 x batch_size x concurrency


class IntakeSettings(Batching):
    batch_size: int = Field(1, ge=1, le=16)
    batch_wait_ms: int = Field(0, ge=0)
    concurrency: int = Field(2, ge=1, le=64)
    max_document_bytes: int = Field(128 * 1024 * 1024, ge=1024)   # RabbitMQ's default max message size
    chunk_size: int = Field(500, ge=1)       # payments recorded and published per database transaction
    # Validation profile (config/profiles/*.yaml) by sender id, e.g. {ACME-CORP: sepa-sct}; others get `profile`.
    profile: str = Field("default", pattern=NAME_PATTERN)
    profiles_by_sender: dict[str, str] = Field(default_factory=dict)


class RouteSettings(Batching):
    batch_size: int = Field(100, ge=1, le=5000)


class SettleSettings(Batching):
    """Shards are consumed one batch at a time (ordered per debtor account): no concurrency."""

    concurrency: int = Field(1, ge=1, le=1)


SyncMethod = Literal["syncfs", "fsync", "none"]
SYNC_HELP = ("how written files are made durable before the ack: 'syncfs' one flush of the file system per "
             "batch (Linux), 'fsync' every file, 'none' never (tests and benchmarks of other things only)")


class DeliverSettings(Batching):
    concurrency: int = Field(4, ge=1, le=64)      # batches write and flush in parallel
    sync: SyncMethod = Field("syncfs", description=SYNC_HELP)
    validate_output: bool = True


class ReportSettings(Batching):
    pacs002_version: Literal["pacs.002.001.11"] = "pacs.002.001.11"
    sync: SyncMethod = Field("syncfs", description=SYNC_HELP)


class StageSettings(Section):
    intake: IntakeSettings = IntakeSettings()
    route: RouteSettings = RouteSettings()
    settle: SettleSettings = SettleSettings()
    deliver: DeliverSettings = DeliverSettings()
    report: ReportSettings = ReportSettings()


class FileDropSettings(Section):
    enabled: bool = True
    poll_interval: float = Field(0.5, gt=0)
    stable_for: float = Field(1.0, ge=0)       # size and mtime unchanged this long before a claim


class SchemaSettings(Section):
    dirs: tuple[Path, ...] = ()               # searched before the install-time cache
    cache_dir: Path | None = None
    profiles_dir: Path = Path("config/profiles")


class SentrySettings(Section):
    dsn: str | None = None
    environment: str | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter=ENV_NESTED, extra="forbid", frozen=True,
        yaml_file_encoding="utf-8",
    )

    environment: str = Field("dev", pattern=NAME_PATTERN)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"
    broker: BrokerSettings = BrokerSettings()
    database: DatabaseSettings = DatabaseSettings()
    paths: PathSettings = PathSettings()
    institution: InstitutionSettings = InstitutionSettings()
    rails: dict[str, RailSettings] = Field(default_factory=_default_rails)
    routing: RoutingSettings = RoutingSettings()
    stages: StageSettings = StageSettings()
    filedrop: FileDropSettings = FileDropSettings()
    schemas: SchemaSettings = SchemaSettings()
    sentry: SentrySettings = SentrySettings()

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_path = _YAML_FILE.get()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if yaml_path is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_path))
        return tuple(sources)

    @model_validator(mode="after")
    def _cross_checks(self) -> Settings:
        for name in self.rails:
            if not _valid_name(name):
                raise ValueError(f"rail name {name!r} must match {NAME_PATTERN}")
        for rule in self.routing.rules:
            if rule.rail not in self.rails:
                raise ValueError(f"routing rule {rule.id!r} names rail {rule.rail!r}, which is not under 'rails'")
            if not set(rule.kinds) & self.rails[rule.rail].carries:
                raise ValueError(f"routing rule {rule.id!r} sends {'/'.join(rule.kinds)} transfers to rail "
                                 f"{rule.rail!r}, whose format {self.rails[rule.rail].format} cannot carry them")
        return self

    _base_dir: Path = PrivateAttr(default=PROJECT_ROOT)
    _source_file: Path | None = PrivateAttr(default=None)

    @property
    def base_dir(self) -> Path:
        """Relative paths are relative to the project holding the config file."""
        return self._base_dir

    @property
    def source_file(self) -> Path | None:
        return self._source_file

    @property
    def resolved_paths(self) -> PathSettings:
        return self.paths.resolve(self.base_dir)

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else self.base_dir / path


def _valid_name(name: str) -> bool:
    return re.fullmatch(NAME_PATTERN, name) is not None


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read the YAML file (default `config/gateway.yaml` when present) and the environment."""
    path = config_file or (Path(os.environ["GATEWAY_CONFIG"]) if os.environ.get("GATEWAY_CONFIG") else None)
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    if path is not None and not path.exists():
        raise ConfigError(f"configuration file {path} does not exist")
    token = _YAML_FILE.set(path)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from None
    except ValueError as exc:            # YAML syntax errors
        raise ConfigError(f"configuration file {path} cannot be read: {exc}") from None
    finally:
        _YAML_FILE.reset(token)
    if path is not None:
        settings._base_dir = _project_of(path)
        settings._source_file = path
    return settings


def _project_of(config_file: Path) -> Path:
    """Relative paths in a config file are relative to the project holding it (`config/..`)."""
    folder = config_file.resolve().parent
    return folder.parent if folder.name == "config" else folder


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    """One sentence naming the first wrong setting, its environment variable and the fix."""
    error = exc.errors()[0]
    location = [str(part) for part in error.get("loc", ())]
    dotted = ".".join(location) or "(top level)"
    env_name = ENV_PREFIX + ENV_NESTED.join(p.upper() for p in location) if location else ENV_PREFIX + "…"
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    where = f" in {path}" if path else ""
    value = error.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    if error.get("type") == "extra_forbidden":
        return f"configuration error: setting '{dotted}'{where} is not a known setting{shown}."
    more = f" ({len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return (f"configuration error: setting '{dotted}'{where} (environment {env_name}) is invalid{shown}: "
            f"{message}.{more}")

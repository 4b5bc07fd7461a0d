"""Structured logs with masked personal data, and the Sentry switch.

Log lines are JSON with an `event` (a dotted past-tense verb: `intake.document_parsed`)
and fields; values never go into the message text. Account numbers, IBANs and names
are masked before they reach any log line (`mask`).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger("gateway")

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b")
_LONG_DIGITS = re.compile(r"\b\d{8,}\b")


def mask(value: str | None) -> str | None:
    """Keep the country or bank prefix and the last four characters: 'DE89…3000'."""
    if value is None:
        return None
    compact = value.replace(" ", "")
    if len(compact) <= 8:
        return "…" + compact[-2:]
    return f"{compact[:4]}…{compact[-4:]}"


def scrub_text(text: str) -> str:
    """Mask IBAN-shaped strings and long digit runs inside free text (exception messages)."""
    text = _IBAN.sub(lambda m: mask(m.group(0)) or "", text)
    return _LONG_DIGITS.sub(lambda m: mask(m.group(0)) or "", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", None) or record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            payload.update(fields)
        if record.exc_info:
            payload["exception"] = scrub_text(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = getattr(record, "event", None) or record.getMessage()
        fields = getattr(record, "fields", None) or {}
        extra = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
        line = f"{datetime.fromtimestamp(record.created, UTC):%H:%M:%S} {record.levelname:<7} {event} {extra}"
        if record.exc_info:
            line += "\n" + scrub_text(self.formatException(record.exc_info))
        return line.rstrip()


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aio_pika", "aiormq", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    if not logger.isEnabledFor(level):
        return
    clean = {k: (scrub_text(v) if isinstance(v, str) else v) for k, v in fields.items() if v is not None}
    logger.log(level, event, extra={"event": event, "fields": clean})


def init_sentry(dsn: str | None, environment: str, release: str) -> bool:
    """Initialise Sentry when a DSN is configured; personal data is scrubbed before sending."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.asyncio import AsyncioIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        return _scrub_event(event)  # type: ignore[no-any-return]

    sentry_sdk.init(
        dsn=dsn, environment=environment, release=release, send_default_pii=False,
        include_local_variables=False, before_send=before_send,  # type: ignore[arg-type]
        integrations=[AsyncioIntegration(), LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
    )
    return True


def _scrub_event(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub_event(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_event(v) for v in value]
    return value

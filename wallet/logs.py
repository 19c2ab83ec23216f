"""PDE's log lines: one JSON object per line on standard error (or plain text
for a person at a terminal, `PDE_LOG_FORMAT=text`), through the standard
`logging` module. Lines carry a request's id, never its path or client: every
message is written by PDE's own code or uvicorn's life-cycle, and names kinds
of things (a route template, an error's class), never a handle, id, address,
token or secret."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

# The id of the request being served, set by the request middleware
# (wallet/api/observability.py); every line logged while serving it carries it.
REQUEST_ID: ContextVar[str | None] = ContextVar("pde_request_id", default=None)

# What a record may carry besides its message (`log.info(..., extra={...})`).
FIELDS = (
    "method",
    "route",
    "status",
    "duration_ms",
    "bytes_in",
    "bytes_out",
    "event",
    "kind",  # housekeeping: what it removed (a fixed word) ...
    "count",  # ... and how many
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the request id
    when serving one, the known extra fields, and a traceback for a bug."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A readable line: time, level, message, then the extra fields as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        extra = [f"{name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name)]
        return " ".join([super().format(record), *extra])


def logging_config(log_format: Literal["json", "text"]) -> dict[str, Any]:
    """A `logging.config.dictConfig` for `pde serve` (uvicorn applies it in every
    worker): one handler on standard error, with uvicorn's loggers passing their
    life-cycle lines to it and its access log silenced (its lines name the
    concrete path and the client's address; PDE logs each request itself)."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"pde": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "pde",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "pde": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }

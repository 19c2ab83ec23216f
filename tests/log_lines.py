"""PDE's log lines as `pde serve` writes them (wallet/logs.py's JSON), captured in a
test: each record is formatted when it is emitted, so a request's id is read from
the context at that moment, as in production."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator

from wallet.logs import JsonFormatter


class JsonLines(logging.Handler):
    """Every record of PDE's loggers, as the JSON object of its line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        self.text.append(line)
        self.lines.append(json.loads(line))

    def of(self, logger: str) -> list[dict[str, object]]:
        return [line for line in self.lines if line["logger"] == logger]


@contextlib.contextmanager
def json_log_lines() -> Iterator[JsonLines]:
    """Capture the lines of the `pde` loggers at INFO and above while the block runs."""
    handler, pde = JsonLines(), logging.getLogger("pde")
    level = pde.level
    pde.addHandler(handler)
    pde.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        pde.removeHandler(handler)
        pde.setLevel(level)

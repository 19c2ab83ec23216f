"""A progress bar for the command line's uploads and downloads of large files.

It is drawn on standard error, and only when standard error is a terminal: a
script reading the output, or a log, gets nothing but the command's own lines.
One bar is drawn at a time, redrawn in place at most ten times a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO

LARGE_BYTES = 4 << 20  # smaller files take well under a second: no bar
WIDTH = 24
MIB = 1 << 20

_open_line: list[ProgressBar] = []  # the bar whose line has no newline yet


class ProgressBar:
    """The progress of one transfer of `total` bytes, named by `label`."""

    def __init__(
        self, label: str, total: int, stream: TextIO | None = None, large: int = LARGE_BYTES
    ) -> None:
        self.stream = stream or sys.stderr
        self.label = label if len(label) <= 32 else label[:31] + "…"
        self.total = total
        self.shown = total >= large and self.stream.isatty()
        self._drawn_at = 0.0

    def update(self, done: int, total: int | None = None) -> None:
        """`done` of `total` bytes (the total given at the start unless told again)."""
        if total is not None:
            self.total = total
        if not self.shown:
            return
        finished = done >= self.total
        now = time.monotonic()
        if not finished and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        fraction = min(done / self.total, 1.0) if self.total else 1.0
        filled = round(fraction * WIDTH)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {fraction:4.0%} {done / MIB:.1f}/{self.total / MIB:.1f} MiB"
        )
        if finished:
            self.stream.write("\n")
            _open_line.clear()
        else:
            _open_line[:] = [self]
        self.stream.flush()


def end_line() -> None:
    """End a bar's unfinished line, so that what follows (an error) starts a line."""
    for bar in _open_line:
        bar.stream.write("\n")
        bar.stream.flush()
    _open_line.clear()

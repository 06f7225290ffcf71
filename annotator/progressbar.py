"""A terminal progress bar with counts and rate, for the command line's long commands."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """Callable as a ProgressCallback; redraws at most ten times a second on a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 28) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.perf_counter()
        self._last_draw = 0.0
        self._shown = False
        self._interactive = self.stream.isatty()

    def __call__(self, done: int, total: int | None, text: str = "") -> None:
        now = time.perf_counter()
        if now - self._last_draw < 0.1 and (total is None or done < total):
            return
        self._last_draw = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        if total:
            filled = int(self.width * min(done / total, 1.0))
            bar = "█" * filled + "·" * (self.width - filled)
            line = f"{self.label} {bar} {done:,}/{total:,} {rate:,.0f}/s {text}"
        else:
            line = f"{self.label} {done:,} {rate:,.0f}/s {text}"
        if self._interactive:
            self.stream.write("\r" + line[:120].ljust(120))
            self.stream.flush()
            self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False

"""Progress reporting and cancellation for long work, shared by the CLI and the UI workers."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["CancelToken", "Cancelled", "ProgressCallback", "no_progress"]

# (done, total or None when unknown, a short text such as the current file)
ProgressCallback = Callable[[int, "int | None", str], None]


class Cancelled(Exception):
    """Raised inside long work when the user asked to stop; the work rolls back."""


class CancelToken:
    """A flag another thread can set; long work calls ``check()`` between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user")


def no_progress(done: int, total: int | None, text: str) -> None:
    """A ProgressCallback that reports nothing."""

"""Statistics read off the GUI thread: a worker with its own read-only connection.

Each request gets a number; only the result of the latest request is delivered, so a slow
read that a newer edit has overtaken never overwrites newer figures.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotator.core.project_stats import StatsSnapshot
from annotator.core.store import ProjectStore

__all__ = ["StatsRefresher"]


class _Relay(QObject):
    """Carries a result from the pool thread to the GUI thread (queued signal)."""

    done = Signal(int, object)  # request number, StatsSnapshot or error message (str)


class _Read(QRunnable):
    def __init__(self, number: int, path: str, annotator: str, relay: _Relay) -> None:
        super().__init__()
        self.number, self.path, self.annotator, self.relay = number, path, annotator, relay

    def run(self) -> None:
        result: StatsSnapshot | str
        try:
            store = ProjectStore.open_reader(self.path)
            try:
                result = store.stats_snapshot(self.annotator)
            finally:
                store.close()
        except Exception as exc:  # reported to the window, never raised
            result = f"Statistics could not be read: {exc}"
        self.relay.done.emit(self.number, result)


class StatsRefresher(QObject):
    """``request`` starts a background read; ``ready`` gives the newest one's snapshot."""

    ready = Signal(object)  # StatsSnapshot
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # requests run in order; stale ones are dropped
        self._relay = _Relay()
        self._relay.done.connect(self._done)
        self._latest = 0

    @property
    def latest(self) -> int:
        return self._latest

    def request(self, path: str, annotator: str) -> int:
        """Read the statistics in the background; returns the request's number."""
        self._latest += 1
        self._pool.start(_Read(self._latest, path, annotator, self._relay))
        return self._latest

    def cancel(self) -> None:
        """Forget every request made so far (their results are dropped)."""
        self._latest += 1

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _done(self, number: int, result: object) -> None:
        if number != self._latest:
            return  # overtaken by a newer request (or cancelled)
        if isinstance(result, StatsSnapshot):
            self.ready.emit(result)
        else:
            self.failed.emit(str(result))

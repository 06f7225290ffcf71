"""Other annotators' work appears in the window without a restart.

Every few seconds a pool thread reads the project's change stamp (``change_stamp``: a few
index-only reads) on its own read-only connection; when it differs from the last one, the
window is told (``changed``) and refreshes its document list and progress. Nothing is read on
the GUI thread while waiting, so a slow or vanished server never stalls the window; a failed
read is reported (``failed``) and retried at the next tick.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from annotator.core.store import ProjectStore

__all__ = ["ChangeWatcher"]


class _Relay(QObject):
    """Carries a stamp (or an error message) from the pool thread to the GUI thread."""

    done = Signal(int, object, str)  # generation, stamp, error ("" when none)


class _Reader:
    """One read-only connection, used by one pool thread at a time."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._store: ProjectStore | None = None
        self._lock = threading.Lock()

    def stamp(self) -> tuple[object, ...]:
        with self._lock:
            if self._store is None:
                self._store = ProjectStore.open_reader(self.location)
            try:
                return self._store.change_stamp()
            except Exception:
                self._store.close()  # a lost connection: open a fresh one next time
                self._store = None
                raise

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


class _Read(QRunnable):
    def __init__(self, generation: int, reader: _Reader, relay: _Relay) -> None:
        super().__init__()
        self.generation, self.reader, self.relay = generation, reader, relay

    def run(self) -> None:
        try:
            stamp, error = self.reader.stamp(), ""
        except Exception as exc:  # reported to the window, never raised
            stamp, error = None, str(exc) or exc.__class__.__name__
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile (relay gone)
            self.relay.done.emit(self.generation, stamp, error)


class ChangeWatcher(QObject):
    """``watch(location)`` polls a project; ``changed`` when someone else changed it."""

    changed = Signal()
    failed = Signal(str)
    recovered = Signal()

    def __init__(self, parent: QObject | None = None, interval_ms: int = 3000) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay()
        self._relay.done.connect(self._done)
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)
        self._reader: _Reader | None = None
        self._generation = 0
        self._stamp: object = None
        self._busy = False
        self._failing = False

    def watch(self, location: str | None) -> None:
        """Start watching ``location`` (None: stop)."""
        self.stop()
        if location is None:
            return
        self._reader = _Reader(location)
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()
        self._generation += 1  # results of older reads are dropped
        self._stamp, self._busy, self._failing = None, False, False
        reader, self._reader = self._reader, None
        if reader is not None:
            self._pool.start(reader.close)  # after any read under way, off the GUI thread

    def poll(self) -> None:
        """Read the stamp now (at most one read at a time)."""
        if self._reader is None or self._busy:
            return
        self._busy = True
        self._pool.start(_Read(self._generation, self._reader, self._relay))

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _done(self, generation: int, stamp: object, error: str) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if error:
            self._failing = True
            self.failed.emit(error)
            return
        if self._failing:
            self._failing = False
            self.recovered.emit()
        if self._stamp is not None and stamp != self._stamp:
            self.changed.emit()
        self._stamp = stamp

"""Python's cyclic garbage collection, run from the event loop instead of at random moments.

Left to itself the collector runs whenever allocations cross a threshold: in the middle of
showing a long document (a full pass over the app's ~50,000 objects took 30-40 ms there), or in
a worker thread, where it may finalize Qt objects that belong to the GUI thread. Here automatic
collection is switched off; a timer in the GUI thread collects the young generations when they
are due, and the objects that live as long as the app (modules, widgets, the open project) are
frozen out of the collector's sight once start-up is over, so the rare full pass stays short.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GarbageCollector"]


class GarbageCollector(QObject):
    """Owns garbage collection for the life of ``parent`` (normally the QApplication)."""

    def __init__(self, parent: QObject, interval_ms: int = 200, freeze_after_ms: int = 3000):
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)
        QTimer.singleShot(freeze_after_ms, self, self.freeze)
        parent.destroyed.connect(self._restore)

    def check(self) -> None:
        """Collect each generation whose count has passed its threshold (youngest first)."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    @staticmethod
    def freeze() -> None:
        """Move every object alive now to the permanent generation (start-up is over)."""
        gc.collect()
        gc.freeze()

    @staticmethod
    def _restore() -> None:
        gc.enable()

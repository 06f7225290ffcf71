"""Edits made while a shared project's server cannot be reached: kept, shown, written later.

An edit whose commit fails with ``ServerGoneError`` (the connection was lost, the server is
restarting) was not stored: each edit is one transaction, so nothing of it is. Instead of
refusing what the annotator typed, the edit waits here, in order, and every few seconds the
queue is written again (the store reconnects by itself); the window meanwhile says that the
server is gone and how many edits wait, never "saved". Once a retry has written them all,
``written`` tells the window that everything is saved. An edit the project refuses on retry
(someone else changed the same span meanwhile) is reported and dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.edits import Edit
from annotator.core.model import ValidationError
from annotator.core.store import ProjectStore, ServerGoneError, StoreError

__all__ = ["PendingEdits"]


class PendingEdits(QObject):
    """The queue of edits not yet written, and its retry timer."""

    waiting = Signal(int, str)  # edits waiting, why (the server error)
    written = Signal()  # every waiting edit is now in the project
    dropped = Signal(str)  # an edit the project refused on retry, with the reason

    def __init__(
        self,
        store: Callable[[], ProjectStore | None],
        parent: QObject | None = None,
        interval_ms: int = 2000,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._edits: list[Edit] = []
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.retry)

    def __len__(self) -> int:
        return len(self._edits)

    def commit(self, edit: Edit) -> bool:
        """Write ``edit`` now (True), or queue it behind earlier ones or because the server is
        gone (False). Refusals (ValidationError, a locked project...) propagate."""
        store = self._store()
        assert store is not None
        if self._edits:
            self._edits.append(edit)  # never before an edit typed earlier
            self.waiting.emit(len(self._edits), "earlier edits are not saved yet")
            return False
        try:
            edit.apply(store)
        except ServerGoneError as exc:
            self._edits.append(edit)
            self._timer.start()
            self.waiting.emit(len(self._edits), str(exc))
            return False
        return True

    def retry(self) -> None:
        """Write the waiting edits in order; stop at the first that still cannot reach the
        server (the timer tries again)."""
        store = self._store()
        if store is None:
            return
        while self._edits:
            edit = self._edits[0]
            try:
                edit.apply(store)
            except ServerGoneError as exc:
                self.waiting.emit(len(self._edits), str(exc))
                return
            except (ValidationError, KeyError, StoreError) as exc:
                self.dropped.emit(f"{edit.description} could not be saved: {exc}")
            self._edits.pop(0)
        self._timer.stop()
        self.written.emit()

    def clear(self) -> list[Edit]:
        """Forget the waiting edits (returns them); the project was closed."""
        self._timer.stop()
        edits, self._edits = self._edits, []
        return edits

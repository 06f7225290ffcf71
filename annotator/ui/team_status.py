"""The window's side of a project shared by a team: others' work shows, a vanished server is
said, and edits typed meanwhile are never shown as saved nor closed away unasked.

``TeamStatus`` owns the ``ChangeWatcher`` (others' answers, claims and imports refresh the list
and progress) and speaks for the controller's ``PendingEdits`` (edits waiting for the server)
in the status bar. It keeps these concerns out of the main window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from annotator.ui.change_watcher import ChangeWatcher

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

__all__ = ["TeamStatus"]


class TeamStatus(QObject):
    """Connects a main window to its change watcher and its waiting edits."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.watcher = ChangeWatcher(self)
        self.watcher.changed.connect(self._changed_elsewhere)
        self.watcher.failed.connect(self._unreachable)
        self.watcher.recovered.connect(self._reachable)
        window.controller.pending.waiting.connect(self._edits_waiting)

    def watch(self, location: str | None) -> None:
        """Follow the project at ``location`` (None: none open)."""
        self.watcher.watch(location)

    def _changed_elsewhere(self) -> None:
        """Someone else answered, claimed or imported: the list and progress follow."""
        w = self.w
        if w.store is None:
            return
        w.controller.invalidate()
        w.list_model.refresh()
        w.update_status()
        w.request_stats()

    def _unreachable(self, error: str) -> None:
        self.w.message(f"The project cannot be reached ({error}); retrying…", 0)

    def _reachable(self) -> None:
        self.w.message("The project can be reached again.")

    def _edits_waiting(self, count: int, why: str) -> None:
        """Edits wait for the project's server: say so, never "saved"."""
        label = self.w.save_label
        label.setText(f"⚠ {count} edit{'s' if count != 1 else ''} not saved yet")
        label.setToolTip(
            f"{why}\nThe server cannot be reached; the edits are kept and written, in order, "
            "as soon as it is back (retrying every few seconds). Do not close the window."
        )
        self.w.message(f"The project's server is gone; retrying. {count} edits wait.", 0)

    def may_close(self) -> bool:
        """True unless edits still wait for the server and the user keeps the window open."""
        pending = self.w.controller.pending
        pending.retry()
        if not len(pending) or self.w.property("noPopups"):
            return True
        choice = QMessageBox.warning(
            self.w,
            "Edits not saved",
            f"{len(pending)} edits could not reach the project's server yet. Close anyway and "
            "lose them?",
            QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return choice == QMessageBox.StandardButton.Close

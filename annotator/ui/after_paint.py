"""Run something right after a widget paints (or after a delay when it never does)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

__all__ = ["AfterPaint"]


class AfterPaint(QObject):
    """Calls ``action`` once, right after ``widget`` paints, or after ``latest`` ms (a window
    that is not on screen never paints). ``cancel()`` drops it."""

    def __init__(self, widget: QWidget, action: Callable[[], None], latest: int = 250) -> None:
        super().__init__(widget)
        self._widget = widget
        self._action: Callable[[], None] | None = action
        widget.installEventFilter(self)
        QTimer.singleShot(latest, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._fire)  # once this paint is on screen
        return False

    def _fire(self) -> None:
        action, self._action = self._action, None
        if action is not None:
            self.cancel()
            action()

    def cancel(self) -> None:
        self._action = None
        self._widget.removeEventFilter(self)
        self.deleteLater()

"""Status-bar labels that give way to a message, so a message is never cut short.

The permanent labels (order of work, model, save state, progress) used to take their full
width whatever was shown beside them, and in a window 1,400 pixels wide the message after a
training run ("Model 1 trained: held-out F1 0.518 (now 0.514); not used (Model › Models…
lists it)") was cut after "(Model › Mode". After automatic training that message is the only
notice. Now, while a message shows and would not fit, the widest labels are elided (…) until
it does; each label's whole text stays in its tooltip, and comes back when the message goes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from annotator.ui.plain_text import plain_tip

__all__ = ["ElidingLabel", "MessageRoom"]

_NO_LIMIT = 16_777_215  # QWIDGETSIZE_MAX
_MARGIN = 8


class ElidingLabel(QLabel):
    """A label that shows as much of its text as its width allows, ending in "…".

    ``text()`` is always the whole text; while it is elided, the tooltip starts with it.
    Text and tooltip are shown as written, never as markup.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self._shown_tip = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setContentsMargins(_MARGIN, 0, _MARGIN, 0)
        self.setText(text)

    # The whole text and the label's own tooltip, whatever is shown.
    def text(self) -> str:  # type: ignore[override]
        return self._full

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._full = text
        self.updateGeometry()
        self._show()

    def setToolTip(self, tip: str) -> None:  # type: ignore[override]
        self._tip = tip
        self._show()

    def toolTip(self) -> str:  # type: ignore[override]
        """The tooltip's text as written (the widget holds it escaped)."""
        return self._shown_tip

    def is_elided(self) -> bool:
        return super().text() != self._full

    def full_width(self) -> int:
        """The width the whole text needs, margins included."""
        if not self._full:
            return 0
        margins = self.contentsMargins()
        return self._text_width() + margins.left() + margins.right()

    def _text_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(self._full) + 2

    def sizeHint(self) -> QSize:
        return QSize(self.full_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        few = min(self.full_width(), self.fontMetrics().horizontalAdvance("M") * 4)
        return QSize(few, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show()

    def _show(self) -> None:
        room = self.contentsRect().width()
        shown = self._full
        if self._full and 0 < room < self._text_width():
            shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        QLabel.setText(self, shown)
        tip = self._tip
        if shown != self._full:
            tip = f"{self._full}\n\n{tip}" if tip else self._full
        self._shown_tip = tip
        QLabel.setToolTip(self, plain_tip(tip))


class MessageRoom(QObject):
    """Makes room on ``bar`` for its message by capping its eliding labels' widths.

    The widest labels give way first (the same cap for all that need one), none below a few
    letters; when the message goes, or fits anyway, every label has its whole width again.
    The status bar's tooltip is the whole message while it shows (as written, never markup).
    """

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self._bar = bar
        bar.messageChanged.connect(self._fit)
        bar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._bar and event.type() == QEvent.Type.Resize:
            self._fit(self._bar.currentMessage())
        return False

    def labels(self) -> list[ElidingLabel]:
        return [label for label in self._bar.findChildren(ElidingLabel) if label.isVisible()]

    def _fit(self, message: str) -> None:
        self._bar.setToolTip(plain_tip(message))
        labels = self.labels()
        cap = self.cap_for(message, labels) if message else None
        for label in labels:
            label.setMaximumWidth(_NO_LIMIT if cap is None else cap)

    def cap_for(self, message: str, labels: list[ElidingLabel]) -> int | None:
        """The widest a label may be for ``message`` to fit (None: no cap is needed)."""
        need = self._bar.fontMetrics().horizontalAdvance(message) + 4 * _MARGIN
        grip = 24 if self._bar.isSizeGripEnabled() else 0
        others = grip + sum(
            widget.sizeHint().width() + _MARGIN
            for widget in self._bar.findChildren(QWidget)
            if widget.parent() is self._bar and widget.isVisible() and _ours(widget)
        )
        room = self._bar.contentsRect().width() - others - need
        widths = sorted((label.full_width() for label in labels), reverse=True)
        if sum(widths) <= room:
            return None
        floor = max((label.minimumSizeHint().width() for label in labels), default=0)
        # The largest cap with sum(min(width, cap)) <= room, found from the widest down.
        total = sum(widths)
        for count, width in enumerate(widths, start=1):
            total -= width
            rest = widths[count] if count < len(widths) else 0
            cap = (room - total) // count
            if cap >= rest:
                return max(cap, floor)
        return floor


def _ours(widget: QWidget) -> bool:
    """A permanent widget of the window's that does not give way (not the size grip)."""
    return not isinstance(widget, ElidingLabel) and type(widget).__name__ != "QSizeGrip"

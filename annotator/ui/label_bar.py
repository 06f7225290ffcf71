"""The row of label buttons above the text: colour, key and name of each label."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from annotator.core.model import LabelSet
from annotator.ui.colors import readable_text_color

__all__ = ["LabelBar"]


class LabelBar(QWidget):
    """Clicking a label labels the selection (or relabels the span at the caret)."""

    label_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.setSpacing(6)
        self.buttons: dict[str, QToolButton] = {}

    def set_labels(self, labels: LabelSet) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons.clear()
        hint = QLabel("Label:")
        hint.setObjectName("labelBarHint")
        self._layout.addWidget(hint)
        for label in labels:
            button = QToolButton(self)
            key = f"{label.key}  " if label.key else ""
            button.setText(f"{key}{label.name}")
            button.setToolTip(
                f"Label the selection as {label.name}"
                + (f" (key {label.key})" if label.key else "")
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the text's selection
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            fg = readable_text_color(label.color).name()
            button.setStyleSheet(
                f"QToolButton {{ background: {label.color}; color: {fg}; border: 1px solid "
                f"rgba(0,0,0,60); border-radius: 4px; padding: 4px 10px; font-weight: 600; }}"
                f"QToolButton:hover {{ border: 2px solid palette(highlight); }}"
            )
            button.clicked.connect(lambda _=False, name=label.name: self.label_clicked.emit(name))
            self._layout.addWidget(button)
            self.buttons[label.name] = button
        self._layout.addStretch(1)

"""Tables of held-out scores: what suggests now against the new model, label by label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

__all__ = ["ScoreTable"]

_COLUMNS = ["Label", "Now P", "Now R", "Now F1", "New P", "New R", "New F1", "Change", "Source"]


class ScoreTable(QTableWidget):
    """Per-label P/R/F1 of ``tables["current"]`` and ``tables["new"]`` side by side, with the
    source each label is served by."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(_COLUMNS), parent)
        self.setHorizontalHeaderLabels(_COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)

    def show_report(
        self, tables: dict[str, Any], labels: Sequence[str], choice: dict[str, str]
    ) -> None:
        rows = [*labels, "overall"]
        self.setRowCount(len(rows))
        for i, label in enumerate(rows):
            now = tables.get("current", {}).get(label, {})
            new = tables.get("new", {}).get(label, {})
            change = float(new.get("f", 0.0)) - float(now.get("f", 0.0))
            cells = [
                label,
                *(f"{float(now.get(k, 0.0)):.3f}" for k in ("p", "r", "f")),
                *(f"{float(new.get(k, 0.0)):.3f}" for k in ("p", "r", "f")),
                f"{change:+.3f}",
                choice.get(label, "") if label != "overall" else "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 0 < j < 8:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(i, j, item)
        self.resizeColumnsToContents()
        # Every row shown without scrolling: a few labels, and "overall" is the row people read.
        # (The header is not laid out yet: it takes a row's height, as it does when shown.)
        row = self.verticalHeader().defaultSectionSize()
        self.setMinimumHeight((len(rows) + 1) * row + 2 * self.frameWidth() + 4)

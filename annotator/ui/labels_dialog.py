"""Edit the project's labels: add, rename, recolour, reorder and rebind keys.

Renames carry the existing spans along (``ProjectStore.set_labels(renames=...)``); a label's key
may not clash with another label or with a command's shortcut.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Label, LabelSet, new_label
from annotator.ui.colors import readable_text_color

__all__ = ["LabelsDialog"]

_ORIGINAL = Qt.ItemDataRole.UserRole


class LabelsDialog(QDialog):
    """Returns (LabelSet, renames) through ``result_labels`` after ``exec()``."""

    def __init__(
        self,
        labels: LabelSet,
        check_keys: Callable[[list[tuple[str, str]]], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Labels")
        self.resize(520, 380)
        self._check_keys = check_keys
        self.result_labels: tuple[LabelSet, dict[str, str]] | None = None
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Name", "Colour", "Key"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        for label in labels:
            self._append(label, original=label.name)
        buttons = QVBoxLayout()
        for text, slot in (
            ("Add", self.add_label),
            ("Colour…", self._recolour),
            ("Move up", self.move_up),
            ("Move down", self.move_down),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Double-click a name or key to edit it, a colour to change it. Renaming keeps "
            "the spans already drawn and what Undo can undo. Labels are not deleted here, so no "
            "work is lost."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(box)

    # ---------------------------------------------------------------- rows
    def _item(self, row: int, column: int) -> QTableWidgetItem:
        """The cell's item; every cell gets one in ``_append``, so a missing one is a bug."""
        item = self.table.item(row, column)
        if item is None:
            raise LookupError(f"labels table has no item at row {row}, column {column}")
        return item

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _append(self, label: Label, original: str | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(label.name)
        name.setData(_ORIGINAL, original)
        self.table.setItem(row, 0, name)
        colour = QTableWidgetItem(label.color)
        colour.setFlags(colour.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self._paint(colour, label.color)
        self.table.setItem(row, 1, colour)
        self.table.setItem(row, 2, QTableWidgetItem(label.key))

    @staticmethod
    def _paint(item: QTableWidgetItem, color: str) -> None:
        item.setText(color)
        item.setBackground(QColor(color))
        item.setForeground(readable_text_color(color))

    def add_label(self, name: str = "") -> None:
        row = self.table.rowCount()
        name = name or f"LABEL{row + 1}"
        used = {self._text(r, 2) for r in range(row)}
        self._append(new_label(name, row, used), original=None)
        self.table.selectRow(row)

    def set_color(self, row: int, color: str) -> None:
        self._paint(self._item(row, 1), color)

    def move_up(self) -> None:
        self.move_row(-1)

    def move_down(self) -> None:
        self.move_row(1)

    def move_row(self, step: int) -> None:
        """Move the selected label ``step`` rows (labels keep their order in the bar)."""
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        items = [self.table.takeItem(row, c) for c in range(3)]
        others = [self.table.takeItem(target, c) for c in range(3)]
        for c in range(3):
            self.table.setItem(target, c, items[c])
            self.table.setItem(row, c, others[c])
        self.table.selectRow(target)

    def _double_clicked(self, row: int, column: int) -> None:
        if column == 1:
            self.table.setCurrentCell(row, column)
            self._recolour()

    def _recolour(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        chosen = QColorDialog.getColor(QColor(self._text(row, 1)), self, "Label colour")
        if chosen.isValid():
            self.set_color(row, chosen.name())

    # -------------------------------------------------------------- result
    def collect(self) -> tuple[LabelSet, dict[str, str]]:
        """The edited labels and renames; raises ValidationError saying what is wrong."""
        labels, renames = [], {}
        for row in range(self.table.rowCount()):
            name = self._text(row, 0).strip()
            key = self._text(row, 2).strip()
            labels.append(Label(name, self._text(row, 1), key))
            original = self._item(row, 0).data(_ORIGINAL)
            if original and original != name:
                renames[original] = name
        result = LabelSet(labels)
        if self._check_keys is not None:
            self._check_keys([(label.name, label.key) for label in result])
        return result, renames

    def accept(self) -> None:
        try:
            self.result_labels = self.collect()
        except ValueError as exc:  # ValidationError or a shortcut clash
            QMessageBox.warning(self, "Labels", str(exc))
            return
        super().accept()

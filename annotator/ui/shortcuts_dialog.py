"""Help › Keyboard shortcuts: every command with its key; double-click a row to rebind it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import LabelSet
from annotator.ui.shortcuts import COMMANDS, ShortcutClash, ShortcutMap

__all__ = ["KeyCaptureDialog", "ShortcutsDialog"]


class KeyCaptureDialog(QDialog):
    """Asks for one key combination.

    The first key pressed is recorded, whatever it is (Return can be bound); once a key is
    recorded, Return or Enter confirms it instead of replacing it (it used to be recorded as
    the new key by the press meant to confirm).
    """

    def __init__(self, text: str, current: QKeySequence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rebind shortcut")
        self.current = current
        self.edit = QKeySequenceEdit(self)
        self.edit.setMaximumSequenceLength(1)
        self.edit.setClearButtonEnabled(True)
        for widget in (self.edit, *self.edit.findChildren(QWidget)):
            widget.installEventFilter(self)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        now = current.toString(QKeySequence.SequenceFormat.NativeText) or "none"
        layout.addWidget(QLabel(f"Press the new key for “{text}” (now: {now}),"))
        layout.addWidget(self.edit)
        layout.addWidget(QLabel("then Return to confirm."))
        layout.addWidget(box)

    def key_sequence(self) -> QKeySequence:
        """The key recorded; the current one when none was pressed."""
        recorded = self.edit.keySequence()
        return self.current if recorded.isEmpty() else recorded

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and not self.edit.keySequence().isEmpty()
        ):
            if event.type() == QEvent.Type.KeyPress:
                self.accept()
            event.accept()
            return True
        return False


class ShortcutsDialog(QDialog):
    """The table of shortcuts; changes go to the ShortcutMap (refused when they clash)."""

    def __init__(
        self, shortcuts: ShortcutMap, labels: LabelSet, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 400)
        self.shortcuts = shortcuts
        self.labels = labels
        self.changed = False
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Section", "Command", "Key"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.rebind_row(row))
        self.fill()
        reset = QPushButton("Restore defaults", self)
        reset.clicked.connect(self._reset)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(reset)
        row.addStretch(1)
        row.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Double-click a command to rebind it. Label keys are set in Edit › Labels.")
        )
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Tall enough for every row (the last one was cut off), within the screen."""
        table = self.table
        rows = table.verticalHeader().length() + table.horizontalHeader().sizeHint().height()
        wanted = rows + 2 * table.frameWidth() + 2
        screen = self.screen().availableGeometry().height() if self.screen() else 900
        table.setMinimumHeight(min(wanted, max(200, screen - 160)))
        self.resize(max(self.width(), 560), self.sizeHint().height())

    def fill(self) -> None:
        self.table.setRowCount(0)
        rows: list[tuple[str, str, QKeySequence, str | None]] = [
            (c.section, c.text, self.shortcuts.key(c.id), c.id) for c in COMMANDS
        ]
        rows += [
            ("Labels", f"Label selection as {label.name}", QKeySequence(label.key), None)
            for label in self.labels
        ]
        for section, text, key, command_id in rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            first = QTableWidgetItem(section)
            first.setData(Qt.ItemDataRole.UserRole, command_id)
            self.table.setItem(row, 0, first)
            self.table.setItem(row, 1, QTableWidgetItem(text))
            shown = key.toString(QKeySequence.SequenceFormat.NativeText) or "—"
            self.table.setItem(row, 2, QTableWidgetItem(shown))
        self.table.resizeColumnsToContents()

    def rebind(self, command_id: str, sequence: QKeySequence | str) -> bool:
        """Bind a command; a clash is refused with a message. True when bound."""
        try:
            self.shortcuts.set_key(command_id, sequence)
        except ShortcutClash as exc:
            QMessageBox.warning(self, "Shortcut not changed", str(exc))
            return False
        self.changed = True
        self.fill()
        return True

    def rebind_row(self, row: int) -> None:
        section_item, name_item = self.table.item(row, 0), self.table.item(row, 1)
        if section_item is None or name_item is None:
            return
        command_id = section_item.data(Qt.ItemDataRole.UserRole)
        if not command_id:
            QMessageBox.information(self, "Label keys", "Label keys are set in Edit › Labels.")
            return
        capture = KeyCaptureDialog(name_item.text(), self.shortcuts.key(command_id), self)
        if capture.exec() == QDialog.DialogCode.Accepted:
            self.rebind(command_id, capture.key_sequence())

    def _reset(self) -> None:
        self.shortcuts.reset()
        self.changed = True
        self.fill()

"""Import and export from the File menu: options, a cancellable progress dialog, error report.

The work runs in a ``TaskThread`` with its own store connection; the dialog only shows
progress. Per-line problems of an import are listed in a table (file, line, reason).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Answer
from annotator.formats.exporting import FORMATS, ExportFormat
from annotator.ui.workers import TaskThread

__all__ = ["ErrorReportDialog", "ExportOptionsDialog", "run_task"]


def run_task(
    parent: QWidget,
    project_path: str,
    job: Callable[..., Any],
    title: str,
    on_done: Callable[[Any], None],
    on_failed: Callable[[str], None],
    on_cancelled: Callable[[], None] | None = None,
) -> TaskThread:
    """Start ``job`` in a TaskThread with a modal progress dialog that can cancel it."""
    thread = TaskThread(project_path, job, parent)
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done if total else 0)
        dialog.setLabelText(f"{title}\n{text}" if text else title)

    def finish() -> None:
        dialog.close()
        dialog.deleteLater()

    thread.progress.connect(progress)
    dialog.canceled.connect(thread.cancel)

    def done(result: object) -> None:
        finish()
        on_done(result)

    def failed(message: str) -> None:
        finish()
        on_failed(message)

    def cancelled() -> None:
        finish()
        if on_cancelled is not None:
            on_cancelled()

    thread.finished_ok.connect(done)
    thread.failed.connect(failed)
    thread.was_cancelled.connect(cancelled)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


class ErrorReportDialog(QDialog):
    """A readable list of problems: file, line, reason (copyable)."""

    def __init__(
        self,
        summary: str,
        rows: Sequence[tuple[str, int | str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.resize(820, 420)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["File", "Line", "Reason"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, (file, line, reason) in enumerate(rows):
            file_item = QTableWidgetItem(Path(file).name)
            file_item.setToolTip(file)
            self.table.setItem(i, 0, file_item)
            line_item = QTableWidgetItem(str(line))
            line_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(i, 1, line_item)
            reason_item = QTableWidgetItem(reason)
            reason_item.setToolTip(reason)
            self.table.setItem(i, 2, reason_item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel(summary)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.table)
        layout.addWidget(box)


class ExportOptionsDialog(QDialog):
    """Where to export, in which format, and which answers."""

    SUFFIX: ClassVar[dict[str, str]] = {"jsonl": ".jsonl", "spacy": "", "conll": ".conll"}

    def __init__(self, default_stem: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._stem = default_stem
        self.format = QComboBox(self)
        self.format.addItem("JSONL (Prodigy / spaCy users)", "jsonl")
        self.format.addItem("spaCy DocBin folder (train.spacy, dev.spacy, config.cfg)", "spacy")
        self.format.addItem("CoNLL (BIO tags)", "conll")
        self.path = QLineEdit(self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.answers = {
            Answer.ACCEPT: QCheckBox("accepted", self),
            Answer.REJECT: QCheckBox("rejected", self),
            Answer.IGNORE: QCheckBox("ignored", self),
        }
        self.answers[Answer.ACCEPT].setChecked(True)
        answers = QHBoxLayout()
        for box in self.answers.values():
            answers.addWidget(box)
        answers.addStretch(1)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Write to", where)
        form.addRow("Documents", answers)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.resize(620, self.sizeHint().height())

    @property
    def fmt(self) -> ExportFormat:
        chosen = str(self.format.currentData())
        return next(f for f in FORMATS if f == chosen)

    def chosen_answers(self) -> tuple[Answer, ...]:
        return tuple(answer for answer, box in self.answers.items() if box.isChecked())

    def _format_changed(self) -> None:
        suffix = self.SUFFIX[self.fmt]
        stem = self._stem.with_name(self._stem.name + ("-spacy" if self.fmt == "spacy" else ""))
        self.path.setText(str(stem.with_suffix(suffix) if suffix else stem))

    def _browse(self) -> None:
        if self.fmt == "spacy":
            name = QFileDialog.getExistingDirectory(self, "Export folder", self.path.text())
        else:
            name, _ = QFileDialog.getSaveFileName(self, "Export file", self.path.text())
        if name:
            self.path.setText(name)

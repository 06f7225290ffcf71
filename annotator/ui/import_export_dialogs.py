"""Import and export from the File menu: options, a cancellable progress dialog, error report.

The work runs in a child process (``annotator.formats.task_process``) with its own store
connection, so spaCy's tokenizer never runs (nor loads) in the GUI process; the dialog only
shows progress. Per-line problems of an import are listed in a table (file, line, reason).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, QTimer
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
from annotator.formats.task_process import TaskJob, TaskProcess
from annotator.ui.plain_text import plain_tip

__all__ = ["ErrorReportDialog", "ExportOptionsDialog", "TaskRun", "run_task"]


class TaskRun(QObject):
    """One import/export job in a child process (``TaskProcess``) with a window-modal
    progress dialog: counts and rate, Cancel, and the outcome handed to the callbacks.

    The GUI thread only polls the child's queue every ``POLL_MS`` (a few small messages a
    second); the tokenizer, the JSON and SQLite work all happen in the child. After its
    outcome the child ends on its own: it is reaped by the same poll, never waited for here
    (a training child took tens of milliseconds to end, the window frozen meanwhile).
    """

    POLL_MS = 50
    CANCEL_GRACE_S = 15.0  # then a child that does not honour the cancel is terminated
    REAP_GRACE_S = 2.0  # a child still alive this long after its outcome is ended

    def __init__(
        self,
        parent: QWidget,
        project_path: str,
        job: TaskJob,
        title: str,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        on_cancelled: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.process = TaskProcess(project_path, job)
        self._on_done, self._on_failed, self._on_cancelled = on_done, on_failed, on_cancelled
        self.over = False
        self._rate_mark: tuple[str, float, int] | None = None  # (text, time, done)
        self._cancel_deadline: float | None = None
        self._reap_deadline: float | None = None  # set once the outcome is in
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.process.start()
        self._timer.start()

    def cancel(self) -> None:
        """Ask the child to stop and roll back; it answers within a moment."""
        if self.over or self.process.cancel_requested:
            return
        self.process.cancel()
        self._cancel_deadline = time.monotonic() + self.CANCEL_GRACE_S
        self.dialog.setLabelText(f"{self.title}\nCancelling…")

    @property
    def reaped(self) -> bool:
        """The child has ended and its queue is closed (some time after ``over``)."""
        return self.over and self._reap_deadline is None

    def poll(self) -> None:
        if self.over:
            self._reap()
            return
        for message in self.process.poll():
            kind = message[0]
            if kind == "progress":
                self._progress(int(message[1]), int(message[2]), str(message[3]))
            elif kind == "done":
                self._finish()
                self._on_done(message[1])
            elif kind == "failed":
                self._finish()
                self._on_failed(str(message[1]))
            elif kind in ("cancelled", "died") and self.process.cancel_requested:
                self._finish()  # a cancelled child that had to be terminated: still a cancel
                if self._on_cancelled is not None:
                    self._on_cancelled()
            elif kind == "died":
                self._finish()
                self._on_failed(str(message[1]))
        if (
            not self.over
            and self._cancel_deadline is not None
            and time.monotonic() > self._cancel_deadline
        ):
            self.process.stop(grace=0.0)  # it did not honour the cancel: the poll says "died"
            self._cancel_deadline = None

    def _progress(self, done: int, total: int, text: str) -> None:
        if self.process.cancel_requested:
            return
        now = time.monotonic()
        if self._rate_mark is None or self._rate_mark[0] != text or done < self._rate_mark[2]:
            self._rate_mark = (text, now, done)
        _, since, first = self._rate_mark
        rate = (done - first) / (now - since) if now - since > 0.5 else 0.0
        count = f"{done:,} of {total:,}" if total else f"{done:,}"
        speed = f" ({rate:,.0f}/s)" if rate else ""
        self.dialog.setMaximum(total)
        self.dialog.setValue(min(done, total) if total else 0)
        self.dialog.setLabelText(f"{self.title}\n{text}: {count}{speed}" if text else self.title)

    def _finish(self) -> None:
        self.over = True
        self.dialog.close()
        self.dialog.deleteLater()
        self._reap_deadline = time.monotonic() + self.REAP_GRACE_S
        self._reap()  # the timer goes on polling until the child has ended

    def _reap(self) -> None:
        """Join the child once it has ended (or end it after ``REAP_GRACE_S``)."""
        deadline = self._reap_deadline
        if deadline is None:
            self._timer.stop()
            return
        if self.process.is_alive() and time.monotonic() < deadline:
            return
        self._reap_deadline = None
        self._timer.stop()
        self.process.stop(grace=0.0)  # ended: joins at once; else terminates it

    def stop(self, grace: float = 5.0) -> None:
        """The window is closing: cancel, wait ``grace`` s for the roll-back, terminate;
        no callback runs."""
        if self.over:
            if self._reap_deadline is not None:  # its outcome came: only the reaping is left
                self._reap_deadline = None
                self._timer.stop()
                self.process.stop(grace)
            return
        self.over = True
        self._timer.stop()
        self.process.stop(grace)
        self.dialog.close()
        self.dialog.deleteLater()


def run_task(
    parent: QWidget,
    project_path: str,
    job: TaskJob,
    title: str,
    on_done: Callable[[Any], None],
    on_failed: Callable[[str], None],
    on_cancelled: Callable[[], None] | None = None,
) -> TaskRun:
    """Start ``job`` in a child process with a modal progress dialog that can cancel it."""
    run = TaskRun(parent, project_path, job, title, on_done, on_failed, on_cancelled)
    run.start()
    return run


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
            file_item.setToolTip(plain_tip(file))
            self.table.setItem(i, 0, file_item)
            line_item = QTableWidgetItem(str(line))
            line_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(i, 1, line_item)
            reason_item = QTableWidgetItem(reason)
            reason_item.setToolTip(plain_tip(reason))
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

    SUFFIX: ClassVar[dict[str, str]] = {
        "jsonl": ".jsonl",
        "spacy": "",
        "conll": ".conll",
        "doccano": ".doccano.jsonl",
        "labelstudio": ".json",
    }

    def __init__(self, default_stem: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._stem = default_stem
        self.format = QComboBox(self)
        self.format.addItem("JSONL (Prodigy / spaCy users)", "jsonl")
        self.format.addItem("spaCy DocBin folder (train.spacy, dev.spacy, config.cfg)", "spacy")
        self.format.addItem("CoNLL (BIO tags)", "conll")
        self.format.addItem("doccano JSONL (sequence labelling)", "doccano")
        self.format.addItem("Label Studio JSON tasks (annotations and predictions)", "labelstudio")
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

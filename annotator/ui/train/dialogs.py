"""Dialogs of the Model menu: a training run's report, the model versions, the learning
curve and the list of texts no longer suggested. They read the store; every change goes
through the caller (the undo stack, or a model switch that reloads the suggestions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model_versions import ModelVersion
from annotator.core.suppressions import Suppression
from annotator.nlp.rule_lifts import lifted_lines
from annotator.nlp.span_kinds import dropped_lines
from annotator.nlp.train.scoring import difference_line
from annotator.nlp.train.start_rehearsal import rehearsal_line
from annotator.ui.train.report_view import ScoreTable

__all__ = [
    "CurveDialog",
    "ModelsDialog",
    "SuppressionsDialog",
    "TrainReportDialog",
]


def _note(layout: QVBoxLayout, text: str) -> None:
    note = QLabel(text)
    note.setTextFormat(Qt.TextFormat.PlainText)  # label names and texts: the project's
    note.setWordWrap(True)
    layout.addWidget(note)


def _row_table(parent: QWidget, rows: int, headers: list[str]) -> QTableWidget:
    """A read-only table whose rows are picked whole."""
    table = QTableWidget(rows, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class TrainReportDialog(QDialog):
    """The outcome of a training run: held-out scores now and new, and whether it suggests."""

    def __init__(self, report: Any, on_use: Callable[[int], object], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Model {report.model_id} trained")
        self.resize(780, 430)
        layout = QVBoxLayout(self)
        where = report.evidence if report.crossfit_tables else "the held-out part"
        verdict = (
            "The model itself did not beat what suggested before on the held-out part, but "
            f"{report.fallback} did: the untrained "
            "suggester suggests now, with what this training learned besides the model."
            if report.fallback
            else f"It suggests now: it beat what suggested before on {where}."
            if report.used
            else f"It does not suggest: it did not beat what suggests now on {where}."
        )
        _note(
            layout,
            f"Trained on {report.train_documents} accepted documents ({report.epochs} epochs, "
            f"{report.seconds:.0f} s), scored on {report.heldout_documents} held-out documents "
            f"that it never saw.\n{verdict}",
        )
        if report.start:
            rehearsed = rehearsal_line(
                report.rehearsal_from, report.rehearsal_texts, report.rehearsal_problem
            )
            _note(layout, f"Started from {report.start}. {rehearsed}")
        if report.difference:
            _note(layout, difference_line(report.difference, report.heldout_documents))
        if report.crossfit_documents:
            _note(layout, report.crossfit_line())
        for label in report.model_labels:
            _note(
                layout,
                f"{label}: the model's own spans now join the gazetteer's (their precision on "
                f"{report.evidence} was worth it).",
            )
        self.table = ScoreTable(self)
        filled = set(report.known_names.get("labels", [])) if report.known_names else set()
        shown = {
            label: source + (" + known names" if label in filled else "")
            for label, source in report.choice.items()
        }
        self.table.show_report(report.tables, report.labels, shown)
        # With cross-fitting, the choices were made on more documents than the held-out part:
        # their per-label table is a tab beside it (the held-out part stays the yardstick).
        self.pooled_table: ScoreTable | None = None
        if report.crossfit_tables:
            self.pooled_table = ScoreTable(self)
            self.pooled_table.show_report(report.crossfit_tables, report.labels, shown)
            tabs = QTabWidget(self)
            tabs.addTab(self.table, f"&Held-out part ({report.heldout_documents} documents)")
            pooled = report.heldout_documents + report.crossfit_documents
            tabs.addTab(self.pooled_table, f"Held-out and &cross-fitted ({pooled} documents)")
            layout.addWidget(tabs)
        else:
            layout.addWidget(self.table)
        dropped = dropped_lines(report.dropped_kinds, report.kinds)
        if dropped:
            _note(
                layout,
                "Learned from the accepted documents, no longer suggested:\n"
                + "\n".join(f"  • {line}" for line in dropped),
            )
        if report.known_names:
            _note(layout, report.known_names_line())
        lifted = lifted_lines(report.lifted, report.lift_counts)
        if lifted:
            _note(
                layout,
                "Learned from the accepted documents, a rule no longer applied (it dropped "
                "right answers here):\n" + "\n".join(f"  • {line}" for line in lifted),
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.use_button: QPushButton | None = None
        if not report.used and report.model_id is not None:
            self.use_button = buttons.addButton(
                "&Use this model anyway", QDialogButtonBox.ButtonRole.ActionRole
            )
            model_id = int(report.model_id)

            def use() -> None:
                on_use(model_id)
                self.accept()

            self.use_button.clicked.connect(use)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # As tall as its notes and every row of the table need at this width (wrapped notes
        # make the layout's own minimum too small).
        screen = self.screen().availableGeometry().height() if self.screen() else 1000
        self.resize(780, min(max(430, layout.heightForWidth(780)), int(screen * 0.9)))


class ModelsDialog(QDialog):
    """The project's models with their held-out scores; Use one, or the untrained suggester."""

    def __init__(
        self,
        models: list[ModelVersion],
        active: int | None,
        on_use: Callable[[int | None], object],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(760, 320)
        self._models = models
        self._on_use = on_use
        layout = QVBoxLayout(self)
        _note(
            layout,
            "Held-out F1 is measured on the same held-out documents for every model, so the "
            "rows can be compared. ● marks what suggests now.",
        )
        headers = ["", "Model", "Trained on", "Held-out F1", "Per label"]
        self.table = _row_table(self, len(models) + 1, headers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The untrained suggester's score on the held-out part, as the newest run measured it.
        untrained_f = models[-1].untrained_f if models else None
        rows: list[tuple[str, str, str, str, str]] = [
            (
                "●" if active is None else "",
                "Untrained",
                "—",
                "—" if untrained_f is None else f"{untrained_f:.3f}",
                models[-1].untrained_text if models else "patterns, rules",
            )
        ]
        from annotator.nlp.train.load import time_label

        for m in models:
            choice = m.choice_text
            rows.append(
                (
                    "●" if m.id == active else "",
                    f"{m.id} ({time_label(m.created)})",
                    f"{m.documents} documents",
                    f"{m.heldout_f:.3f}",
                    choice,
                )
            )
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.selectRow(len(rows) - 1)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.use_button = buttons.addButton("&Use selected", QDialogButtonBox.ButtonRole.ApplyRole)
        self.use_button.clicked.connect(self._use)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _use(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self._on_use(None if row == 0 else self._models[row - 1].id)
        self.accept()


class CurveDialog(QDialog):
    """Held-out F1 after training on 25, 50, 75 and 100 % of the training part."""

    def __init__(self, curve: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Learning curve")
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        chart = QChart()
        chart.setTitle("Held-out F1 by documents trained on")
        series = QLineSeries()
        series.setName("trained")
        dots = QScatterSeries()
        dots.setMarkerSize(8)
        now = QLineSeries()
        now.setName(f"now ({curve.current_f:.3f})")
        points = [(p.documents, p.f) for p in curve.points]
        for x, y in points:
            series.append(x, y)
            dots.append(x, y)
        xs = [x for x, _ in points] or [0, 1]
        now.append(min(xs), curve.current_f)
        now.append(max(xs), curve.current_f)
        for s in (series, dots, now):
            chart.addSeries(s)
        x_axis, y_axis = QValueAxis(), QValueAxis()
        x_axis.setTitleText("accepted documents trained on")
        x_axis.setLabelFormat("%d")
        x_axis.setRange(0, max(xs) * 1.05 or 1)
        low = min([y for _, y in points] + [curve.current_f])
        y_axis.setRange(max(0.0, low - 0.05), 1.0)
        y_axis.setTitleText("held-out F1")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in (series, dots, now):
            s.attachAxis(x_axis)
            s.attachAxis(y_axis)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        dots.setName("")
        chart.legend().markers(dots)[0].setVisible(False)
        view = QChartView(chart, self)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        layout.addWidget(view)
        gains = [b.f - a.f for a, b in zip(curve.points, curve.points[1:], strict=False)]
        verdict = (
            "Still rising: more accepted documents should give a better model."
            if gains and gains[-1] > 0.005
            else "Flat at the end: more documents of the same kind may add little."
        )
        layout.addWidget(QLabel(verdict))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class SuppressionsDialog(QDialog):
    """Texts no longer suggested: rejected in two documents and never accepted, or set by
    hand. "Suggest again" and "Stop suggesting" are undoable edits (``on_set``)."""

    def __init__(
        self,
        entries: list[Suppression],
        on_set: Callable[[Suppression, str | None], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Texts no longer suggested")
        self.resize(640, 380)
        self._entries = entries
        self._on_set = on_set
        layout = QVBoxLayout(self)
        _note(
            layout,
            "A suggestion rejected in two documents, and never accepted with its label, is no "
            "longer suggested in this project. Ctrl+Z undoes a change made here.",
        )
        self.table = _row_table(self, len(entries), ["Suggested", "Text", "Label", "Why"])
        for i, e in enumerate(entries):
            why = e.state or f"rejected in {e.rejected} documents"
            if e.accepted and e.state is None:
                why += ", accepted elsewhere"
            cells = ("no" if e.active else "yes", e.text, e.label, why)
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.allow_button = QPushButton("&Suggest again", self)
        self.stop_button = QPushButton("S&top suggesting", self)
        self.clear_button = QPushButton("&Leave to the rule", self)
        for button, state in (
            (self.allow_button, "allowed"),
            (self.stop_button, "suppressed"),
            (self.clear_button, None),
        ):
            button.clicked.connect(lambda _=False, s=state: self._set(s))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _set(self, state: str | None) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._entries):
            self._on_set(self._entries[row], state)
            self.accept()

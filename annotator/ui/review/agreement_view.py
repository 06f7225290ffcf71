"""The Agreement panel: span F1 per pair and label, Krippendorff's alpha, and the documents
that disagree most, each one Enter (or a double click) away from its review.

The figures need the project's tokens, so they are computed in a child process
(``formats.agreement_job.AgreementJob``) with the usual progress dialog; View › Agreement
(Ctrl+Shift+A) or the panel's button starts it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport
from annotator.formats.agreement_job import AgreementJob
from annotator.ui.plain_text import plain_tip

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

__all__ = ["AgreementView", "figure"]


def figure(value: float | None) -> str:
    """A score as the panel shows it ("n/a" where it is undefined)."""
    return "n/a" if value is None else f"{value:.3f}"


def _tree(parent: QWidget, name: str, headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setObjectName(name)
    tree.setColumnCount(len(headers))
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    header = tree.header()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return tree


class AgreementView(QWidget):
    """The panel in its dock; ``compute`` starts the child process."""

    def __init__(self, window: MainWindow, view_menu: QMenu) -> None:
        super().__init__(window)
        self.w = window
        self.report: AgreementReport | None = None
        self.summary = QLabel("Agreement between the project's annotators.", self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.button = QPushButton("&Compute agreement", self)
        self.button.clicked.connect(self.compute)
        self.figures = _tree(
            self, "agreementFigures", ["Pair", "Label", "F1", "α", "Both", "A only", "B only"]
        )
        self.documents = _tree(
            self, "agreementDocuments", ["Document", "Disputed", "Annotators", "Text"]
        )
        self.documents.itemActivated.connect(self._open)
        hint = QLabel("Documents that disagree most — Enter or double click opens the review:")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.button)
        layout.addWidget(self.figures, 3)
        layout.addWidget(hint)
        layout.addWidget(self.documents, 2)
        self.dock = QDockWidget("Agreement", window)
        self.dock.setObjectName("agreementDock")
        self.dock.setWidget(self)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.guidelines_dock, self.dock)
        window.guidelines_dock.raise_()
        self.action = QAction("A&greement…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.action.triggered.connect(self.compute)
        view_menu.addAction(self.action)
        view_menu.addAction(self.dock.toggleViewAction())

    def set_enabled(self, enabled: bool) -> None:
        self.action.setEnabled(enabled)
        self.button.setEnabled(enabled)
        if not enabled:
            self.report = None
            self.figures.clear()
            self.documents.clear()
            self.summary.setText("Agreement between the project's annotators.")

    def compute(self) -> None:
        """Compute the figures in a child process; they show when it is done."""
        w = self.w
        if w.store is None:
            return
        self.dock.show()
        self.dock.raise_()
        self.summary.setText("Computing…")
        w.actions_.start_task(AgreementJob(), "Computing agreement", self.show_report)

    def show_report(self, result: Any) -> None:
        report: AgreementReport = result
        self.report = report
        if len(report.annotators) < 2 or not report.documents:
            self.summary.setText(
                "No document was accepted by two or more annotators yet: nothing to compare. "
                f"Annotators: {html.escape(', '.join(report.annotators)) or 'none'}."
            )
        else:
            self.summary.setText(
                f"<b>α = {figure(report.alpha)}</b> (Krippendorff, token labels) over "
                f"{report.documents} documents accepted by two or more of "
                f"{html.escape(', '.join(report.annotators))}"  # names: the project's
            )
        self.figures.clear()
        for name, value in sorted(report.label_alpha.items()):
            row = QTreeWidgetItem(["everyone", name, "", figure(value)])
            self.figures.addTopLevelItem(row)
        for pair in report.pairs:
            overall = pair.overall
            row = QTreeWidgetItem(
                [
                    f"{pair.a} / {pair.b}",
                    f"overall ({pair.documents} docs)",
                    figure(overall.f1),
                    figure(pair.alpha),
                    *map(str, (overall.both, overall.only_a, overall.only_b)),
                ]
            )
            row.setToolTip(0, plain_tip(f"A = {pair.a}, B = {pair.b}"))
            font = row.font(0)
            font.setBold(True)
            for column in range(7):
                row.setFont(column, font)
            self.figures.addTopLevelItem(row)
            for label, counts in sorted(pair.labels.items()):
                self.figures.addTopLevelItem(
                    QTreeWidgetItem(
                        [
                            "",
                            label,
                            figure(counts.f1),
                            "",
                            *map(str, (counts.both, counts.only_a, counts.only_b)),
                        ]
                    )
                )
        self.documents.clear()
        store = self.w.store
        previews = (
            store.document_previews([d.doc_id for d in report.disagreements]) if store else {}
        )
        for found in report.disagreements:
            text = previews.get(found.doc_id, ("", ""))[0]
            item = QTreeWidgetItem(
                [
                    str(found.doc_id),
                    f"{found.disputed} of {found.spans}",
                    ", ".join(found.annotators),
                    text,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, found.doc_id)
            self.documents.addTopLevelItem(item)
        first = self.documents.topLevelItem(0)
        if first is not None:
            self.documents.setCurrentItem(first)

    def _open(self, item: QTreeWidgetItem, _column: int) -> None:
        self.w.team.review_document(int(item.data(0, Qt.ItemDataRole.UserRole)))

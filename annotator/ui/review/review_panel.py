"""The Review panel: every distinct span of a document's annotations, who made it, and where
it stands in the reviewed annotation.

A row is a span one or more annotators accepted (or one only the reviewer drew). Enter or a
double click on a row takes that span into the reviewed annotation, replacing what it overlaps
(one undoable edit), or goes to it when it is already there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Span, SpanState
from annotator.core.team import Candidate
from annotator.ui.plain_text import plain_tip

__all__ = ["ReviewPanel", "status_of"]

ACCEPTED = "✔ accepted"
PENDING = "? to decide"
LEFT_OUT = "— not in"


def status_of(candidate: Candidate, reviewed: list[Span]) -> str:
    """Where a candidate stands in the reviewed annotation."""
    for span in reviewed:
        if span.key == candidate.key:
            return ACCEPTED if span.state is SpanState.ACCEPTED else PENDING
    return LEFT_OUT


class ReviewPanel(QWidget):
    take = Signal(object)  # Candidate to put into the reviewed annotation
    go_to = Signal(object)  # Span to show in the text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # annotators' names: the project's
        self.note.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("reviewSpans")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Span", "Label", "Made by", "Review"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)
        self.clear()

    def clear(self) -> None:
        self.tree.clear()
        self.note.setText("No document.")

    def show_spans(
        self,
        text: str,
        found: list[Candidate],
        annotators: list[str],
        reviewed: list[Span],
        reviewing: bool,
    ) -> None:
        """List the candidates of the document shown (``text``) against the reviewed spans."""
        self.tree.clear()
        if len(annotators) < 2:
            self.note.setText(
                "Fewer than two annotators accepted this document: nothing to review here."
            )
        else:
            disputed = sum(len(c.annotators) < len(annotators) for c in found)
            mode = "" if reviewing else " Ctrl+R starts the review."
            self.note.setText(
                f"{len(found)} distinct spans by {', '.join(annotators)}; "
                f"{len(found) - disputed} agreed by all, {disputed} disputed. "
                f"Enter on a row takes the span into the review.{mode}"
            )
        keys = {c.key for c in found}
        rows: list[tuple[Candidate, str]] = [(c, status_of(c, reviewed)) for c in found]
        for span in reviewed:
            if span.key not in keys:  # drawn by the reviewer
                rows.append((Candidate(span.start, span.end, span.label, ()), ACCEPTED))
        rows.sort(key=lambda row: row[0].key)
        for candidate, status in rows:
            by = ", ".join(candidate.annotators) or "reviewer"
            snippet = " ".join(text[candidate.start : candidate.end].split())
            item = QTreeWidgetItem([snippet, candidate.label, by, status])
            item.setData(0, Qt.ItemDataRole.UserRole, candidate)
            agreed = len(candidate.annotators) == len(annotators)
            item.setToolTip(
                0,
                plain_tip(
                    f"{candidate.label} [{candidate.start}, {candidate.end}) made by {by}"
                    + (" (all agree)" if agreed else "")
                ),
            )
            self.tree.addTopLevelItem(item)

    def select(self, span: Span | None) -> None:
        """Mark the row of the span at the caret (none: no row)."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is None:
                continue
            candidate: Candidate = item.data(0, Qt.ItemDataRole.UserRole)
            if span is not None and candidate.key == span.key:
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                return
        self.tree.clearSelection()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        candidate: Candidate = item.data(0, Qt.ItemDataRole.UserRole)
        if item.text(3) == ACCEPTED:
            self.go_to.emit(candidate.span(SpanState.ACCEPTED))
        else:
            self.take.emit(candidate)

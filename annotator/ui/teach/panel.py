"""What the "one suggestion at a time" mode shows: the question's label, confidence and source
above its sentence (drawn by the window's own ``DocumentView``, large), the keys, and a
status line saying how many were answered and how many are left.

The panel takes the keyboard focus while the mode is on: the answer commands are scoped to it
(``WindowActions``), and Esc leaves the mode.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from annotator.core.model import Document, LabelSet
from annotator.core.store import Annotation
from annotator.core.teach_queue import Question, sentence_around
from annotator.ui.colors import readable_text_color
from annotator.ui.document_view import DocumentView

__all__ = ["TeachPanel"]

#: How much larger than the annotation view the question's text is drawn.
SCALE = 1.5
#: The height of the text's box, in lines (a sentence and its context fit).
CONTEXT_LINES = 9


class TeachPanel(QFrame):
    """One question at a time; ``leave`` when Esc is pressed."""

    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teachPanel")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.question: Question | None = None
        self._labels = LabelSet([])

        self.title = QLabel("<b>One suggestion at a time</b>", self)
        self.keys = QLabel(self)
        self.keys.setObjectName("teachKeys")
        self.label_chip = QLabel(self)
        self.label_chip.setObjectName("teachLabel")
        self.label_chip.setContentsMargins(12, 4, 12, 4)
        self.details = QLabel(self)
        self.details.setObjectName("teachDetails")
        self.context = DocumentView(self)
        self.context.setObjectName("teachContext")
        # Keys belong to the panel: the text is for reading here, never for selecting.
        self.context.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.context.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = self.context.font()
        font.setPointSizeF(font.pointSizeF() * SCALE)
        self.context.setFont(font)
        self.context.document().setDefaultFont(font)
        # A few lines of text, not a page: the keys and the counts stay just under it.
        self.context.setMaximumHeight(self.context.fontMetrics().lineSpacing() * CONTEXT_LINES)
        self.status = QLabel(self)
        self.status.setObjectName("teachStatus")
        self.status.setWordWrap(True)
        big = self.details.font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        for label in (self.label_chip, self.details, self.status):
            label.setFont(big)
            label.setTextFormat(Qt.TextFormat.PlainText)  # a document's text, a project's label
        chip_font = self.label_chip.font()
        chip_font.setBold(True)
        self.label_chip.setFont(chip_font)

        header = QHBoxLayout()
        header.addWidget(self.label_chip)
        header.addWidget(self.details, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addLayout(header)
        layout.addWidget(self.context, 1)
        layout.addWidget(self.keys)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def set_labels(self, labels: LabelSet) -> None:
        self._labels = labels
        self.context.set_labels(labels)

    def set_keys(self, text: str) -> None:
        self.keys.setText(text)

    def show_question(self, question: Question | None, text: str, annotator: str) -> None:
        """Show ``question`` (a span of the document whose text is ``text``) in its sentence;
        None clears the panel (nothing left to ask)."""
        self.question = question
        if question is None:
            self.label_chip.hide()
            self.details.setText("")
            self.context.clear_document()
            return
        span = question.span
        begin, end = sentence_around(text, span.start, span.end)
        shown = Document(question.doc_id, text[begin:end])
        local = span.with_(start=span.start - begin, end=span.end - begin)
        self.context.show_document(shown, Annotation(question.doc_id, annotator, None, (local,)))
        label = self._labels.get(span.label)
        color = label.color if label is not None else "#888888"
        ink = readable_text_color(color).name()
        self.label_chip.setStyleSheet(
            f"background: {color}; color: {ink}; border-radius: 4px; padding: 2px 10px;"
        )
        self.label_chip.setText(span.label)
        self.label_chip.show()
        score = "no confidence" if span.score is None else f"confidence {span.score:.0%}"
        self.details.setText(
            f"“{text[span.start : span.end]}” · {score} · source: {span.source or 'unknown'}"
            f" · document {question.doc_id}"
        )

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.leave.emit()
            return
        super().keyPressEvent(event)

"""Annotate › One suggestion at a time: the window mode that asks about one suggested span.

Entering builds the questions from the suggestion cache (``core.teach_queue``: the least sure
first across the project's suggested documents, without the spans this annotator already
answered in binary) and puts the panel in place of the document list and text. The window's
answer commands (A, X, Space, or whatever they are bound to) then answer the span shown, never
the document: each answer is a ``SetSpanAnswer`` edit, committed at once and pushed on the
window's one undo stack, so Ctrl+Z takes it back and the span is asked again. Esc, or the same
menu entry, goes back to the normal view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStackedWidget

from annotator.core.edits import SetSpanAnswer
from annotator.core.model import Answer
from annotator.core.store import StoreError
from annotator.core.teach_queue import TeachQueue
from annotator.ui.teach.panel import TeachPanel

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

__all__ = ["ANSWER_COMMANDS", "TeachMode"]

#: The window's answer commands, which answer the one span shown while the mode is on.
ANSWER_COMMANDS = {"answer_accept": "accept", "answer_reject": "reject", "answer_ignore": "ignore"}


class TeachMode:
    """Switches ``window`` between its normal view and the one-question panel."""

    def __init__(
        self,
        window: MainWindow,
        annotate: QMenu,
        command: Callable[[str, Callable[[], None]], QAction],
    ) -> None:
        self.w = window
        self.queue = TeachQueue(())
        self.answered: set[tuple[int, int, int, str]] = set()
        self._texts: dict[int, str] = {}
        self.panel = TeachPanel(window)
        self.panel.leave.connect(self.leave)
        self.stack: QStackedWidget = window.central
        self.stack.addWidget(self.panel)
        self.action = command("teach_mode", self.toggle)
        self.action.setCheckable(True)
        annotate.addAction(self.action)
        window.undo_stack.indexChanged.connect(lambda _index: self._refresh_if_active())

    @property
    def active(self) -> bool:
        return self.stack.currentWidget() is self.panel

    # ------------------------------------------------------------ on / off
    def toggle(self) -> None:
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> bool:
        """Show the least sure unanswered suggestion of the project; False (said) if refused."""
        w = self.w
        self.action.setChecked(False)
        if w.store is None:
            return False
        if w.annotator != w.user:
            w.message("One suggestion at a time answers in your own annotation: go back to it.")
            return False
        version = w.suggest_version or w.store.latest_suggestion_version()
        if version is None:
            w.message(
                "No suggestions yet: wait for them, or use Annotate › Suggest for all documents."
            )
            return False
        try:
            self.queue = TeachQueue.from_store(w.store, w.annotator, version)
        except StoreError as exc:
            w.message(f"Cannot read the suggestions: {exc}")
            return False
        self._texts.clear()
        self.panel.set_labels(w.store.labels())
        self.panel.set_keys(self._keys_text())
        self.stack.setCurrentWidget(self.panel)
        self.action.setChecked(True)
        w.statusBar().clearMessage()  # it spoke of the document now hidden
        w.actions_.update_span_actions()  # the span commands act on the hidden text: off
        self.panel.setFocus()
        self.refresh()
        return True

    def leave(self) -> None:
        """Back to the normal view, on the document of the last question answered."""
        w = self.w
        self.action.setChecked(False)
        if not self.active:
            return
        self.stack.setCurrentWidget(w.splitter)
        self.panel.show_question(None, "", w.annotator)
        if w.store is not None and w.view.document_id is not None:
            w.show_document(w.view.document_id)
        w.view.setFocus()

    def set_enabled(self, enabled: bool) -> None:
        """With no project the entry is off, and the mode is left."""
        if not enabled:
            self.leave()
        self.action.setEnabled(enabled)

    # ------------------------------------------------------------- answers
    def answer(self, answer: Answer) -> None:
        """Answer the span shown (accept, reject or ignore) and show the next one."""
        w = self.w
        question = self.panel.question
        if question is None or w.store is None:
            w.message("Nothing left to answer in this mode (Esc goes back).")
            return
        span = question.span
        old = w.store.span_answer(question.doc_id, w.annotator, span.start, span.end, span.label)
        edit = SetSpanAnswer(
            question.doc_id, w.annotator, span, old.answer if old else None, answer
        )
        if w.controller.push(edit):  # committed, on the undo stack; refreshes through it
            w.message(f"{span.label} “{self._text(question.doc_id)[span.start : span.end]}”: "
                      f"{answer.past}.")  # fmt: skip

    def _refresh_if_active(self) -> None:
        if self.active:
            self.refresh()

    def refresh(self) -> None:
        """Show the least sure question still unanswered, and the counts."""
        w = self.w
        if w.store is None:
            return
        try:
            self.answered = w.store.answered_span_keys(w.annotator)
            counts = w.store.count_span_answers(w.annotator)
        except StoreError as exc:
            w.message(f"Cannot read the answers: {exc}")
            return
        question = self.queue.next(self.answered)
        text = self._text(question.doc_id) if question is not None else ""
        self.panel.show_question(question, text, w.annotator)
        left = self.queue.left(self.answered)
        done = sum(counts.values())
        tally = ", ".join(f"{counts[a.value]} {a.past}" for a in Answer)
        if question is None:
            self.panel.set_status(
                f"{done} answered ({tally}). Nothing left: every suggestion of the suggested "
                "documents has an answer. Esc goes back to the documents."
            )
        else:
            self.panel.set_status(f"{done} answered ({tally}) · {left} left to answer")
        self.panel.setFocus()

    def _text(self, doc_id: int) -> str:
        if doc_id not in self._texts:
            assert self.w.store is not None
            self._texts[doc_id] = self.w.store.document(doc_id).text
        return self._texts[doc_id]

    def _keys_text(self) -> str:
        keys = self.w.shortcuts
        parts = [
            f"<b>{keys.key(cid).toString(QKeySequence.SequenceFormat.NativeText)}</b> {word}"
            for cid, word in ANSWER_COMMANDS.items()
        ]
        undo = keys.key("undo").toString(QKeySequence.SequenceFormat.NativeText)
        return " · ".join([*parts, f"<b>{undo}</b> undo", "<b>Esc</b> back to the documents"])

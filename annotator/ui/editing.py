"""What the annotator's keys and clicks do to spans and answers, as undoable core edits.

The window owns the widgets; this controller turns "label the selection", "accept the
suggestion at the caret", "widen by a token" or "accept the document" into core edits,
applies them (each one committed to the store) and pushes them on the undo stack.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.core.edits import (
    AddSpan,
    Batch,
    Edit,
    RemoveSpan,
    ReplaceSpan,
    SetAnswer,
    accept_suggestions,
    answer_document,
)
from annotator.core.model import Answer, Span, SpanState, ValidationError
from annotator.core.store import Annotation, ProjectStore, StoreError
from annotator.ui.document_view import DocumentView
from annotator.ui.pending_edits import PendingEdits
from annotator.ui.undo import EditCommand

if TYPE_CHECKING:
    from annotator.nlp.tokens import TokenIndex

__all__ = ["TOKENS_LOADING", "EditController", "applied"]

# Token starts, ends and trailing-space flags of one document.
Boundaries = tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...]]
#: What a key press that needs tokens says before they arrived from the suggestion process.
TOKENS_LOADING = "Tokens for this document are still loading… try again in a moment."


def applied(annotation: Annotation, edit: Edit) -> Annotation:
    """``annotation`` after ``edit``, computed in memory (the store already holds the same).

    Saves re-reading thousands of spans from the store after every keystroke. Untouched spans
    stay the same objects, which lets the view find what changed without comparing them all.
    """
    spans = list(annotation.spans)  # sorted by start, as the store and this function keep them
    answer = annotation.answer
    for step in _steps(edit):
        if isinstance(step, AddSpan):
            _put(spans, step.span)
        elif isinstance(step, RemoveSpan):
            _drop(spans, step.span)
        elif isinstance(step, ReplaceSpan):
            _drop(spans, step.old)
            _put(spans, step.new)
        elif isinstance(step, SetAnswer):
            answer = step.new
    return Annotation(annotation.doc_id, annotation.annotator, answer, tuple(spans))


def _steps(edit: Edit) -> Iterator[Edit]:
    if isinstance(edit, Batch):
        for step in edit.edits:
            yield from _steps(step)
    else:
        yield edit


_START = attrgetter("start")


def _drop(spans: list[Span], span: Span) -> None:
    """Remove the span with ``span``'s key (start, end, label) from the sorted list."""
    i = bisect.bisect_left(spans, span.start, key=_START)
    while i < len(spans) and spans[i].start == span.start:
        if spans[i].key == span.key:
            del spans[i]
            return
        i += 1


def _put(spans: list[Span], span: Span) -> None:
    """Insert ``span`` in start order, replacing a span with the same key."""
    _drop(spans, span)
    spans.insert(bisect.bisect_right(spans, span.start, key=_START), span)


class EditController(QObject):
    """Edits of the document shown in ``view``; reports results through ``message``.

    Token boundaries are not computed here (that would need spaCy in the GUI process): the
    window hands them in with ``set_tokens`` as they arrive from the suggestion process,
    kept for the last ``TOKEN_CACHE`` documents. An edit that needs tokens before they
    arrived is refused with a status message, never queued to surprise the annotator later.
    """

    TOKEN_CACHE = 64

    message = Signal(str)
    saved = Signal()
    span_accepted = Signal(object)  # Span the annotator just confirmed

    def __init__(
        self,
        view: DocumentView,
        undo_stack: QUndoStack,
        show_document: Callable[[int], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.undo_stack = undo_stack
        self._show_document = show_document
        self.store: ProjectStore | None = None
        self.annotator = ""
        self._tokens: OrderedDict[int, Boundaries] = OrderedDict()
        self._token_errors: dict[int, str] = {}  # doc id (-1: every document) -> why
        self._index: tuple[int, TokenIndex] | None = None
        self._cached: Annotation | None = None
        #: Why edits are refused (another annotator's work is shown), or None.
        self.read_only: str | None = None
        self.pending = PendingEdits(lambda: self.store, self)
        self.pending.written.connect(self._pending_written)
        self.pending.dropped.connect(self.message)

    # ------------------------------------------------------------- plumbing
    def set_store(self, store: ProjectStore | None, annotator: str) -> None:
        self.pending.clear()
        self.store = store
        self.annotator = annotator
        self._index = None
        self._cached = None
        self.read_only = None
        self.clear_tokens()

    def set_annotator(self, annotator: str, read_only: str | None = None) -> None:
        """Show and edit ``annotator``'s annotation; with ``read_only`` (the reason) every edit
        is refused. The tokens stay: they belong to the documents, not to an annotator."""
        self.annotator = annotator
        self.read_only = read_only
        self._cached = None

    # --------------------------------------------------------------- tokens
    def set_tokens(
        self, doc_id: int, starts: Sequence[int], ends: Sequence[int], spaces: Sequence[bool]
    ) -> None:
        """Token boundaries of a document (character offsets, as ``TokenIndex`` holds them)."""
        self._tokens[doc_id] = (tuple(starts), tuple(ends), tuple(map(bool, spaces)))
        self._tokens.move_to_end(doc_id)
        while len(self._tokens) > self.TOKEN_CACHE:
            self._tokens.popitem(last=False)
        self._token_errors.pop(doc_id, None)
        if self._index is not None and self._index[0] == doc_id:
            self._index = None

    def tokens_failed(self, doc_id: int, message: str) -> None:
        """Tokens of ``doc_id`` (-1: of every document) cannot come; edits will say why."""
        self._token_errors[doc_id] = message

    def has_tokens(self, doc_id: int) -> bool:
        return doc_id in self._tokens

    def clear_tokens(self) -> None:
        self._tokens.clear()
        self._token_errors.clear()
        self._index = None

    def no_tokens_message(self) -> str:
        """Why the shown document has no tokens: still loading, or what went wrong."""
        doc_id = self.view.document_id
        error = self._token_errors.get(doc_id if doc_id is not None else -1)
        error = error or self._token_errors.get(-1)
        if error:
            return f"Cannot snap to tokens in this document: {error.strip().splitlines()[-1]}"
        return TOKENS_LOADING

    def annotation(self, doc_id: int | None = None) -> Annotation | None:
        """The annotation of ``doc_id`` (default: the one shown), cached between edits."""
        doc_id = self.view.document_id if doc_id is None else doc_id
        if self.store is None or doc_id is None:
            return None
        if self._cached is None or self._cached.doc_id != doc_id:
            self._cached = self.store.annotation_or_empty(doc_id, self.annotator)
        return self._cached

    def invalidate(self) -> None:
        """Forget the cached annotation (the store was changed by something else); kept while
        edits wait for the server, since it shows them."""
        if not len(self.pending):
            self._cached = None

    def token_index(self) -> TokenIndex | None:
        """Tokens of the shown document; None until its boundaries arrived."""
        doc_id = self.view.document_id
        if doc_id is None:
            return None
        if self._index is None or self._index[0] != doc_id:
            boundaries = self._tokens.get(doc_id)
            if boundaries is None:
                return None
            from annotator.nlp.tokens import TokenIndex  # Qt- and spaCy-free

            self._tokens.move_to_end(doc_id)
            self._index = (doc_id, TokenIndex(self.view.text, *boundaries))
        return self._index[1]

    def apply(self, edit: Edit) -> None:
        """Apply an edit (undo/redo path): commit, then show its document up to date."""
        assert self.store is not None
        try:
            written = self.pending.commit(edit)
        except (ValidationError, KeyError, StoreError) as exc:  # StoreError: locked
            self.message.emit(f"Could not {edit.description.lower()}: {exc}")
            self._cached = None
            return
        self._after(edit, written)
        if edit.annotator != self.annotator:  # undone/redone in an annotation not shown
            self.message.emit(f"{edit.description}: done in {edit.annotator}'s annotation")

    def push(self, edit: Edit) -> bool:
        """Apply a new edit and put it on the undo stack; False (with a message) if refused.
        An edit that cannot reach a shared project's server waits in ``pending`` (shown, not
        saved) and is written when the server is back."""
        if self.store is None:
            return False
        if self.read_only is not None:
            self.message.emit(f"{edit.description}: {self.read_only}")
            return False
        try:
            written = self.pending.commit(edit)
        except (ValidationError, KeyError, StoreError) as exc:  # StoreError: locked
            self.message.emit(f"{edit.description}: {exc}")
            return False
        self.undo_stack.push(EditCommand(edit, self.apply))
        self._after(edit, written)
        return True

    def _after(self, edit: Edit, written: bool = True) -> None:
        cached = self._cached
        if cached is not None and (cached.doc_id, cached.annotator) == (
            edit.doc_id,
            edit.annotator,
        ):
            self._cached = applied(cached, edit)
        elif written:
            self._cached = None
        if written:
            self.saved.emit()
        self._show_document(edit.doc_id)

    def _pending_written(self) -> None:
        self._cached = None  # read back what the project now holds
        self.saved.emit()

    # ---------------------------------------------------------------- spans
    def label(self, name: str) -> None:
        """Label the selection (snapped to tokens) or relabel the span at the caret."""
        annotation = self.annotation()
        if annotation is None:
            return
        selection = self.view.selection()
        if selection is None:
            current = self.view.current_span()
            if current is None:
                self.message.emit("Select some text first (mouse or Shift+arrows), then a label.")
                return
            if current.label == name and current.state is SpanState.ACCEPTED:
                return
            new = current.with_(label=name, state=SpanState.ACCEPTED)
            if self.push(ReplaceSpan(annotation.doc_id, self.annotator, current, new)):
                self.span_accepted.emit(new)
            return
        index = self.token_index()
        if index is None:
            self.message.emit(self.no_tokens_message())
            return
        from annotator.nlp.tokens import AlignmentError

        try:
            start, end = index.snap(*selection)
        except AlignmentError as exc:
            text = self.view.text[selection[0] : selection[1]]
            self.message.emit(f"Cannot label {text!r} at {selection[0]}–{selection[1]}: {exc}")
            return
        span = Span(start, end, name, SpanState.ACCEPTED, "manual")
        replaced = [s for s in annotation.spans if s.overlaps(span)]
        edits: list[Edit] = [RemoveSpan(annotation.doc_id, self.annotator, s) for s in replaced]
        edits.append(AddSpan(annotation.doc_id, self.annotator, span))
        edit: Edit = (
            edits[0]
            if len(edits) == 1
            else Batch(annotation.doc_id, self.annotator, tuple(edits), f"Add {name}")
        )
        if self.push(edit):
            self.view.set_caret(end)
            snapped = "" if (start, end) == selection else " (snapped to word boundaries)"
            self.message.emit(f"Added {name} {self.view.text[start:end]!r}{snapped}")
            self.span_accepted.emit(span)

    def relabel(self, span: Span, name: str) -> None:
        annotation = self.annotation()
        if annotation is not None and span.label != name:
            new = span.with_(label=name, state=SpanState.ACCEPTED)
            self.push(ReplaceSpan(annotation.doc_id, self.annotator, span, new))

    def remove(self, span: Span | None = None) -> None:
        """Reject the suggestion or delete the span (at the caret by default)."""
        annotation = self.annotation()
        span = span or self.view.current_span()
        if annotation is None or span is None:
            self._pick_suggestion()
            return
        self.push(RemoveSpan(annotation.doc_id, self.annotator, span))

    def accept(self, span: Span | None = None) -> None:
        annotation = self.annotation()
        span = span or self.view.current_span()
        if annotation is None or span is None:
            self._pick_suggestion()
            return
        if span.state is SpanState.ACCEPTED:
            text = self.view.text[span.start : span.end]
            self.message.emit(f"{span.label} {text!r} is already accepted.")
            self.span_accepted.emit(span)
            return
        new = span.with_(state=SpanState.ACCEPTED)
        if self.push(ReplaceSpan(annotation.doc_id, self.annotator, span, new)):
            self.span_accepted.emit(new)
            following = self.view.neighbour_span(forward=True, suggestions_only=True)
            if following is not None and following.start > span.start:
                self.view.go_to_span(following)

    def _pick_suggestion(self) -> None:
        """Enter or Delete with no span picked: pick the first suggestion from the caret and
        show it, without acting on it (the annotator decides on what they have looked at)."""
        span = self.view.suggestion_from_caret() if self.annotation() is not None else None
        if span is None:
            self.message.emit("No span at the cursor, and no suggestions left to pick.")
            return
        self.view.go_to_span(span)

    def accept_all(self) -> None:
        annotation = self.annotation()
        if annotation is None:
            return
        if not annotation.suggested:
            self.message.emit("No suggestions left in this document.")
            return
        self.push(accept_suggestions(annotation))

    def resize(self, edge: str, grow: bool) -> None:
        """Move the span's ``edge`` ("start" or "end") by one token, outwards if ``grow``."""
        annotation = self.annotation()
        span = self.view.current_span()
        index = self.token_index()
        if annotation is None or span is None:
            self.message.emit("Put the cursor on a span to resize it.")
            return
        if index is None:
            self.message.emit(self.no_tokens_message())
            return
        found = index.token_range(span.start, span.end)
        if found is None:
            self.message.emit("This span is not on token boundaries; redraw it.")
            return
        first, last = found
        if edge == "start":
            first += -1 if grow else 1
        else:
            last += 1 if grow else -1
        if first < 0 or last >= len(index) or first > last:
            self.message.emit("The span cannot shrink or grow further that way.")
            return
        new = span.with_(start=index.starts[first], end=index.ends[last], state=SpanState.ACCEPTED)
        if any(new.overlaps(other) for other in annotation.spans if other.key != span.key):
            self.message.emit("That would overlap the neighbouring span.")
            return
        self.push(ReplaceSpan(annotation.doc_id, self.annotator, span, new))
        self.view.set_caret(new.start)

    # ------------------------------------------------------------- answers
    def answer(self, answer: Answer) -> bool:
        annotation = self.annotation()
        if annotation is None:
            return False
        return self.push(answer_document(annotation, answer))

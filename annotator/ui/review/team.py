"""Whose annotation the window shows: yours, another annotator's (read-only), or the review.

The choice is a combo box in the toolbar and the View › Annotation shown menu (radio actions, so
the keyboard reaches every entry; Ctrl+R goes straight to the review, Ctrl+Shift+R back to
your own work). The window's ``annotator`` is the annotation shown:

- **yours** (``$ANNOTATOR_NAME`` or the login name): edited as always;
- **another annotator's**: shown read-only. Editing someone else's work would put words in
  their mouth, and the review exists for settling it; every edit is refused with a message;
- **the review** (``core.team.REVIEWED``): the reviewed annotation, edited with the annotation
  view's own keys. A document two or more people accepted starts as ``review_start`` (spans
  all agree on accepted, the rest suggestions): Enter accepts a span, Delete rejects it, a
  label key relabels, A accepts the document. Each decision is one committed, undoable edit.
  The "To do" filter and the next document after an answer are the documents waiting for a
  review. The Review panel lists every distinct span with who made it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QDockWidget, QLabel, QMenu

from annotator.core.model import Span
from annotator.core.store_errors import StoreError
from annotator.core.team import REVIEWED, Candidate, candidates
from annotator.ui.review.review_panel import ReviewPanel

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

__all__ = ["REVIEW_LABEL", "TeamView"]

REVIEW_LABEL = "Review (reviewed annotation)"
NOTHING_TO_REVIEW = (
    "fewer than two annotators accepted this document: nothing to review "
    "(the To do filter lists the documents waiting for a review)"
)


class TeamView(QObject):
    """The annotator switch, the review mode and the Review panel of one window."""

    def __init__(self, window: MainWindow, view_menu: QMenu) -> None:
        super().__init__(window)
        self.w = window
        self._candidates: list[Candidate] = []
        self.combo = QComboBox(window)
        self.combo.setObjectName("annotatorCombo")
        self.combo.setToolTip("Whose annotation is shown (View › Annotation)")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.activated.connect(lambda index: self.switch_to(self.combo.itemData(index)))
        caption = QLabel("  Showing: ", window)
        toolbar = window.actions_.toolbar
        toolbar.addSeparator()
        toolbar.addWidget(caption)
        toolbar.addWidget(self.combo)
        self.menu = view_menu.addMenu("A&nnotation shown")
        self.group = QActionGroup(self)
        self.review_action = QAction("&Review mode", window)
        self.review_action.setShortcut(QKeySequence("Ctrl+R"))
        self.review_action.triggered.connect(lambda: self.switch_to(REVIEWED))
        self.own_action = QAction("&My annotation", window)
        self.own_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.own_action.triggered.connect(lambda: self.switch_to(self.w.user))
        window.addAction(self.review_action)
        window.addAction(self.own_action)
        self.panel = ReviewPanel(window)
        self.dock = QDockWidget("Review", window)
        self.dock.setObjectName("reviewDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.guidelines_dock, self.dock)
        window.guidelines_dock.raise_()
        view_menu.addAction(self.dock.toggleViewAction())
        self._stale = False
        self.dock.visibilityChanged.connect(self._panel_visible)
        self.panel.take.connect(self.take_candidate)
        window.view.current_span_changed.connect(self.panel.select)
        self.panel.go_to.connect(self._go_to_span)
        self.set_enabled(False)

    # -------------------------------------------------------------- choices
    def names(self) -> list[str]:
        """The annotations one can show: you first, the other annotators, the review."""
        store = self.w.store
        people = store.people() if store is not None else []
        return [self.w.user, *(p for p in people if p != self.w.user), REVIEWED]

    def rebuild(self) -> None:
        """Fill the combo and the menu with the project's annotators (after an open, an
        import or a merge)."""
        self.combo.clear()
        for action in self.group.actions():
            self.group.removeAction(action)
            self.menu.removeAction(action)
        self.menu.clear()
        self.menu.addAction(self.own_action)
        self.menu.addAction(self.review_action)
        self.menu.addSeparator()
        for name in self.names():
            self.combo.addItem(self.title(name), name)
            if name in (self.w.user, REVIEWED):
                continue
            action = QAction(f"Show {name}'s annotation (read-only)", self.w)
            action.setCheckable(True)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.switch_to(n))
            self.group.addAction(action)
            self.menu.addAction(action)
        self._show_choice()

    def title(self, name: str) -> str:
        if name == REVIEWED:
            return REVIEW_LABEL
        if name == self.w.user:
            return f"{name} (you)"
        return f"{name} (read-only)"

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.combo, self.review_action, self.own_action, self.menu):
            widget.setEnabled(enabled)

    def read_only_reason(self, name: str) -> str | None:
        if name in (self.w.user, REVIEWED):
            return None
        return (
            f"this is {name}'s annotation, shown read-only; switch back to yours "
            "(Ctrl+Shift+R) or settle differences in the review (Ctrl+R)"
        )

    @property
    def reviewing(self) -> bool:
        return self.w.annotator == REVIEWED

    # ------------------------------------------------------------ switching
    def switch_to(self, name: str) -> None:
        """Show ``name``'s annotation of the current document (and list theirs)."""
        w = self.w
        if w.store is None or not name:
            return
        w.annotator = name
        w.controller.set_annotator(name, self.read_only_reason(name))
        w.list_model.set_store(w.store, name)
        doc_id = w.view.document_id
        if self.reviewing:
            self.dock.show()
            self.dock.raise_()
            if doc_id is None or not self.needs_review(doc_id):
                doc_id = w.store.next_to_do(REVIEWED, after=doc_id) or doc_id
        self._show_choice()
        if doc_id is not None:
            if self.reviewing:
                self.seed(doc_id)
            w.controller.invalidate()
            w.view.clear_document()  # a full show: another annotation, its own spans
            w.show_document(doc_id)
        w.update_status()
        w.view.setFocus()
        w.message(f"Showing {self.title(name)}.")

    def review_document(self, doc_id: int) -> None:
        """Open ``doc_id`` in the review (from the agreement view)."""
        if self.w.annotator != REVIEWED:
            self.switch_to(REVIEWED)
        self.seed(doc_id)
        self.w.controller.invalidate()
        self.w.show_document(doc_id)
        self.w.view.setFocus()

    def _show_choice(self) -> None:
        name = self.w.annotator
        index = self.combo.findData(name)
        if index < 0 and name:
            self.combo.addItem(self.title(name), name)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        for action in self.group.actions():
            action.setChecked(action.data() == name)

    # --------------------------------------------------------------- review
    def needs_review(self, doc_id: int) -> bool:
        store = self.w.store
        return store is not None and len(store.review_sources(doc_id)) >= 2

    def seed(self, doc_id: int) -> bool:
        """Start the reviewed annotation of ``doc_id`` once (committed at once)."""
        store = self.w.store
        return store is not None and store.seed_review(doc_id)

    def document_shown(self, doc_id: int) -> None:
        """Bring the Review panel up to date with the document shown. Outside the review with
        the panel hidden it waits until shown: the annotation view's edit path (one keystroke
        in a document of thousands of spans) must not read every annotator's spans."""
        store = self.w.store
        if store is None:
            self.panel.clear()
            return
        if not self.reviewing and not self.dock.isVisible():
            self._stale = True
            return
        try:
            sources = store.review_sources(doc_id)
            reviewed = store.annotation(doc_id, REVIEWED)
        except StoreError:  # a shared project's server is gone: the panel waits for it
            self._stale = True
            return
        self._stale = False
        self._candidates = candidates(sources)
        if self.reviewing:
            # Nothing to settle where fewer than two people accepted the document.
            open_ = len(sources) >= 2 or reviewed is not None
            self.w.controller.read_only = None if open_ else NOTHING_TO_REVIEW
        self.panel.show_spans(
            self.w.view.text,
            self._candidates,
            sorted(sources),
            list(reviewed.spans) if reviewed is not None else [],
            self.reviewing,
        )
        self.panel.select(self.w.view.current_span())

    def _panel_visible(self, visible: bool) -> None:
        doc_id = self.w.view.document_id
        if visible and self._stale and doc_id is not None:
            self.document_shown(doc_id)

    def span_note(self, span: Span) -> str:
        """Who made ``span`` (the view's tooltip adds it in the review)."""
        for candidate in self._candidates:
            if candidate.key == span.key:
                return "made by " + ", ".join(candidate.annotators)
        return "made by the reviewer" if self.reviewing else ""

    def header(self) -> str:
        """The document header's first words: whose annotation this is."""
        if self.reviewing:
            doc_id = self.w.view.document_id
            who = sorted(self.w.store.review_sources(doc_id)) if self.w.store and doc_id else []
            if len(who) < 2:
                return "<b>Review</b>: fewer than two annotators accepted this document"
            return f"<b>Review</b> of {html.escape(', '.join(who))}"  # names: a project's
        if self.w.annotator != self.w.user:
            return f"<b>{html.escape(self.w.annotator)}</b>'s annotation (read-only)"
        return ""

    def take_candidate(self, candidate: Candidate) -> None:
        """Put a listed span into the reviewed annotation (accepted), replacing the spans it
        overlaps: one undoable edit."""
        from annotator.core.edits import AddSpan, Batch, Edit, RemoveSpan
        from annotator.core.model import SpanState

        w = self.w
        annotation = w.controller.annotation()
        if not self.reviewing or annotation is None:
            w.message("Start the review (Ctrl+R) to take a span into the reviewed annotation.")
            return
        span = candidate.span(SpanState.ACCEPTED)
        clashes = [s for s in annotation.spans if s.overlaps(span)]
        if any(s.key == span.key and s.state is SpanState.ACCEPTED for s in clashes):
            self._go_to_span(span)
            return
        edits: list[Edit] = [RemoveSpan(annotation.doc_id, REVIEWED, s) for s in clashes]
        edits.append(AddSpan(annotation.doc_id, REVIEWED, span))
        if w.controller.push(
            Batch(annotation.doc_id, REVIEWED, tuple(edits), f"Take {span.label}")
        ):
            self._go_to_span(span)

    def _go_to_span(self, span: Span) -> None:
        found = next((s for s in self.w.view.spans if s.key == span.key), None)
        if found is not None:
            self.w.view.go_to_span(found)
        self.w.view.setFocus()

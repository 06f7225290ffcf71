"""The annotation window: document list, text with spans, label bar, docks and status bar.

It owns the project's GUI-thread store connection and the one undo stack; long work runs in
workers (see ``workers``). Every edit is committed before it is shown, and the current
document is saved as the annotator's cursor on every move, so reopening returns to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.confidence import above_threshold
from annotator.core.locations import display_name
from annotator.core.model import Answer, Span, SpanState
from annotator.core.project_stats import StatsSnapshot
from annotator.core.store import (
    Annotation,
    ProjectStore,
    ServerGoneError,
    StoreError,
    current_annotator,
)
from annotator.core.team import REVIEWED
from annotator.ui.after_paint import AfterPaint
from annotator.ui.answer_gate import AnswerGate, SuggesterState
from annotator.ui.colors import is_dark_palette
from annotator.ui.document_list_model import DocumentListModel
from annotator.ui.document_list_view import DocumentListView
from annotator.ui.document_view import DocumentView, describe_span
from annotator.ui.editing import EditController
from annotator.ui.guidelines_panel import GuidelinesPanel
from annotator.ui.label_bar import LabelBar
from annotator.ui.review.agreement_view import AgreementView
from annotator.ui.review.team import TeamView
from annotator.ui.shortcuts import ShortcutMap
from annotator.ui.span_messages import SpanMessages
from annotator.ui.stats_view import StatsView
from annotator.ui.stats_worker import StatsRefresher
from annotator.ui.status_fit import ElidingLabel, MessageRoom
from annotator.ui.team_status import TeamStatus
from annotator.ui.theme import apply_theme, saved_dark
from annotator.ui.window_actions import WindowActions
from annotator.ui.workers import SuggesterFactory, SuggestWorker, default_suggester_factory

__all__ = ["MainWindow"]

MAX_RECENT = 8
#: What Enter and Delete do to suggestions (with none picked they pick the first one).
SUGGESTION_KEYS = "Enter accepts, Delete rejects; with none picked they pick the first"
AHEAD = 5  # documents whose suggestions are computed ahead of the annotator


class MainWindow(QMainWindow):
    """One window, one open project at a time."""

    def __init__(
        self,
        settings: QSettings | None = None,
        suggester_factory: SuggesterFactory | None = default_suggester_factory,
    ) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.suggester_factory = suggester_factory
        self.store: ProjectStore | None = None
        #: Who uses the window, and whose annotation it shows (see ui/review/team.py).
        self.user = current_annotator()
        self.annotator = self.user
        self.suggest_version: str | None = None
        # The version a model switch replaced: its late results are dropped.
        self._stale_version: str | None = None
        # What a model switch does once the new suggester is in (``reload_suggester``).
        self._after_reload: list[Callable[[bool], None]] = []
        self.suggest_description = ""
        # Tokens and suggestions, from the suggestion process (no spaCy in this process).
        self.suggest_worker: SuggestWorker | None = None
        self._tokens_pending: set[int] = set()
        self._worker_start: AfterPaint | None = None
        self.answer_gate = AnswerGate()
        self.shortcuts = ShortcutMap(self.settings)
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle("Annotator")
        self.setAcceptDrops(True)
        self._build_central()
        self.controller: EditController = EditController(
            self.view, self.undo_stack, self.show_document, self
        )
        self.span_messages = SpanMessages(self.statusBar())
        self.controller.message.connect(self.span_messages.edit_said)
        self.undo_stack.indexChanged.connect(self.span_messages.forget)
        self.controller.saved.connect(self._mark_saved)
        self._build_docks()
        self._build_status_bar()
        self.actions_ = WindowActions(self)
        self.team = TeamView(self, self.actions_.view_menu)
        self.agreement = AgreementView(self, self.actions_.view_menu)
        self.view.span_note = self.team.span_note
        self._stats_timer = QTimer(self, singleShot=True, interval=400)
        self._stats_timer.timeout.connect(self._refresh_stats)
        # The statistics are read in the background (0.2-0.4 s on 50,000 documents).
        self.stats_refresher = StatsRefresher(self)
        self.stats_refresher.ready.connect(self._stats_ready)
        self.stats_refresher.failed.connect(self.message)
        # Other annotators' answers (and imports) show without a restart; a vanished server
        # is said, and what was typed meanwhile waits.
        self.team_status = TeamStatus(self)
        self._restore_layout()
        if saved_dark(self.settings):
            apply_theme(True)
        self.set_project_widgets_enabled(False)

    # -------------------------------------------------------------- layout
    def _build_central(self) -> None:
        self.list_model = DocumentListModel()
        self.list_view = DocumentListView(self)
        self.list_view.setObjectName("documentList")
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.verticalHeader().setVisible(False)
        self.list_view.verticalHeader().setDefaultSectionSize(24)
        self.list_view.setShowGrid(False)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.setWordWrap(False)
        header = self.list_view.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Measure the rows on screen only: Qt's default (1000 rows) asks the model for ~15,000
        # cells at every layout of a 200-document project, 60 ms of the GUI thread at opening.
        header.setResizeContentsPrecision(0)
        header.setStretchLastSection(True)
        self.list_view.selectionModel().currentRowChanged.connect(self._list_row_changed)
        # The list is read in pages: the shown document's row may arrive after it is shown.
        self.list_model.rowsInserted.connect(self._list_rows_arrived)

        self.filter_box = QComboBox(self)
        for text, value in (
            ("All documents", "all"),
            ("To do", "todo"),
            ("Accepted", Answer.ACCEPT),
            ("Rejected", Answer.REJECT),
            ("Ignored", Answer.IGNORE),
        ):
            self.filter_box.addItem(text, value)
        self.filter_box.currentIndexChanged.connect(self._filter_changed)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText("Find text…")
        self.search_box.setClearButtonEnabled(True)
        self._search_timer: QTimer = QTimer(self, singleShot=True, interval=250)
        self.search_box.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self._filter_changed)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_box)
        filters.addWidget(self.search_box, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.list_view)

        self.label_bar = LabelBar(self)
        self.label_bar.label_clicked.connect(lambda name: self.controller.label(name))
        self.doc_header = QLabel(self)
        self.doc_header.setObjectName("docHeader")
        self.doc_header.setTextFormat(Qt.TextFormat.RichText)
        self.view: DocumentView = DocumentView(self)
        self.view.span_clicked.connect(lambda span, pos: self.actions_.span_menu(span, pos))
        self.view.current_span_changed.connect(self._current_span_changed)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.label_bar)
        right_layout.addWidget(self.doc_header)
        right_layout.addWidget(self.view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 900])
        # The normal view, or the one-suggestion-at-a-time panel (ui/teach) in its place.
        self.central = QStackedWidget(self)
        self.central.addWidget(self.splitter)
        self.setCentralWidget(self.central)

    def _build_docks(self) -> None:
        self.guidelines = GuidelinesPanel(self)
        self.guidelines_dock = QDockWidget("Guidelines", self)
        self.guidelines_dock.setObjectName("guidelinesDock")
        self.guidelines_dock.setWidget(self.guidelines)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.guidelines_dock)
        self.stats = StatsView(self)
        self.stats_dock = QDockWidget("Statistics", self)
        self.stats_dock.setObjectName("statsDock")
        self.stats_dock.setWidget(self.stats)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.stats_dock)
        self.tabifyDockWidget(self.guidelines_dock, self.stats_dock)
        self.guidelines_dock.raise_()
        self.stats_dock.visibilityChanged.connect(self._stats_visibility_changed)
        self.resizeDocks([self.guidelines_dock], [380], Qt.Orientation.Horizontal)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = ElidingLabel("No project")
        self.save_label = ElidingLabel("")
        self.model_label = ElidingLabel("")
        for label in (self.model_label, self.save_label, self.progress_label):
            bar.addPermanentWidget(label)
        self.message_room = MessageRoom(bar)  # a message is never cut short by the labels

    def set_project_widgets_enabled(self, enabled: bool) -> None:
        for widget in (self.list_view, self.filter_box, self.search_box, self.view, self.label_bar):
            widget.setEnabled(enabled)
        self.actions_.set_project_enabled(enabled)
        self.team.set_enabled(enabled)
        self.agreement.set_enabled(enabled)

    def message(self, text: str, timeout: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout)

    # ------------------------------------------------------------- project
    def open_project(self, path: str | Path) -> bool:
        """Open a project file; False (after telling the user why) when it cannot be opened."""
        try:
            store = ProjectStore.open(path)
        except StoreError as exc:
            QMessageBox.critical(self, "Cannot open project", str(exc))
            return False
        self.close_project()
        self.store = store
        self.user = self.annotator = current_annotator()
        self.controller.set_store(store, self.annotator)
        self.list_model.set_store(store, self.annotator)
        self.apply_labels()
        self.guidelines.set_store(store)
        self.undo_stack.clear()
        # A database's URL is kept without its password (locations.redact).
        self.add_recent(store.location if store.shared else str(Path(path).resolve()))
        self.team_status.watch(store.location)
        self.setWindowTitle(f"{display_name(store.location)} — Annotator")
        self.set_project_widgets_enabled(True)
        self.team.rebuild()
        # Suggestions are coming from the first moment: no answer before they are shown.
        loading = SuggesterState.LOADING if self.suggester_factory else SuggesterState.OFF
        self.answer_gate.state = loading
        start = store.cursor(self.annotator)
        if start is None or not self.list_model.listed(start):
            first = self.list_model.doc_id(0) if self.list_model.rowCount() else None
            start = store.next_to_do(self.annotator) or first
        if start is not None:
            self.show_document(start)
        else:
            self.view.clear_document()
            self.doc_header.setText(
                "<i>No documents yet: use File › Import… or drop files here.</i>"
            )
        self.update_status()
        self._mark_saved()
        # Keys start in the text: in the document list, Page Down jumped to the last document
        # and the next Space answered that one, unseen.
        self.view.setFocus()
        # The suggestion process starts once the project is on screen: starting it (a thread,
        # a process spawn) while the window paints the project made that paint twice as long.
        self._worker_start = AfterPaint(self.view.viewport(), self._start_workers)
        return True

    def close_project(self) -> None:
        self.team_status.watch(None)
        self._stop_workers()
        self.stats_refresher.cancel()
        if self.store is not None:
            self.store.close()
        self.store = None
        self.suggest_version = self._stale_version = None
        self.controller.set_store(None, self.annotator)
        self.list_model.set_store(None, self.annotator)
        self.list_model.set_suggest_version(None)
        self.view.clear_document()
        self.undo_stack.clear()
        self.set_project_widgets_enabled(False)
        self.setWindowTitle("Annotator")
        # Nothing may still name the closed project's document or state.
        self.doc_header.setText("")
        self.model_label.setText("")
        self.save_label.setText("")
        self.statusBar().clearMessage()
        self.update_status()

    def set_dark_theme(self, dark: bool) -> None:
        """Switch the theme (remembered); the view re-tints its spans for the new background."""
        apply_theme(dark, self.settings)
        self.actions_.dark_action.setChecked(dark)
        # Widgets get the new palette from the event loop; re-colour the header after that.
        QTimer.singleShot(0, self._update_doc_header)

    def apply_labels(self) -> None:
        assert self.store is not None
        labels = self.store.labels()
        self.shortcuts.set_label_keys({label.name: label.key for label in labels})
        self.label_bar.set_labels(labels)
        self.view.set_labels(labels)
        self.actions_.rebuild_label_actions(labels)

    def _start_workers(self) -> None:
        self._worker_start = None
        if self.store is None or self.suggest_worker is not None:
            return
        path = self.store.location
        suggestions = self.suggester_factory is not None
        # Without suggestions the worker still serves tokens (from a tokens-only process).
        factory = self.suggester_factory or default_suggester_factory
        worker = SuggestWorker(path, factory, self, suggestions=suggestions)
        worker.tokens_ready.connect(self._tokens_ready)
        worker.tokens_failed.connect(self._tokens_failed)
        if suggestions:
            self.model_label.setText("Model: loading…")
            worker.model_ready.connect(self._model_ready)
            worker.model_failed.connect(self._model_failed)
            worker.reloaded.connect(self._reloaded)
            worker.suggestions_ready.connect(self._suggestions_ready)
            worker.busy.connect(self._suggest_busy)
        else:
            self.model_label.setText("Suggestions off")
        self.suggest_worker = worker
        worker.start()
        self._request_suggestions()

    def _stop_workers(self) -> None:
        if self._worker_start is not None:
            self._worker_start.cancel()
            self._worker_start = None
        if self.suggest_worker is not None:
            self.suggest_worker.stop()
            self.suggest_worker.deleteLater()
            self.suggest_worker = None
        self._tokens_pending.clear()
        self._after_reload = []  # a switch under way ends with the project
        self.answer_gate.state = SuggesterState.OFF

    # --------------------------------------------------------------- tokens
    def _tokens_ready(self, doc_id: int, boundaries: object) -> None:
        if self.sender() is not self.suggest_worker:
            return  # from the worker of a project closed meanwhile
        starts, ends, spaces = cast("tuple[list[int], list[int], list[bool]]", boundaries)
        self._tokens_pending.discard(doc_id)
        self.controller.set_tokens(doc_id, starts, ends, spaces)

    def _tokens_failed(self, doc_id: int, message: str) -> None:
        if self.sender() is not self.suggest_worker:
            return
        if doc_id < 0:
            self._tokens_pending.clear()
            self.message(f"Tokens are unavailable: {message.strip().splitlines()[-1]}", 0)
        self._tokens_pending.discard(doc_id)
        self.controller.tokens_failed(doc_id, message)

    def _request_tokens(self, doc_ids: list[int]) -> None:
        """Ask for the tokens of these documents (the one shown first) unless known or asked."""
        if self.suggest_worker is None:
            return
        wanted = [
            i
            for i in doc_ids
            if i not in self._tokens_pending and not self.controller.has_tokens(i)
        ]
        if wanted:
            self._tokens_pending.update(wanted)
            self.suggest_worker.request_tokens(wanted)

    # ---------------------------------------------------------- suggestions
    def reload_suggester(self, what: str, then: Callable[[bool], None]) -> None:
        """Rebuild the suggester for another model (``what`` names it), then ``then(ok)``.

        What suggests now goes on suggesting until the new one is ready: its cached
        suggestions are still seeded and answers still taken. ``then`` runs right after the new
        version is in, before any of its suggestions are seeded: the model switch takes the
        untouched documents back there (``unseed_untouched``), the ones seeded meanwhile
        included, so none keeps the old model's suggestions for good."""
        worker = self.suggest_worker
        if worker is None or self.suggester_factory is None:
            then(True)
            return
        self._after_reload.append(then)
        current = self.suggest_description if self.suggest_version else "none ready"
        self.model_label.setText(f"Model: {current}; loading {what}…")
        worker.reload()

    def _reloaded(self, ok: bool) -> None:
        if self.sender() is not self.suggest_worker:
            return  # from the worker of a project closed meanwhile
        waiting, self._after_reload = self._after_reload, []
        for then in waiting:
            then(ok)

    def _model_ready(self, version: str, description: str) -> None:
        # A late result of the version replaced (a model switch) is dropped, never seeded.
        self._stale_version = self.suggest_version if self.suggest_version != version else None
        self.suggest_version = version
        self.answer_gate.state = SuggesterState.READY
        described = description or version
        # Long enough for "start model (en_core_web_sm 3.8.0), 4,088 known names"; the
        # tooltip has it whole.
        self.suggest_description = described if len(described) <= 72 else described[:71] + "…"
        self.model_label.setText(f"Model: {self.suggest_description}, ready")
        self.model_label.setToolTip(f"{described}\nSuggestions cache key: {version}")
        self.list_model.set_suggest_version(version)
        self._request_suggestions()

    def _model_failed(self, message: str) -> None:
        self.answer_gate.state = SuggesterState.FAILED
        self._update_doc_header()
        self.model_label.setText("Model: unavailable")
        self.model_label.setToolTip(message)
        self.message(f"Suggestions are unavailable: {message.splitlines()[-1]}", 0)

    def _suggest_busy(self, remaining: int) -> None:
        if self.suggest_version:
            state = f"suggesting, {remaining} ahead" if remaining else "ready"
            self.model_label.setText(f"Model: {self.suggest_description}, {state}")

    def _request_suggestions(self) -> None:
        doc_id = self.view.document_id
        if self.suggest_worker is None or doc_id is None:
            return
        ahead = self.list_model.following(doc_id, AHEAD)
        order = self.store.work_order() if self.store is not None else None
        if order is not None and order.kind != "in-order":
            # What A/X/Space bring next in the chosen order comes first after this one.
            following = self.store.next_in_order(  # type: ignore[union-attr]
                self.annotator, order, after=doc_id, version=self.suggest_version
            )
            if following is not None and following != doc_id:
                ahead = [following, *(i for i in ahead if i != following)]
        self._request_tokens([doc_id, *ahead])
        if self.suggester_factory is not None:
            self.suggest_worker.prioritize([doc_id, *ahead])

    def _seed(self, doc_id: int) -> bool:
        """Put cached suggestions into an unanswered document once; True if any were added.
        The review starts from the annotators' spans instead; another's work is left alone."""
        if self.annotator == REVIEWED:
            return self.team.seed(doc_id)
        if self.store is None or self.suggest_version is None or self.annotator != self.user:
            return False
        annotation = self.controller.annotation(doc_id)
        if annotation is not None and annotation.answer is not None:
            return False
        # Scored as of now (rule precision from the answers so far), and without those under
        # the project's threshold (View › Hide unsure suggestions).
        cached = self.store.scored_suggestions(doc_id, self.suggest_version)
        if cached is None:
            return False
        shown = above_threshold(cached, self.store.confidence_threshold())
        return self.store.seed_suggestions(doc_id, self.annotator, shown) and bool(shown)

    def _suggestions_ready(self, doc_id: int, version: str) -> None:
        if version == self._stale_version:
            return  # computed by the model replaced (asked for before the switch)
        self.suggest_version = version
        if doc_id != self.view.document_id:
            return
        if self._seed(doc_id):
            self.controller.invalidate()
            self.show_document(doc_id)
            annotation = self.controller.annotation()
            count = len(annotation.suggested) if annotation is not None else 0
            if self.actions_.teach.active:
                return  # the document is behind the one-suggestion panel: nothing to say
            self.message(f"{count} suggestions to check ({SUGGESTION_KEYS}).")
        else:
            self._update_doc_header()  # none were found: no longer "being computed"

    def refresh_suggestions(self, doc_id: int) -> None:
        """Show a document again after its suggestions were computed elsewhere."""
        if self._seed(doc_id):
            self.controller.invalidate()
        self.show_document(doc_id)

    # ------------------------------------------------------------ documents
    def show_document(self, doc_id: int) -> None:
        """Show a document (or refresh the one shown) and remember it as the cursor; while a
        shared project's server is gone, say so and stay (edits made meanwhile wait in the
        controller's ``pending`` and are written when it is back)."""
        try:
            self._show_document(doc_id)
        except ServerGoneError as exc:
            self.message(f"The project's server cannot be reached ({exc}); retrying…", 0)

    def _show_document(self, doc_id: int) -> None:
        if self.store is None:
            return
        if doc_id == self.view.document_id:
            # An edit of the document shown: touch only what it changed (its spans, its row).
            annotation = self.controller.annotation(doc_id)
            assert annotation is not None
            self.view.update_annotation(annotation)
            row = self.list_model.row_of(doc_id)
            answered = row is None or self.list_model.row(row).answer != annotation.answer
            self._update_list_row(doc_id, annotation)
            self._select_row(doc_id)
            self._update_doc_header()
            self.actions_.update_span_actions()
            self.team.document_shown(doc_id)
            if answered:
                self.update_status()
            return
        if self._seed(doc_id):
            self.controller.invalidate()
        try:
            document = self.store.document(doc_id)
        except KeyError:
            self.message(f"Document {doc_id} is no longer in the project.")
            return
        annotation = self.controller.annotation(doc_id)
        assert annotation is not None
        self.view.show_document(document, annotation)
        if self.controller.read_only is None:  # not another annotator's place
            self.store.set_cursor(self.annotator, doc_id)
        self.team.document_shown(doc_id)
        self._update_list_row(doc_id, annotation)
        self._request_suggestions()
        self._select_row(doc_id)
        self._update_doc_header()
        self.actions_.update_span_actions()
        self.update_status()

    def _update_list_row(self, doc_id: int, annotation: Annotation) -> None:
        """Bring the document's row up to date: alone when it can be, else by re-reading the
        list; when it is further on than the list was read, read up to it."""
        model = self.list_model
        if model.update_row(doc_id, annotation.answer, len(annotation.spans)):
            return
        if model.row_of(doc_id) is None:
            model.fetch_to(doc_id)  # (nothing to read if it is not listed under the filter)
        else:
            model.refresh()  # its answer changed under a status filter: it may leave

    def _list_rows_arrived(self, _parent: QModelIndex, first: int, last: int) -> None:
        doc_id = self.view.document_id
        if doc_id is None:
            return
        row = self.list_model.row_of(doc_id)
        if row is not None and first <= row <= last:
            self._select_row(doc_id)
            self._request_suggestions()  # for the documents after it too, now that it is known

    def _select_row(self, doc_id: int) -> None:
        row = self.list_model.row_of(doc_id)
        selection = self.list_view.selectionModel()
        if row is None:
            selection.clearSelection()
            return
        index = self.list_model.index(row, 0)
        if selection.currentIndex().row() != row:
            selection.blockSignals(True)
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            selection.blockSignals(False)
            self.list_view.viewport().update()
        self.list_view.scrollTo(index)

    def _list_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row()
        if 0 <= row < self.list_model.rowCount():
            self.show_document(self.list_model.doc_id(row))

    def _filter_changed(self) -> None:
        self.list_model.set_filter(self.filter_box.currentData(), self.search_box.text().strip())
        if self.view.document_id is not None:
            self.list_model.fetch_to(self.view.document_id)
            self._select_row(self.view.document_id)

    def step_document(self, step: int) -> None:
        model = self.list_model
        row = model.row_of(self.view.document_id or -1)
        if row is not None and row + step >= model.rowCount() and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())  # the next page (its first rows at least)
        if not model.rowCount():
            return
        target = 0 if row is None else min(max(row + step, 0), model.rowCount() - 1)
        self.show_document(model.doc_id(target))
        self.view.setFocus()

    def answer(self, answer: Answer) -> None:
        """Answer the document and go to the next one still to do; not before its suggestions
        are shown (the annotator would answer what they have not seen)."""
        if self.actions_.teach.active:  # the same keys answer the one span shown there
            self.actions_.teach.answer(answer)
            return
        doc_id = self.view.document_id
        if doc_id is None or self.store is None:
            return
        refusal = self.answer_gate.refusal(doc_id, *self._answer_state(doc_id))
        if refusal is not None:
            self.message(refusal)
            return
        if not self.controller.answer(answer):
            return
        if len(self.controller.pending):
            return  # the answer waits for the server (said in the status bar): stay here
        try:
            following = self.store.next_in_order(
                self.annotator, self.store.work_order(), after=doc_id, version=self.suggest_version
            )
        except StoreError as exc:  # the server went away just now
            self.message(f"Document {doc_id}: {answer.past}, but the next one is unknown: {exc}")
            return
        if following is not None:
            self.show_document(following)
            todo = self.store.count_to_do(self.annotator)
            self.message(f"Document {doc_id}: {answer.past}. {todo} to do.")
        else:
            self.message(f"Document {doc_id}: {answer.past}. Every document is answered.", 0)
        self._stats_timer.start()
        self.view.setFocus()
        if answer is Answer.ACCEPT:
            self.actions_.model_menu.after_accept()  # maybe train by itself (Model menu)

    def _answer_state(self, doc_id: int) -> tuple[bool, bool]:
        """(answered, suggestions seeded) of the annotator's annotation of ``doc_id``. The
        suggester's spans are never put into the review or into another's work: nothing to
        wait for there."""
        assert self.store is not None
        annotation = self.controller.annotation(doc_id)
        is_answered = annotation is not None and annotation.answer is not None
        if self.annotator != self.user:
            return is_answered, True
        try:
            return is_answered, self.store.suggestions_seeded(doc_id, self.annotator)
        except StoreError:  # the server is gone: the document on screen was shown, answer it
            return is_answered, True

    # -------------------------------------------------------------- status
    def _update_doc_header(self) -> None:
        annotation = self.controller.annotation()
        if annotation is None or self.store is None:
            self.doc_header.setText("")
            return
        status = annotation.answer.past if annotation.answer else "to do"
        suggested = len(annotation.suggested)
        pending = "#ffb347" if is_dark_palette(self.palette()) else "#b26a00"
        if suggested:
            waiting = f"<span style='color:{pending}'>{suggested} suggestions to check</span>"
        elif self.answer_gate.pending(*self._answer_state(annotation.doc_id)):
            waiting = f"<span style='color:{pending}'>{self.answer_gate.header_text()}</span>"
        else:
            waiting = "no suggestions pending"
        whose = self.team.header()
        parts = [
            *([whose] if whose else []),
            f"<b>Document {annotation.doc_id}</b>",
            status,
            f"{len(annotation.accepted)} accepted",
            waiting,
        ]
        self.doc_header.setText(" · ".join(parts))

    def update_status(self) -> None:
        if self.store is None:
            self.progress_label.setText("No project")
            return
        # Two indexed counts, not store.stats(): this runs after every answer, and the full
        # statistics (spans per label) take a third of a second on a 100,000-document project.
        try:
            if self.annotator == REVIEWED:
                waiting = self.store.count_to_do(REVIEWED)
                self.progress_label.setText(f"{waiting} documents waiting for a review")
                return
            documents = self.store.count_documents()
            answered = documents - self.store.count_to_do(self.annotator)
        except StoreError:  # the server is gone: the figures stay until it is back
            return
        self.progress_label.setText(f"{answered} of {documents} answered")

    def _mark_saved(self) -> None:
        self.save_label.setText(f"✔ All changes saved {time.strftime('%H:%M:%S')}")
        self.save_label.setToolTip("Every edit is written to the project file as you make it.")
        self._stats_timer.start()

    def _stats_visibility_changed(self, visible: bool) -> None:
        if visible:
            self._refresh_stats()

    def _refresh_stats(self) -> None:
        """Ask for fresh statistics when the dock shows (read off the GUI thread)."""
        if not self.stats_dock.isVisible():
            return
        if self.store is None:
            self.stats_refresher.cancel()
            self.stats.show_no_project()
            return
        self.stats_refresher.request(self.store.location, self.annotator)

    def _stats_ready(self, snapshot: StatsSnapshot) -> None:
        if self.store is not None and snapshot.annotator == self.annotator:
            self.stats.show_snapshot(snapshot)

    def _current_span_changed(self, span: Span | None) -> None:
        self.actions_.update_span_actions()
        if span is None:
            self.span_messages.at_caret(None)
            return
        hint = " — Enter accepts, Delete rejects" if span.state is SpanState.SUGGESTED else ""
        self.span_messages.at_caret(describe_span(span, self.view.text) + hint)

    # ---------------------------------------------------------- settings
    def add_recent(self, path: str) -> None:
        recent = [p for p in self.recent_projects() if p != path]
        self.settings.setValue("recentProjects", [path, *recent][:MAX_RECENT])
        self.actions_.rebuild_recent_menu()

    def recent_projects(self) -> list[str]:
        value = self.settings.value("recentProjects", [])
        if isinstance(value, str):  # an INI file holding a single entry gives a str
            return [value]
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        return []

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 880)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()

    def request_stats(self) -> None:
        """Refresh the statistics soon (coalesced; read in the background)."""
        self._stats_timer.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.team_status.may_close():
            event.ignore()
            return
        self.save_layout()
        self.close_project()
        super().closeEvent(event)

    # ---------------------------------------------------------- drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.store is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.actions_.import_paths(paths)

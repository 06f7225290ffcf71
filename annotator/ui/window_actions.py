"""Menus, rebindable actions and the dialogs they open, for the main window.

Keys without Ctrl/Alt/Meta (A, X, Space, Tab, Enter, Delete, label keys) only act while the
text or the document list has focus, so typing in the search box never answers a document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QKeyCombination, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from annotator.core.locations import display_name, is_database_url
from annotator.core.model import Answer, LabelSet, Span, SpanState
from annotator.core.store import ProjectStore, StoreError
from annotator.formats.task_process import ExportJob, ImportJob, TaskJob
from annotator.ui.confidence.menu import ConfidenceMenu
from annotator.ui.document_view import describe_span
from annotator.ui.import_export_dialogs import (
    ErrorReportDialog,
    ExportOptionsDialog,
    TaskRun,
    run_task,
)
from annotator.ui.labels_dialog import LabelsDialog
from annotator.ui.menu_keys import MenuKeys
from annotator.ui.new_project_dialog import NewProjectDialog
from annotator.ui.shortcuts import COMMANDS, ShortcutMap
from annotator.ui.shortcuts_dialog import ShortcutsDialog
from annotator.ui.teach.mode import ANSWER_COMMANDS, TeachMode
from annotator.ui.theme import saved_dark
from annotator.ui.undo import relabel_stack
from annotator.ui.workers import SuggestAllRun

if TYPE_CHECKING:
    from annotator.formats.exporting import ExportFormat
    from annotator.ui.main_window import MainWindow

__all__ = ["WindowActions", "everywhere_pattern"]

_FOCUS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
TOOLBAR_TEXT = {
    "answer_accept": "✔ Accept",
    "answer_reject": "✘ Reject",
    "answer_ignore": "Ignore",
    # Fixed words on the buttons: "Undo Add PERSON" made every button after it move.
    "undo": "Undo",
    "redo": "Redo",
    "accept_span": "Accept span",
    "accept_all": "Accept all",
    "reject_span": "Reject span",
}
PROJECT_FILTER = "Annotator projects (*.annot);;All files (*)"
IMPORT_FILTER = (
    "Documents (*.jsonl *.json *.csv *.tsv *.conll *.iob *.bio *.txt *.spacy);;All files (*)"
)


def everywhere_pattern(text: str, label: str) -> dict[str, Any]:
    """The project pattern for "suggest this everywhere" (nlp's helper when it is there)."""
    try:
        from annotator.nlp.suggest import suggest_everywhere_pattern
    except ImportError:
        return {"label": label, "pattern": text}
    return dict(suggest_everywhere_pattern(text, label))


def _plain_key(sequence: QKeySequence) -> bool:
    """True for keys without Ctrl/Alt/Meta, which must not fire while typing in a text box."""
    if sequence.isEmpty():
        return False
    # QKeySequence supports [] at run time; the PySide6 stubs lack __getitem__.
    combo: QKeyCombination = sequence[0]  # type: ignore[index]
    mods = combo.keyboardModifiers()
    return not (mods & (_FOCUS | Qt.KeyboardModifier.MetaModifier))


class _OnClose(QObject):
    """Calls ``callback`` when ``window`` gets its Close event (before its closeEvent)."""

    def __init__(self, window: QObject, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._callback = callback
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Close:
            self._callback()
        return False


class WindowActions:
    """Builds the menus of ``window`` and handles what they open.

    Import and export jobs run in child processes; closing the window cancels them and joins
    their children (an event filter on the window's Close event).
    """

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.commands: dict[str, QAction] = {}
        self.label_actions: list[QAction] = []
        self._tasks: list[TaskRun] = []
        self.suggest_run: SuggestAllRun | None = None
        self._build()
        self._close_filter = _OnClose(window, self.stop_tasks)

    # --------------------------------------------------------------- build
    def _command(self, command_id: str, slot: Any) -> QAction:
        text = next(c.text for c in COMMANDS if c.id == command_id)
        action = QAction(text, self.w)
        action.triggered.connect(lambda _=False: slot())
        self.commands[command_id] = action
        return action

    def _build(self) -> None:
        w = self.w
        c = w.controller
        bar = w.menuBar()
        file = bar.addMenu("&File")
        file.addAction("&New project…", self.new_project, QKeySequence.StandardKey.New)
        file.addAction("&Open project…", self.open_dialog, QKeySequence.StandardKey.Open)
        file.addAction("Open &shared project (PostgreSQL)…", self.open_database_dialog)
        self.recent_menu = file.addMenu("Open &recent")
        file.addSeparator()
        self.import_action = file.addAction("&Import documents…", self.import_dialog)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.export_action = file.addAction("&Export…", self.export_dialog)
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        file.addSeparator()
        self.close_action = file.addAction("&Close project", w.close_project)
        file.addAction("&Quit", w.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        undo = w.undo_stack.createUndoAction(w, "Undo")
        redo = w.undo_stack.createRedoAction(w, "Redo")
        self.commands["undo"], self.commands["redo"] = undo, redo
        # The buttons keep their words; what would be undone is in their tooltips.
        w.undo_stack.undoTextChanged.connect(lambda _text: self._undo_tooltips())
        w.undo_stack.redoTextChanged.connect(lambda _text: self._undo_tooltips())
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self.labels_action = edit.addAction("&Labels…", self.labels_dialog)
        edit.addAction("&Keyboard shortcuts…", self.shortcuts_dialog)
        edit.addAction(self._command("find", lambda: w.search_box.setFocus()))

        annotate = bar.addMenu("&Annotate")
        for cid, answer in (
            ("answer_accept", Answer.ACCEPT),
            ("answer_reject", Answer.REJECT),
            ("answer_ignore", Answer.IGNORE),
        ):
            annotate.addAction(self._command(cid, lambda a=answer: w.answer(a)))
        annotate.addSeparator()
        annotate.addAction(self._command("accept_span", c.accept))
        annotate.addAction(self._command("reject_span", c.remove))
        annotate.addAction(self._command("accept_all", c.accept_all))
        resize = annotate.addMenu("Resize span")
        for cid, edge, grow in (
            ("widen_start", "start", True),
            ("widen_end", "end", True),
            ("narrow_start", "start", False),
            ("narrow_end", "end", False),
        ):
            resize.addAction(self._command(cid, lambda e=edge, g=grow: c.resize(e, g)))
        annotate.addAction(self._command("suggest_everywhere", self.suggest_everywhere))
        annotate.addSeparator()
        # (Mnemonics are never an answer key: A, X, Space; and open menus keep plain keys.)
        self.suggest_all_action = annotate.addAction(
            "&Suggest for all documents…", self.suggest_all
        )
        annotate.addSeparator()
        self.teach = TeachMode(w, annotate, self._command)

        from annotator.ui.train.model_menu import ModelMenu

        self.model = bar.addMenu("&Model")
        self.model_menu = ModelMenu(w, self.model, self._start)

        go = bar.addMenu("&Go")
        go.addAction(self._command("next_span", lambda: self._step_span(True)))
        go.addAction(self._command("previous_span", lambda: self._step_span(False)))
        go.addAction(self._command("next_document", lambda: w.step_document(1)))
        go.addAction(self._command("previous_document", lambda: w.step_document(-1)))

        view = bar.addMenu("&View")
        self.view_menu = view
        view.addAction(w.guidelines_dock.toggleViewAction())
        view.addAction(w.stats_dock.toggleViewAction())
        view.addSeparator()
        self.confidence = ConfidenceMenu(w, go, view, self._command)
        self.confidence.add_calibrate(self.model, self._start)
        self.dark_action = view.addAction("&Dark theme")
        self.dark_action.setCheckable(True)
        self.dark_action.setChecked(saved_dark(w.settings))
        self.dark_action.toggled.connect(w.set_dark_theme)
        self.label_menu = bar.addMenu("&Labels")

        help_ = bar.addMenu("&Help")
        help_.addAction("&Keyboard shortcuts", self.shortcuts_dialog, QKeySequence("F1"))
        help_.addAction("&Guidelines", self.show_guidelines)
        help_.addAction("A&bout", self.about)

        toolbar = w.addToolBar("Answer")
        toolbar.setObjectName("answerToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for cid in ("answer_accept", "answer_reject", "answer_ignore"):
            toolbar.addAction(self.commands[cid])
        toolbar.addSeparator()
        toolbar.addAction(undo)
        toolbar.addAction(redo)
        toolbar.addSeparator()
        for cid in ("accept_span", "accept_all", "reject_span"):
            toolbar.addAction(self.commands[cid])
        self.toolbar = toolbar
        self.menu_keys = MenuKeys(w)
        self.menu_keys.watch([bar, *bar.findChildren(QMenu)])
        self.apply_shortcuts()
        self.rebuild_recent_menu()

    def apply_shortcuts(self) -> None:
        """(Re)bind every command from the ShortcutMap; plain keys only act in the text/list."""
        shortcuts: ShortcutMap = self.w.shortcuts
        for cid, action in self.commands.items():
            sequence = shortcuts.key(cid)
            action.setShortcut(sequence)
            self._scope(action, sequence)
            text = action.text().split("\t")[0]
            action.setToolTip(f"{text} ({sequence.toString()})" if not sequence.isEmpty() else text)
            if cid in TOOLBAR_TEXT:
                # The key on the button itself: the toolbar teaches the keyboard.
                key = sequence.toString(QKeySequence.SequenceFormat.NativeText)
                action.setIconText(f"{TOOLBAR_TEXT[cid]}  ·  {key}" if key else TOOLBAR_TEXT[cid])
        self._undo_tooltips()

    def _undo_tooltips(self) -> None:
        for cid in ("undo", "redo"):
            action = self.commands[cid]
            key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.text()} ({key})" if key else action.text())

    def _scope(self, action: QAction, sequence: QKeySequence) -> None:
        # The answer keys also answer the one span of the teach panel (ui/teach).
        answers = [self.commands.get(cid) for cid in ANSWER_COMMANDS]
        every: list[QWidget] = [self.w.view, self.w.list_view, self.teach.panel]
        where = every if action in answers else every[:2]
        for widget in every:
            widget.removeAction(action)
        if _plain_key(sequence):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in where:
                widget.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def rebuild_label_actions(self, labels: LabelSet) -> None:
        for action in self.label_actions:
            self._scope(action, QKeySequence())
            action.deleteLater()
        self.label_actions = []
        self.label_menu.clear()
        for label in labels:
            action = QAction(f"Label as {label.name}", self.w)
            action.triggered.connect(partial(self._label_triggered, label.name))
            if label.key:
                sequence = QKeySequence(label.key)
                action.setShortcut(sequence)
                self._scope(action, sequence)
            self.label_menu.addAction(action)
            self.label_actions.append(action)

    def _label_triggered(self, name: str, _checked: bool = False) -> None:
        self.w.controller.label(name)

    def show_guidelines(self) -> None:
        self.w.guidelines_dock.show()
        self.w.guidelines_dock.raise_()

    def rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.w.recent_projects()
        for path in recent:
            self.recent_menu.addAction(path, partial(self.w.open_project, path))
        self.recent_menu.setEnabled(bool(recent))

    def set_project_enabled(self, enabled: bool) -> None:
        for action in [*self.commands.values(), *self.label_actions]:
            if action not in (self.commands.get("undo"), self.commands.get("redo")):
                action.setEnabled(enabled)
        for action in (
            self.import_action,
            self.export_action,
            self.close_action,
            self.labels_action,
            self.suggest_all_action,
        ):
            action.setEnabled(enabled)
        self.model_menu.set_enabled(enabled)
        self.teach.set_enabled(enabled)
        self.confidence.refresh()
        if enabled:
            self.update_span_actions()

    def update_span_actions(self) -> None:
        view = self.w.view
        span = view.current_span()
        # The one-suggestion panel hides the text these act on (ui/teach).
        has_project = self.w.store is not None and not self.teach.active
        # With no span picked, Enter and Delete pick the first suggestion (see EditController).
        pick = span is None and view.suggestion_from_caret() is not None
        self.commands["accept_span"].setEnabled(
            has_project and (pick or (span is not None and span.state is SpanState.SUGGESTED))
        )
        self.commands["reject_span"].setEnabled(has_project and (pick or span is not None))
        self.commands["accept_all"].setEnabled(has_project)
        for cid in ("widen_start", "widen_end", "narrow_start", "narrow_end", "suggest_everywhere"):
            self.commands[cid].setEnabled(has_project and span is not None)

    def _step_span(self, forward: bool) -> None:
        span = self.w.view.neighbour_span(forward)
        if span is not None:
            self.w.view.go_to_span(span)

    # ------------------------------------------------------------ span menu
    def span_menu(self, span: Span, pos: QPoint) -> QMenu:
        """The popup for a clicked span: accept, change label, delete, suggest everywhere."""
        w = self.w
        menu = QMenu(w)
        self.menu_keys.watch([menu])
        title = menu.addAction(describe_span(span, w.view.text))
        title.setEnabled(False)
        menu.addSeparator()
        if span.state is SpanState.SUGGESTED:
            menu.addAction("Accept", lambda: w.controller.accept(span))
        labels = w.store.labels() if w.store else LabelSet([])
        change = menu.addMenu("Change label")
        for label in labels:
            action = change.addAction(label.name, partial(w.controller.relabel, span, label.name))
            action.setEnabled(label.name != span.label)
        verb = "Reject suggestion" if span.state is SpanState.SUGGESTED else "Delete span"
        menu.addAction(verb, lambda: w.controller.remove(span))
        menu.addAction("Suggest this everywhere", lambda: self.suggest_everywhere(span))
        menu.addAction(
            f"Never suggest this as {span.label}", lambda: self.model_menu.never_suggest(span)
        )
        w.view.go_to_span(span)
        if not w.property("noPopups"):
            menu.popup(pos)
        return menu

    # ------------------------------------------------------------- projects
    def new_project(self) -> None:
        """Ask for the file, labels and pipeline, then create and open the project."""
        dialog = NewProjectDialog(self.start_folder(), self.w)
        if dialog.exec() == NewProjectDialog.DialogCode.Accepted:
            self.create_project(dialog.project_path(), dialog.labels(), dialog.pipeline())

    def create_project(self, path: Path, labels: LabelSet, pipeline: str) -> bool:
        try:
            ProjectStore.create(path, labels, pipeline=pipeline).close()
        except StoreError as exc:
            QMessageBox.critical(self.w, "Cannot create project", str(exc))
            return False
        if not self.w.open_project(path):
            return False
        self.w.message(
            f"New project with labels {', '.join(labels.names)} and pipeline {pipeline}; "
            "File › Import… (or dropping files here) adds documents.",
            0,
        )
        return True

    def start_folder(self) -> str:
        """Where file dialogs open: the project's folder, else the last project's, else home
        (never the working directory the app happened to be started in)."""
        store = self.w.store
        if store is not None:
            return str(store.path.parent)
        for recent in self.w.recent_projects():
            if Path(recent).parent.is_dir():
                return str(Path(recent).parent)
        return str(Path.home())

    def open_dialog(self) -> None:
        folder = self.start_folder()
        name, _ = QFileDialog.getOpenFileName(self.w, "Open project", folder, PROJECT_FILTER)
        if name:
            self.w.open_project(name)

    def open_database_dialog(self) -> None:
        """File › Open shared project…: a ``postgresql://`` URL (the password, if the server
        wants one, is asked for separately and never kept)."""
        url, ok = QInputDialog.getText(
            self.w,
            "Open shared project",
            "PostgreSQL URL (postgresql://user@host:5432/database):",
        )
        url = url.strip()
        if not ok or not url:
            return
        if not is_database_url(url):
            self._tell(QMessageBox.Icon.Warning, "Open shared project", "Not a postgresql:// URL.")
            return
        self.w.open_project(url)

    # -------------------------------------------------------- import/export
    def import_dialog(self) -> None:
        folder = self.start_folder()
        names, _ = QFileDialog.getOpenFileNames(self.w, "Import documents", folder, IMPORT_FILTER)
        if names:
            self.import_paths(names)

    def import_paths(self, paths: list[str]) -> TaskRun | None:
        """Import files/folders in a child process (File › Import…, drag and drop)."""
        w = self.w
        if w.store is None:
            return None
        # Your own name even while the review or another's annotation is shown.
        job = ImportJob(tuple(str(p) for p in paths), annotator=w.user)
        return self._start(job, "Importing", self._imported)

    def start_task(self, job: TaskJob, title: str, on_done: Callable[[Any], None]) -> TaskRun:
        """Run ``job`` in a child process with the progress dialog (the agreement view)."""
        return self._start(job, title, on_done)

    def _start(self, job: TaskJob, title: str, on_done: Callable[[Any], None]) -> TaskRun:
        assert self.w.store is not None
        project = self.w.store.location
        what = job.what

        def done(result: Any) -> None:
            if self._same_project(project):
                on_done(result)
            else:  # the user opened another project meanwhile
                self.w.message(
                    f"{what} into {display_name(project)} finished: {result.summary()}", 0
                )

        def cancelled() -> None:
            if what == "Import":
                kept = "nothing of the file under way was kept"
            else:
                kept = "what was there before is unchanged"
            self.w.message(f"{what} cancelled; {kept}.", 0)
            if what == "Import" and self._same_project(project):
                self.w.list_model.refresh()  # files finished before the cancel are in
                self.w.update_status()

        run = run_task(
            self.w, str(project), job, title, done, self._failed(what, project), cancelled
        )
        self._tasks = [t for t in self._tasks if not t.reaped]  # (stop_tasks reaps the rest)
        self._tasks.append(run)
        return run

    def _same_project(self, project: str) -> bool:
        store = self.w.store
        return store is not None and store.location == project

    def running_tasks(self) -> list[TaskRun]:
        return [t for t in self._tasks if not t.over]

    def stop_tasks(self, grace: float = 5.0) -> None:
        """Cancel every running import/export and join its child (then terminate it)."""
        for task in self._tasks:
            task.stop(grace)
        self._tasks = []

    def _imported(self, report: Any) -> None:
        w = self.w
        w.team.rebuild()  # the import may have brought other annotators' work
        w.list_model.refresh()  # (reads what is new a page at a time)
        if w.view.document_id is None and w.list_model.rowCount():
            w.show_document(w.list_model.doc_id(0))  # (updates the status bar too)
        else:
            w.update_status()
        w.message(f"Import: {report.summary()}", 0)
        rows = [(e.file, e.line, e.reason) for e in report.errors]
        rows += [(f.path, "—", f.reason) for f in report.failed_files]
        if rows:
            dialog = ErrorReportDialog(report.summary(), rows, w)
            dialog.setModal(False)
            dialog.show()
            self.last_report = dialog

    def export_dialog(self) -> None:
        w = self.w
        if w.store is None:
            return
        dialog = ExportOptionsDialog(w.store.path.with_suffix(""), w)
        if dialog.exec() != ExportOptionsDialog.DialogCode.Accepted:
            return
        self.export(dialog.path.text(), dialog.fmt, dialog.chosen_answers())

    def export(self, out: str, fmt: ExportFormat, answers: tuple[Answer, ...]) -> TaskRun | None:
        """Export in a child process (File › Export…)."""
        w = self.w
        if w.store is None:
            return None

        def done(report: Any) -> None:
            notes = "".join(f"\n{n}" for n in report.notes)
            w.message(f"Exported {report.summary()}", 0)
            self.last_export = report
            if notes:
                self._tell(QMessageBox.Icon.Information, "Export", f"{report.summary()}{notes}")

        return self._start(ExportJob(str(out), fmt, tuple(answers)), "Exporting", done)

    def _failed(self, what: str, project: str | None = None) -> Any:
        def show(message: str) -> None:
            if what == "Import" and project is not None and self._same_project(project):
                self.w.list_model.refresh()  # files finished before the failure are in
                self.w.update_status()
            self.w.message(f"{what} failed: {message}", 0)
            self._tell(QMessageBox.Icon.Warning, f"{what} failed", message)

        return show

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        """A window-modal message box that does not block the caller (a job's callback)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.w)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
        return box

    # ------------------------------------------------------------ suggestions
    def suggest_all(self) -> SuggestAllRun | None:
        """Pre-annotate every document in the window's suggest worker (one model in memory),
        with a progress dialog that can cancel; None when suggestions are off."""
        w = self.w
        if w.store is None or w.suggest_worker is None or w.suggester_factory is None:
            w.message("Suggestions are off for this window.")
            return None
        if self.suggest_run is not None:
            self.suggest_run.dialog.raise_()
            return self.suggest_run
        run = SuggestAllRun(w.suggest_worker, w)
        self.suggest_run = run

        def finished(count: int, cancelled: bool) -> None:
            self.suggest_run = None
            if cancelled:
                w.message("Suggesting cancelled; what was done is kept.")
            else:
                w.message(f"Suggestions computed for {count} documents.", 0)
            w.list_model.refresh()
            if w.view.document_id is not None:
                w.refresh_suggestions(w.view.document_id)

        run.done.connect(finished)
        run.start()
        return run

    def suggest_everywhere(self, span: Span | None = None) -> bool:
        """Make the span's text a project pattern and suggest it in unanswered documents."""
        w = self.w
        span = span or w.view.current_span()
        if w.store is None or span is None:
            return False
        text = w.view.text[span.start : span.end]
        added = w.store.add_project_pattern(everywhere_pattern(text, span.label))
        count = self._propagate(text, span.label)
        if w.suggest_worker is not None:
            w.suggest_worker.reload()
        known = "" if added else " (already a project pattern)"
        w.message(
            f"“{text}” is now suggested as {span.label} everywhere{known}; "
            f"added to {count} open documents.",
            0,
        )
        return True

    def _propagate(self, text: str, label: str) -> int:
        """Add the new pattern's matches as suggestions to unanswered documents now."""
        w = self.w
        assert w.store is not None
        pattern = re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")
        changed = 0
        for row in w.store.document_rows(w.annotator, "todo", search=text):
            if row.id == w.view.document_id:
                continue
            document = w.store.document(row.id)
            taken = list(w.store.annotation_or_empty(row.id, w.annotator).spans)
            for match in pattern.finditer(document.text):
                span = Span(match.start(), match.end(), label, SpanState.SUGGESTED, "pattern")
                if not any(span.overlaps(other) for other in taken):
                    w.store.add_span(row.id, w.annotator, span)
                    taken.append(span)
                    changed += 1
        w.list_model.refresh()
        w.controller.invalidate()
        return changed

    # ------------------------------------------------------------- dialogs
    def labels_dialog(self) -> None:
        w = self.w
        if w.store is None:
            return
        dialog = LabelsDialog(w.store.labels(), w.shortcuts.check_label_keys, w)
        if dialog.exec() == LabelsDialog.DialogCode.Accepted and dialog.result_labels:
            labels, renames = dialog.result_labels
            self.apply_labels(labels, renames)

    def apply_labels(self, labels: LabelSet, renames: dict[str, str]) -> None:
        w = self.w
        assert w.store is not None
        w.store.set_labels(labels, renames)
        relabel_stack(w.undo_stack, renames)  # earlier edits now name the spans' new labels
        w.apply_labels()
        w.controller.invalidate()
        if w.view.document_id is not None:
            doc_id = w.view.document_id
            w.view.show_document(
                w.store.document(doc_id), w.store.annotation_or_empty(doc_id, w.annotator)
            )
        w.message("Labels saved.")

    def shortcuts_dialog(self) -> None:
        w = self.w
        labels = w.store.labels() if w.store else LabelSet([])
        dialog = ShortcutsDialog(w.shortcuts, labels, w)
        dialog.exec()
        if dialog.changed:
            self.apply_shortcuts()

    def about(self) -> None:
        QMessageBox.about(
            self.w,
            "About Annotator",
            "<b>Annotator</b><br>Correct spaCy's entity suggestions and build training corpora."
            "<br>Every change is saved to the project file as you make it.",
        )

"""The Model menu: train the project's model, see its versions and the learning curve, and
the list of texts no longer suggested.

Training and the curve run in a child process (``TaskProcess``: the GUI only polls its queue)
with a progress dialog that does not block the window: the annotator goes on working while the
model trains. Using a stored model checks it in such a child first (reading and hashing
megabytes stalled the window); a model switch then reloads the suggestion process, whose new
version makes the current document's suggestions be computed first, the rest after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMenu, QMessageBox

from annotator.core.edits import Batch, RemoveSpan, SetSuppression
from annotator.core.model import Span, SpanState
from annotator.core.suppressions import Suppression
from annotator.nlp.train.auto import (
    AUTO_TRAIN_EVERY,
    DEFAULT_EVERY,
    auto_train_due,
    auto_train_every,
)
from annotator.nlp.train.check import CheckModelJob, ModelCheck
from annotator.nlp.train.curve import CurveJob
from annotator.nlp.train.project import TrainJob, TrainOptions
from annotator.ui.import_export_dialogs import TaskRun
from annotator.ui.status_fit import ElidingLabel
from annotator.ui.train.dialogs import (
    CurveDialog,
    ModelsDialog,
    SuppressionsDialog,
    TrainReportDialog,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from annotator.formats.task_process import TaskJob
    from annotator.ui.main_window import MainWindow

__all__ = ["ModelMenu"]

Starter = Callable[["TaskJob", str, Callable[[Any], None]], TaskRun]


class ModelMenu:
    """Builds the Model menu of ``window``; ``start`` runs a job as File › Import does."""

    def __init__(self, window: MainWindow, menu: QMenu, start: Starter) -> None:
        self.w = window
        self._start = start
        self.train_action = menu.addAction("&Train model…", self.train)
        self.auto_action = menu.addAction("Train a&utomatically")
        self.auto_action.setCheckable(True)
        self.auto_action.triggered.connect(self.set_auto)  # the user's click, not setChecked
        self.curve_action = menu.addAction("Learning &curve…", self.curve)
        menu.addSeparator()
        self.models_action = menu.addAction("&Models…", self.models)
        self.suppressed_action = menu.addAction("Texts no longer &suggested…", self.suppressions)
        self.actions = [
            self.train_action,
            self.auto_action,
            self.curve_action,
            self.models_action,
            self.suppressed_action,
        ]
        self.last_dialog: QDialog | None = None
        self.last_message: QMessageBox | None = None
        self.run: TaskRun | None = None
        self.switch: TaskRun | None = None  # the check before a switch (Use…), while it runs
        self._checking: int | None = None
        self._loading: str | None = None  # what the suggestion process loads for a switch
        self._auto_since = 0  # accepted documents when an automatic run last started
        # While a training or curve runs, the status bar says so (its dialog may be hidden);
        # after a training run, what came of it, until the next run or project: the message
        # saying so is soon replaced by others (the next document's suggestions to check).
        self.outcome = ""
        self.busy_label = ElidingLabel("")
        window.statusBar().insertPermanentWidget(0, self.busy_label)
        self.busy_label.hide()
        self._busy_timer = QTimer(window, interval=500)
        self._busy_timer.timeout.connect(self._update_busy)

    def set_enabled(self, enabled: bool) -> None:
        self._loading = None  # (a project opened or closed: no switch is under way)
        self._auto_since = 0
        self.outcome = ""
        self._update_busy()
        for action in self.actions:
            action.setEnabled(enabled)
        store = self.w.store
        self.auto_action.setChecked(enabled and store is not None and auto_train_every(store) > 0)
        shared = enabled and store is not None and store.shared
        self.auto_action.setEnabled(enabled and not shared)  # one place trains a shared project
        self.auto_action.setToolTip(
            "A shared project is trained from one place: `annotator train PROJECT`"
            if shared
            else f"Train a new model in the background after every {DEFAULT_EVERY} newly "
            "accepted documents; it suggests only if it beats what suggests now on the "
            "held-out part"
        )

    # ------------------------------------------------------------- training
    def _background(self, run: TaskRun) -> TaskRun:
        """The progress dialog of a training run does not block the window."""
        run.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.run = run
        self._update_busy()
        self._busy_timer.start()
        return run

    def _update_busy(self) -> None:
        """Show "Training…" in the status bar while a run goes on (however it ends)."""
        running = self.run is not None and not self.run.over
        if running and self.run is not None:
            self.busy_label.setText(f"{self.run.title}…")
            self.busy_label.setToolTip("")
        else:
            self._busy_timer.stop()
            self.busy_label.setText(self.outcome)
            self.busy_label.setToolTip(
                f"The last training run: {self.outcome}\nModel › Models… lists every version."
                if self.outcome
                else ""
            )
        self.busy_label.setVisible(running or bool(self.outcome))

    def train(self) -> TaskRun | None:
        if self.w.store is None:
            return None
        if self.run is not None and not self.run.over:
            self.run.dialog.show()
            self.run.dialog.raise_()
            return self.run
        return self._background(self._start(TrainJob(TrainOptions()), "Training", self._trained))

    def _trained(self, report: Any, quiet: bool = False) -> None:
        if report.used:
            self._switched(f"model {report.model_id}")
        scores = f"{report.new_f:.3f} against {report.current_f:.3f}"
        used = "suggests" if report.used else "not used"
        self.outcome = f"Model {report.model_id} ({scores}): {used}"
        self._update_busy()
        self.w.message(
            ("Trained by itself: model " if quiet else "Model ")
            + f"{report.model_id}"
            + (", " if quiet else " trained: ")
            + f"held-out F1 {report.new_f:.3f} (now {report.current_f:.3f}); "
            + ("it suggests now." if report.used else "not used (Model › Models… lists it)."),
            0,
        )
        if not quiet:
            self._show(TrainReportDialog(report, self.use, self.w))

    def set_auto(self, on: bool) -> None:
        """Model › Train automatically: the project's setting, kept in the project file."""
        store = self.w.store
        if store is None or store.shared:
            self.auto_action.setChecked(False)
            return
        store.set_setting(AUTO_TRAIN_EVERY, str(DEFAULT_EVERY if on else 0))
        self.w.message(
            f"A new model trains by itself after every {DEFAULT_EVERY} newly accepted documents."
            if on
            else "Models are trained only when asked (Model › Train model…).",
            0,
        )
        if on:
            self.after_accept()

    def after_accept(self) -> TaskRun | None:
        """A document was accepted: train in the background when it is due (see
        ``nlp.train.auto``), without a dialog; the status bar tells, Model › Train shows
        the progress (and can cancel it)."""
        store = self.w.store
        if store is None or (self.run is not None and not self.run.over):
            return None
        due = auto_train_due(store, self._auto_since)
        if due is None:
            return None
        self._auto_since = due.accepted
        since = "so far" if due.first else "since the last model"
        run = self._start(
            TrainJob(TrainOptions()), "Training", lambda report: self._trained(report, True)
        )
        run.dialog.setMinimumDuration(2**31 - 1)  # never pops up by itself
        # (short: the status bar's right side holds the model, the save state and the count)
        self.w.message(f"Training a new model in the background ({due.new} accepted {since})…", 0)
        return self._background(run)

    def curve(self) -> TaskRun | None:
        if self.w.store is None:
            return None
        return self._background(
            self._start(CurveJob(TrainOptions()), "Learning curve", self._curve_done)
        )

    def _curve_done(self, curve: Any) -> None:
        self._show(CurveDialog(curve, self.w))

    # --------------------------------------------------------------- models
    def models(self) -> None:
        store = self.w.store
        if store is None:
            return
        self._show(ModelsDialog(store.models(), store.active_model(), self.use, self.w))

    def use(self, model_id: int | None) -> TaskRun | None:
        """Make ``model_id`` (None: the untrained suggester) suggest from now on.

        A stored model is checked first (read, hashed, its config and report looked at) in a
        child process: megabytes that stalled the window on its GUI thread. What suggests now
        goes on suggesting until the check is in; a refused model changes nothing. One switch
        at a time: another asked for meanwhile is refused with the reason."""
        store = self.w.store
        if store is None:
            return None
        if self.switch is not None and not self.switch.over:
            busy = f"Model {self._checking} is still being checked"
        elif self._loading is not None:
            busy = f"{self._loading.capitalize()} is still loading"
        else:
            busy = ""
        if busy:
            self.w.message(f"{busy}; wait for it before using another.", 0)
            return None
        if model_id is None:
            self._commit(None)
            return None
        run = self._start(CheckModelJob(model_id), f"Checking model {model_id}", self._checked)
        run.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.switch, self._checking = run, model_id
        self.w.message(
            f"Checking model {model_id}; {self._current()} suggests until it is ready…", 0
        )
        return run

    def _checked(self, check: ModelCheck) -> None:
        if check.problem is not None:
            refused = f"Model {check.model_id} cannot be used: {check.problem}."
            still = f"{self._current().capitalize()} still suggests."
            self.w.message(f"{refused} {still}", 0)
            self._warn(f"Model {check.model_id} refused", f"{refused}\n\n{still}")
            return
        self._commit(check.model_id)

    def _commit(self, model_id: int | None) -> None:
        store = self.w.store
        if store is None:
            return
        previous = store.active_model()
        try:
            store.use_model(model_id)
        except KeyError as exc:  # deleted meanwhile (another window, the command line)
            self._warn("Model", str(exc.args[0]))
            return
        self._switched(_name(model_id), (previous,))

    def _current(self) -> str:
        return _name(self.w.store.active_model() if self.w.store is not None else None)

    def _switched(self, what: str, back: tuple[int | None] | None = None) -> None:
        """The stored choice changed: the suggestion process loads ``what`` while the model
        of before goes on suggesting; ``_loaded`` takes over once it is in. ``back`` holds
        the model to go back to should it fail to load (None: none, after training)."""
        w = self.w
        before = w.suggest_description if w.suggest_version else "nothing"
        w.message(f"Loading {what}; {before} suggests until it is ready…", 0)
        self._loading = what
        w.reload_suggester(what, lambda ok: self._loaded(what, ok, back))

    def _loaded(self, what: str, ok: bool, back: tuple[int | None] | None = None) -> None:
        """Documents nobody touched get the new model's suggestions (the current one first);
        what an annotator accepted or rejected stays. A model that passed the check but did
        not load goes back to the model of before (its suggestions never left)."""
        w = self.w
        self._loading = None
        if w.store is None:
            return
        if not ok:
            if back is not None:
                self._back(what, back[0])
            return
        again = w.store.unseed_untouched(w.annotator)
        if w.view.document_id is not None:
            w.controller.invalidate()
            w.show_document(w.view.document_id)
        w.message(
            f"Suggestions now come from {what}; {again} untouched documents will show its "
            "suggestions, the current one first.",
            0,
        )

    def _back(self, what: str, previous: int | None) -> None:
        """``what`` failed to load in the suggestion process: use ``previous`` again."""
        w = self.w
        assert w.store is not None
        reason = w.model_label.toolTip().strip().splitlines()[-1:] or ["it failed"]
        back = _name(previous)
        try:
            w.store.use_model(previous)
        except KeyError:  # deleted meanwhile: nothing to go back to
            return
        failed = f"{what.capitalize()} could not be loaded: {reason[0]}"
        self._warn(
            f"{what.capitalize()} not loaded", f"{failed}\n\n{back.capitalize()} suggests again."
        )
        self._loading = back
        w.message(f"{failed}. Loading {back} again…", 0)

        def reloaded(ok: bool) -> None:
            self._loading = None
            if ok:
                w.message(f"{failed}. {back.capitalize()} suggests again.", 0)

        w.reload_suggester(back, reloaded)

    # --------------------------------------------------------- suppressions
    def suppressions(self) -> None:
        store = self.w.store
        if store is None:
            return
        self._show(SuppressionsDialog(store.suppressions(), self.set_suppression, self.w))

    def set_suppression(self, entry: Suppression, state: str | None) -> None:
        """Change the list as an undoable edit (on the document shown)."""
        w = self.w
        doc_id = w.view.document_id
        if w.store is None or doc_id is None:
            return
        edit = SetSuppression(doc_id, w.annotator, entry.text, entry.label, state, entry.state)
        w.controller.push(edit)

    def never_suggest(self, span: Span) -> None:
        """The span menu's "Never suggest": reject the suggestion and stop suggesting its text
        with its label in this project, as one undoable edit."""
        w = self.w
        if w.store is None or w.view.document_id is None:
            return
        doc_id = w.view.document_id
        text = w.view.text[span.start : span.end]
        previous = w.store.suppression_state(text, span.label)
        steps: list[Any] = [
            SetSuppression(doc_id, w.annotator, text, span.label, "suppressed", previous)
        ]
        if span.state is SpanState.SUGGESTED:
            steps.insert(0, RemoveSpan(doc_id, w.annotator, span))
        w.controller.push(
            Batch(doc_id, w.annotator, tuple(steps), f"Never suggest '{text}' as {span.label}")
        )

    # --------------------------------------------------------------- helpers
    def _show(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setModal(False)
        self.last_dialog = dialog
        if not self.w.property("noPopups"):
            dialog.show()

    def _warn(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.w
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box


def _name(model_id: int | None) -> str:
    return "the untrained suggester" if model_id is None else f"model {model_id}"

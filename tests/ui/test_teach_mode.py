"""Annotate › One suggestion at a time: one suggested span, answered alone (binary answers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Answer, Span, SpanState
from annotator.core.span_answers import SpanAnswer
from annotator.core.store import NewDocument, ProjectStore

# Document i: "NATO" (ORG) and "Putin" (PERSON), scored by the model as below. Least sure
# first: doc 1 PERSON 0.2, doc 0 ORG 0.35, doc 2 PERSON 0.5, doc 0 PERSON 0.7, ...
SCORES = [(0.35, 0.7), (0.95, 0.2), (0.9, 0.5)]
TEXTS = [
    f"Filler before. In report {i}, NATO said that Putin spoke at length. Filler after."
    for i in range(len(SCORES))
]
ORDER = [(1, "PERSON", 0.2), (0, "ORG", 0.35), (2, "PERSON", 0.5), (0, "PERSON", 0.7)]


class ScoredSuggester:
    """The same spans as the project's cache (so the window's worker changes nothing)."""

    version = "teach-1"

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]:
        for text in texts:
            i = int(text.split("report ")[1].split(",")[0])
            nato, putin = text.index("NATO"), text.index("Putin")
            yield [
                Span(nato, nato + 4, "ORG", SpanState.SUGGESTED, "model", SCORES[i][0]),
                Span(putin, putin + 5, "PERSON", SpanState.SUGGESTED, "model", SCORES[i][1]),
            ]


@pytest.fixture
def teach_project(tmp_path: Path) -> Path:
    path = tmp_path / "teach.annot"
    with ProjectStore.create(path, ["PERSON", "ORG"], pipeline="blank:en") as store:
        store.add_documents(NewDocument(text, {}) for text in TEXTS)
        found = ScoredSuggester().suggest(TEXTS)
        store.store_suggestions(zip(store.document_ids(), found, strict=True), "teach-1")
    return path


@pytest.fixture
def teach_window(make_window):  # type: ignore[no-untyped-def]
    return make_window(ScoredSuggester())


def _ids(path: Path) -> list[int]:
    with ProjectStore.open(path) as store:
        return store.document_ids()


def _enter(qtbot, window, path: Path):  # type: ignore[no-untyped-def]
    assert window.open_project(path)
    qtbot.waitUntil(lambda: window.view.document_id is not None, timeout=5000)
    window.actions_.commands["teach_mode"].trigger()
    teach = window.actions_.teach
    assert teach.active and window.central.currentWidget() is teach.panel
    qtbot.waitUntil(lambda: teach.panel.hasFocus(), timeout=5000)
    return teach


def _shown(teach, ids: list[int]) -> tuple[int, str, float | None]:  # type: ignore[no-untyped-def]
    question = teach.panel.question
    assert question is not None
    return ids.index(question.doc_id), question.span.label, question.span.score


def test_least_sure_suggestion_first_in_its_sentence(qtbot, teach_window, teach_project):  # type: ignore[no-untyped-def]
    ids = _ids(teach_project)
    teach = _enter(qtbot, teach_window, teach_project)
    assert _shown(teach, ids) == ORDER[0]
    panel = teach.panel
    # Its sentence, not the whole document; the one span drawn in it.
    assert panel.context.text == "In report 1, NATO said that Putin spoke at length."
    [span] = panel.context.spans
    assert panel.context.text[span.start : span.end] == "Putin"
    assert panel.label_chip.text() == "PERSON"
    assert "confidence 20%" in panel.details.text() and "source: model" in panel.details.text()
    assert "0 answered" in panel.status.text() and "6 left" in panel.status.text()
    # The span commands act on the text the panel hides: off while it shows.
    assert not teach_window.actions_.commands["accept_all"].isEnabled()


def test_keys_answer_exactly_that_span_never_the_document(qtbot, teach_window, teach_project):  # type: ignore[no-untyped-def]
    ids = _ids(teach_project)
    teach = _enter(qtbot, teach_window, teach_project)
    store, who = teach_window.store, teach_window.annotator
    asked = []
    for key in (Qt.Key.Key_A, Qt.Key.Key_X, Qt.Key.Key_Space):
        asked.append(teach.panel.question)
        qtbot.keyClick(teach.panel, key)
        assert len(store.answered_span_keys(who)) == len(asked)  # committed at once
    assert _shown(teach, ids) == ORDER[3]  # the next one comes
    for question, answer in zip(asked, (Answer.ACCEPT, Answer.REJECT, Answer.IGNORE), strict=True):
        span = question.span
        found = store.span_answer(question.doc_id, who, span.start, span.end, span.label)
        assert found is not None and found.answer is answer
    assert [(ids.index(q.doc_id), q.span.label) for q in asked] == [o[:2] for o in ORDER[:3]]
    assert sum(store.count_span_answers(who).values()) == 3
    # No document was answered: every one is still to do.
    assert store.count_to_do(who) == len(TEXTS)
    assert all(store.annotation_or_empty(i, who).answer is None for i in ids)
    assert "3 answered (1 accepted, 1 rejected, 1 ignored) · 3 left" in teach.panel.status.text()


def test_undo_takes_the_answer_back_and_asks_again(qtbot, teach_window, teach_project):  # type: ignore[no-untyped-def]
    ids = _ids(teach_project)
    teach = _enter(qtbot, teach_window, teach_project)
    store, who = teach_window.store, teach_window.annotator
    first = teach.panel.question
    qtbot.keyClick(teach.panel, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: _shown(teach, ids) == ORDER[1])
    assert store.answered_span_keys(who) == {first.key}
    qtbot.keyClick(teach.panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _shown(teach, ids) == ORDER[0])
    assert store.answered_span_keys(who) == set()
    assert "0 answered" in teach.panel.status.text()


def test_spans_answered_before_are_skipped(qtbot, teach_window, teach_project):  # type: ignore[no-untyped-def]
    ids = _ids(teach_project)
    with ProjectStore.open(teach_project) as store:
        who = teach_window.annotator
        for doc, label, _score in ORDER[:2]:
            text = TEXTS[doc]
            word = "Putin" if label == "PERSON" else "NATO"
            start = text.index(word)
            store.add_span_answer(
                SpanAnswer(ids[doc], who, start, start + len(word), label, Answer.ACCEPT)
            )
    teach = _enter(qtbot, teach_window, teach_project)
    assert _shown(teach, ids) == ORDER[2]
    assert "2 answered" in teach.panel.status.text() and "4 left" in teach.panel.status.text()


def test_nothing_left_is_said_and_esc_goes_back(qtbot, teach_window, teach_project):  # type: ignore[no-untyped-def]
    teach = _enter(qtbot, teach_window, teach_project)
    for _ in range(2 * len(TEXTS)):
        qtbot.keyClick(teach.panel, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: teach.panel.question is None)
    assert "Nothing left" in teach.panel.status.text()
    qtbot.keyClick(teach.panel, Qt.Key.Key_Space)  # nothing to answer: still no document answer
    assert teach_window.store.count_to_do(teach_window.annotator) == len(TEXTS)
    qtbot.keyClick(teach.panel, Qt.Key.Key_Escape)
    assert not teach.active and teach_window.central.currentWidget() is teach_window.splitter
    assert not teach_window.actions_.commands["teach_mode"].isChecked()
    assert teach_window.actions_.commands["accept_all"].isEnabled()
    qtbot.waitUntil(lambda: teach_window.view.hasFocus(), timeout=5000)


def test_the_key_is_listed_in_the_shortcuts(qtbot, teach_window, teach_project):  # type: ignore[no-untyped-def]
    from annotator.ui.shortcuts_dialog import ShortcutsDialog

    assert teach_window.open_project(teach_project)
    action = teach_window.actions_.commands["teach_mode"]
    assert action.shortcut().toString() == "Ctrl+T"
    dialog = ShortcutsDialog(teach_window.shortcuts, teach_window.store.labels(), teach_window)
    qtbot.addWidget(dialog)
    rows = {
        dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text()
        for r in range(dialog.table.rowCount())
    }
    assert rows["One suggestion at a time (on/off)"] == "Ctrl+T"
    # The key is free: no other command or label uses it.
    assert teach_window.shortcuts.owner_of("Ctrl+T", ignore="teach_mode") is None
    # The key itself switches the mode on and off.
    qtbot.waitUntil(lambda: teach_window.view.document_id is not None, timeout=5000)
    teach_window.view.setFocus()
    qtbot.keyClick(teach_window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert teach_window.actions_.teach.active
    qtbot.keyClick(
        teach_window.actions_.teach.panel, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
    )
    assert not teach_window.actions_.teach.active

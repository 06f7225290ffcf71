"""Several annotators in the window: another's work read-only, the review mode, agreement."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.core.team import REVIEWED

TEXT = "Joe Biden met NATO in Brussels with Putin."
BIDEN, NATO, PUTIN = Span(0, 9, "PERSON"), Span(14, 18, "ORG"), Span(36, 41, "PERSON")


@pytest.fixture
def team_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two documents annotated by a1 and a2 (they disagree on NATO and Putin); you are a1."""
    monkeypatch.setenv("ANNOTATOR_NAME", "a1")
    with ProjectStore.open(project) as store:
        for text in (TEXT, "Other: " + TEXT):
            shift = len(text) - len(TEXT)
            for who, spans in (("a1", (BIDEN, NATO)), ("a2", (BIDEN, PUTIN))):
                moved = tuple(s.with_(start=s.start + shift, end=s.end + shift) for s in spans)
                store.add_documents(
                    [NewDocument(text, {}, spans=moved, answer=Answer.ACCEPT, annotator=who)]
                )
        store.add_documents([NewDocument("Nobody annotated this.", {})])
    return project


def _ready(qtbot, window, project: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    window.show_document(1)
    qtbot.waitUntil(lambda: window.controller.has_tokens(window.view.document_id), timeout=10_000)


def test_another_annotators_work_is_shown_read_only(qtbot, window, team_project):  # type: ignore[no-untyped-def]
    _ready(qtbot, window, team_project)
    combo = window.team.combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["a1", "a2", REVIEWED]
    window.team.switch_to("a2")
    assert "<b>a2</b>'s annotation (read-only)" in window.doc_header.text()
    assert [s.key for s in window.view.spans] == [BIDEN.key, PUTIN.key]
    before = window.store.annotation(1, "a2")
    window.view.setFocus()
    window.view.set_caret(PUTIN.start + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert window.store.annotation(1, "a2") == before
    assert "read-only" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0
    window.team.own_action.trigger()
    assert window.annotator == "a1"
    assert [s.key for s in window.view.spans] == [BIDEN.key, NATO.key]


def test_review_with_the_annotation_keys_committed_and_undoable(qtbot, window, team_project):  # type: ignore[no-untyped-def]
    _ready(qtbot, window, team_project)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.annotator == REVIEWED
    doc_id = window.view.document_id
    reviewed = window.store.annotation(doc_id, REVIEWED)
    assert [(s.key, s.state) for s in reviewed.spans] == [
        (BIDEN.key, SpanState.ACCEPTED),  # both made it
        (NATO.key, SpanState.SUGGESTED),  # a1 only
        (PUTIN.key, SpanState.SUGGESTED),  # a2 only
    ]
    panel = window.team.panel.tree
    rows = [(panel.topLevelItem(i).text(1), panel.topLevelItem(i).text(2)) for i in range(3)]
    assert rows == [("PERSON", "a1, a2"), ("ORG", "a1"), ("PERSON", "a2")]
    assert window.team.span_note(PUTIN) == "made by a2"

    # Enter accepts NATO, Delete rejects Putin: each committed at once.
    window.view.set_caret(NATO.start + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    with ProjectStore.open_reader(team_project) as other:
        assert other.annotation(doc_id, REVIEWED).spans[1].state is SpanState.ACCEPTED
    window.view.set_caret(PUTIN.start + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert [s.key for s in window.store.annotation(doc_id, REVIEWED).spans] == [
        BIDEN.key,
        NATO.key,
    ]
    # Ctrl+Z brings Putin back as a suggestion.
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert PUTIN.key in [s.key for s in window.store.annotation(doc_id, REVIEWED).spans]
    # Taking a span from the panel is one edit too.
    window.team.take_candidate(window.team._candidates[2])
    assert window.store.annotation(doc_id, REVIEWED).spans[2].state is SpanState.ACCEPTED
    # A accepts the reviewed document and goes to the next one waiting for a review.
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert window.store.annotation(doc_id, REVIEWED).answer is Answer.ACCEPT
    assert window.view.document_id == 2 and window.store.count_to_do(REVIEWED) == 1
    # A document fewer than two people accepted has nothing to review: edits are refused.
    window.show_document(3)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert window.store.annotation(3, REVIEWED) is None
    assert "nothing to review" in window.statusBar().currentMessage()
    # The annotators' own work is untouched.
    assert [s.key for s in window.store.annotation(doc_id, "a1").spans] == [BIDEN.key, NATO.key]


def test_agreement_view_computes_and_opens_the_review(qtbot, window, team_project):  # type: ignore[no-untyped-def]
    _ready(qtbot, window, team_project)
    window.agreement.action.trigger()
    qtbot.waitUntil(lambda: window.agreement.report is not None, timeout=60_000)
    report = window.agreement.report
    assert report.documents == 2 and report.pairs[0].overall.f1 == pytest.approx(0.5)
    assert "α = " in window.agreement.summary.text()
    documents = window.agreement.documents
    assert documents.topLevelItemCount() == 2
    documents.setFocus()
    documents.setCurrentItem(documents.topLevelItem(1))
    qtbot.keyClick(documents, Qt.Key.Key_Return)
    assert window.annotator == REVIEWED
    assert window.view.document_id == int(documents.topLevelItem(1).text(0))

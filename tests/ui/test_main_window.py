"""Drive the real main window: import, draw a span by keyboard, relabel, undo/redo, answer,
reopen, export."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Answer, SpanState
from annotator.core.store import ProjectStore


def _import_sample(qtbot, window, project: Path, sample: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    window.actions_.import_paths([str(sample)])
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.view.document_id is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.controller.has_tokens(window.view.document_id), timeout=10_000)


def _select_by_keyboard(qtbot, view, start: int, length: int) -> None:  # type: ignore[no-untyped-def]
    view.setFocus()
    view.set_caret(start)
    for _ in range(length):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def test_annotate_undo_answer_reopen_export(qtbot, window, project, sample, tmp_path):  # type: ignore[no-untyped-def]
    _import_sample(qtbot, window, project, sample)
    view = window.view
    text = view.text
    name = "Jens Stoltenberg"
    start = text.index(name)
    # Select a little short of the name: the span snaps to the whole tokens.
    _select_by_keyboard(qtbot, view, start + 1, len(name) - 3)
    qtbot.keyClick(view, Qt.Key.Key_1)
    spans = {(s.start, s.end): s for s in window.controller.annotation().spans}
    assert (start, start + len(name)) in spans
    assert spans[(start, start + len(name))].label == "PERSON"
    assert window.actions_.commands["undo"].text() == "Undo Add PERSON"

    # Change its label with the caret inside the span: key 2 = ORG.
    view.set_caret(start + 2)
    qtbot.keyClick(view, Qt.Key.Key_2)
    labels = {s.label for s in window.controller.annotation().spans if s.start == start}
    assert labels == {"ORG"}

    window.undo_stack.undo()
    labels = {s.label for s in window.controller.annotation().spans if s.start == start}
    assert labels == {"PERSON"}
    window.undo_stack.redo()
    labels = {s.label for s in window.controller.annotation().spans if s.start == start}
    assert labels == {"ORG"}
    window.undo_stack.undo()  # back to PERSON

    # Accept the document with A (once its suggestions are shown).
    doc_id = window.view.document_id
    qtbot.waitUntil(
        lambda: window.store.suggestions_seeded(doc_id, window.annotator), timeout=10_000
    )
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A)
    doc_id = window.view.document_id
    assert window.store.annotation(doc_id, window.annotator).answer is Answer.ACCEPT
    assert window.progress_label.text() == "1 of 1 answered"

    # Reopen: the change is in the store and the cursor is on the document.
    window.close_project()
    assert window.open_project(project)
    assert window.view.document_id == doc_id
    annotation = window.controller.annotation()
    assert any(
        s.start == start and s.label == "PERSON" and s.state is SpanState.ACCEPTED
        for s in annotation.spans
    )

    out = tmp_path / "out.jsonl"
    window.actions_.export(str(out), "jsonl", (Answer.ACCEPT,))
    qtbot.waitUntil(lambda: out.exists(), timeout=10_000)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 1
    exported = {(s["start"], s["end"], s["label"]) for s in records[0]["spans"]}
    assert (start, start + len(name), "PERSON") in exported
    assert records[0]["answer"] == "accept"


def test_suggestions_seeded_and_accepted(qtbot, window, project, sample):  # type: ignore[no-untyped-def]
    _import_sample(qtbot, window, project, sample)
    qtbot.waitUntil(
        lambda: any(s.state is SpanState.SUGGESTED for s in window.view.spans), timeout=10_000
    )
    view = window.view
    first = view.neighbour_span(forward=True)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.current_span() == first
    qtbot.keyClick(view, Qt.Key.Key_Return)
    accepted = [s for s in window.controller.annotation().spans if s.key == first.key]
    assert accepted[0].state is SpanState.ACCEPTED
    # Reject the next suggestion with Delete.
    following = view.current_span()
    assert following is not None and following.state is SpanState.SUGGESTED
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert following.key not in {s.key for s in window.controller.annotation().spans}
    # Accept all the rest in one undoable step.
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert not window.controller.annotation().suggested
    window.undo_stack.undo()
    assert window.controller.annotation().suggested


def test_typing_in_search_box_does_not_answer(qtbot, window, project, sample):  # type: ignore[no-untyped-def]
    _import_sample(qtbot, window, project, sample)
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "xa ")
    doc_id = window.view.document_id
    assert window.store.annotation_or_empty(doc_id, window.annotator).answer is None


def test_misaligned_selection_says_why(qtbot, window, project, sample):  # type: ignore[no-untyped-def]
    _import_sample(qtbot, window, project, sample)
    view = window.view
    gap = view.text.index("  ") if "  " in view.text else None
    # A selection of only a space cannot become a span.
    position = view.text.index(" ")
    view.set_caret(position + 1, anchor=position)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert "whitespace" in window.statusBar().currentMessage()
    assert not window.controller.annotation().accepted
    del gap


def test_resize_by_token(qtbot, window, project, sample):  # type: ignore[no-untyped-def]
    _import_sample(qtbot, window, project, sample)
    view = window.view
    start = view.text.index("Jens")
    view.set_caret(start + 4, anchor=start)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_1)
    view.set_caret(start + 1)
    window.controller.resize("end", grow=True)
    spans = window.controller.annotation().spans
    assert [(s.start, s.end) for s in spans if s.label == "PERSON"] == [
        (start, start + len("Jens Stoltenberg"))
    ]


def test_store_reopened_independently_sees_edit(qtbot, window, project, sample):  # type: ignore[no-untyped-def]
    """Nothing is lost: another connection sees the edit at once (it was committed)."""
    _import_sample(qtbot, window, project, sample)
    view = window.view
    start = view.text.index("Belarus")
    view.set_caret(start + len("Belarus"), anchor=start)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_2)
    with ProjectStore.open(project) as other:
        spans = other.annotation(view.document_id, window.annotator).spans
    assert any(s.start == start and s.label == "ORG" for s in spans)
    QApplication.processEvents()

"""Renaming, recolouring, reordering or rebinding labels keeps the undo history usable.

Edits made before a rename undo and redo under the label's new name (never the old one,
which no longer exists in the project), and nothing is cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import SpanState
from annotator.ui.labels_dialog import LabelsDialog

NAME = "Jens Stoltenberg"


def _open_sample(qtbot, window, project: Path, sample: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    window.actions_.import_paths([str(sample)])
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.view.document_id is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.controller.has_tokens(window.view.document_id), timeout=10_000)


def _label_name(qtbot, window, key: Qt.Key) -> int:  # type: ignore[no-untyped-def]
    """Select NAME and press a label key; returns where the span starts."""
    view = window.view
    start = view.text.index(NAME)
    view.setFocus()
    view.set_caret(start + len(NAME), anchor=start)
    qtbot.keyClick(view, key)
    return start


def _spans_at(window, start: int) -> list[tuple[str, SpanState]]:  # type: ignore[no-untyped-def]
    """The span at ``start`` as the window shows it and as the project file holds it."""
    shown = [(s.label, s.state) for s in window.controller.annotation().spans if s.start == start]
    stored = window.store.annotation_or_empty(window.view.document_id, window.annotator)
    assert shown == [(s.label, s.state) for s in stored.spans if s.start == start]
    return shown


def _edit_labels(monkeypatch, window, change: Callable[[LabelsDialog], None]) -> None:  # type: ignore[no-untyped-def]
    """Run Edit › Labels… as a user would: change the table, press OK."""

    def run(dialog: LabelsDialog) -> LabelsDialog.DialogCode:
        change(dialog)
        dialog.accept()
        assert dialog.result_labels is not None, "the dialog refused the change"
        return LabelsDialog.DialogCode.Accepted

    monkeypatch.setattr(LabelsDialog, "exec", run)
    window.actions_.labels_dialog()


@pytest.fixture
def errors(window) -> list[str]:  # type: ignore[no-untyped-def]
    """Messages of edits the store refused (an undo naming a span that is not there)."""
    seen: list[str] = []
    window.controller.message.connect(
        lambda text: seen.append(text) if text.startswith("Could not") else None
    )
    return seen


def test_undo_after_rename_restores_span_under_new_name(  # type: ignore[no-untyped-def]
    qtbot, window, project, sample, monkeypatch, errors
):
    _open_sample(qtbot, window, project, sample)
    start = _label_name(qtbot, window, Qt.Key.Key_1)  # Add PERSON
    window.view.set_caret(start + 2)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # Delete PERSON
    assert _spans_at(window, start) == []
    assert window.undo_stack.count() == 2

    _edit_labels(monkeypatch, window, lambda d: d.table.item(0, 0).setText("PER"))

    assert window.store.labels().names[0] == "PER"
    assert window.undo_stack.count() == 2  # not cleared
    assert window.actions_.commands["undo"].text() == "Undo Delete PER"
    window.undo_stack.undo()  # the deleted span comes back, under the name it has now
    assert _spans_at(window, start) == [("PER", SpanState.ACCEPTED)]
    assert window.actions_.commands["undo"].text() == "Undo Add PER"
    assert window.actions_.commands["redo"].text() == "Redo Delete PER"
    window.undo_stack.undo()  # the span added before the rename goes
    assert _spans_at(window, start) == []
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert _spans_at(window, start) == []
    window.undo_stack.undo()
    assert _spans_at(window, start) == [("PER", SpanState.ACCEPTED)]
    assert not any("PERSON" in s.label for s in window.view.spans)
    assert errors == []


def test_a_batch_edit_is_renamed_too(qtbot, window, project, sample, monkeypatch, errors):  # type: ignore[no-untyped-def]
    """Labelling over a suggestion is one edit of two steps ('Add PERSON')."""
    _open_sample(qtbot, window, project, sample)
    qtbot.waitUntil(lambda: any(s.label == "ORG" for s in window.view.spans), timeout=10_000)
    view = window.view
    start = view.text.index("NATO")
    assert _spans_at(window, start) == [("ORG", SpanState.SUGGESTED)]
    view.setFocus()
    view.set_caret(start + 4, anchor=start)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert _spans_at(window, start) == [("PERSON", SpanState.ACCEPTED)]

    _edit_labels(monkeypatch, window, lambda d: d.table.item(0, 0).setText("PER"))

    assert window.actions_.commands["undo"].text() == "Undo Add PER"
    window.undo_stack.undo()
    assert _spans_at(window, start) == [("ORG", SpanState.SUGGESTED)]
    window.undo_stack.redo()
    assert _spans_at(window, start) == [("PER", SpanState.ACCEPTED)]
    assert errors == []


def test_redo_after_rename_uses_new_name(qtbot, window, project, sample, monkeypatch, errors):  # type: ignore[no-untyped-def]
    _open_sample(qtbot, window, project, sample)
    start = _label_name(qtbot, window, Qt.Key.Key_2)  # Add ORG
    window.undo_stack.undo()
    assert _spans_at(window, start) == []

    _edit_labels(monkeypatch, window, lambda d: d.table.item(1, 0).setText("ORGANIZATION"))

    assert window.undo_stack.canRedo()
    window.undo_stack.redo()
    assert _spans_at(window, start) == [("ORGANIZATION", SpanState.ACCEPTED)]
    window.undo_stack.undo()
    assert _spans_at(window, start) == []
    assert errors == []


def test_swapped_names_swap_in_history(qtbot, window, project, sample, monkeypatch, errors):  # type: ignore[no-untyped-def]
    _open_sample(qtbot, window, project, sample)
    start = _label_name(qtbot, window, Qt.Key.Key_1)  # Add PERSON
    window.view.set_caret(start + 2)
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # Relabel PERSON -> ORG

    def swap(dialog: LabelsDialog) -> None:
        dialog.table.item(0, 0).setText("ORG")
        dialog.table.item(1, 0).setText("PERSON")

    _edit_labels(monkeypatch, window, swap)

    assert _spans_at(window, start) == [("PERSON", SpanState.ACCEPTED)]  # was ORG
    assert window.actions_.commands["undo"].text() == "Undo Relabel ORG → PERSON"
    window.undo_stack.undo()
    assert _spans_at(window, start) == [("ORG", SpanState.ACCEPTED)]
    window.undo_stack.undo()
    assert _spans_at(window, start) == []
    assert errors == []


def test_recolour_reorder_rebind_keep_undo(qtbot, window, project, sample, monkeypatch, errors):  # type: ignore[no-untyped-def]
    _open_sample(qtbot, window, project, sample)
    start = _label_name(qtbot, window, Qt.Key.Key_1)  # Add PERSON

    def restyle(dialog: LabelsDialog) -> None:
        dialog.set_color(0, "#123456")
        dialog.table.item(3, 2).setText("7")  # QUANTITY's key
        dialog.table.setCurrentCell(0, 0)
        dialog.move_row(1)  # PERSON below ORG

    _edit_labels(monkeypatch, window, restyle)

    labels = window.store.labels()
    assert labels.names == ["ORG", "PERSON", "WEAPON", "QUANTITY"]
    assert labels.get("PERSON").color == "#123456"  # type: ignore[union-attr]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert _spans_at(window, start) == []
    window.undo_stack.redo()
    assert _spans_at(window, start) == [("PERSON", SpanState.ACCEPTED)]
    assert errors == []

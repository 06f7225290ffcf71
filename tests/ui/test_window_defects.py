"""Issue 12, part 3: smaller defects of the window (dialog folders, the shortcut editor and
table, toolbar buttons that moved)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from annotator.core.model import LabelSet, Span
from annotator.core.store import NewDocument, ProjectStore
from annotator.ui.shortcuts_dialog import KeyCaptureDialog, ShortcutsDialog


def test_file_dialogs_open_in_the_project_folder(  # type: ignore[no-untyped-def]
    qtbot, window, project, monkeypatch, tmp_path
):
    asked: list[str] = []

    def many(parent, title, folder, filters):  # type: ignore[no-untyped-def]
        asked.append(folder)
        return [], ""

    def one(parent, title, folder, filters):  # type: ignore[no-untyped-def]
        asked.append(folder)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(many))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(one))
    monkeypatch.chdir(tmp_path.parent)  # the working directory is elsewhere
    assert window.open_project(project)
    window.actions_.import_dialog()
    window.close_project()
    window.actions_.open_dialog()  # no project open: the last project's folder
    assert asked == [str(project.parent), str(project.parent)]


def test_return_confirms_the_key_it_does_not_replace_it(qtbot):  # type: ignore[no-untyped-def]
    dialog = KeyCaptureDialog("Next span", QKeySequence("Tab"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    target = dialog.edit.focusProxy() or dialog.edit
    dialog.edit.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert dialog.edit.keySequence().toString() == "Ctrl+J"
    qtbot.keyClick(target, Qt.Key.Key_Return)
    assert dialog.result() == KeyCaptureDialog.DialogCode.Accepted
    assert dialog.key_sequence().toString() == "Ctrl+J"

    # Return pressed first is the key wanted: it can still be bound.
    first = KeyCaptureDialog("Accept", QKeySequence("A"))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.edit.setFocus()
    qtbot.keyClick(first.edit.focusProxy() or first.edit, Qt.Key.Key_Return)
    assert first.key_sequence().toString() == "Return"


def test_shortcuts_table_shows_its_last_row(qtbot, settings):  # type: ignore[no-untyped-def]
    from annotator.ui.shortcuts import ShortcutMap

    labels = LabelSet.from_names(["PERSON", "ORG", "WEAPON", "QUANTITY"])
    dialog = ShortcutsDialog(ShortcutMap(settings), labels)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    last = table.rowCount() - 1
    bottom = table.rowViewportPosition(last) + table.rowHeight(last)
    assert bottom <= table.viewport().height()


@pytest.mark.parametrize("cid", ["undo", "redo"])
def test_toolbar_buttons_stay_put_when_undo_text_changes(qtbot, window, project, cid):  # type: ignore[no-untyped-def]
    store = ProjectStore.open(project)
    store.add_documents([NewDocument("Joe Biden met NATO in Brussels.", {})])
    store.close()
    assert window.open_project(project)
    toolbar = window.actions_.toolbar
    last = toolbar.widgetForAction(window.actions_.commands["reject_span"])
    before = last.geometry()
    doc_id = window.view.document_id
    span = Span(0, 9, "PERSON")
    from annotator.core.edits import AddSpan

    window.controller.push(AddSpan(doc_id, window.annotator, span))
    if cid == "redo":
        window.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(window.undo_stack.undoText() or window.undo_stack.redoText()))
    toolbar.layout().activate()
    assert last.geometry() == before
    action = window.actions_.commands[cid]
    assert "PERSON" in action.text() and "PERSON" in action.toolTip()
    assert "PERSON" not in toolbar.widgetForAction(action).text()

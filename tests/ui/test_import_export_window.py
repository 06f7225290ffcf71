"""File › Import and Export through the window: the job runs in a child process; its report,
its cancel, a dead child and closing the window mid-job."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QPushButton

from annotator.core.model import Answer
from annotator.core.store import ProjectStore

CHILD_S = 60_000  # ms: a spawned child imports the package and a blank pipeline


def _jsonl(path: Path, count: int, bad_line: int | None = None) -> Path:
    lines = []
    for i in range(count):
        text = f"Jens Stoltenberg met NATO officials in Brussels, report {i}."
        spans = [{"start": 0, "end": 16, "label": "PERSON"}]
        lines.append(json.dumps({"text": text, "spans": spans}))
    if bad_line is not None:
        lines[bad_line - 1] = "not json at all"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _status(window) -> str:  # type: ignore[no-untyped-def]
    return str(window.statusBar().currentMessage())


def test_import_lists_the_bad_line_and_refreshes_the_list(qtbot, window, project, tmp_path):  # type: ignore[no-untyped-def]
    data = _jsonl(tmp_path / "docs.jsonl", 4, bad_line=2)
    assert window.open_project(project)
    run = window.actions_.import_paths([str(data)])
    assert run is not None and run.process.pid != os.getpid()
    qtbot.waitUntil(lambda: _status(window).startswith("Import:"), timeout=CHILD_S)
    assert "3 added" in _status(window) and "1 bad records" in _status(window)
    assert window.list_model.rowCount() == 3
    assert window.view.document_id is not None  # the first document is shown
    table = window.actions_.last_report.table
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["2"]
    assert table.item(0, 0).text() == "docs.jsonl"
    qtbot.waitUntil(lambda: not run.process.is_alive(), timeout=5000)
    assert window.actions_.running_tasks() == []


def test_export_with_a_note_does_not_block(qtbot, window, project, tmp_path):  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    out = tmp_path / "out.jsonl"
    window.actions_.export(str(out), "jsonl", (Answer.ACCEPT,))
    qtbot.waitUntil(lambda: _status(window).startswith("Exported"), timeout=CHILD_S)
    assert out.read_text() == ""
    box = window.actions_.last_message
    assert isinstance(box, QMessageBox) and "the file is empty" in box.text()
    box.close()


def test_cancel_from_the_dialog_keeps_nothing(qtbot, window, project, tmp_path):  # type: ignore[no-untyped-def]
    data = _jsonl(tmp_path / "docs.jsonl", 1500)
    assert window.open_project(project)
    run = window.actions_.import_paths([str(data)])
    run.dialog.findChild(QPushButton).click()  # Cancel; the child stops at its first check
    qtbot.waitUntil(lambda: "cancelled" in _status(window), timeout=CHILD_S)
    assert _status(window) == "Import cancelled; nothing of the file under way was kept."
    assert window.list_model.rowCount() == 0
    with ProjectStore.open(project) as store:
        assert store.document_rows(window.annotator) == []


def test_a_killed_child_is_reported(qtbot, window, project, tmp_path):  # type: ignore[no-untyped-def]
    data = _jsonl(tmp_path / "docs.jsonl", 20_000)
    assert window.open_project(project)
    run = window.actions_.import_paths([str(data)])
    os.kill(run.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: _status(window).startswith("Import failed"), timeout=CHILD_S)
    assert "ended unexpectedly (killed by signal 9)" in _status(window)
    box = window.actions_.last_message
    assert box.windowTitle() == "Import failed"
    box.close()
    assert run.over and not run.process.is_alive()  # the dialog is gone, the child reaped


def test_closing_the_window_stops_the_job(qtbot, window, project, tmp_path):  # type: ignore[no-untyped-def]
    data = _jsonl(tmp_path / "docs.jsonl", 50_000)
    assert window.open_project(project)
    run = window.actions_.import_paths([str(data)])
    qtbot.waitUntil(lambda: run.dialog.labelText().count("of") > 0, timeout=CHILD_S)
    window.close()
    assert not run.process.is_alive()
    assert run.process.exitcode == 0  # it honoured the cancel (no terminate needed)
    with ProjectStore.open(project) as store:
        assert store.document_rows("anyone") == []  # the file under way was rolled back

"""Token boundaries come from the suggestion process: the GUI process never imports spaCy,
and a label key pressed before a document's tokens arrived says so instead of guessing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.model import SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.ui.editing import TOKENS_LOADING

TEXT = "NATO said Jens Stoltenberg met officials in Brussels on Friday."


def _fill(project: Path, count: int = 1) -> None:
    with ProjectStore.open(project) as store:  # the conftest project: blank:en
        store.add_documents(NewDocument(f"{TEXT} ({i})", {}) for i in range(count))


def test_label_before_tokens_arrive_is_refused_with_a_message(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project, 8)
    assert window.open_project(project)
    doc_id = window.view.document_id
    qtbot.waitUntil(lambda: window.controller.has_tokens(doc_id), timeout=10_000)
    # The documents after it were asked for too (look-ahead), not only the one on screen.
    following = window.list_model.doc_ids()[1]
    qtbot.waitUntil(lambda: window.controller.has_tokens(following), timeout=10_000)

    window.controller.clear_tokens()  # as if they had not arrived yet
    view = window.view
    start = view.text.index("Jens")
    view.set_caret(start + 7, anchor=start + 1)  # "ens St": would snap to "Jens Stoltenberg"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert window.statusBar().currentMessage() == TOKENS_LOADING
    assert not window.controller.annotation().accepted  # nothing created, nothing queued
    window.controller.resize("end", grow=True)  # widening needs them too
    assert not window.controller.annotation().accepted

    window._request_suggestions()  # shown again: asked again
    qtbot.waitUntil(lambda: window.controller.has_tokens(doc_id), timeout=10_000)
    view.set_caret(start + 7, anchor=start + 1)
    qtbot.keyClick(view, Qt.Key.Key_1)
    spans = window.controller.annotation().accepted
    assert [(view.text[s.start : s.end], s.label, s.state) for s in spans] == [
        ("Jens Stoltenberg", "PERSON", SpanState.ACCEPTED)
    ]


def test_a_token_failure_is_said_not_waited_for(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.suggest_worker is not None, timeout=5000)
    window.controller.clear_tokens()
    window.controller.tokens_failed(-1, "Traceback...\nPipelineError: no such pipeline")
    view = window.view
    view.set_caret(4, anchor=0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_1)
    message = window.statusBar().currentMessage()
    assert "no such pipeline" in message and message != TOKENS_LOADING
    assert not window.controller.annotation().accepted


def test_token_cache_is_bounded(window) -> None:  # type: ignore[no-untyped-def]
    controller = window.controller
    for doc_id in range(controller.TOKEN_CACHE + 10):
        controller.set_tokens(doc_id, [0], [1], [False])
    assert not controller.has_tokens(0) and controller.has_tokens(controller.TOKEN_CACHE + 9)


_GUI = textwrap.dedent(
    """
    import json, sys, time
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from annotator.core.model import Answer
    from annotator.ui.main_window import MainWindow

    app = QApplication([])
    window = MainWindow(QSettings(sys.argv[2], QSettings.Format.IniFormat))  # default factory
    window.setProperty("noPopups", True)
    window.show()
    assert window.open_project(sys.argv[1])
    doc_id = window.view.document_id

    def wait(check, seconds=60.0):
        deadline = time.monotonic() + seconds
        while not check():
            if time.monotonic() > deadline:
                return False
            app.processEvents()
            time.sleep(0.005)
        return True

    tokens = wait(lambda: window.controller.has_tokens(doc_id))
    view = window.view
    start = view.text.index("Jens")
    view.setFocus()
    view.set_caret(start + 1)
    for _ in range(6):
        QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(view, Qt.Key.Key_1)
    spans = [view.text[s.start : s.end] for s in window.controller.annotation().accepted]
    suggested = wait(lambda: window.suggest_version is not None)
    # File › Import and Export: their jobs (the tokenizer) run in a child process too.
    window.actions_.import_paths([sys.argv[3]])
    status = window.statusBar().currentMessage
    imported = wait(lambda: status().startswith("Import:")) and status()
    window.actions_.export(sys.argv[4], "jsonl", (Answer.ACCEPT,))
    exported = wait(lambda: status().startswith("Exported")) and status()
    result = {
        "imported": imported,
        "exported": exported,
        "tokens": tokens,
        "suggester": suggested,
        "spans": spans,
        "child": window.suggest_worker.suggest_process.pid,
        "spacy": sorted(m for m in sys.modules if m == "spacy" or m.startswith("spacy.")),
        "thinc": "thinc" in sys.modules,
    }
    window.close()
    print("RESULT " + json.dumps(result))
    """
)


def test_gui_process_never_imports_spacy(project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The real window with the default suggester: tokens and suggestions come from the
    child process, and a span drawn with the keyboard snaps to them; an import and an export
    through the File menu's actions run in child processes too; spaCy stays out."""
    _fill(project)
    data = tmp_path / "more.jsonl"
    data.write_text(
        json.dumps(
            {
                "text": "Olaf Scholz visited Vilnius.",
                "spans": [{"start": 0, "end": 11, "label": "PERSON"}],
            }
        )
        + "\n"
        + json.dumps({"text": "A second article."})
        + "\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = [str(project), str(tmp_path / "settings.ini"), str(data), str(tmp_path / "out.jsonl")]
    done = subprocess.run(
        [sys.executable, "-c", _GUI, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout + done.stderr
    result = json.loads(lines[-1][len("RESULT ") :])
    assert result["tokens"] and result["suggester"]
    assert result["spans"] == ["Jens Stoltenberg"]  # "ens St" snapped to the tokens
    assert result["child"]  # the suggestion process was running
    assert result["imported"].startswith("Import: 1 files: 2 added"), result
    assert result["exported"].startswith("Exported 1 documents, 1 spans"), result
    assert result["spacy"] == [] and not result["thinc"]


def test_suggestions_off_still_gets_tokens(qtbot, settings, project):  # type: ignore[no-untyped-def]
    """No suggester, but spans still snap: a tokens-only child process serves them."""
    from annotator.ui.main_window import MainWindow

    _fill(project)
    window = MainWindow(settings, suggester_factory=None)
    window.setProperty("noPopups", True)
    qtbot.addWidget(window)
    assert window.open_project(project)
    doc_id = window.view.document_id
    qtbot.waitUntil(lambda: window.controller.has_tokens(doc_id), timeout=60_000)
    assert window.model_label.text() == "Suggestions off"
    assert window.actions_.suggest_all() is None
    child = window.suggest_worker.suggest_process
    window.close_project()
    assert not child.is_alive() and child.exitcode == 0

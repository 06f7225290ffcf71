"""The window's default suggester runs in a child process: suggestions appear, the child
ends with the project, and a child that dies is reported in the window."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.suggest_process import SuggestProcess

TEXTS = [f"Report {i}: Russia moved Iskander launchers to the border." for i in range(20)]


def _fill(project: Path) -> None:
    store = ProjectStore.open(project)  # the conftest project: blank:en, patterns only
    store.add_documents(NewDocument(text, {}) for text in TEXTS)
    store.close()


def _child(window) -> SuggestProcess:  # type: ignore[no-untyped-def]
    process = window.suggest_worker.suggest_process
    assert isinstance(process, SuggestProcess)
    return process


def test_default_suggester_runs_in_a_child_process(qtbot, settings, project):  # type: ignore[no-untyped-def]
    from annotator.ui.main_window import MainWindow

    _fill(project)
    window = MainWindow(settings)  # the default factory: the child process
    window.setProperty("noPopups", True)
    qtbot.addWidget(window)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.suggest_version is not None, timeout=60_000)
    child = _child(window)
    assert child.is_alive() and child.pid != os.getpid()

    # The document on screen gets its suggestion from the child, through the store.
    def shown() -> list[str]:
        annotation = window.controller.annotation()
        return [window.view.text[s.start : s.end] for s in annotation.suggested]

    qtbot.waitUntil(lambda: shown() == ["Iskander"], timeout=30_000)
    run = window.actions_.suggest_all()
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=60_000) as finished:
        pass
    assert finished.args[1] is False
    with ProjectStore.open(project) as store:
        assert store.documents_without_suggestions(window.suggest_version) == []
    window.close_project()
    assert not child.is_alive() and child.exitcode == 0  # joined after "stop", no zombie


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_child_that_dies_is_reported(qtbot, settings, project):  # type: ignore[no-untyped-def]
    from annotator.ui.main_window import MainWindow

    _fill(project)
    window = MainWindow(settings)
    window.setProperty("noPopups", True)
    qtbot.addWidget(window)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.suggest_version is not None, timeout=60_000)
    child = _child(window)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)  # while idle: noticed without any request
    qtbot.waitUntil(lambda: "unavailable" in window.model_label.text(), timeout=30_000)
    assert "ended unexpectedly" in window.model_label.toolTip()
    window.close_project()  # no hang: the worker already ended
    assert not child.is_alive()

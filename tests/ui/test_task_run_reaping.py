"""A job's outcome is handed over at once; the child that sent it is reaped later by the same
poll, never waited for on the GUI thread (a training child's exit froze the window)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from annotator.formats.task_process import ImportJob
from annotator.ui.import_export_dialogs import TaskRun


class _EndingChild:
    """A child that has sent its outcome and is still ending."""

    def __init__(self) -> None:
        self.alive = True
        self.stops: list[float] = []
        self.cancel_requested = False
        self._sent = False

    def poll(self) -> list[tuple[Any, ...]]:
        if self._sent:
            return []
        self._sent = True
        return [("progress", 1, 1, "Training"), ("done", "report")]

    def is_alive(self) -> bool:
        return self.alive

    def stop(self, grace: float = 5.0) -> int | None:
        self.stops.append(grace)
        self.alive = False
        return 0


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _run(parent: QWidget, tmp_path: Any, done: list[Any]) -> tuple[TaskRun, _EndingChild]:
    run = TaskRun(
        parent, str(tmp_path / "p.annot"), ImportJob(()), "Training", done.append, done.append
    )
    run.process.stop(grace=0.0)  # never started: only its queue to close
    child = _EndingChild()
    run.process = child  # type: ignore[assignment]
    return run, child


def test_the_outcome_does_not_wait_for_the_child_to_end(parent, tmp_path):  # type: ignore[no-untyped-def]
    done: list[Any] = []
    run, child = _run(parent, tmp_path, done)
    run.poll()
    assert done == ["report"] and run.over
    assert child.stops == [] and not run.reaped  # still ending: not joined here
    run.poll()
    assert child.stops == []
    child.alive = False
    run.poll()  # the next poll after it ended reaps it, without waiting
    assert child.stops == [0.0] and run.reaped
    run.poll()
    assert child.stops == [0.0]


def test_closing_the_window_reaps_a_child_still_ending(parent, tmp_path):  # type: ignore[no-untyped-def]
    done: list[Any] = []
    run, child = _run(parent, tmp_path, done)
    run.poll()
    run.stop(grace=3.0)
    assert child.stops == [3.0] and run.reaped
    run.stop()
    assert child.stops == [3.0]


def test_a_child_that_lingers_is_ended(parent, tmp_path):  # type: ignore[no-untyped-def]
    done: list[Any] = []
    run, child = _run(parent, tmp_path, done)
    run.REAP_GRACE_S = -1.0
    run.poll()
    assert child.stops == [0.0] and run.reaped  # past its grace: ended (terminated if need be)

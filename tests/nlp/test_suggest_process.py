"""The Suggester in a child process: load, suggest into the store, reload, crash, stop.

Real child processes with the blank:en pipeline (patterns only): each start costs about a
second (a fresh interpreter importing spaCy), so the checks share a few processes.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from annotator.core.model import DEFAULT_LABELS
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.suggest_process import SuggestProcess, SuggestProcessDied

TEXTS = [
    "Russia moved Iskander launchers to the border.",
    "Nothing to see in this sentence at all.",
    "The Patriot batteries and more Iskander missiles.",
    "Kestrel drones were seen over the city.",
]


def _project(tmp_path: Path, pipeline: str = "blank:en") -> tuple[Path, list[int]]:
    path = tmp_path / "p.annot"
    store = ProjectStore.create(path, DEFAULT_LABELS, pipeline=pipeline)
    store.add_documents(NewDocument(text, {}) for text in TEXTS)
    ids = store.document_ids()
    store.close()
    return path, ids


def _reply(process: SuggestProcess) -> tuple[object, ...]:
    reply = process.reply(timeout=60)
    assert reply is not None, "no reply from the suggestion process within 60 s"
    return reply


def test_child_suggests_into_the_store_reloads_and_stops(tmp_path: Path) -> None:
    path, ids = _project(tmp_path)
    process = SuggestProcess(path)
    process.start()
    try:
        ready = _reply(process)
        assert ready[0] == "ready", ready
        version = str(ready[1])
        assert version.startswith("blank_en-")

        process.suggest(ids[:3])
        assert _reply(process) == ("done", ids[:3], version)
        with ProjectStore.open(path) as store:  # the parent reads what the child stored
            first = store.cached_suggestions(ids[0], version)
            assert first is not None
            assert [(s.label, TEXTS[0][s.start : s.end]) for s in first] == [("WEAPON", "Iskander")]
            assert store.cached_suggestions(ids[1], version) == []
            assert store.cached_suggestions(ids[3], version) is None  # not asked for
            # A project pattern changes the suggester's version once the child reloads.
            assert store.add_project_pattern({"label": "WEAPON", "pattern": "Kestrel"})

        process.reload()
        reloaded = _reply(process)
        assert reloaded[0] == "ready" and reloaded[1] != version
        process.suggest([ids[3]])
        assert _reply(process) == ("done", [ids[3]], reloaded[1])
        with ProjectStore.open(path) as store:
            spans = store.cached_suggestions(ids[3], str(reloaded[1]))
            assert spans is not None
            assert [TEXTS[3][s.start : s.end] for s in spans] == ["Kestrel"]
    finally:
        code = process.stop()
    assert code == 0  # it ended on "stop", not by terminate
    assert not process.is_alive()
    assert process.stop() == 0  # a second stop is harmless


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_dead_child_is_reported_not_waited_for(tmp_path: Path) -> None:
    path, ids = _project(tmp_path)
    process = SuggestProcess(path)
    process.start()
    try:
        assert _reply(process)[0] == "ready"
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.suggest(ids)
        with pytest.raises(SuggestProcessDied, match="exit code -9"):
            process.reply(timeout=30)
    finally:
        assert process.stop(grace=0.5) == -signal.SIGKILL
    assert not process.is_alive()


def test_a_pipeline_that_cannot_load_is_a_reply_and_stop_still_joins(tmp_path: Path) -> None:
    path, ids = _project(tmp_path, pipeline="no_such_pipeline_pkg")
    process = SuggestProcess(path)
    process.start()
    try:
        failed = _reply(process)
        assert failed[0] == "failed" and "no_such_pipeline_pkg" in str(failed[1])
        process.suggest(ids[:1])  # asked anyway: an error reply, the child lives on
        assert _reply(process)[0] == "error"
        assert process.is_alive()
    finally:
        assert process.stop() == 0


def test_stop_before_start(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    process = SuggestProcess(path)
    assert process.stop() is None  # never started: nothing to join

"""The tokenizer and Suggester in a child process: tokens first, load, suggest into the
store, reload, crash, stop.

Real child processes with the blank:en pipeline (patterns only): each start costs about a
second (a fresh interpreter importing spaCy), so the checks share a few processes. The
priority of token requests over the model is checked on ``serve`` itself, in a thread, with
a model that loads only when the test lets it.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
from pathlib import Path

import pytest

from annotator.core.model import DEFAULT_LABELS
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.suggest_process import SuggestProcess, SuggestProcessDied, serve
from annotator.nlp.tokens import TokenIndex, Tokenizer

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
        process.tokens(ids[0])
        process.tokens(10_000)  # no such document
        replies = [_reply(process) for _ in range(4)]
        kinds = [r[0] for r in replies]
        assert kinds.index("tokens-ready") < kinds.index("tokens"), kinds
        assert sorted(kinds) == ["ready", "tokens", "tokens-error", "tokens-ready"]
        ready = replies[kinds.index("ready")]
        version = str(ready[1])
        assert version.startswith("blank_en-")
        # Plain lists, from which the GUI builds the same TokenIndex as spaCy's own.
        _, doc_id, starts, ends, spaces = replies[kinds.index("tokens")]
        assert doc_id == ids[0] and type(starts) is list and type(spaces) is list
        index = TokenIndex(TEXTS[0], tuple(starts), tuple(ends), tuple(spaces))
        assert index == Tokenizer.for_pipeline("blank:en").index(TEXTS[0])
        assert replies[kinds.index("tokens-error")][1:] == (
            10_000,
            "document 10000 is no longer in the project",
        )

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
        assert [_reply(process)[0] for _ in range(2)] == ["tokens-ready", "ready"]
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
        tokens_failed, failed = _reply(process), _reply(process)
        assert tokens_failed[0] == "tokens-failed" and "no_such_pipeline_pkg" in tokens_failed[1]
        assert failed[0] == "failed" and "no_such_pipeline_pkg" in str(failed[1])
        process.suggest(ids[:1])  # asked anyway: an error reply, the child lives on
        assert _reply(process)[0] == "error"
        process.tokens(ids[0])  # a token request says why it cannot be answered
        refused = _reply(process)
        assert refused[:2] == ("tokens-error", ids[0]) and "could not be loaded" in refused[2]
        assert process.is_alive()
    finally:
        assert process.stop() == 0


def test_stop_before_start(tmp_path: Path) -> None:
    path, _ = _project(tmp_path)
    process = SuggestProcess(path)
    assert process.stop() is None  # never started: nothing to join


def test_tokens_are_answered_while_the_model_loads_and_before_queued_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document on screen needs its tokens for the first keystroke: they never wait for
    the model, neither while it loads nor behind a suggestion batch."""
    import annotator.nlp.preannotate as preannotate

    path, ids = _project(tmp_path)
    gate = threading.Event()
    real = preannotate.suggester_for_project

    def slow_model(store: ProjectStore) -> object:
        assert gate.wait(30), "the test never let the model load"
        return real(store)

    monkeypatch.setattr(preannotate, "suggester_for_project", slow_model)
    monkeypatch.setattr(os, "nice", lambda _: 0, raising=False)  # not this test process
    requests: queue.Queue[tuple[object, ...]] = queue.Queue()
    replies: queue.Queue[tuple[object, ...]] = queue.Queue()
    child = threading.Thread(target=serve, args=(str(path), requests, replies), daemon=True)
    child.start()
    try:
        requests.put(("tokens", ids[1]))
        assert replies.get(timeout=30) == ("tokens-ready",)
        assert replies.get(timeout=30)[:2] == ("tokens", ids[1])  # the model is still loading
        requests.put(("suggest", ids[:2]))  # waits for the model...
        requests.put(("tokens", ids[2]))  # ...this does not
        assert replies.get(timeout=30)[:2] == ("tokens", ids[2])
        assert replies.empty()
        gate.set()
        assert replies.get(timeout=30)[0] == "ready"
        assert replies.get(timeout=30)[:2] == ("done", ids[:2])
    finally:
        gate.set()
        requests.put(("stop",))
        child.join(10)
    assert not child.is_alive()

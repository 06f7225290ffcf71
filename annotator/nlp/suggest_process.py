"""The project's Suggester in a child process, so the GUI process never runs spaCy.

A spaCy pipeline running in a thread holds the GIL for tens of milliseconds at a time (model
load, ``nlp.pipe``), and the GUI thread cannot paint meanwhile. In a child process it costs
the GUI nothing but a few small messages.

``SuggestProcess(project_path)`` starts a ``spawn`` child that opens its own ``ProjectStore``
(SQLite WAL lets two processes share the file), builds ``suggester_for_project(store)`` and
serves requests one at a time, each answered by exactly one reply:

=============================  ===============================================================
request                        reply
=============================  ===============================================================
(start)                        ``("ready", version, description)`` or ``("failed", message)``
``("suggest", [doc ids])``     ``("done", [doc ids], version)``: computed and stored (the
                               cached ones skipped), or ``("error", message)``
``("reload",)``                ``("ready", ...)`` / ``("failed", ...)``: rebuilt after the
                               project's patterns or label map changed
``("stop",)``                  none: the child closes its store and ends
=============================  ===============================================================

Replies carry document ids, never spans: the caller reads the results from its own store.
A child that dies is noticed (``reply`` raises ``SuggestProcessDied`` with its exit code),
never waited for forever. Keep batches small (8-16 documents): a request for the document on
screen waits for the batch under way.

Qt-free: the GUI adapter is ``annotator.ui.workers.SuggestWorker``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import traceback
from pathlib import Path
from typing import Any

__all__ = ["SuggestProcess", "SuggestProcessDied", "serve"]

Message = tuple[Any, ...]


class SuggestProcessDied(RuntimeError):
    """The child process ended without being asked to (crash, killed, out of memory)."""


class SuggestProcess:
    """A child process owning the project's Suggester; requests and replies over two queues.

    Use from one thread: ``start()``, then ``request(...)`` and ``reply()`` in turn, and
    ``stop()`` at the end (also safe when the child already died or never started).
    """

    def __init__(self, project_path: str | Path) -> None:
        self.project_path = str(project_path)
        ctx = multiprocessing.get_context("spawn")
        self._requests: multiprocessing.Queue[Message] = ctx.Queue()
        self._replies: multiprocessing.Queue[Message] = ctx.Queue()
        self._process = ctx.Process(
            target=serve,
            args=(self.project_path, self._requests, self._replies),
            name="annotator-suggest",
            daemon=True,  # never outlives the app, even when the app forgets to stop it
        )

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def exitcode(self) -> int | None:
        return self._process.exitcode

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def start(self) -> None:
        self._process.start()

    def request(self, *message: Any) -> None:
        """Send ``("suggest", ids)``, ``("reload",)`` or ``("stop",)``."""
        self._requests.put(message)

    def suggest(self, doc_ids: list[int]) -> None:
        self.request("suggest", list(doc_ids))

    def reload(self) -> None:
        self.request("reload")

    def reply(self, timeout: float | None = None, poll: float = 0.25) -> Message | None:
        """The next reply; None after ``timeout`` seconds (None: wait as long as it lives).

        Raises SuggestProcessDied when the child has ended and nothing is left to read.
        """
        waited = 0.0
        while True:
            step = poll if timeout is None else max(0.0, min(poll, timeout - waited))
            try:
                return self._replies.get(timeout=step)
            except queue.Empty:
                pass
            if not self._process.is_alive():
                try:  # a last reply may have arrived just before the end
                    return self._replies.get(timeout=0.05)
                except queue.Empty:
                    raise self._died() from None
            waited += step
            if timeout is not None and waited >= timeout:
                return None

    def check_alive(self) -> None:
        """Raises SuggestProcessDied when the child has ended (it never ends unasked)."""
        if self._process.pid is not None and not self._process.is_alive():
            raise self._died()

    def _died(self) -> SuggestProcessDied:
        return SuggestProcessDied(
            "the suggestion process ended unexpectedly "
            f"(exit code {self._process.exitcode}); reopen the project to restart it"
        )

    def stop(self, grace: float = 2.0) -> int | None:
        """Ask the child to end, wait ``grace`` seconds (it finishes the batch under way),
        then terminate it; always reaps it (no zombie). Returns its exit code."""
        process = self._process
        if process.pid is None:  # never started
            self._close_queues()
            return None
        if process.is_alive():
            with contextlib.suppress(OSError, ValueError):  # a queue already closed
                self._requests.put(("stop",))
            process.join(grace)
        if process.is_alive():
            process.terminate()  # SQLite loses only the uncommitted batch, never a saved edit
            process.join(2.0)
        if process.is_alive():
            process.kill()
            process.join(2.0)
        self._close_queues()
        return process.exitcode

    def _close_queues(self) -> None:
        for q in (self._requests, self._replies):
            q.close()
            q.cancel_join_thread()  # never block on a pipe nobody reads any more


# ---------------------------------------------------------------------------- in the child


def _describe(suggester: Any) -> str:
    info = getattr(suggester, "info", None)
    return f"{info.name} {info.version}" if info is not None else ""


def _build(store: Any, replies: Any) -> Any:
    from annotator.nlp.preannotate import suggester_for_project

    try:
        suggester = suggester_for_project(store)
    except Exception as exc:
        replies.put(("failed", f"{type(exc).__name__}: {exc}"))
        return None
    replies.put(("ready", suggester.version, _describe(suggester)))
    return suggester


def _suggest(store: Any, suggester: Any, doc_ids: list[int]) -> None:
    """Compute and store suggestions for the ids not cached yet (nor removed meanwhile)."""
    version = suggester.version
    found: list[tuple[int, str]] = []
    for doc_id in doc_ids:
        if store.cached_suggestions(doc_id, version) is not None:
            continue
        try:
            found.append((doc_id, store.document(doc_id).text))
        except KeyError:
            continue
    if found:
        spans = suggester.suggest([text for _, text in found])
        store.store_suggestions(list(zip((i for i, _ in found), spans, strict=True)), version)


def serve(project_path: str, requests: Any, replies: Any) -> None:
    """The child's main loop (the ``Process`` target): load, then answer until "stop".

    Ends on its own when the parent process is gone, so a killed app leaves no orphan.
    """
    from annotator.core.store import ProjectStore

    parent = multiprocessing.parent_process()
    if hasattr(os, "nice"):
        # Background work: where the two compete for a core, the GUI process goes first.
        with contextlib.suppress(OSError):
            os.nice(5)
    try:
        store = ProjectStore.open(project_path)
    except Exception as exc:
        replies.put(("failed", f"{type(exc).__name__}: {exc}"))
        return
    try:
        suggester = _build(store, replies)
        while True:
            try:
                message = requests.get(timeout=1.0)
            except queue.Empty:
                if parent is not None and not parent.is_alive():
                    return
                continue
            kind = message[0]
            if kind == "stop":
                return
            if kind == "reload":
                suggester = _build(store, replies)
            elif kind == "suggest":
                if suggester is None:
                    replies.put(("error", "the suggester could not be built"))
                    continue
                try:
                    _suggest(store, suggester, list(message[1]))
                except Exception:
                    replies.put(("error", traceback.format_exc(limit=4)))
                else:
                    replies.put(("done", list(message[1]), suggester.version))
            else:
                replies.put(("error", f"unknown request {kind!r}"))
    finally:
        store.close()

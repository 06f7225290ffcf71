"""The project's tokenizer and Suggester in a child process, so the GUI process never runs spaCy.

A spaCy pipeline running in a thread holds the GIL for tens of milliseconds at a time (import,
model load, ``nlp.pipe``), and the GUI thread cannot paint meanwhile. In a child process it
costs the GUI nothing but a few small messages.

``SuggestProcess(project_path)`` starts a ``spawn`` child that opens its own ``ProjectStore``
(SQLite WAL lets two processes share the file), loads the project's tokenizer FIRST (well under
a second), then builds ``suggester_for_project(store)`` in a second thread of the child while
its main thread already answers token requests. Token requests therefore never wait for the
model: not while it loads, not while it suggests a batch.

================================  ============================================================
request                           reply
================================  ============================================================
(start)                           ``("tokens-ready",)`` or ``("tokens-failed", message)``,
                                  then ``("ready", version, description)`` or
                                  ``("failed", message)``
``("tokens", doc id)``            ``("tokens", doc id, starts, ends, spaces)`` (plain lists:
                                  the caller builds a ``TokenIndex`` from the text it has), or
                                  ``("tokens-error", doc id, message)``
``("suggest", [doc ids])``        ``("done", [doc ids], version)``: computed and stored (the
                                  cached ones skipped), or ``("error", message)``
``("reload",)``                   ``("ready", ...)`` / ``("failed", ...)``: rebuilt after the
                                  project's patterns or label map changed
``("stop",)``                     none: the child closes its store and ends
================================  ============================================================

Token replies may overtake a suggestion reply (they are served by another thread); suggestion
and reload requests are answered one at a time, in order. Replies carry document ids, never
spans: the caller reads the results from its own store. A child that dies is noticed
(``reply`` raises ``SuggestProcessDied`` with its exit code), never waited for forever. Keep
suggestion batches small (8-16 documents): a request for the document on screen waits for the
batch under way.

Qt-free: the GUI adapter is ``annotator.ui.workers.SuggestWorker``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
import traceback
from pathlib import Path
from typing import Any

from annotator.core.child_process import ChildProcess

__all__ = ["SuggestProcess", "SuggestProcessDied", "describe_suggester", "serve"]

Message = tuple[Any, ...]


class SuggestProcessDied(RuntimeError):
    """The child process ended without being asked to (crash, killed, out of memory)."""


class SuggestProcess(ChildProcess):
    """A child process owning the project's tokenizer and Suggester; requests and replies
    over two queues.

    ``start()``, then ``request(...)`` from one thread and ``reply()`` from one thread (the
    same or another one), and ``stop()`` at the end (also safe when the child already died or
    never started). ``suggest=False`` serves tokens only (suggestions switched off): the
    child never loads the model and answers suggestion requests with an error.
    """

    def __init__(self, project_path: str | Path, *, suggest: bool = True) -> None:
        self.project_path = str(project_path)
        ctx = multiprocessing.get_context("spawn")
        self._requests: multiprocessing.Queue[Message] = ctx.Queue()
        self._replies: multiprocessing.Queue[Message] = ctx.Queue()
        self._process = ctx.Process(
            target=serve,
            args=(self.project_path, self._requests, self._replies, suggest),
            name="annotator-suggest",
            daemon=True,  # never outlives the app, even when the app forgets to stop it
        )

    def request(self, *message: Any) -> None:
        """Send ``("tokens", id)``, ``("suggest", ids)``, ``("reload",)`` or ``("stop",)``."""
        self._requests.put(message)

    def tokens(self, doc_id: int) -> None:
        self.request("tokens", int(doc_id))

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
        self._force_end()  # SQLite loses only the uncommitted batch, never a saved edit
        self._close_queues()
        return process.exitcode

    def _close_queues(self) -> None:
        for q in (self._requests, self._replies):
            q.close()
            q.cancel_join_thread()  # never block on a pipe nobody reads any more


# ---------------------------------------------------------------------------- in the child


def describe_suggester(suggester: Any) -> str:
    """The model and version the window shows, and how many project patterns were skipped."""
    info = getattr(suggester, "info", None)
    described = f"{info.name} {info.version}" if info is not None else ""
    from annotator.nlp.suggest import Suggester
    from annotator.nlp.train.default import START, default_of

    inner = getattr(suggester, "inner", suggester)  # under the project's suppressions
    if described and isinstance(inner, Suggester) and default_of(inner) == START:
        described = f"start model ({described})"  # the default of new projects (train.default)
        if inner.known is not None:  # its names, learned from the start model's documents
            described += f", {len(inner.known.names):,} known names"
    skipped = len(getattr(suggester, "skipped_patterns", ()))
    if skipped:
        described += f" ({skipped} invalid project patterns skipped)"
    return described


def _build(store: Any, replies: Any) -> Any:
    from annotator.nlp.preannotate import suggester_for_project

    try:
        suggester = suggester_for_project(store)
    except Exception as exc:
        replies.put(("failed", f"{type(exc).__name__}: {exc}"))
        return None
    replies.put(("ready", suggester.version, describe_suggester(suggester)))
    return suggester


def _suggest(store: Any, suggester: Any, doc_ids: list[int]) -> None:
    """Compute and store suggestions for the ids not cached yet (nor removed meanwhile).

    Counts each source's answers again now and then for the window's scores (a count over
    every span is too slow for the window's thread: ``save_source_precision``).
    """
    store.save_source_precision(max_age=30.0)
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


class _Tokens:
    """The project's tokenizer, in the child's main thread (the model has its own thread)."""

    def __init__(self) -> None:
        self.pipeline: str | None = None
        self.tokenizer: Any = None
        self.error = ""

    def load(self, pipeline: str) -> Message:
        from annotator.nlp.tokens import Tokenizer

        self.pipeline = pipeline
        try:
            tokenizer = Tokenizer.for_pipeline(pipeline)
            tokenizer.nlp  # noqa: B018 (loaded now: the first request must not wait for it)
        except Exception as exc:
            self.tokenizer, self.error = None, f"{type(exc).__name__}: {exc}"
            return ("tokens-failed", self.error)
        self.tokenizer, self.error = tokenizer, ""
        return ("tokens-ready",)

    def reply(self, store: Any, doc_id: int) -> Message:
        if self.tokenizer is None:
            return ("tokens-error", doc_id, f"the tokenizer could not be loaded: {self.error}")
        try:
            text = store.document(doc_id).text
        except KeyError:
            return ("tokens-error", doc_id, f"document {doc_id} is no longer in the project")
        try:
            index = self.tokenizer.index(text)
        except Exception as exc:
            return ("tokens-error", doc_id, f"{type(exc).__name__}: {exc}")
        return ("tokens", doc_id, list(index.starts), list(index.ends), list(index.spaces))


def _model_loop(project_path: str, jobs: queue.Queue[Message | None], replies: Any) -> None:
    """The child's model thread: build the Suggester, then run suggest/reload jobs in order.

    It has its own store connection (SQLite connections stay in their thread).
    """
    from annotator.core.store import ProjectStore
    from annotator.nlp.suppress import refresh_suppressions

    try:
        store = ProjectStore.open(project_path)
    except Exception as exc:
        replies.put(("failed", f"{type(exc).__name__}: {exc}"))
        return
    try:
        suggester = _build(store, replies)
        while True:
            job = jobs.get()
            if job is None:
                return
            if job[0] == "reload":
                suggester = _build(store, replies)
                continue
            if suggester is None:
                replies.put(("error", "the suggester could not be built"))
                continue
            rewrapped = refresh_suppressions(suggester, store)
            if rewrapped is not None:  # annotators' rejections changed the list
                suggester = rewrapped
                replies.put(("ready", suggester.version, describe_suggester(suggester)))
            try:
                _suggest(store, suggester, list(job[1]))
            except Exception:
                replies.put(("error", traceback.format_exc(limit=4)))
            else:
                replies.put(("done", list(job[1]), suggester.version))
    finally:
        store.close()


def serve(project_path: str, requests: Any, replies: Any, suggest: bool = True) -> None:
    """The child's main loop (the ``Process`` target): tokenizer, model thread, then answer
    until "stop". Token requests are answered here, at once; suggestion work goes to the model
    thread.

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
        message = f"{type(exc).__name__}: {exc}"
        replies.put(("tokens-failed", message))
        replies.put(("failed", message))
        return
    tokens = _Tokens()
    jobs: queue.Queue[Message | None] = queue.Queue()
    model: threading.Thread | None = None
    stopped = False
    try:
        replies.put(tokens.load(store.pipeline))
        if suggest:
            model = threading.Thread(
                target=_model_loop,
                args=(project_path, jobs, replies),
                name="annotator-model",
                daemon=True,  # "stop" does not wait for a model still loading
            )
            model.start()
        while True:
            try:
                message = requests.get(timeout=1.0)
            except queue.Empty:
                if parent is not None and not parent.is_alive():
                    return
                continue
            kind = message[0]
            if kind == "stop":
                stopped = True
                return
            if kind == "tokens":
                replies.put(tokens.reply(store, int(message[1])))
            elif kind in ("suggest", "reload"):
                if kind == "reload" and store.pipeline != tokens.pipeline:
                    replies.put(tokens.load(store.pipeline))  # the project changed pipeline
                if model is None:
                    replies.put(("error", "suggestions are switched off"))
                else:
                    jobs.put(message)
            else:
                replies.put(("error", f"unknown request {kind!r}"))
    finally:
        if model is not None:
            jobs.put(None)
            model.join(1.5)  # let it finish the batch under way
        store.close()
        if stopped and hasattr(replies, "cancel_join_thread"):
            # Nobody reads replies any more: never block the exit on a full pipe.
            replies.cancel_join_thread()
        if (model is not None and model.is_alive()) or (stopped and parent is not None):
            # Asked to stop (the app waits for it), or the model is still loading or
            # computing: end now, without the interpreter's slow shutdown; replies nobody will
            # read and a model's uncommitted batch are all that is lost.
            os._exit(0)

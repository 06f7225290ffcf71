"""Work off the GUI thread: tokens and suggestions (relayed to a child process), import, export.

Each worker thread opens its own ``ProjectStore``; nothing spaCy is shared between threads.
With the default factory nothing spaCy runs in the GUI process at all: token boundaries and
suggestions come from the child process (``annotator.nlp.suggest_process``). Results come
back as Qt signals (queued to the GUI thread).
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.model import Span
from annotator.core.store import ProjectStore

# Qt- and spaCy-free; imported with the app (multiprocessing and all) rather than in the
# worker thread, where its import held the GIL for ~25 ms of the window's first paint.
from annotator.nlp.suggest_process import SuggestProcess, SuggestProcessDied, describe_suggester

__all__ = [
    "SuggestAllRun",
    "SuggestWorker",
    "SuggesterLike",
    "default_suggester_factory",
]


class SuggesterLike(Protocol):
    """What the window needs of ``annotator.nlp.suggest.Suggester``."""

    version: str

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]: ...


SuggesterFactory = Callable[[ProjectStore], SuggesterLike]
Message = tuple[Any, ...]
Post = Callable[[Message], None]

# spaCy imported from two threads at once can fail (KeyError: 'spacy'): spaCy loads in
# threads of this process (injected factories, the in-thread tokenizer) take turns.
_SPACY_LOAD = threading.Lock()


def default_suggester_factory(store: ProjectStore) -> SuggesterLike:
    """The project's Suggester (pipeline, labels, label map, own patterns), built where it
    will run (the child process of ``SuggestWorker``, or a thread when called directly)."""
    from annotator.nlp.preannotate import suggester_for_project

    with _SPACY_LOAD:
        return suggester_for_project(store)


class _InThread:
    """Tokens and the suggester of an injected factory, computed in the worker thread itself
    (tests and fakes: no process). Replies are posted at once, in the child's message shapes.
    """

    def __init__(self, store: ProjectStore, factory: SuggesterFactory, post: Post) -> None:
        self._store = store
        self._factory = factory
        self._post = post
        self._suggester: SuggesterLike | None = None
        self._tokenizer: Any = None
        self.loaded = False

    def start(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.loaded = True
        try:
            suggester = self._factory(self._store)
        except Exception as exc:
            self._suggester = None
            self._post(("failed", f"{type(exc).__name__}: {exc}"))
            return
        self._suggester = suggester
        self._post(("ready", suggester.version, describe_suggester(suggester)))

    def tokens(self, doc_id: int) -> None:
        try:
            text = self._store.document(doc_id).text
        except KeyError:
            self._post(("tokens-error", doc_id, f"document {doc_id} is no longer in the project"))
            return
        try:
            if self._tokenizer is None:
                from annotator.nlp.tokens import Tokenizer

                with _SPACY_LOAD:
                    tokenizer = Tokenizer.for_pipeline(self._store.pipeline)
                    tokenizer.nlp  # noqa: B018 (loaded under the lock)
                self._tokenizer = tokenizer
            index = self._tokenizer.index(text)
        except Exception as exc:
            self._post(("tokens-error", doc_id, f"{type(exc).__name__}: {exc}"))
            return
        self._post(("tokens", doc_id, list(index.starts), list(index.ends), list(index.spaces)))

    def suggest(self, ids: list[int]) -> None:
        store, suggester = self._store, self._suggester
        if suggester is None:
            self._post(("error", "the suggester could not be built"))
            return
        try:
            version = suggester.version
            found: list[tuple[int, str]] = []
            for doc_id in ids:
                if store.cached_suggestions(doc_id, version) is not None:
                    continue  # the window asked for it meanwhile
                try:
                    found.append((doc_id, store.document(doc_id).text))
                except KeyError:
                    continue  # removed meanwhile
            if found:
                spans = suggester.suggest([text for _, text in found])
                pairs = list(zip((i for i, _ in found), spans, strict=True))
                store.store_suggestions(pairs, version)
        except Exception:
            self._post(("error", traceback.format_exc(limit=3)))
        else:
            self._post(("done", list(ids), version))

    def close(self) -> None:
        self._suggester = None
        self._tokenizer = None


class _InChildProcess:
    """The project's tokenizer and Suggester in a child process (``SuggestProcess``): this
    side only sends document ids. A reader thread turns the child's replies (and its death)
    into posted messages, so the worker thread never blocks on the child."""

    def __init__(self, project_path: str, post: Post, *, suggest: bool) -> None:
        self.process = SuggestProcess(project_path, suggest=suggest)
        self._post = post
        self._closing = threading.Event()
        self._reader = threading.Thread(target=self._read, name="annotator-replies", daemon=True)
        self.loaded = False  # the model was ready once (a reload is not a start-up)

    def start(self) -> None:
        self.process.start()
        self._reader.start()

    def _read(self) -> None:
        while not self._closing.is_set():
            try:
                reply = self.process.reply(timeout=0.05)  # close() waits for it
            except SuggestProcessDied as exc:
                self._post(("died", str(exc)))
                return
            except (OSError, ValueError, EOFError):  # the queue was closed under us
                return
            if reply is not None:
                if reply[0] == "ready":
                    self.loaded = True
                self._post(reply)

    def tokens(self, doc_id: int) -> None:
        self.process.tokens(doc_id)

    def suggest(self, ids: list[int]) -> None:
        self.process.suggest(ids)

    def reload(self) -> None:
        self.process.reload()

    def close(self) -> None:
        self._closing.set()
        if self._reader.is_alive():
            self._reader.join(1.0)
        # The child answers "stop" at once (its main thread never runs the model); a batch
        # under way gets a moment to finish, a model still loading is simply dropped.
        self.process.stop(grace=2.0)


class SuggestWorker(QThread):
    """Token boundaries and suggestions for the documents the window asks for, most urgent
    first.

    ``request_tokens([current, next, ...])`` asks for token boundaries; they come back as
    ``tokens_ready(doc_id, (starts, ends, spaces))`` and never wait for the model (it may
    still be loading). The window calls ``prioritize([current, next, ...])`` on every move;
    the worker answers from the cache when it can and computes otherwise, storing results by
    suggester version. ``reload()`` rebuilds the suggester (after a new project pattern).
    ``suggest_all()`` pre-annotates every document without suggestions, in batches, with the
    same model (one pipeline in memory); the window's own requests still go first between
    batches. ``cancel_all()`` stops it after the current batch.

    With the default factory spaCy lives in a child process (``SuggestProcess``): spaCy in a
    thread of the GUI process holds the GIL for tens of milliseconds at a time (importing it
    alone stalls the window for over 150 ms) and the window could not paint meanwhile. This
    thread is then a relay: it sends document ids and emits signals for the replies; results
    travel through the store. ``suggestions=False`` serves tokens only. An injected factory
    (tests, fakes) runs in this thread instead, tokens too.
    """

    model_ready = Signal(str, str)  # version, description
    model_failed = Signal(str)
    reloaded = Signal(bool)  # after model_ready / model_failed that answer a reload()
    suggestions_ready = Signal(int, str)  # doc id, version
    busy = Signal(int)  # documents still queued
    all_progress = Signal(int, int)  # done, total (0 while the model loads)
    all_finished = Signal(int, bool)  # documents suggested, cancelled
    tokens_ready = Signal(int, object)  # doc id, (starts, ends, spaces) as lists
    tokens_failed = Signal(int, str)  # doc id (-1: the tokenizer itself), message

    BATCH = 8  # small: the document on screen waits at most for one batch

    def __init__(
        self,
        project_path: str,
        factory: SuggesterFactory = default_suggester_factory,
        parent: QObject | None = None,
        *,
        in_process: bool | None = None,
        suggestions: bool = True,
    ) -> None:
        super().__init__(parent)
        self._path = project_path
        self._factory = factory
        # The child process serves the project's own Suggester; any other factory runs here.
        self._in_process = (
            factory is default_suggester_factory if in_process is None else in_process
        )
        self._suggestions = suggestions
        self._queue: deque[int] = deque()
        self._tokens: deque[int] = deque()
        self._events: deque[Message] = deque()  # replies of the backend
        self._lock = threading.Condition()
        self._stop = False
        self._reload = False
        self._all = False
        self.version: str | None = None
        self.suggest_process: Any = None  # the SuggestProcess while it runs (for tests)

    # ----------------------------------------------------- called by the GUI
    def prioritize(self, doc_ids: list[int]) -> None:
        """Replace the suggestion queue: these documents, in this order."""
        with self._lock:
            self._queue = deque(dict.fromkeys(doc_ids))
            self._lock.notify()

    def request_tokens(self, doc_ids: list[int]) -> None:
        """Ask for the token boundaries of these documents (in this order, before any
        suggestion work); each one is answered by ``tokens_ready`` or ``tokens_failed``."""
        with self._lock:
            self._tokens.extend(doc_ids)
            self._lock.notify()

    def reload(self) -> None:
        with self._lock:
            self._reload = True
            self._lock.notify()

    def suggest_all(self) -> None:
        """Start pre-annotating every document without suggestions (progress in signals)."""
        with self._lock:
            self._all = True
            self._lock.notify()

    def cancel_all(self) -> None:
        with self._lock:
            self._all = False
            self._lock.notify()

    def stop(self) -> None:
        """End the thread (and the child process, joined, terminated if it does not end)."""
        with self._lock:
            self._stop = True
            self._all = False
            self._queue.clear()
            self._tokens.clear()
            self._lock.notify()
        self.wait(10_000)

    # --------------------------------------------------------- in the thread
    def _post(self, message: Message) -> None:
        with self._lock:
            self._events.append(message)
            self._lock.notify()

    def run(self) -> None:
        store = ProjectStore.open(self._path)
        backend: _InThread | _InChildProcess | None = None
        # What the backend is busy with: "build", ("one", doc id, queued), ("all", batch).
        waiting: Any = "build" if self._suggestions else None
        ready = False
        reloading = False  # the next "ready" / "failed" answers a reload()
        todo: list[int] | None = None  # the documents "suggest all" still has to do
        done = 0
        try:
            if self._in_process:
                backend = _InChildProcess(self._path, self._post, suggest=self._suggestions)
                self.suggest_process = backend.process
            else:
                backend = _InThread(store, self._factory, self._post)
            if self._suggestions or self._in_process:
                backend.start()
            while True:
                with self._lock:
                    while not (
                        self._stop
                        or self._events
                        or self._tokens
                        or (
                            waiting is None
                            and (self._reload or self._queue or self._all or todo is not None)
                        )
                    ):
                        self._lock.wait()
                    if self._stop:
                        return
                    events, self._events = list(self._events), deque()
                    tokens, self._tokens = list(dict.fromkeys(self._tokens)), deque()
                    idle = waiting is None
                    reload = idle and self._reload
                    if reload:
                        self._reload = False
                    doc_id = self._queue.popleft() if idle and self._queue and not reload else None
                    remaining = len(self._queue)
                    run_all = self._all
                # 1. What the backend answered.
                for event in events:
                    kind = event[0]
                    if kind == "tokens":
                        self.tokens_ready.emit(int(event[1]), (event[2], event[3], event[4]))
                    elif kind == "tokens-error":
                        self.tokens_failed.emit(int(event[1]), str(event[2]))
                    elif kind == "tokens-failed":
                        self.tokens_failed.emit(-1, str(event[1]))
                    elif kind == "ready":
                        waiting, ready = None, True
                        self.version = str(event[1])
                        self.model_ready.emit(str(event[1]), str(event[2]))
                        if reloading:
                            reloading = False
                            self.reloaded.emit(True)
                    elif kind == "failed":
                        waiting, ready, self.version = None, False, None
                        self.model_failed.emit(str(event[1]))
                        if reloading:
                            reloading = False
                            self.reloaded.emit(False)
                    elif kind == "done":
                        assert self.version is not None
                        if waiting[0] == "one":
                            self.suggestions_ready.emit(waiting[1], self.version)
                            if waiting[2] == 0:
                                self.busy.emit(0)
                        elif todo is not None:
                            done += len(waiting[1])
                            self.all_progress.emit(done, done + len(todo))
                            if not todo:
                                with self._lock:
                                    self._all = False
                                self.all_finished.emit(done, False)
                                todo, done = None, 0
                        waiting = None
                    elif kind == "error":
                        # A failed batch: reported, suggestions end; tokens go on.
                        waiting, ready = None, False
                        self.model_failed.emit(str(event[-1]))
                        if todo is not None:
                            self.all_finished.emit(done, True)
                            todo, done = None, 0
                    elif kind == "died":
                        self.model_failed.emit(str(event[1]))
                        self.tokens_failed.emit(-1, str(event[1]))
                        if todo is not None:
                            self.all_finished.emit(done, True)
                        return
                # 2. Tokens: the document on screen needs them for the first keystroke.
                for token_id in tokens:
                    backend.tokens(token_id)
                # 3. Suggestions, one request at a time.
                if not idle or waiting is not None:
                    continue  # busy; or it just became free: look at the queues again
                if reload:
                    if self._suggestions:
                        waiting, reloading = "build", True
                        backend.reload()
                    continue
                if todo is not None and not run_all:  # cancelled
                    self.all_finished.emit(done, True)
                    todo, done = None, 0
                    continue
                if not ready or self.version is None:
                    if run_all:
                        with self._lock:
                            self._all = False
                        self.all_finished.emit(0, True)
                    continue
                version = self.version
                if doc_id is not None:
                    self.busy.emit(remaining)
                    if store.cached_suggestions(doc_id, version) is None:
                        waiting = ("one", doc_id, remaining)
                        backend.suggest([doc_id])
                        continue
                    self.suggestions_ready.emit(doc_id, version)
                    if remaining == 0:
                        self.busy.emit(0)
                    continue
                if not run_all:
                    continue
                # "Suggest all": one batch, then look at the window's requests again.
                if todo is None:
                    todo = store.documents_without_suggestions(version, 10_000_000)
                    done = 0
                    self.all_progress.emit(0, len(todo))
                if not todo:
                    with self._lock:
                        self._all = False
                    self.all_finished.emit(done, False)
                    todo, done = None, 0
                    continue
                batch, todo = todo[: self.BATCH], todo[self.BATCH :]
                waiting = ("all", batch)
                backend.suggest(batch)
        except Exception:
            self.model_failed.emit(traceback.format_exc(limit=3))
            if todo is not None:
                self.all_finished.emit(done, True)
        finally:
            if backend is not None:
                backend.close()
            store.close()


class SuggestAllRun(QObject):
    """One "Suggest for all documents" in a ``SuggestWorker``: a progress dialog that can
    cancel, ``done(count, cancelled)`` at the end. Only small signals cross threads (two
    numbers per batch), so the GUI stays free while the worker computes."""

    done = Signal(int, bool)

    def __init__(self, worker: SuggestWorker, parent: QWidget) -> None:
        super().__init__(parent)
        self._worker = worker
        self.dialog = QProgressDialog("Loading the model…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Suggesting")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        worker.all_progress.connect(self._progress)
        worker.all_finished.connect(self._finished)
        self._over = False

    def start(self) -> None:
        self._worker.suggest_all()

    def cancel(self) -> None:
        """Stop after the batch under way; what was computed stays cached."""
        self._worker.cancel_all()
        self._finished(self.dialog.value() if self.dialog.value() > 0 else 0, True)

    def _progress(self, done: int, total: int) -> None:
        if self._over:
            return
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        self.dialog.setLabelText(f"Suggesting\n{done} of {total} documents")

    def _finished(self, count: int, cancelled: bool) -> None:
        if self._over:
            return
        self._over = True
        self._worker.all_progress.disconnect(self._progress)
        self._worker.all_finished.disconnect(self._finished)
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        self.done.emit(count, cancelled)
        self.deleteLater()

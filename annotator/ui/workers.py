"""Work off the GUI thread: loading the tokenizer and the model, suggesting, import, export.

Each worker thread opens its own ``ProjectStore`` and builds its own spaCy objects; nothing
spaCy is shared between threads. Results come back as Qt signals (queued to the GUI thread).
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
from annotator.core.progress import Cancelled, CancelToken
from annotator.core.store import ProjectStore

__all__ = [
    "SuggestAllRun",
    "SuggestWorker",
    "SuggesterLike",
    "TaskThread",
    "TokenizerLoader",
    "default_suggester_factory",
]


class SuggesterLike(Protocol):
    """What the window needs of ``annotator.nlp.suggest.Suggester``."""

    version: str

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]: ...


SuggesterFactory = Callable[[ProjectStore], SuggesterLike]


# spaCy imported from two threads at once can fail (KeyError: 'spacy'): the tokenizer loader
# and a suggester built in a thread of this process take turns.
_SPACY_LOAD = threading.Lock()


def default_suggester_factory(store: ProjectStore) -> SuggesterLike:
    """The project's Suggester (pipeline, labels, label map, own patterns), built where it
    will run (the child process of ``SuggestWorker``, or a thread when called directly)."""
    from annotator.nlp.preannotate import suggester_for_project

    with _SPACY_LOAD:
        return suggester_for_project(store)


class TokenizerLoader(QThread):
    """Loads the project's tokenizer (about a second for a real pipeline) in the background.

    The Tokenizer is created here and from then on used only by the GUI thread (handed over,
    never shared). Its pipeline is loaded here too: ``Tokenizer`` loads lazily, and the GUI
    process imports spaCy for nothing else (the model runs in a child process), so a lazy
    load would freeze the window for a second at the first span the annotator draws.
    """

    loaded = Signal(object)  # Tokenizer
    failed = Signal(str)

    def __init__(self, pipeline: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pipeline = pipeline

    def run(self) -> None:
        try:
            from annotator.nlp.tokens import Tokenizer

            tokenizer = Tokenizer.for_pipeline(self._pipeline)
            with _SPACY_LOAD:
                tokenizer.nlp  # noqa: B018 (loaded now, in this thread)
            self.loaded.emit(tokenizer)
        except Exception as exc:
            self.failed.emit(str(exc))


class _Stopped(Exception):
    """The worker was asked to stop while it waited for the child process."""


class _BuildFailed(Exception):
    """The suggester could not be built (the message says why)."""


class _InThread:
    """The suggester built by an injected factory and run in the worker thread itself
    (tests and fakes: no spaCy, no process)."""

    def __init__(self, store: ProjectStore, factory: SuggesterFactory) -> None:
        self._store = store
        self._factory = factory
        self._suggester: SuggesterLike | None = None

    def build(self) -> tuple[str, str]:
        try:
            suggester = self._factory(self._store)
        except Exception as exc:
            self._suggester = None
            raise _BuildFailed(f"{type(exc).__name__}: {exc}") from exc
        self._suggester = suggester
        info = getattr(suggester, "info", None)
        return suggester.version, f"{info.name} {info.version}" if info is not None else ""

    def compute(self, ids: list[int]) -> None:
        store, suggester = self._store, self._suggester
        assert suggester is not None
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
            store.store_suggestions(list(zip((i for i, _ in found), spans, strict=True)), version)

    def check_alive(self) -> None:
        pass

    def close(self) -> None:
        self._suggester = None


class _InChildProcess:
    """The project's real Suggester in a child process (``SuggestProcess``); this side only
    sends document ids and waits for the reply, in the worker thread, never on the GUI."""

    def __init__(self, project_path: str, stopping: Callable[[], bool]) -> None:
        from annotator.nlp.suggest_process import SuggestProcess

        self.process = SuggestProcess(project_path)
        self._stopping = stopping
        self._loaded = False
        self.process.start()

    def _reply(self) -> tuple[Any, ...]:
        while True:
            if self._stopping():
                raise _Stopped
            reply = self.process.reply(timeout=0.2)
            if reply is not None:
                return reply

    def build(self) -> tuple[str, str]:
        if self._loaded:  # the first build is the child's start-up; later ones are reloads
            self.process.reload()
        reply = self._reply()
        self._loaded = True
        if reply[0] == "ready":
            return str(reply[1]), str(reply[2])
        raise _BuildFailed(str(reply[-1]))

    def compute(self, ids: list[int]) -> None:
        self.process.suggest(ids)
        reply = self._reply()
        if reply[0] != "done":
            raise RuntimeError(str(reply[-1]))

    def check_alive(self) -> None:
        """Raises SuggestProcessDied when the child has ended."""
        self.process.check_alive()

    def close(self) -> None:
        # Still loading: nothing of value is under way, end it at once. Else let it finish
        # its small batch (kept in the cache) for a moment before it is terminated.
        self.process.stop(grace=2.0 if self._loaded else 0.1)


class SuggestWorker(QThread):
    """Computes suggestions for the documents the window asks for, most urgent first.

    The window calls ``prioritize([current, next, ...])`` on every move; the worker answers
    from the cache when it can and computes otherwise, storing results by suggester version.
    ``reload()`` rebuilds the suggester (after a new project pattern). ``suggest_all()``
    pre-annotates every document without suggestions, in batches, with the same model (one
    pipeline in memory, no second load competing with the GUI); the window's own requests
    still go first between batches. ``cancel_all()`` stops it after the current batch.

    With the default factory the model lives in a child process (``SuggestProcess``): spaCy
    in a thread of the GUI process would hold the GIL for tens of milliseconds at a time and
    the window could not paint meanwhile. This thread is then a relay: it sends document ids,
    blocks on the reply and emits signals; results travel through the store. An injected
    factory (tests, fakes) runs in this thread instead.
    """

    model_ready = Signal(str, str)  # version, description
    model_failed = Signal(str)
    suggestions_ready = Signal(int, str)  # doc id, version
    busy = Signal(int)  # documents still queued
    all_progress = Signal(int, int)  # done, total (0 while the model loads)
    all_finished = Signal(int, bool)  # documents suggested, cancelled

    BATCH = 8  # small: the document on screen waits at most for one batch

    def __init__(
        self,
        project_path: str,
        factory: SuggesterFactory = default_suggester_factory,
        parent: QObject | None = None,
        *,
        in_process: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = project_path
        self._factory = factory
        # The child process serves the project's own Suggester; any other factory runs here.
        self._in_process = (
            factory is default_suggester_factory if in_process is None else in_process
        )
        self._queue: deque[int] = deque()
        self._lock = threading.Condition()
        self._stop = False
        self._reload = False
        self._all = False
        self.version: str | None = None
        self.suggest_process: Any = None  # the SuggestProcess while it runs (for tests)

    # ----------------------------------------------------- called by the GUI
    def prioritize(self, doc_ids: list[int]) -> None:
        """Replace the queue: these documents, in this order."""
        with self._lock:
            self._queue = deque(dict.fromkeys(doc_ids))
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
            self._lock.notify()
        self.wait(10_000)

    # --------------------------------------------------------- in the thread
    def _build(self, backend: _InThread | _InChildProcess) -> bool:
        try:
            version, description = backend.build()
        except _BuildFailed as exc:
            self.version = None
            self.model_failed.emit(str(exc))
            return False
        self.version = version
        self.model_ready.emit(version, description)
        return True

    def run(self) -> None:
        store = ProjectStore.open(self._path)
        backend: _InThread | _InChildProcess | None = None
        todo: list[int] | None = None  # the documents "suggest all" still has to do
        done = 0
        try:
            if self._in_process:
                backend = _InChildProcess(self._path, lambda: self._stop)
                self.suggest_process = backend.process
            else:
                backend = _InThread(store, self._factory)
            ready = self._build(backend)
            while True:
                with self._lock:
                    # A "suggest all" under way (todo) wakes the loop too: to go on or to stop.
                    while not (self._stop or self._reload or self._queue or self._all or todo):
                        # Wake now and then while idle, so a child that died is reported
                        # at once, not at the next request.
                        if not self._lock.wait(1.0):
                            backend.check_alive()
                    if self._stop:
                        return
                    reload, self._reload = self._reload, False
                    doc_id = self._queue.popleft() if self._queue and not reload else None
                    remaining = len(self._queue)
                    run_all = self._all
                if reload:
                    ready = self._build(backend)
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
                        backend.compute([doc_id])
                    self.suggestions_ready.emit(doc_id, version)
                    if remaining == 0:
                        self.busy.emit(0)
                    continue
                # "Suggest all": one batch, then look at the window's requests again.
                if todo is None:
                    todo = store.documents_without_suggestions(version, 10_000_000)
                    done = 0
                    self.all_progress.emit(0, len(todo))
                batch, todo = todo[: self.BATCH], todo[self.BATCH :]
                backend.compute(batch)
                done += len(batch)
                self.all_progress.emit(done, done + len(todo))
                if not todo:
                    with self._lock:
                        self._all = False
                    self.all_finished.emit(done, False)
                    todo, done = None, 0
        except _Stopped:
            pass
        except Exception as exc:
            message = str(exc) if isinstance(exc, RuntimeError) else ""
            self.model_failed.emit(message or traceback.format_exc(limit=3))
            if todo is not None:
                self.all_finished.emit(done, True)
        finally:
            if backend is not None:
                backend.close()
            store.close()


class TaskThread(QThread):
    """Runs ``job(store, progress, cancel)`` on its own store connection; reports progress.

    Used for import, export and "Suggest all". ``finished_ok`` carries the job's result,
    ``failed`` a readable message, ``cancelled`` a cancel by the user.
    """

    progress = Signal(int, int, str)  # done, total (0 = unknown), text
    finished_ok = Signal(object)
    failed = Signal(str)
    was_cancelled = Signal()

    def __init__(
        self,
        project_path: str,
        job: Callable[[ProjectStore, Callable[[int, int | None, str], None], CancelToken], Any],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = project_path
        self._job = job
        self.cancel_token = CancelToken()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _report(self, done: int, total: int | None, text: str) -> None:
        self.progress.emit(done, total or 0, text)
        self.cancel_token.check()

    def run(self) -> None:
        try:
            with ProjectStore.open(self._path) as store:
                result = self._job(store, self._report, self.cancel_token)
        except Cancelled:
            self.was_cancelled.emit()
        except Exception as exc:
            self.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.finished_ok.emit(result)


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

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


def default_suggester_factory(store: ProjectStore) -> SuggesterLike:
    """The project's Suggester (pipeline, labels, label map, own patterns), built in the
    worker thread that will own it."""
    from annotator.nlp.preannotate import suggester_for_project

    return suggester_for_project(store)


class TokenizerLoader(QThread):
    """Loads the project's tokenizer (about a second for a real pipeline) in the background.

    The Tokenizer is created here and from then on used only by the GUI thread (handed over,
    never shared).
    """

    loaded = Signal(object)  # Tokenizer
    failed = Signal(str)

    def __init__(self, pipeline: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pipeline = pipeline

    def run(self) -> None:
        try:
            from annotator.nlp.tokens import Tokenizer

            self.loaded.emit(Tokenizer.for_pipeline(self._pipeline))
        except Exception as exc:
            self.failed.emit(str(exc))


class SuggestWorker(QThread):
    """Computes suggestions for the documents the window asks for, most urgent first.

    The window calls ``prioritize([current, next, ...])`` on every move; the worker answers
    from the cache when it can and computes otherwise, storing results by suggester version.
    ``reload()`` rebuilds the suggester (after a new project pattern). ``suggest_all()``
    pre-annotates every document without suggestions, in batches, with the same model (one
    pipeline in memory, no second load competing with the GUI); the window's own requests
    still go first between batches. ``cancel_all()`` stops it after the current batch.
    """

    model_ready = Signal(str, str)  # version, description
    model_failed = Signal(str)
    suggestions_ready = Signal(int, str)  # doc id, version
    busy = Signal(int)  # documents still queued
    all_progress = Signal(int, int)  # done, total (0 while the model loads)
    all_finished = Signal(int, bool)  # documents suggested, cancelled

    BATCH = 16

    def __init__(
        self,
        project_path: str,
        factory: SuggesterFactory = default_suggester_factory,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = project_path
        self._factory = factory
        self._queue: deque[int] = deque()
        self._lock = threading.Condition()
        self._stop = False
        self._reload = False
        self._all = False
        self.version: str | None = None

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
        with self._lock:
            self._stop = True
            self._all = False
            self._queue.clear()
            self._lock.notify()
        self.wait(10_000)

    # --------------------------------------------------------- in the thread
    def _build(self, store: ProjectStore) -> SuggesterLike | None:
        try:
            suggester = self._factory(store)
        except Exception as exc:
            self.model_failed.emit(f"{type(exc).__name__}: {exc}")
            return None
        self.version = suggester.version
        info = getattr(suggester, "info", None)
        description = f"{info.name} {info.version}" if info is not None else ""
        self.model_ready.emit(suggester.version, description)
        return suggester

    def run(self) -> None:
        store = ProjectStore.open(self._path)
        todo: list[int] | None = None  # the documents "suggest all" still has to do
        done = 0
        try:
            suggester = self._build(store)
            while True:
                with self._lock:
                    # A "suggest all" under way (todo) wakes the loop too: to go on or to stop.
                    while not (self._stop or self._reload or self._queue or self._all or todo):
                        self._lock.wait()
                    if self._stop:
                        return
                    reload, self._reload = self._reload, False
                    doc_id = self._queue.popleft() if self._queue and not reload else None
                    remaining = len(self._queue)
                    run_all = self._all
                if reload:
                    suggester = self._build(store)
                    continue
                if todo is not None and not run_all:  # cancelled
                    self.all_finished.emit(done, True)
                    todo, done = None, 0
                    continue
                if suggester is None:
                    if run_all:
                        with self._lock:
                            self._all = False
                        self.all_finished.emit(0, True)
                    continue
                if doc_id is not None:
                    self._one(store, suggester, doc_id, remaining)
                    continue
                # "Suggest all": one batch, then look at the window's requests again.
                if todo is None:
                    todo = store.documents_without_suggestions(suggester.version, 10_000_000)
                    done = 0
                    self.all_progress.emit(0, len(todo))
                batch, todo = todo[: self.BATCH], todo[self.BATCH :]
                self._batch(store, suggester, batch)
                done += len(batch)
                self.all_progress.emit(done, done + len(todo))
                if not todo:
                    with self._lock:
                        self._all = False
                    self.all_finished.emit(done, False)
                    todo, done = None, 0
        except Exception:
            self.model_failed.emit(traceback.format_exc(limit=3))
        finally:
            store.close()

    def _one(self, store: ProjectStore, suggester: SuggesterLike, doc_id: int, left: int) -> None:
        self.busy.emit(left)
        version = suggester.version
        if store.cached_suggestions(doc_id, version) is None:
            try:
                text = store.document(doc_id).text
            except KeyError:
                return
            spans = next(iter(suggester.suggest([text])))
            store.store_suggestions([(doc_id, spans)], version)
        self.suggestions_ready.emit(doc_id, version)
        if left == 0:
            self.busy.emit(0)

    def _batch(self, store: ProjectStore, suggester: SuggesterLike, ids: list[int]) -> None:
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

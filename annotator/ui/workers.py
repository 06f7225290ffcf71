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

from PySide6.QtCore import QObject, QThread, Signal

from annotator.core.model import Span
from annotator.core.progress import Cancelled, CancelToken
from annotator.core.store import ProjectStore

__all__ = [
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
    """The project's pipeline and labels plus its own patterns (built in the worker thread)."""
    import json

    from annotator.nlp.suggest import Suggester

    label_map_text = store.setting("label_map")
    label_map = json.loads(label_map_text) if label_map_text else None
    return Suggester(
        store.pipeline,
        store.labels().names,
        label_map=label_map,
        extra_patterns=store.project_patterns(),
    )


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
    ``reload()`` rebuilds the suggester (after a new project pattern).
    """

    model_ready = Signal(str, str)  # version, description
    model_failed = Signal(str)
    suggestions_ready = Signal(int, str)  # doc id, version
    busy = Signal(int)  # documents still queued

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

    def stop(self) -> None:
        with self._lock:
            self._stop = True
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
        try:
            suggester = self._build(store)
            while True:
                with self._lock:
                    while not self._stop and not self._reload and not self._queue:
                        self._lock.wait()
                    if self._stop:
                        return
                    if self._reload:
                        self._reload = False
                        doc_id = None
                    else:
                        doc_id = self._queue.popleft()
                    remaining = len(self._queue)
                if doc_id is None:
                    suggester = self._build(store)
                    continue
                if suggester is None:
                    continue
                self.busy.emit(remaining)
                version = suggester.version
                if store.cached_suggestions(doc_id, version) is None:
                    try:
                        text = store.document(doc_id).text
                    except KeyError:
                        continue
                    spans = next(iter(suggester.suggest([text])))
                    store.store_suggestions([(doc_id, spans)], version)
                self.suggestions_ready.emit(doc_id, version)
                if remaining == 0:
                    self.busy.emit(0)
        except Exception:
            self.model_failed.emit(traceback.format_exc(limit=3))
        finally:
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


def suggest_all_job(
    factory: SuggesterFactory, batch: int = 16
) -> Callable[[ProjectStore, Callable[[int, int | None, str], None], CancelToken], int]:
    """A TaskThread job pre-annotating every document without cached suggestions."""

    def job(
        store: ProjectStore, progress: Callable[[int, int | None, str], None], cancel: CancelToken
    ) -> int:
        progress(0, None, "Loading the model…")
        suggester = factory(store)
        version = suggester.version
        todo = store.documents_without_suggestions(version, limit=1_000_000)
        total = len(todo)
        done = 0
        for i in range(0, total, batch):
            cancel.check()
            ids = todo[i : i + batch]
            texts = [store.document(doc_id).text for doc_id in ids]
            results = list(zip(ids, suggester.suggest(texts), strict=True))
            store.store_suggestions(results, version)
            done += len(ids)
            progress(done, total, f"{done} of {total} documents")
        return total

    return job

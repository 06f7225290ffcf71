"""Import and export jobs in a child process, so the GUI process never tokenizes a file.

An import or export of 100,000 documents runs spaCy's tokenizer over every text and holds the
GIL for seconds at a time; in a thread of the GUI process the window stutters, and spaCy's
memory stays in the app. ``TaskProcess(project_path, job)`` runs the job in a ``spawn`` child
instead: the child opens its OWN ``ProjectStore`` on the project file (SQLite WAL: the
caller's connection sees the new rows once the child commits) and talks back over one queue.

=============================  ================================================================
message (child -> caller)      meaning
=============================  ================================================================
``("progress", done, total,    at most ``PROGRESS_PER_S`` a second; ``total`` 0 when unknown
text)``
``("done", result)``           the job's ``ImportReport`` / ``ExportReport`` (picklable)
``("failed", message)``        one line for the user (a ``FormatError``, ``StoreError``...);
                               an unexpected error's traceback goes to the child's log only
``("cancelled",)``             the cancel was honoured: the job rolled back (an import drops
                               the file under way, an export leaves the old file as it was)
``("died", message)``          made up by the caller: the child ended without a last word
                               (killed, crashed, out of memory)
=============================  ================================================================

Cancelling sets a ``multiprocessing.Event``; in the child it is an ordinary ``CancelToken``
(``check()`` raises ``Cancelled``), so the importers and exporters roll back as they do in the
CLI. A child whose parent is gone cancels itself at its next progress report.

Qt-free: the GUI adapter is ``annotator.ui.import_export_dialogs.run_task``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import queue
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from annotator.core.child_process import ChildProcess
from annotator.core.model import Answer
from annotator.core.progress import Cancelled, CancelToken, ProgressCallback
from annotator.core.safe_files import remove_stale_temporaries
from annotator.formats.records import FormatError

if TYPE_CHECKING:
    from annotator.core.store import ProjectStore
    from annotator.formats.exporting import ExportFormat

__all__ = [
    "PROGRESS_PER_S",
    "ExportJob",
    "ImportJob",
    "TaskJob",
    "TaskProcess",
    "run_job",
]

PROGRESS_PER_S = 20
Message = tuple[Any, ...]
log = logging.getLogger(__name__)


class TaskJob(Protocol):
    """A picklable description of the work; ``run`` is called in the child."""

    @property
    def what(self) -> str:
        """Names the job in messages: Import or Export."""
        ...

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any: ...

    def cleanup(self, pid: int) -> None:
        """Remove what a child with this pid left behind when it was killed mid-job."""


@dataclass(frozen=True)
class ImportJob:
    """File › Import: ``import_files`` with the project's tokenizer."""

    paths: tuple[str, ...]
    as_suggestions: bool = False
    annotator: str | None = None
    what: str = "Import"

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any:
        from annotator.formats.importing import import_files

        report = import_files(
            store,
            self.paths,
            as_suggestions=self.as_suggestions,
            annotator=self.annotator,
            progress=progress,
            cancel=cancel,
        )
        store.checkpoint()  # here, not in the window's first read of the new rows
        return report

    def cleanup(self, pid: int) -> None:
        """Nothing: SQLite rolls back the transaction of a killed process."""


@dataclass(frozen=True)
class ExportJob:
    """File › Export: ``export_project`` to ``out`` (a file, or a folder for spacy)."""

    out: str
    fmt: ExportFormat = "jsonl"
    answers: tuple[Answer, ...] = (Answer.ACCEPT,)
    annotator: str | None = None
    what: str = "Export"

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any:
        from annotator.formats.exporting import export_project

        return export_project(
            store,
            self.out,
            self.fmt,
            answers=self.answers,
            source=self.annotator or "auto",
            progress=progress,
            cancel=cancel,
        )

    def cleanup(self, pid: int) -> None:
        """A killed child leaves its atomic-write temporaries beside the target."""
        remove_stale_temporaries(Path(self.out), pid)


class _EventCancel(CancelToken):
    """A CancelToken over a ``multiprocessing.Event`` set by the parent process."""

    def __init__(self, event: Any) -> None:
        super().__init__()
        self._event = event


class TaskProcess(ChildProcess):
    """One job in a spawned child; ``start()``, then ``poll()`` from the caller's thread until
    it returns a final message, ``cancel()`` at any time, ``stop()`` to end it for good."""

    FINAL = ("done", "failed", "cancelled", "died")

    def __init__(self, project_path: str | Path, job: TaskJob) -> None:
        self.project_path = str(project_path)
        self.job = job
        ctx = multiprocessing.get_context("spawn")
        self._messages: multiprocessing.Queue[Message] = ctx.Queue()
        self._cancel = ctx.Event()
        self._process = ctx.Process(
            target=run_job,
            args=(self.project_path, job, self._messages, self._cancel),
            name=f"annotator-{job.what.lower()}",
            daemon=True,  # never outlives the app
        )
        self.final: Message | None = None

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the job to stop; it rolls back and answers ``("cancelled",)``."""
        self._cancel.set()

    def poll(self) -> list[Message]:
        """The messages that arrived (never blocks). The last one is final (see ``FINAL``)
        when the job is over; a child that ended without one gives ``("died", message)``."""
        if self.final is not None:
            return []
        out = self._drain()
        if self.final is None and self._process.pid is not None and not self._process.is_alive():
            out += self._drain()  # what it wrote just before it ended
            if self.final is None:
                self.final = ("died", self._died())
                out.append(self.final)
                self._after_death()
        return out

    def _drain(self) -> list[Message]:
        out: list[Message] = []
        while self.final is None:
            try:
                message = self._messages.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                break
            out.append(message)
            if message[0] in self.FINAL:
                self.final = message
        return out

    def _died(self) -> str:
        code = self._process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return (
            f"the {self.job.what.lower()} process ended unexpectedly ({how}); "
            "nothing of the file under way was kept; try again"
        )

    def _after_death(self) -> None:
        pid = self._process.pid
        if pid is not None:
            self.job.cleanup(pid)

    def wait(self, timeout: float, step: float = 0.02) -> Message | None:
        """Poll until a final message or ``timeout`` seconds (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while self.final is None and time.monotonic() < deadline:
            self.poll()
            if self.final is None:
                time.sleep(step)
        return self.final

    def stop(self, grace: float = 5.0) -> int | None:
        """Cancel, wait ``grace`` seconds for the roll-back, then terminate (and kill);
        always reaps the child. Returns its exit code."""
        process = self._process
        if process.pid is None:
            self._close()
            return None
        if process.is_alive():
            self._cancel.set()
            deadline = time.monotonic() + grace
            while process.is_alive() and time.monotonic() < deadline:
                self._drain()  # a full pipe must not keep the child from ending
                process.join(0.05)
        killed = self._force_end()
        self._drain()
        if killed:
            self._after_death()
        self._close()
        return process.exitcode

    def _close(self) -> None:
        self._messages.close()
        self._messages.cancel_join_thread()


# ---------------------------------------------------------------------------- in the child


class _Throttled:
    """The job's ProgressCallback: sends at most ``per_s`` messages a second, checks the
    cancel flag at each call and turns a vanished parent into a cancel."""

    def __init__(self, messages: Any, cancel: CancelToken, per_s: int = PROGRESS_PER_S) -> None:
        self._messages = messages
        self._cancel = cancel
        self._interval = 1.0 / per_s
        self._next = 0.0
        self._parent = multiprocessing.parent_process()

    def __call__(self, done: int, total: int | None, text: str) -> None:
        self._cancel.check()
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self._interval
        if self._parent is not None and not self._parent.is_alive():
            raise Cancelled("the app that started the job is gone")
        self._messages.put(("progress", int(done), int(total or 0), str(text)))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _outcome(store_path: str, job: TaskJob, messages: Any, cancel: CancelToken) -> Message:
    from annotator.core.store import ProjectStore, StoreError

    known: tuple[type[BaseException], ...] = (FormatError, StoreError, OSError)
    try:
        with ProjectStore.open(store_path) as store:
            result = job.run(store, _Throttled(messages, cancel), cancel)
        pickle.dumps(result)  # a result that cannot cross would be lost in the queue's thread
    except Cancelled:
        return ("cancelled",)
    except known as exc:
        log.info("%s failed", job.what, exc_info=True)
        return ("failed", _one_line(exc))
    except Exception as exc:
        log.exception("%s failed", job.what)
        return ("failed", f"{type(exc).__name__}: {_one_line(exc)}")
    return ("done", result)


def run_job(project_path: str, job: TaskJob, messages: Any, cancel_event: Any) -> None:
    """The child (the ``Process`` target): run the job, send its outcome, end."""
    if hasattr(os, "nice"):
        # Background work: where it competes with the GUI for a core, the GUI goes first.
        with contextlib.suppress(OSError):
            os.nice(5)
    messages.put(_outcome(project_path, job, messages, _EventCancel(cancel_event)))
    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():
        messages.cancel_join_thread()  # nobody will read it
    messages.close()
    messages.join_thread()  # the outcome is in the pipe before the child is seen to end
    # No interpreter shutdown with spaCy loaded (hundreds of ms): everything is committed,
    # written and closed by now.
    os._exit(0)

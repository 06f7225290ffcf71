"""Import files into a project: choose the reader, check each record, store the good ones.

Each file is one transaction: a fatal problem (binary, truncated) or a cancel rolls the whole
file back, so the project is never left with half a file. Bad records are reported with file,
line and reason, and the good ones still go in. A record whose text is already in the project
adds its annotator's annotation to that document (see ``ProjectStore.import_documents``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.bulk import gc_paused
from annotator.core.database import record_errors
from annotator.core.limits import clip
from annotator.core.model import ValidationError
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import ProjectStore, current_annotator
from annotator.formats.checks import check_annotator
from annotator.formats.docbin import SpanOptions
from annotator.formats.file_import import FileImport, ImportSettings
from annotator.formats.label_options import LabelOptions
from annotator.formats.prodigy import BINARY_MODES, BinaryMode
from annotator.formats.readers import AUTO, Reader, ReadOptions, choose_reader
from annotator.formats.records import FormatError, ImportReport, LineError, Record, display_path
from annotator.formats.text import text_files
from annotator.nlp.tokens import Tokenizer

__all__ = ["expand_paths", "import_files"]

_BATCH = 2000


# What a record that slipped past every check can still raise in the store or in spaCy.
def _record_failures() -> tuple[type[BaseException], ...]:
    return (*record_errors(), UnicodeError, OverflowError)


def expand_paths(paths: Iterable[Path | str | bytes], fmt: str = AUTO) -> list[Path]:
    """Files to import: folders become their .txt files; a file no reader takes is an error."""
    return [path for path, _reader in _with_readers(paths, fmt)]


def _with_readers(paths: Iterable[Path | str | bytes], fmt: str) -> list[tuple[Path, Reader]]:
    """Each file to import with its reader (``fmt``, or chosen by content and suffix)."""
    files: list[tuple[Path, Reader]] = []
    for raw in paths:
        path = Path(os.fsdecode(raw))
        if path.is_dir():
            found = text_files(path)
            if not found:
                raise FormatError(path, "folder holds no .txt files")
            files.extend((p, choose_reader(p, fmt)) for p in found)
        elif not path.exists():
            raise FormatError(path, "no such file")
        else:
            files.append((path, choose_reader(path, fmt)))
    return files


def import_files(
    store: ProjectStore,
    paths: Iterable[Path | str | bytes],
    *,
    as_suggestions: bool = False,
    annotator: str | None = None,
    update: bool = False,
    tokenizer: Tokenizer | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    label_options: LabelOptions | None = None,
    binary: BinaryMode = "auto",
    text_column: str | None = None,
    fmt: str = AUTO,
    spans: SpanOptions | None = None,
) -> ImportReport:
    """Import every file; returns the counts and every problem found.

    Incoming spans become accepted annotations of the annotator the record names
    (``_annotator_id``, ``_session_id`` or ``annotator``), else of ``annotator``, else of the
    current user; or suggestions when ``as_suggestions`` is set. An annotator's annotation that
    is already in the project is replaced only with ``update``. Prodigy's binary tasks become
    binary answers (``formats.prodigy``: ``binary`` decides for records without ``_view_id``);
    ``label_options`` maps, drops or adds labels (``formats.label_options``). ``text_column``
    names the field holding the text in CSV/TSV tables and Label Studio tasks. ``fmt`` forces
    a reader (see ``readers``); ``spans`` says where a DocBin's spans are read from.
    """
    # A missing file, or one no reader takes, stops before anything is read.
    files = _with_readers(paths, fmt)
    who = annotator or current_annotator()
    check_annotator(who)
    if binary not in BINARY_MODES:
        raise ValueError(f"binary must be one of {', '.join(BINARY_MODES)}, not {binary!r}")
    tokenizer = tokenizer or Tokenizer.for_pipeline(store.pipeline)
    settings = ImportSettings(
        who,
        as_suggestions,
        label_options or LabelOptions(),
        binary,
        update=update,
        text_column=text_column,
    )
    options = ReadOptions(tokenizer, spans or SpanOptions(), text_column)
    report = ImportReport(files=len(files))
    failures: tuple[type[BaseException], ...] = (ValidationError, *_record_failures())
    with gc_paused():
        for path, reader in files:
            try:
                read = reader.read(path, options)
                _import_one(store, path, read, settings, tokenizer, report, progress, cancel)
            except FormatError as exc:
                report.failed_files.append(exc)
            except failures as exc:
                # The file's transaction rolled back: a record the checks above let through
                # costs its own file, never the files after it.
                report.failed_files.append(
                    FormatError(
                        path,
                        f"could not be imported ({exc.__class__.__name__}: {clip(str(exc), 200)}); "
                        "nothing of it was imported",
                    )
                )
    return report


def _import_one(
    store: ProjectStore,
    path: Path,
    read: tuple[int | None, Iterator[Record | LineError]],
    settings: ImportSettings,
    tokenizer: Tokenizer,
    report: ImportReport,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> None:
    total, records = read
    name = display_path(path.name)
    done = 0
    with store.transaction():  # the whole file, or nothing of it
        run = FileImport(store, path, settings, tokenizer)
        for item in records:
            done += 1
            if isinstance(item, LineError):
                run.report.errors.append(item)
            else:
                run.take(item)
            if run.pending >= _BATCH:
                run.flush()
            if done % 500 == 0:
                if cancel is not None:
                    cancel.check()
                progress(done, total, name)
        run.finish()
    progress(done, total, name)
    report.merge(run.report)

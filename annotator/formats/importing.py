"""Import files into a project: choose the reader, check each record, store the good ones.

Each file is one transaction: a fatal problem (binary, truncated) or a cancel rolls the whole
file back, so the project is never left with half a file. Bad records are reported with file,
line and reason, and the good ones still go in. Duplicates (same text) are skipped.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.bulk import gc_paused
from annotator.core.limits import clip
from annotator.core.model import Answer, SpanState, ValidationError, check_spans
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import NewDocument, ProjectStore, current_annotator
from annotator.formats.checks import check_annotator
from annotator.formats.docbin import SpanOptions
from annotator.formats.readers import AUTO, Reader, ReadOptions, choose_reader
from annotator.formats.records import FormatError, ImportReport, LineError, Record, display_path
from annotator.formats.text import text_files
from annotator.nlp.tokens import Tokenizer

__all__ = ["expand_paths", "import_files"]

_BATCH = 2000
# What a record that slipped past every check can still raise in the store or in spaCy.
_RECORD_FAILURES = (sqlite3.DataError, sqlite3.IntegrityError, UnicodeError, OverflowError)


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


def _to_document(
    record: Record,
    path: Path,
    labels: set[str],
    tokenizer: Tokenizer,
    as_suggestions: bool,
) -> NewDocument:
    spans = check_spans(record.text, record.spans, labels)
    reasons = tokenizer.misaligned(record.text, spans)
    if reasons:
        raise ValidationError(
            reasons[0] + (f" (and {len(reasons) - 1} more)" if reasons[1:] else "")
        )
    answer = record.answer
    if as_suggestions:
        spans = [s.with_(state=SpanState.SUGGESTED) for s in spans]
        answer = None
    elif answer is None and any(s.state is SpanState.ACCEPTED for s in spans):
        answer = Answer.ACCEPT  # spans that arrive as accepted are someone's accepted work
    return NewDocument(
        text=record.text,
        meta=record.meta,
        source=display_path(path.name),
        line=record.line,
        spans=tuple(spans),
        answer=answer,
        annotator=record.annotator,
    )


def import_files(
    store: ProjectStore,
    paths: Iterable[Path | str | bytes],
    *,
    as_suggestions: bool = False,
    annotator: str | None = None,
    tokenizer: Tokenizer | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    fmt: str = AUTO,
    spans: SpanOptions | None = None,
) -> ImportReport:
    """Import every file; returns the counts and every problem found.

    Incoming spans become accepted annotations of ``annotator`` (the record's own
    ``_annotator_id`` wins), or suggestions when ``as_suggestions`` is set. ``fmt`` forces a
    reader (see ``readers``); ``spans`` says where a DocBin's spans are read from.
    """
    # A missing file, or one no reader takes, stops before anything is read.
    files = _with_readers(paths, fmt)
    who = annotator or current_annotator()
    check_annotator(who)
    tokenizer = tokenizer or Tokenizer.for_pipeline(store.pipeline)
    options = ReadOptions(tokenizer, spans or SpanOptions())
    labels = set(store.labels().names)
    report = ImportReport(files=len(files))
    with gc_paused():
        for path, reader in files:
            try:
                _import_one(
                    store,
                    path,
                    reader.read(path, options),
                    labels,
                    tokenizer,
                    as_suggestions,
                    who,
                    report,
                    progress,
                    cancel,
                )
            except FormatError as exc:
                report.failed_files.append(exc)
            except (ValidationError, *_RECORD_FAILURES) as exc:
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
    labels: set[str],
    tokenizer: Tokenizer,
    as_suggestions: bool,
    annotator: str,
    report: ImportReport,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> None:
    total, records = read
    name = display_path(path.name)
    added = duplicates = 0
    errors: list[LineError] = []
    batch: list[NewDocument] = []
    done = 0

    def flush() -> None:
        nonlocal added, duplicates
        new, dup = store.add_documents(batch, default_annotator=annotator)
        added += new
        duplicates += dup
        batch.clear()

    with store.transaction():  # the whole file, or nothing of it
        for item in records:
            done += 1
            if isinstance(item, LineError):
                errors.append(item)
            else:
                try:
                    batch.append(_to_document(item, path, labels, tokenizer, as_suggestions))
                except ValidationError as exc:
                    errors.append(LineError(display_path(path), item.line, str(exc)))
            if len(batch) >= _BATCH:
                flush()
            if done % 500 == 0:
                if cancel is not None:
                    cancel.check()
                progress(done, total, name)
        flush()
    progress(done, total, name)
    report.added += added
    report.duplicates += duplicates
    report.errors.extend(errors)

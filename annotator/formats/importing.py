"""Import files into a project: choose the reader, check each record, store the good ones.

Each file is one transaction: a fatal problem (binary, truncated) or a cancel rolls the whole
file back, so the project is never left with half a file. Bad records are reported with file,
line and reason, and the good ones still go in. Duplicates (same text) are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.bulk import gc_paused
from annotator.core.database import record_errors
from annotator.core.limits import clip
from annotator.core.model import Answer, SpanState, ValidationError, check_spans
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import NewDocument, ProjectStore, current_annotator
from annotator.formats.checks import check_annotator
from annotator.formats.docbin import read_docbin
from annotator.formats.jsonl import jsonl_records
from annotator.formats.records import FormatError, ImportReport, LineError, Record, display_path
from annotator.formats.sniff import check_text_file
from annotator.formats.text import read_text, text_files
from annotator.nlp.tokens import Tokenizer

__all__ = ["SUPPORTED_SUFFIXES", "expand_paths", "import_files"]

SUPPORTED_SUFFIXES = (".jsonl", ".txt", ".spacy")
_BATCH = 2000


# What a record that slipped past every check can still raise in the store or in spaCy.
def _record_failures() -> tuple[type[BaseException], ...]:
    return (*record_errors(), UnicodeError, OverflowError)


def expand_paths(paths: Iterable[Path | str | bytes]) -> list[Path]:
    """Files to import: folders become their .txt files; unknown types are an error."""
    files: list[Path] = []
    for raw in paths:
        path = Path(os.fsdecode(raw))
        if path.is_dir():
            found = text_files(path)
            if not found:
                raise FormatError(path, "folder holds no .txt files")
            files.extend(found)
        elif not path.exists():
            raise FormatError(path, "no such file")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise FormatError(
                path,
                f"unknown file type {path.suffix or '(none)'}; "
                f"import takes {', '.join(SUPPORTED_SUFFIXES)} files or a folder of .txt files",
            )
        else:
            files.append(path)
    return files


def _records(path: Path, tokenizer: Tokenizer) -> tuple[int | None, Iterator[Record | LineError]]:
    """How many records to expect (None: unknown) and the records of one file."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return check_text_file(path), jsonl_records(path)
    if suffix == ".spacy":
        return None, read_docbin(path, tokenizer)
    return None, read_text(path)


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
    elif answer is None and spans:
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
) -> ImportReport:
    """Import every file; returns the counts and every problem found.

    Incoming spans become accepted annotations of ``annotator`` (the record's own
    ``_annotator_id`` wins), or suggestions when ``as_suggestions`` is set.
    """
    files = expand_paths(paths)  # a missing or unknown file stops before anything is read
    who = annotator or current_annotator()
    check_annotator(who)
    tokenizer = tokenizer or Tokenizer.for_pipeline(store.pipeline)
    labels = set(store.labels().names)
    report = ImportReport(files=len(files))
    failures: tuple[type[BaseException], ...] = (ValidationError, *_record_failures())
    with gc_paused():
        for path in files:
            try:
                _import_one(
                    store, path, labels, tokenizer, as_suggestions, who, report, progress, cancel
                )
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
    labels: set[str],
    tokenizer: Tokenizer,
    as_suggestions: bool,
    annotator: str,
    report: ImportReport,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> None:
    total, records = _records(path, tokenizer)
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

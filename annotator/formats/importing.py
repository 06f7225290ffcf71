"""Import files into a project: choose the reader, check each record, store the good ones.

Each file is one transaction: a fatal problem (binary, truncated) or a cancel rolls the whole
file back, so the project is never left with half a file. Bad records are reported with file,
line and reason, and the good ones still go in. A record whose text is already in the project
adds its annotator's annotation to that document (see ``ProjectStore.import_documents``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.bulk import gc_paused
from annotator.core.limits import clip
from annotator.core.model import ValidationError
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import ProjectStore, current_annotator
from annotator.formats.checks import check_annotator
from annotator.formats.docbin import read_docbin
from annotator.formats.file_import import FileImport, ImportSettings
from annotator.formats.jsonl import jsonl_records
from annotator.formats.label_options import LabelOptions
from annotator.formats.labelstudio import read_labelstudio
from annotator.formats.prodigy import BINARY_MODES, BinaryMode
from annotator.formats.records import FormatError, ImportReport, LineError, Record, display_path
from annotator.formats.sniff import check_text_file
from annotator.formats.table import read_table
from annotator.formats.text import read_text, text_files
from annotator.nlp.tokens import Tokenizer

__all__ = ["SUPPORTED_SUFFIXES", "expand_paths", "import_files"]

# .jsonl also reads doccano's lines; .json is Label Studio's export; .csv/.tsv are tables.
SUPPORTED_SUFFIXES = (".jsonl", ".txt", ".spacy", ".json", ".csv", ".tsv")
_BATCH = 2000
# What a record that slipped past every check can still raise in the store or in spaCy.
_RECORD_FAILURES = (sqlite3.DataError, sqlite3.IntegrityError, UnicodeError, OverflowError)


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


def _records(
    path: Path, tokenizer: Tokenizer, text_column: str | None = None
) -> tuple[int | None, Iterator[Record | LineError]]:
    """How many records to expect (None: unknown) and the records of one file.

    ``text_column`` names the field that holds the text in a table or a Label Studio task.
    """
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return check_text_file(path), jsonl_records(path)
    if suffix == ".spacy":
        return None, read_docbin(path, tokenizer)
    if suffix == ".json":
        return None, read_labelstudio(path, text_column)
    if suffix in (".csv", ".tsv"):
        return None, read_table(path, text_column)
    return None, read_text(path)


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
) -> ImportReport:
    """Import every file; returns the counts and every problem found.

    Incoming spans become accepted annotations of the annotator the record names
    (``_annotator_id``, ``_session_id`` or ``annotator``), else of ``annotator``, else of the
    current user; or suggestions when ``as_suggestions`` is set. An annotator's annotation that
    is already in the project is replaced only with ``update``. Prodigy's binary tasks become
    binary answers (``formats.prodigy``: ``binary`` decides for records without ``_view_id``);
    ``label_options`` maps, drops or adds labels (``formats.label_options``). ``text_column``
    names the field holding the text in CSV/TSV tables and Label Studio tasks.
    """
    files = expand_paths(paths)  # a missing or unknown file stops before anything is read
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
    report = ImportReport(files=len(files))
    with gc_paused():
        for path in files:
            try:
                _import_one(store, path, settings, tokenizer, report, progress, cancel)
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
    settings: ImportSettings,
    tokenizer: Tokenizer,
    report: ImportReport,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> None:
    total, records = _records(path, tokenizer, settings.text_column)
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

"""Export a project's answered documents: JSONL (Prodigy's db-out shape), spaCy, CoNLL.

Only accepted spans are written (suggestions nobody confirmed are not training data). Every
span is checked against the project tokenizer's tokens; one that does not align stops the export
with its document and text rather than being dropped. Every file is written atomically, and the
spaCy export's three files are switched in together.
"""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

import srsly

from annotator.core.bulk import gc_paused
from annotator.core.model import Answer, Document, Span
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import Annotation, ProjectStore
from annotator.formats.atomic import atomic_folder, atomic_write, check_folder_target
from annotator.formats.conll import write_conll_document
from annotator.formats.docbin import DocBinWriter
from annotator.formats.jsonl import input_hash, task_hash
from annotator.formats.records import ExportReport, FormatError
from annotator.nlp.pipeline import pipeline_info
from annotator.nlp.tokens import AlignmentError, TokenIndex, Tokenizer
from annotator.nlp.training import ner_training_config

__all__ = ["FORMATS", "SPACY_FILES", "STDOUT", "ExportFormat", "export_project"]

ExportFormat = Literal["jsonl", "spacy", "conll"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "spacy", "conll")
SPACY_FILES = ("train.spacy", "dev.spacy", "config.cfg")
STDOUT = "-"  # as OUT of a jsonl or conll export: standard output
_BATCH = 500


def _annotated(
    store: ProjectStore,
    tokenizer: Tokenizer,
    answers: Iterable[Answer],
    annotator: str | None,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]]:
    """Answered documents with their tokens and accepted spans, tokenized in batches."""
    stats = store.stats(annotator)
    total = sum(stats["answers"][a.value] for a in answers)
    done = 0
    batch: list[tuple[Document, Annotation]] = []

    def drain() -> Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]]:
        indexes = tokenizer.indexes([doc.text for doc, _ in batch], batch_size=_BATCH)
        for (doc, annotation), index in zip(batch, indexes, strict=True):
            yield doc, annotation, index, annotation.accepted
        batch.clear()

    for pair in store.iter_annotations(answers, annotator):
        batch.append(pair)
        if len(batch) >= _BATCH:
            yield from drain()
            done += _BATCH
            if cancel is not None:
                cancel.check()
            progress(done, total, "documents")
    done += len(batch)
    yield from drain()
    progress(done, total, "documents")


@contextmanager
def _output(out: Path) -> Iterator[IO[str]]:
    """The export's text file, written atomically; ``-`` is standard output (UTF-8)."""
    if str(out) != STDOUT:
        with atomic_write(out, "w") as handle:
            yield handle
        return
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        yield stream
        stream.flush()
    finally:
        stream.detach()  # standard output stays open for the summary


def _check(doc: Document, index: TokenIndex, spans: list[Span]) -> list[tuple[int, int]]:
    try:
        return [index.check(span) for span in spans]
    except AlignmentError as exc:
        raise FormatError(
            doc.source or "project", f"document {doc.id} (line {doc.line}): {exc}"
        ) from exc


def jsonl_record(
    doc: Document, annotation: Annotation, index: TokenIndex, spans: list[Span]
) -> dict[str, Any]:
    """One line of the JSONL export."""
    ranges = _check(doc, index, spans)
    span_dicts = [
        {"start": s.start, "end": s.end, "label": s.label, "token_start": a, "token_end": b}
        for s, (a, b) in zip(spans, ranges, strict=True)
    ]
    answer = annotation.answer.value if annotation.answer else None
    hashed = task_hash(doc.text, span_dicts)
    for span_dict, span in zip(span_dicts, spans, strict=True):
        # Where each span came from and how sure that source was (not part of the task hash).
        span_dict["source"] = span.source
        if span.score is not None:
            span_dict["score"] = span.score
    return {
        "text": doc.text,
        "meta": doc.meta,
        "_input_hash": input_hash(doc.text),
        "_task_hash": hashed,
        "tokens": index.token_dicts(),
        "spans": span_dicts,
        "answer": answer,
        "_annotator_id": annotation.annotator,
        "_view_id": "ner_manual",
    }


def export_project(
    store: ProjectStore,
    out: Path | str,
    fmt: ExportFormat = "jsonl",
    *,
    answers: Iterable[Answer] = (Answer.ACCEPT,),
    annotator: str | None = None,
    dev_ratio: float = 0.2,
    seed: int = 0,
    tokenizer: Tokenizer | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write the export; OUT is a file for jsonl and conll (``-``: standard output), a folder
    for spacy. A target that is a symbolic link, a device or a FIFO is refused."""
    with gc_paused():
        return _export(
            store,
            Path(out),
            fmt,
            tuple(answers),
            annotator,
            dev_ratio,
            seed,
            tokenizer,
            progress,
            cancel,
        )


def _export(
    store: ProjectStore,
    out: Path,
    fmt: ExportFormat,
    answers: tuple[Answer, ...],
    annotator: str | None,
    dev_ratio: float,
    seed: int,
    tokenizer: Tokenizer | None,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> ExportReport:
    if fmt not in FORMATS:
        raise FormatError(out, f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "spacy" and str(out) == STDOUT:
        raise FormatError(
            out, "the spacy export writes a folder; - (standard output) is for jsonl and conll"
        )
    tokenizer = tokenizer or Tokenizer.for_pipeline(store.pipeline)
    items = _annotated(store, tokenizer, answers, annotator, progress, cancel)
    if fmt == "spacy":
        return _export_spacy(store, out, items, tokenizer, dev_ratio, seed)
    if str(out) != STDOUT and out.is_dir() and not out.is_symlink():
        raise FormatError(out, f"is a folder; the {fmt} export needs a file name")
    if not out.parent.is_dir():
        raise FormatError(out.parent, "folder does not exist")
    report = ExportReport(files=[out])
    with _output(out) as handle:
        for doc, annotation, index, spans in items:
            if fmt == "jsonl":
                handle.write(srsly.json_dumps(jsonl_record(doc, annotation, index, spans)) + "\n")
            else:
                _check(doc, index, spans)
                write_conll_document(handle, index, spans)
            report.documents += 1
            report.spans += len(spans)
    if report.documents == 0:
        report.notes.append("no document has an answer that was asked for; the file is empty")
    return report


def _export_spacy(
    store: ProjectStore,
    out: Path,
    items: Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]],
    tokenizer: Tokenizer,
    dev_ratio: float,
    seed: int,
) -> ExportReport:
    """train.spacy + dev.spacy (seeded split) + config.cfg in folder ``out``, switched in as
    one set (a reader never sees a new train.spacy beside an old dev.spacy)."""
    if not 0.0 <= dev_ratio < 1.0:
        raise FormatError(out, f"dev ratio must be in [0, 1), got {dev_ratio}")
    check_folder_target(out, SPACY_FILES)  # before the work, and again before the switch
    train, dev = DocBinWriter(tokenizer), DocBinWriter(tokenizer)
    rng = random.Random(seed)
    report = ExportReport()
    first: tuple[str, list[Span]] | None = None
    for doc, _annotation, index, spans in items:
        _check(doc, index, spans)
        target = dev if rng.random() < dev_ratio else train
        target.add(doc.text, spans)
        first = first or (doc.text, spans)
        report.documents += 1
        report.spans += len(spans)
    if report.documents == 0:
        raise FormatError(out, "nothing to export: no document has an answer that was asked for")
    if first is not None and (train.count == 0 or dev.count == 0):
        # spaCy needs both sets; with too few documents one of them borrows a document.
        (train if train.count == 0 else dev).add(*first)
        report.notes.append(
            "too few documents to split: one document is in both train.spacy and dev.spacy"
        )
    info = pipeline_info(store.pipeline)
    # The exported config fine-tunes the project's pipeline NER when it has one.
    source = info.location if info.labels else None
    with atomic_folder(out, SPACY_FILES) as folder:
        (folder / "train.spacy").write_bytes(train.to_bytes())
        (folder / "dev.spacy").write_bytes(dev.to_bytes())
        config = ner_training_config(info.lang, source=source)
        (folder / "config.cfg").write_text(config, encoding="utf-8")
    report.files = [out / name for name in SPACY_FILES]
    return report

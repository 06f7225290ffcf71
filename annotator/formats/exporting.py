"""Export a project's answered documents: JSONL (Prodigy's db-out shape), spaCy, CoNLL.

Only accepted spans are written (suggestions nobody confirmed are not training data). Every
span is checked against the project tokenizer's tokens; one that does not align stops the export
with its document and text rather than being dropped. Every file is written atomically, and the
spaCy export's three files are switched in together.

On request (``include``, JSONL only) the export also writes:
- ``unanswered``: the documents nobody answered (or ``annotator`` did not), after the answered
  ones, with ``"answer": null``;
- ``suggestions``: each record's suggestions nobody accepted or rejected, under their own key
  ``"suggestions"`` (``start``, ``end``, ``label``, token indices, ``source``, ``score``), never
  in ``"spans"``, so a tool that reads ``"spans"`` can never take them for accepted spans. A
  document nobody has opened has its newest cached suggestions written.

The spaCy export's train/dev split is exact and seeded: ``round(dev_ratio * n)`` documents in
dev, chosen by a seeded hash of each text, so the same seed and documents give the same split
and a new document does not move the others.
"""

from __future__ import annotations

import io
import itertools
import sys
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import srsly

from annotator.core.bulk import gc_paused
from annotator.core.model import Answer, Document, Span
from annotator.core.model_versions import HELDOUT, assign_parts
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import Annotation, ProjectStore
from annotator.formats.atomic import atomic_folder, atomic_write, check_folder_target
from annotator.formats.conll import conll_sentences, write_conll_document
from annotator.formats.docbin import DocBinWriter
from annotator.formats.iob import EXPORT_SCHEMES, ExportScheme
from annotator.formats.jsonl import input_hash, task_hash
from annotator.formats.records import ExportReport, FormatError
from annotator.nlp.pipeline import pipeline_info
from annotator.nlp.sentences import SentenceSplitter
from annotator.nlp.tokens import AlignmentError, TokenIndex, Tokenizer
from annotator.nlp.training import ner_training_config

__all__ = [
    "FORMATS",
    "INCLUDES",
    "SPACY_FILES",
    "STDOUT",
    "ExportFormat",
    "export_project",
]

ExportFormat = Literal["jsonl", "spacy", "conll"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "spacy", "conll")
SPACY_FILES = ("train.spacy", "dev.spacy", "config.cfg")
STDOUT = "-"  # as OUT of a jsonl or conll export: standard output
INCLUDES = ("unanswered", "suggestions")  # what a JSONL export can add on request
_BATCH = 500


def _unanswered(
    store: ProjectStore, annotator: str | None
) -> Iterator[tuple[Document, Annotation]]:
    """Documents without an answer (of ``annotator``, or of anyone), with the annotation
    worked on so far (the latest one, without an annotator given) or an empty one."""
    if annotator is None:
        answered = store.answered_ids()
        annotators = store.annotators()
    else:
        answered = {d.id for d, _ in store.iter_annotations(list(Answer), annotator)}
        annotators = [annotator]
    for document in store.iter_documents():
        if document.id in answered:
            continue
        found = [store.annotation(document.id, who) for who in annotators]
        annotations = [a for a in found if a is not None]
        latest = max(annotations, key=lambda a: a.updated, default=None)
        yield document, latest or Annotation(document.id, annotator or "", None, ())


def _annotated(
    store: ProjectStore,
    tokenizer: Tokenizer,
    answers: Iterable[Answer],
    annotator: str | None,
    progress: ProgressCallback,
    cancel: CancelToken | None,
    unanswered: bool = False,
) -> Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]]:
    """Answered (and, on request, unanswered) documents with their tokens and accepted spans,
    tokenized in batches."""
    stats = store.stats(annotator)
    total = sum(stats["answers"][a.value] for a in answers)
    pairs: Iterable[tuple[Document, Annotation]] = store.iter_annotations(answers, annotator)
    if unanswered:
        total += stats["documents"] - len(store.answered_ids())
        pairs = itertools.chain(pairs, _unanswered(store, annotator))
    done = 0
    batch: list[tuple[Document, Annotation]] = []

    def drain() -> Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]]:
        indexes = tokenizer.indexes([doc.text for doc, _ in batch], batch_size=_BATCH)
        for (doc, annotation), index in zip(batch, indexes, strict=True):
            yield doc, annotation, index, annotation.accepted
        batch.clear()

    for pair in pairs:
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


def _span_dicts(doc: Document, index: TokenIndex, spans: list[Span]) -> list[dict[str, Any]]:
    ranges = _check(doc, index, spans)
    return [
        {"start": s.start, "end": s.end, "label": s.label, "token_start": a, "token_end": b}
        for s, (a, b) in zip(spans, ranges, strict=True)
    ]


def _suggestions(store: ProjectStore, doc: Document, annotation: Annotation) -> list[Span]:
    """Suggestions nobody accepted or rejected: those seeded into the annotation, or for a
    document nobody opened the newest cached ones that overlap no accepted span."""
    if annotation.annotator and store.suggestions_seeded(doc.id, annotation.annotator):
        return annotation.suggested
    accepted = annotation.accepted
    return [s for s in store.latest_suggestions(doc.id) if not any(s.overlaps(a) for a in accepted)]


def jsonl_record(
    doc: Document,
    annotation: Annotation,
    index: TokenIndex,
    spans: list[Span],
    suggestions: list[Span] | None = None,
) -> dict[str, Any]:
    """One line of the JSONL export; ``suggestions`` (when given) go under their own key."""
    span_dicts = _span_dicts(doc, index, spans)
    answer = annotation.answer.value if annotation.answer else None
    extra: dict[str, Any] = {}
    if suggestions is not None:
        extra["suggestions"] = [
            {**d, "source": s.source, "score": s.score}
            for s, d in zip(suggestions, _span_dicts(doc, index, suggestions), strict=True)
        ]
    return {
        "text": doc.text,
        "meta": doc.meta,
        "_input_hash": input_hash(doc.text),
        "_task_hash": task_hash(doc.text, span_dicts),
        "tokens": index.token_dicts(),
        "spans": span_dicts,
        "answer": answer,
        "_annotator_id": annotation.annotator,
        "_view_id": "ner_manual",
        **extra,
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
    scheme: ExportScheme = "iob",
    docstart: bool = True,
    include: Collection[str] = (),
) -> ExportReport:
    """Write the export; OUT is a file for jsonl and conll (``-``: standard output), a folder
    for spacy. A target that is a symbolic link, a device or a FIFO is refused.

    ``scheme`` (iob: IOB2, or biluo) and ``docstart`` (a ``-DOCSTART-`` line before each
    document) shape the CoNLL export; ``include`` adds ``unanswered`` documents and
    ``suggestions`` to the JSONL export (see the module doc).
    """
    options = _Options(scheme, docstart, frozenset(include))
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
            options,
        )


@dataclass(frozen=True)
class _Options:
    """The format-specific choices of an export."""

    scheme: ExportScheme
    docstart: bool
    include: frozenset[str]

    def check(self, out: Path, fmt: ExportFormat) -> None:
        if self.scheme not in EXPORT_SCHEMES:
            raise FormatError(
                out, f"unknown tag scheme {self.scheme!r}; use one of {', '.join(EXPORT_SCHEMES)}"
            )
        unknown = sorted(self.include - set(INCLUDES))
        if unknown:
            raise FormatError(
                out, f"cannot include {', '.join(unknown)}; choose from {', '.join(INCLUDES)}"
            )
        if self.include and fmt != "jsonl":
            raise FormatError(
                out,
                f"--include {','.join(sorted(self.include))} is for the jsonl export: a {fmt} "
                "export holds accepted spans of answered documents, as training data",
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
    options: _Options,
) -> ExportReport:
    if fmt not in FORMATS:
        raise FormatError(out, f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    options.check(out, fmt)
    if fmt == "spacy" and str(out) == STDOUT:
        raise FormatError(
            out, "the spacy export writes a folder; - (standard output) is for jsonl and conll"
        )
    tokenizer = tokenizer or Tokenizer.for_pipeline(store.pipeline)
    unanswered = "unanswered" in options.include
    items = _annotated(store, tokenizer, answers, annotator, progress, cancel, unanswered)
    if fmt == "spacy":
        return _export_spacy(store, out, items, tokenizer, dev_ratio, seed)
    if str(out) != STDOUT and out.is_dir() and not out.is_symlink():
        raise FormatError(out, f"is a folder; the {fmt} export needs a file name")
    if not out.parent.is_dir():
        raise FormatError(out.parent, "folder does not exist")
    report = ExportReport(files=[out])
    splitter = SentenceSplitter(tokenizer)
    with_suggestions = "suggestions" in options.include
    with _output(out) as handle:
        for doc, annotation, index, spans in items:
            if fmt == "jsonl":
                suggested = _suggestions(store, doc, annotation) if with_suggestions else None
                record = jsonl_record(doc, annotation, index, spans, suggested)
                handle.write(srsly.json_dumps(record) + "\n")
            else:
                _check(doc, index, spans)
                sentences = conll_sentences(
                    index, spans, doc.meta, splitter.starts(index), options.scheme
                )
                write_conll_document(handle, sentences, docstart=options.docstart)
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
    report = ExportReport()
    checked: list[tuple[Document, list[Span]]] = []
    for doc, _annotation, index, spans in items:
        _check(doc, index, spans)
        checked.append((doc, spans))
        report.documents += 1
        report.spans += len(spans)
    # Exact and seeded: round(dev_ratio * n) documents in dev (a document that two annotators
    # answered stays on one side).
    parts = assign_parts([(d.id, d.text_hash) for d, _ in checked], {}, dev_ratio, seed)
    first: tuple[str, list[Span]] | None = None
    for doc, spans in checked:
        target = dev if parts[doc.id] == HELDOUT else train
        target.add(doc.text, spans)
        first = first or (doc.text, spans)
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

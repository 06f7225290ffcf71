"""Export a project's answered documents: JSONL (Prodigy's db-out shape), spaCy, CoNLL,
doccano JSONL and Label Studio JSON tasks.

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
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import srsly

from annotator.core.bulk import gc_paused
from annotator.core.model import Answer, Document, Span
from annotator.core.model_versions import HELDOUT, assign_parts
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.span_answers import SpanAnswer, TaskHashes
from annotator.core.store import Annotation, ProjectStore
from annotator.core.team import REVIEWED, is_reserved, same_annotation
from annotator.formats.atomic import atomic_folder, atomic_write, check_folder_target
from annotator.formats.conll import conll_sentences, write_conll_document
from annotator.formats.docbin import DocBinWriter
from annotator.formats.doccano import doccano_line
from annotator.formats.foreign import split_original_id
from annotator.formats.iob import EXPORT_SCHEMES, ExportScheme
from annotator.formats.jsonl import input_hash, task_hash
from annotator.formats.labelstudio import labelstudio_task
from annotator.formats.prodigy import binary_task
from annotator.formats.records import ExportReport, FormatError
from annotator.nlp.pipeline import pipeline_info
from annotator.nlp.sentences import SentenceSplitter
from annotator.nlp.tokens import AlignmentError, TokenIndex, Tokenizer
from annotator.nlp.train.binary_spans import INCORRECT_SPANS_KEY, binary_evidence
from annotator.nlp.training import ner_training_config

__all__ = [
    "FORMATS",
    "INCLUDES",
    "SOURCES",
    "SPACY_FILES",
    "STDOUT",
    "ExportFormat",
    "export_project",
    "pick_annotation",
]

ExportFormat = Literal["jsonl", "spacy", "conll", "doccano", "labelstudio"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "spacy", "conll", "doccano", "labelstudio")
SPACY_FILES = ("train.spacy", "dev.spacy", "config.cfg")
STDOUT = "-"  # as OUT of an export to one file (all but spacy): standard output
INCLUDES = ("unanswered", "suggestions")  # what a JSONL or Label Studio export adds on request
_BATCH = 500
#: ``--from``: besides these, an annotator's name exports that annotator's work.
SOURCES = ("auto", "reviewed", "all")


def _binary_annotator(source: str) -> str | None:
    """Whose binary answers go out: the annotator ``source`` names, else everyone's (binary
    answers are evidence about one span each; a review settles full annotations only)."""
    return None if source in SOURCES else source


def _chosen(
    store: ProjectStore,
    answers: Iterable[Answer],
    source: str,
    report: ExportReport,
) -> Iterator[tuple[Document, Annotation]]:
    """The annotations ``source`` picks (see ``SOURCES``), with the answers asked for."""
    wanted = tuple(answers)
    if source not in ("all", "auto"):
        who = REVIEWED if source == "reviewed" else source
        yield from store.iter_annotations(wanted, who)
        return
    if source == "all":
        yield from store.iter_annotations(wanted, None)
        return
    undecided: list[int] = []
    everything = store.iter_annotations(tuple(Answer), None)
    for _doc_id, group in itertools.groupby(everything, key=lambda pair: pair[0].id):
        pairs = list(group)
        picked = pick_annotation(pairs)
        if picked is None:
            undecided.append(pairs[0][0].id)
        elif picked[1].answer in wanted:
            yield picked
    if undecided:
        shown = ", ".join(map(str, undecided[:20])) + (" ..." if undecided[20:] else "")
        report.notes.append(
            f"{len(undecided)} documents left out: their annotators disagree and nobody has "
            f"reviewed them (documents {shown}); review them in the window, or export "
            "--from all or --from ANNOTATOR"
        )
        report.undecided = len(undecided)


def pick_annotation(
    pairs: list[tuple[Document, Annotation]],
) -> tuple[Document, Annotation] | None:
    """The default export's choice for one document: the reviewed annotation, else the only
    one, else the first when all annotators agree (same answer, same accepted spans); None when
    they disagree: never one of them picked silently."""
    for pair in pairs:
        if pair[1].annotator == REVIEWED:
            return pair
    people = [pair for pair in pairs if not is_reserved(pair[1].annotator)]
    if not people:
        return None
    first = people[0][1]
    if all(
        same_annotation(first.answer, first.accepted, other.answer, other.accepted)
        for _, other in people[1:]
    ):
        return people[0]
    return None


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
    source: str,
    report: ExportReport,
    progress: ProgressCallback,
    cancel: CancelToken | None,
    unanswered: bool = False,
) -> Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]]:
    """Answered (and, on request, unanswered) documents with their tokens and accepted spans,
    tokenized in batches."""
    who = None if source in ("all", "auto") else REVIEWED if source == "reviewed" else source
    stats = store.stats(who)
    total = sum(stats["answers"][a.value] for a in answers)
    pairs: Iterable[tuple[Document, Annotation]] = _chosen(store, answers, source, report)
    if unanswered:
        total += stats["documents"] - len(store.answered_ids())
        pairs = itertools.chain(pairs, _unanswered(store, who))
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
    """Suggestions nobody accepted or rejected: those in the annotation (seeded when it was
    opened, or imported as suggestions), or for a document nobody opened the newest cached
    ones that overlap no accepted span."""
    if annotation.suggested:
        return annotation.suggested
    if annotation.annotator and store.suggestions_seeded(doc.id, annotation.annotator):
        return []  # the suggestions were shown, and every one was decided on
    accepted = annotation.accepted
    return [s for s in store.latest_suggestions(doc.id) if not any(s.overlaps(a) for a in accepted)]


def jsonl_record(
    doc: Document,
    annotation: Annotation,
    index: TokenIndex,
    spans: list[Span],
    hashes: TaskHashes | None = None,
    suggestions: list[Span] | None = None,
) -> dict[str, Any]:
    """One line of the JSONL export; ``hashes`` are the Prodigy hashes the annotation was
    imported with (its ``_task_hash`` is kept while its spans are as they came);
    ``suggestions`` (when given) go under their own key."""
    span_dicts = _span_dicts(doc, index, spans)
    answer = annotation.answer.value if annotation.answer else None
    ours = task_hash(doc.text, span_dicts)
    unchanged = hashes is not None and hashes.content_hash == ours
    original, meta = split_original_id(doc.meta)
    for span_dict, span in zip(span_dicts, spans, strict=True):
        # Where each span came from and how sure that source was (not part of the task hash).
        span_dict["source"] = span.source
        if span.score is not None:
            span_dict["score"] = span.score
    extra: dict[str, Any] = {}
    if suggestions is not None:
        extra["suggestions"] = [
            {**d, "source": s.source, "score": s.score}
            for s, d in zip(suggestions, _span_dicts(doc, index, suggestions), strict=True)
        ]
    return {
        "text": doc.text,
        **({} if original is None else {"id": original}),
        "meta": meta,
        "_input_hash": hashes.input_hash if hashes is not None else input_hash(doc.text),
        "_task_hash": hashes.task_hash if hashes is not None and unchanged else ours,
        "tokens": index.token_dicts(),
        "spans": span_dicts,
        "answer": answer,
        "_annotator_id": annotation.annotator,
        "_view_id": "ner_manual",
        **extra,
    }


def _binary_tasks(
    store: ProjectStore,
    tokenizer: Tokenizer,
    answers: Iterable[Answer],
    annotator: str | None,
) -> Iterator[dict[str, Any]]:
    """The binary answers asked for, one Prodigy ``ner`` task each (``formats.prodigy``)."""
    batch: list[tuple[Document, list[SpanAnswer]]] = []

    def drain() -> Iterator[dict[str, Any]]:
        indexes = tokenizer.indexes([doc.text for doc, _ in batch], batch_size=_BATCH)
        for (doc, found), index in zip(batch, indexes, strict=True):
            tokens = index.token_dicts()
            for answer in found:
                (span,) = _span_dicts(doc, index, [answer.span])
                yield binary_task(doc, answer, span, tokens)
        batch.clear()

    for pair in store.iter_span_answers(answers, annotator):
        batch.append(pair)
        if len(batch) >= _BATCH:
            yield from drain()
    yield from drain()


def export_project(
    store: ProjectStore,
    out: Path | str,
    fmt: ExportFormat = "jsonl",
    *,
    answers: Iterable[Answer] = (Answer.ACCEPT,),
    source: str = "auto",
    dev_ratio: float = 0.2,
    seed: int = 0,
    tokenizer: Tokenizer | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    scheme: ExportScheme = "iob",
    docstart: bool = True,
    include: Collection[str] = (),
) -> ExportReport:
    """Write the export; OUT is a file for jsonl, conll, doccano and labelstudio (``-``:
    standard output), a folder for spacy. A target that is a symbolic link, a device or a FIFO
    is refused.

    ``source`` picks whose annotations: ``auto`` (the reviewed annotation where there is one,
    else the single annotation or the one all annotators agree on; documents whose annotators
    disagree and that nobody reviewed are left out and named in the report's notes),
    ``reviewed``, ``all`` (every annotator's, the reviewed one included) or an annotator.
    ``scheme`` (iob: IOB2, or biluo) and ``docstart`` (a ``-DOCSTART-`` line before each
    document) shape the CoNLL export; ``include`` adds ``unanswered`` documents and
    ``suggestions`` to the JSONL and Label Studio exports (see the module doc).
    """
    options = _Options(scheme, docstart, frozenset(include))
    with gc_paused():
        return _export(
            store,
            Path(out),
            fmt,
            tuple(answers),
            source,
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
        if self.include and fmt not in ("jsonl", "labelstudio"):
            raise FormatError(
                out,
                f"--include {','.join(sorted(self.include))} is for the jsonl and labelstudio "
                f"exports: a {fmt} export holds accepted spans of answered documents, as "
                "training data",
            )


def _export(
    store: ProjectStore,
    out: Path,
    fmt: ExportFormat,
    answers: tuple[Answer, ...],
    source: str,
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
            out, "the spacy export writes a folder; - (standard output) is for the other formats"
        )
    tokenizer = tokenizer or Tokenizer.for_pipeline(store.pipeline)
    report = ExportReport(files=[out])
    unanswered = "unanswered" in options.include
    items = _annotated(store, tokenizer, answers, source, report, progress, cancel, unanswered)
    if fmt == "spacy":
        return _export_spacy(
            store, out, items, tokenizer, dev_ratio, seed, report, _binary_annotator(source)
        )
    if str(out) != STDOUT and out.is_dir() and not out.is_symlink():
        raise FormatError(out, f"is a folder; the {fmt} export needs a file name")
    if not out.parent.is_dir():
        raise FormatError(out.parent, "folder does not exist")
    splitter = SentenceSplitter(tokenizer)

    def suggested(doc: Document, annotation: Annotation) -> list[Span] | None:
        return _suggestions(store, doc, annotation) if "suggestions" in options.include else None

    with _output(out) as handle:
        if fmt == "labelstudio":
            _write_labelstudio(handle, items, report, lambda d, a: _suggestions(store, d, a))
        else:
            for doc, annotation, index, spans in items:
                if fmt == "jsonl":
                    hashes = store.task_hashes([doc.id]).get(doc.id)
                    record = jsonl_record(
                        doc, annotation, index, spans, hashes, suggested(doc, annotation)
                    )
                    handle.write(srsly.json_dumps(record) + "\n")
                elif fmt == "doccano":
                    _check(doc, index, spans)
                    line = doccano_line(doc, annotation.answer, spans)
                    handle.write(srsly.json_dumps(line) + "\n")
                else:
                    _check(doc, index, spans)
                    sentences = conll_sentences(
                        index, spans, doc.meta, splitter.starts(index), options.scheme
                    )
                    write_conll_document(handle, sentences, docstart=options.docstart)
                report.documents += 1
                report.spans += len(spans)
        if fmt == "jsonl":
            for task in _binary_tasks(store, tokenizer, answers, _binary_annotator(source)):
                handle.write(srsly.json_dumps(task) + "\n")
                report.binary_answers += 1
    if fmt != "jsonl" and store.count_span_answers(_binary_annotator(source))["accept"]:
        report.notes.append(
            f"binary answers (one span each) are not in the {fmt} export: it cannot say "
            "that the other tokens are unknown; use jsonl or spacy"
        )
    if report.documents == 0 and report.binary_answers == 0 and not report.undecided:
        report.notes.append("no document has an answer that was asked for; the file is empty")
    return report


def _write_labelstudio(
    handle: IO[str],
    items: Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]],
    report: ExportReport,
    suggested: Callable[[Document, Annotation], list[Span]],
) -> None:
    """A JSON list of Label Studio tasks, one a document holding all its exported annotations
    (the annotations come in document order) and its suggestions nobody decided on as
    predictions, written a task at a time; the report counts tasks as documents."""
    handle.write("[")
    current: Document | None = None
    group: list[tuple[Annotation, list[Span]]] = []

    def flush() -> None:
        if current is not None:
            doc = current
            predictions = [span for annotation, _ in group for span in suggested(doc, annotation)]
            task = srsly.json_dumps(labelstudio_task(doc, group, predictions))
            handle.write(("\n" if report.documents == 0 else ",\n") + task)
            report.documents += 1

    for doc, annotation, index, spans in items:
        _check(doc, index, spans)
        if current is not None and doc.id != current.id:
            flush()
            group.clear()
        current = doc
        group.append((annotation, spans))
        report.spans += len(spans)
    flush()
    handle.write("\n]\n")


def _export_spacy(
    store: ProjectStore,
    out: Path,
    items: Iterator[tuple[Document, Annotation, TokenIndex, list[Span]]],
    tokenizer: Tokenizer,
    dev_ratio: float,
    seed: int,
    report: ExportReport,
    annotator: str | None = None,
) -> ExportReport:
    """train.spacy + dev.spacy (seeded split) + config.cfg in folder ``out``, switched in as
    one set (a reader never sees a new train.spacy beside an old dev.spacy)."""
    if not 0.0 <= dev_ratio < 1.0:
        raise FormatError(out, f"dev ratio must be in [0, 1), got {dev_ratio}")
    check_folder_target(out, SPACY_FILES)  # before the work, and again before the switch
    train, dev = DocBinWriter(tokenizer), DocBinWriter(tokenizer)
    checked: list[tuple[Document, list[Span]]] = []
    for doc, _annotation, index, spans in items:
        _check(doc, index, spans)
        checked.append((doc, spans))
        report.documents += 1
        report.spans += len(spans)
    # Binary answers (one span each) are training evidence whatever --answers says: accepted
    # spans with the rest missing, rejected ones as known-wrong (nlp.train.binary_spans).
    binary = list(store.iter_span_answers((Answer.ACCEPT, Answer.REJECT), annotator))
    by_id = {doc.id: found for doc, found in binary}
    exported = {doc.id for doc, _ in checked}
    only_binary = [(doc, found) for doc, found in binary if doc.id not in exported]
    # Exact and seeded: round(dev_ratio * n) documents in dev (a document that two annotators
    # answered stays on one side).
    everything = [doc for doc, _ in checked] + [doc for doc, _ in only_binary]
    parts = assign_parts([(d.id, d.text_hash) for d in everything], {}, dev_ratio, seed)
    first: tuple[str, list[Span]] | None = None
    conflicts = rejected = 0
    for doc, spans in checked:
        target = dev if parts[doc.id] == HELDOUT else train
        found = by_id.get(doc.id, [])
        evidence = binary_evidence(found, [s.key for s in spans])
        report.binary_answers += len(found)
        target.add(doc.text, spans, evidence.rejected)  # a full annotation's entities stand
        conflicts += evidence.conflicts
        rejected += len(evidence.rejected)
        first = first or (doc.text, spans)
    for doc, found in only_binary:
        evidence = binary_evidence(found)
        target = dev if parts[doc.id] == HELDOUT else train
        accepted = [Span(*key) for key in evidence.accepted]
        target.add(doc.text, accepted, evidence.rejected, missing=True)
        conflicts += evidence.conflicts
        rejected += len(evidence.rejected)
        report.documents += 1
        report.spans += len(accepted)
        report.binary_answers += len(found)
    if conflicts:
        report.notes.append(
            f"{conflicts} binary answers contradict another answer about the same or an "
            "overlapping span and are left out (the acceptance and the full annotation win)"
        )
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
    if source and rejected:
        report.notes.append(
            f"{rejected} rejected spans are in doc.spans[{INCORRECT_SPANS_KEY!r}], but spaCy "
            f"ignores incorrect_spans_key for a ner sourced from {source}: `spacy train` "
            "trains on the accepted spans only (`annotator train` uses both)"
        )
    with atomic_folder(out, SPACY_FILES) as folder:
        (folder / "train.spacy").write_bytes(train.to_bytes())
        (folder / "dev.spacy").write_bytes(dev.to_bytes())
        config = ner_training_config(info.lang, source=source)
        (folder / "config.cfg").write_text(config, encoding="utf-8")
    report.files = [out / name for name in SPACY_FILES]
    return report

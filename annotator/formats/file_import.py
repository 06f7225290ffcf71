"""One file's records on their way into the store: full annotations, binary answers, labels.

``importing.import_files`` runs one ``FileImport`` per file inside that file's transaction and
adds its counts to the report only once the file is committed, so a refused file leaves the
project, and the report's counts, as they were.

Each record is a full annotation (a document with its spans and answer) or a binary answer
about one span (``formats.prodigy`` tells them apart; ``core.span_answers`` stores the
latter). The label map applies to both; an unknown label is added to the project with
``--add-labels`` and refuses its record otherwise. A full annotation of a text already in the
project is added to it under its annotator (``ProjectStore.import_documents``: an annotator's
own annotation already there is replaced only with ``update``, else skipped and counted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import Answer, Span, SpanState, ValidationError, check_spans
from annotator.core.span_answers import SpanAnswer, TaskHashes
from annotator.core.store import NewDocument, ProjectStore, text_hash
from annotator.formats.jsonl import task_hash
from annotator.formats.label_options import LabelOptions, unknown_label_error, unknown_labels
from annotator.formats.prodigy import BinaryMode, Kind, SharedInputHashes, binary_span, kind_of
from annotator.formats.records import ImportReport, LineError, Record, display_path
from annotator.nlp.tokens import Tokenizer

__all__ = ["FileImport", "ImportSettings"]


@dataclass(frozen=True)
class ImportSettings:
    """How records are read: into suggestions or answers, labels, binary tasks."""

    annotator: str
    as_suggestions: bool = False
    labels: LabelOptions = field(default_factory=LabelOptions)
    binary: BinaryMode = "auto"
    update: bool = False  # replace an annotator's annotation already in the project
    text_column: str | None = None  # the text's field in CSV/TSV and Label Studio files


class FileImport:
    """The records of one file, stored batch by batch (see the module docstring)."""

    def __init__(
        self,
        store: ProjectStore,
        path: Path,
        settings: ImportSettings,
        tokenizer: Tokenizer,
    ) -> None:
        self.store, self.path, self.settings = store, path, settings
        self._tokenizer = tokenizer
        self.labels = set(store.labels().names)
        self.report = ImportReport()
        self._dropped: Counter[str] = Counter()
        self._renamed: Counter[str] = Counter()
        self._documents: list[tuple[NewDocument, Record]] = []
        self._binary: list[tuple[Record, Span]] = []
        self._maybe = SharedInputHashes()

    @property
    def pending(self) -> int:
        return len(self._documents) + len(self._binary)

    # ------------------------------------------------------------- reading
    def take(self, record: Record) -> None:
        """Check one record and queue it (errors go to the report with the line)."""
        kind = "manual" if self.settings.as_suggestions else kind_of(record, self.settings.binary)
        if kind == "maybe-binary":
            self._maybe.add(record)
        else:
            self._take(record, kind)

    def finish(self) -> None:
        """Decide the records held for the shared-input-hash rule and store everything."""
        for record, kind in self._maybe.resolve():
            if self._take(record, kind) and kind == "binary":
                self.report.binary_by_rule += 1
        self.flush()
        self.report.errors.sort(key=lambda error: error.line)  # held records came last
        self.report.dropped_spans = dict(self._dropped)
        self.report.renamed_spans = dict(self._renamed)

    def _take(self, record: Record, kind: Kind) -> bool:
        try:
            mapped = self.settings.labels.apply(record.spans)
            self._known_labels(mapped.spans)
            if kind == "binary":
                binary_span(record)  # exactly one span and an answer, before any mapping
                if mapped.spans:  # else the map dropped the span the answer is about
                    (span,) = mapped.spans
                    self._check_binary(record.text, span)
                    self._binary.append((record, span))
            else:
                document = _to_document(
                    record,
                    mapped.spans,
                    self.path,
                    self.labels,
                    self._tokenizer,
                    self.settings.as_suggestions,
                )
                self._documents.append((document, record))
        except ValidationError as exc:
            self.report.errors.append(LineError(display_path(self.path), record.line, str(exc)))
            return False
        if mapped.dropped or mapped.renamed:
            self._dropped.update(mapped.dropped)
            self._renamed.update(mapped.renamed)
        return True

    def _known_labels(self, spans: tuple[Span, ...]) -> None:
        if all(span.label in self.labels for span in spans):
            return
        missing = unknown_labels(spans, self.labels)
        if not self.settings.labels.add_unknown:
            raise unknown_label_error(missing[0], self.labels)
        added = self.store.add_labels(missing)  # in the file's transaction
        self.labels.update(missing)
        self.report.labels_added.extend(added)

    def _check_binary(self, text: str, span: Span) -> None:
        _checked_spans(text, [span], self.labels, self._tokenizer)

    # ------------------------------------------------------------- storing
    def flush(self) -> None:
        """Store the queued full annotations, then the queued binary answers."""
        self._flush_documents()
        self._flush_binary()

    def _flush_documents(self) -> None:
        if not self._documents:
            return
        store, settings = self.store, self.settings
        result = store.import_documents(
            [doc for doc, _ in self._documents],
            default_annotator=settings.annotator,
            update=settings.update,
        )
        self.report.added += result.documents_added
        self.report.duplicates += result.documents_present
        self.report.annotations.add(result)
        hashed = [
            (doc, record.input_hash, record.task_hash)
            for doc, record in self._documents
            if record.input_hash is not None and record.task_hash is not None
        ]
        if hashed:
            ids = store.document_ids_by_hash([text_hash(doc.text) for doc, _, _ in hashed])
            kept: dict[int, TaskHashes] = {}
            for doc, input_hash, task in hashed:
                content = task_hash(doc.text, [s.to_dict() for s in doc.spans])
                kept.setdefault(ids[text_hash(doc.text)], TaskHashes(input_hash, task, content))
            store.set_task_hashes(kept)
        self._documents.clear()

    def _flush_binary(self) -> None:
        if not self._binary:
            return
        store, who = self.store, self.settings.annotator
        new, _ = store.add_documents(
            [
                NewDocument(r.text, r.meta, display_path(self.path.name), r.line)
                for r, _ in self._binary
            ]
        )
        self.report.added += new
        ids = store.document_ids_by_hash([text_hash(r.text) for r, _ in self._binary])
        answers = [
            SpanAnswer(
                ids[text_hash(r.text)],
                r.annotator or who,
                span.start,
                span.end,
                span.label,
                r.answer,
                r.meta,
                r.input_hash,
                r.task_hash,
            )
            for r, span in self._binary
            if r.answer is not None
        ]
        added, duplicates = store.add_span_answers(answers)
        self.report.binary_answers += added
        self.report.binary_duplicates += duplicates
        self._binary.clear()


def _to_document(
    record: Record,
    spans: tuple[Span, ...],
    path: Path,
    labels: set[str],
    tokenizer: Tokenizer,
    as_suggestions: bool,
) -> NewDocument:
    """A full annotation (or a text) ready for the store; ``spans`` are the record's spans
    after the label map. ``"spans": []`` is an accepted document with no entities (a
    negative); a record with no "spans" key stays unanswered."""
    checked = _checked_spans(record.text, spans, labels, tokenizer)
    answer = record.answer
    if as_suggestions:
        checked = [s.with_(state=SpanState.SUGGESTED) for s in checked]
        answer = None
    elif answer is None and (
        any(s.state is SpanState.ACCEPTED for s in checked) or (record.spans_given and not checked)
    ):
        # Spans that arrive as accepted are someone's accepted work, and "spans": [] says
        # "no entities here"; predictions alone (Label Studio) are still to be checked.
        answer = Answer.ACCEPT
    return NewDocument(
        text=record.text,
        meta=record.meta,
        source=display_path(path.name),
        line=record.line,
        spans=tuple(checked),
        answer=answer,
        annotator=record.annotator,
    )


def _checked_spans(
    text: str, spans: Iterable[Span], labels: set[str], tokenizer: Tokenizer
) -> list[Span]:
    checked = check_spans(text, spans, labels)
    reasons = tokenizer.misaligned(text, checked)
    if reasons:
        raise ValidationError(
            reasons[0] + (f" (and {len(reasons) - 1} more)" if reasons[1:] else "")
        )
    return checked

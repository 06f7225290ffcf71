"""Prodigy's two kinds of NER tasks, told apart on import and written back on export.

Prodigy writes every answer as one JSON line. Two kinds matter here:

- **manual** (``"_view_id": "ner_manual"``: ``ner.manual``, ``ner.correct``): the annotator
  saw the whole text and marked every entity; ``"answer": "accept"`` with all spans is a full
  annotation. These stay document annotations.
- **binary** (``"_view_id": "ner"``: ``ner.teach``): a question about ONE suggested span; the
  text comes back once per question, every line with the same ``_input_hash`` and its own
  ``_task_hash``. ``accept``/``reject``/``ignore`` is about that span only, so these become
  binary answers (``core.span_answers``), never a document answer.

Without ``_view_id`` the rule is: records that share an ``_input_hash`` and each have exactly
one span and an answer are binary (that is what ``ner.teach`` writes; a full annotation of a
text comes once); anything else is a full annotation. ``--binary`` or ``--manual`` decides for
every record without ``_view_id``, and the import report says how many the rule made binary.

On export a binary answer is one line again: the text, its one span, ``"answer"``, the task's
own ``meta`` and hashes (imported ones as they came, our own for answers given in the app) and
``"_view_id": "ner"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from annotator.core.model import Document, Span, ValidationError
from annotator.core.span_answers import SpanAnswer
from annotator.formats.jsonl import input_hash, task_hash
from annotator.formats.records import Record

__all__ = [
    "BINARY_VIEW",
    "BinaryMode",
    "SharedInputHashes",
    "binary_span",
    "binary_task",
    "kind_of",
]

BINARY_VIEW = "ner"
BinaryMode = Literal["auto", "binary", "manual"]
BINARY_MODES: tuple[BinaryMode, ...] = ("auto", "binary", "manual")
Kind = Literal["binary", "manual", "maybe-binary"]


def kind_of(record: Record, mode: BinaryMode) -> Kind:
    """Whether a record is a binary task, a full annotation, or (no ``_view_id``, one span,
    an answer, an ``_input_hash``) binary only if another record shares its input hash."""
    if record.view_id is not None:
        return "binary" if record.view_id == BINARY_VIEW else "manual"
    if mode != "auto":
        return mode
    if len(record.spans) == 1 and record.answer is not None and record.input_hash is not None:
        return "maybe-binary"
    return "manual"


def binary_span(record: Record) -> Span:
    """The one span a binary task is about; a task that is not one is refused."""
    if record.answer is None:
        raise ValidationError('a binary task (ner.teach, "_view_id": "ner") needs an "answer"')
    if len(record.spans) != 1:
        raise ValidationError(
            f"a binary task (ner.teach) is about exactly one span, this one has "
            f'{len(record.spans)}; full annotations have "_view_id": "ner_manual"'
        )
    return record.spans[0]


class SharedInputHashes:
    """Records that may be binary (see ``kind_of``), held until the file is read: those
    whose ``_input_hash`` another such record shares are binary, the rest full annotations."""

    def __init__(self) -> None:
        self._groups: dict[int, list[Record]] = {}

    def add(self, record: Record) -> None:
        assert record.input_hash is not None
        self._groups.setdefault(record.input_hash, []).append(record)

    def resolve(self) -> Iterator[tuple[Record, Kind]]:
        for group in self._groups.values():
            kind: Kind = "binary" if len(group) > 1 else "manual"
            for record in group:
                yield record, kind
        self._groups.clear()


def binary_task(
    doc: Document,
    answer: SpanAnswer,
    span: dict[str, Any],
    tokens: list[dict[str, Any]],
) -> dict[str, Any]:
    """One line of Prodigy's binary shape (as ``ner.teach`` writes it) for a binary answer;
    ``span`` is the span's dict with its token indices."""
    return {
        "text": doc.text,
        "meta": answer.meta,
        "_input_hash": answer.input_hash if answer.input_hash is not None else input_hash(doc.text),
        "_task_hash": (
            answer.task_hash if answer.task_hash is not None else task_hash(doc.text, [span])
        ),
        "tokens": tokens,
        "spans": [span],
        "answer": answer.answer.value,
        "_annotator_id": answer.annotator,
        "_view_id": BINARY_VIEW,
    }

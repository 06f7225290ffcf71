"""Binary answers: an annotator's accept, reject or ignore about ONE span of a document.

Prodigy's ``ner.teach`` (and a "one suggestion at a time" mode of the window) asks about one
suggested span at a time. Such an answer is evidence about that span only:

- **accept**: ``text[start:end]`` is an entity with this label; nothing is known about the
  rest of the document (other entities may be there or not);
- **reject**: the span is not an entity with this label (it may be one with another label,
  or part of a longer entity); again nothing about the rest;
- **ignore**: the annotator skipped the question; kept so that an export gives it back.

So a binary answer is never a document answer. A document that has only binary answers stays
*to do* in the queue and in the statistics' answered counts (``next_to_do``, ``count_to_do``,
``stats()["answered"]`` look at document answers only): full annotation of it is still work to
be done. ``stats()`` reports the binary answers on their own (``span_answers``), so they are
never invisible. Training and the ``.spacy`` export read an accepted binary span as an entity
with every other token *missing* (not O), and a rejected one as a known-wrong span
(``nlp.train.negatives``).

A binary **reject also counts as a rejection** for the list of texts no longer suggested
(``core.suppressions``): it is exactly an annotator saying "this text is not LABEL here", the
same evidence as removing that suggestion in the window; a binary accept counts as an
acceptance there. Taking the answer back (undo) forgets that rejection again.

A mixin of ``ProjectStore``; every public method that writes is one transaction (or joins the
caller's), and ``SetSpanAnswer`` (core/edits.py) is its undoable edit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import srsly

from annotator.core.database import Database
from annotator.core.model import Answer, Document, Span, ValidationError

__all__ = ["SpanAnswer", "SpanAnswersMixin", "TaskHashes"]

_COLUMNS = 'doc_id, annotator, start, "end", label, answer, meta, input_hash, task_hash, created'


@dataclass(frozen=True)
class SpanAnswer:
    """One binary answer: ``answer`` about the span [start, end) ``label`` of a document.

    ``meta``, ``input_hash`` and ``task_hash`` are the task's own when it was imported (None
    when the answer was given in the app): an export gives them back unchanged.
    """

    doc_id: int
    annotator: str
    start: int
    end: int
    label: str
    answer: Answer
    meta: dict[str, Any] = field(default_factory=dict)
    input_hash: int | None = None
    task_hash: int | None = None
    created: float = 0.0

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.label, source="binary")

    def row(self) -> tuple[Any, ...]:
        meta = srsly.json_dumps(self.meta) if self.meta else "{}"
        return (
            self.doc_id,
            self.annotator,
            self.start,
            self.end,
            self.label,
            self.answer.value,
            meta,
            self.input_hash,
            self.task_hash,
            self.created or time.time(),
        )


@dataclass(frozen=True)
class TaskHashes:
    """The Prodigy hashes a full annotation arrived with; ``content_hash`` is our own task hash
    of the spans it arrived with (the imported ``_task_hash`` holds only while they do)."""

    input_hash: int
    task_hash: int
    content_hash: int


def _from_row(row: Sequence[Any]) -> SpanAnswer:
    doc_id, who, start, end, label, answer, meta, input_hash, task_hash, created = row
    return SpanAnswer(
        doc_id, who, start, end, label, Answer(answer), json.loads(meta), input_hash, task_hash,
        created,
    )  # fmt: skip


class SpanAnswersMixin:
    _conn: Database
    transaction: Callable[[], AbstractContextManager[Database]]
    # Provided by ProjectStore and SuppressionsMixin:
    _record_rejection: Callable[[int, str, Span], None]
    _forget_rejection: Callable[[int, str, Span], None]

    # ------------------------------------------------------------- one answer
    def span_answer(
        self, doc_id: int, annotator: str, start: int, end: int, label: str
    ) -> SpanAnswer | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM span_answers WHERE doc_id = ? AND annotator = ? "
            'AND start = ? AND "end" = ? AND label = ?',
            (doc_id, annotator, start, end, label),
        ).fetchone()
        return None if row is None else _from_row(row)

    def add_span_answer(self, answer: SpanAnswer) -> SpanAnswer | None:
        """Store one binary answer (replacing this annotator's earlier answer about the same
        span); returns the answer it replaced, which is what undo puts back."""
        span = answer.span  # validates the offsets and the label
        with self.transaction() as conn:
            found = conn.execute(
                "SELECT length(text) FROM documents WHERE id = ?", (answer.doc_id,)
            ).fetchone()
            if found is None:
                raise KeyError(f"no document {answer.doc_id}")
            if span.end > found[0]:
                raise ValidationError(
                    f"span [{span.start}, {span.end}) {span.label} is out of range "
                    f"(text has {found[0]} characters)"
                )
            previous = self.remove_span_answer(answer.doc_id, answer.annotator, span)
            conn.execute(
                f"INSERT INTO span_answers({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                answer.row(),
            )
            if answer.answer is Answer.REJECT:
                self._record_rejection(answer.doc_id, answer.annotator, span)
        return previous

    def remove_span_answer(self, doc_id: int, annotator: str, span: Span) -> SpanAnswer | None:
        """Take back this annotator's answer about ``span`` (and the rejection it counted);
        returns the answer removed, or None when there was none."""
        with self.transaction() as conn:
            previous = self.span_answer(doc_id, annotator, span.start, span.end, span.label)
            if previous is None:
                return None
            conn.execute(
                "DELETE FROM span_answers WHERE doc_id = ? AND annotator = ? AND start = ? "
                'AND "end" = ? AND label = ?',
                (doc_id, annotator, span.start, span.end, span.label),
            )
            if previous.answer is Answer.REJECT:
                self._forget_rejection(doc_id, annotator, span)
            return previous

    def span_answers(self, doc_id: int, annotator: str | None = None) -> list[SpanAnswer]:
        """The binary answers about a document (of one annotator, or of all), by position."""
        who, params = ("AND annotator = ? ", [doc_id, annotator]) if annotator else ("", [doc_id])
        return [
            _from_row(row)
            for row in self._conn.execute(
                f"SELECT {_COLUMNS} FROM span_answers WHERE doc_id = ? {who}"
                'ORDER BY start, "end", label, annotator',
                params,
            )
        ]

    def answered_span_keys(self, annotator: str) -> set[tuple[int, int, int, str]]:
        """(doc id, start, end, label) of every span this annotator answered in binary: what
        the one-suggestion-at-a-time mode does not ask again."""
        return {
            (doc_id, start, end, label)
            for doc_id, start, end, label in self._conn.execute(
                'SELECT doc_id, start, "end", label FROM span_answers WHERE annotator = ?',
                (annotator,),
            )
        }

    # ------------------------------------------------------------------- bulk
    def add_span_answers(self, answers: Iterable[SpanAnswer]) -> tuple[int, int]:
        """Insert imported answers; one already stored (same annotator, span and label) is
        kept and counted as a duplicate. Returns (added, duplicates); joins the caller's
        transaction, so an importer can roll a whole file back."""
        added = duplicates = 0
        with self.transaction() as conn:
            for answer in answers:
                cursor = conn.execute(
                    f"INSERT INTO span_answers({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    'ON CONFLICT (doc_id, annotator, start, "end", label) DO NOTHING',
                    answer.row(),
                )
                if cursor.rowcount == 1:
                    added += 1
                    if answer.answer is Answer.REJECT:
                        self._record_rejection(answer.doc_id, answer.annotator, answer.span)
                else:
                    duplicates += 1
        return added, duplicates

    def iter_span_answers(
        self, answers: Iterable[Answer] = tuple(Answer), annotator: str | None = None
    ) -> Iterator[tuple[Document, list[SpanAnswer]]]:
        """Documents with their binary answers whose answer is in ``answers``, in document
        order (for export and training); one streaming query."""
        wanted = [a.value for a in answers]
        if not wanted:
            return
        params: list[Any] = list(wanted)
        who = ""
        if annotator is not None:
            who, params = " AND b.annotator = ?", [*params, annotator]
        rows = self._conn.execute(
            "SELECT d.id, d.text, d.meta, d.source, d.line, d.text_hash, "
            + ", ".join(f"b.{c.strip()}" for c in _COLUMNS.split(","))
            + " FROM span_answers b JOIN documents d ON d.id = b.doc_id "
            f"WHERE b.answer IN ({','.join('?' * len(wanted))}){who} "
            'ORDER BY d.id, b.start, b."end", b.label, b.annotator',
            params,
        )
        current: Document | None = None
        group: list[SpanAnswer] = []
        while batch := rows.fetchmany(500):
            for row in batch:
                if current is None or current.id != row[0]:
                    if current is not None:
                        yield current, group
                    current = Document(row[0], row[1], json.loads(row[2]), *row[3:6])
                    group = []
                group.append(_from_row(row[6:]))
        if current is not None:
            yield current, group

    def count_span_answers(self, annotator: str | None = None) -> dict[str, int]:
        """Binary answers per answer (``{"accept": n, "reject": n, "ignore": n}``)."""
        who, params = ("WHERE annotator = ?", [annotator]) if annotator else ("", [])
        counts = dict.fromkeys([a.value for a in Answer], 0)
        for answer, count in self._conn.execute(
            f"SELECT answer, count(*) FROM span_answers {who} GROUP BY answer", params
        ):
            counts[answer] = count
        return counts

    # ---------------------------------------------------------- Prodigy hashes
    def document_ids_by_hash(self, hashes: Sequence[str]) -> dict[str, int]:
        """text hash -> document id, for the hashes the project holds."""
        found: dict[str, int] = {}
        for i in range(0, len(hashes), 500):
            chunk = list(hashes[i : i + 500])
            rows = self._conn.execute(
                f"SELECT text_hash, id FROM documents WHERE text_hash IN "
                f"({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((digest, doc_id) for digest, doc_id in rows)
        return found

    def set_task_hashes(self, hashes: dict[int, TaskHashes]) -> None:
        """Keep the Prodigy hashes that full annotations arrived with (doc id -> hashes)."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO task_hashes(doc_id, input_hash, task_hash, content_hash) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (doc_id) DO NOTHING",
                [(d, h.input_hash, h.task_hash, h.content_hash) for d, h in hashes.items()],
            )

    def task_hashes(self, doc_ids: Sequence[int]) -> dict[int, TaskHashes]:
        found: dict[int, TaskHashes] = {}
        for i in range(0, len(doc_ids), 500):
            chunk = list(doc_ids[i : i + 500])
            rows = self._conn.execute(
                "SELECT doc_id, input_hash, task_hash, content_hash FROM task_hashes "
                f"WHERE doc_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((row[0], TaskHashes(*row[1:])) for row in rows)
        return found

"""The store's part for teams: records of several annotators, whole annotations, the review.

A mixin of ``ProjectStore``. Documents are matched by their text hash; an incoming annotation
goes in beside the other annotators' ones, never in place of them. An annotator's own
annotation is replaced only when asked (``update``), and a record that is not stored is counted
with its reason (``AddResult.skipped``), never dropped without a word.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import srsly

from annotator.core.database import Database, SQLiteDatabase
from annotator.core.model import Answer, Span, SpanState
from annotator.core.team import REVIEWED, AddResult, is_reserved, review_start, same_annotation

if TYPE_CHECKING:
    from annotator.core.store import Annotation, NewDocument

__all__ = ["TeamMixin"]

_INSERT_SPAN = (
    'INSERT INTO spans(annotation_id, start, "end", label, state, source, score) '
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# Why an incoming annotation was not stored (the import report counts them per reason).
SAME = "the same annotation is already in the project"
HAS_OWN = "the annotator already has a different annotation of the document (--update replaces it)"


def _span_rows(annotation_id: int, spans: Iterable[Span]) -> list[tuple[Any, ...]]:
    return [
        (annotation_id, s.start, s.end, s.label, SpanState(s.state).value, s.source, s.score)
        for s in spans
    ]


def _carries_annotation(doc: NewDocument) -> bool:
    return bool(doc.spans) or doc.answer is not None


class TeamMixin:
    _conn: Database
    transaction: Callable[[], AbstractContextManager[Database]]
    existing_hashes: Callable[[list[str]], set[str]]
    annotation: Callable[[int, str], Annotation | None]

    # ------------------------------------------------------------------ import
    def import_documents(
        self,
        documents: Iterable[NewDocument],
        default_annotator: str | None = None,
        *,
        update: bool = False,
    ) -> AddResult:
        """Insert new documents with the annotation they bring, and add the annotation of a
        record whose text is already present to that document (under its own annotator).

        A record for an annotator who already has an annotation of the document replaces it
        only with ``update``; otherwise it is skipped and counted with the reason. Joins the
        caller's transaction, so an importer can roll a whole file back.
        """
        from annotator.core.store import current_annotator, text_hash

        batch = list(documents)
        result = AddResult(records=len(batch))
        if not batch:
            return result
        now = time.time()
        hashes = [text_hash(doc.text) for doc in batch]
        fallback = default_annotator or current_annotator()
        with self.transaction() as conn:
            existing = self.existing_hashes(hashes)
            fresh: dict[str, NewDocument] = {}
            later: list[tuple[str, NewDocument]] = []
            for digest, doc in zip(hashes, batch, strict=True):
                if digest in existing or digest in fresh:
                    later.append((digest, doc))
                else:
                    fresh[digest] = doc
            # Ids are assigned here (the transaction holds the write lock) so that documents,
            # annotations and spans each go in with one executemany.
            doc_ids = self._conn.new_ids("documents", len(fresh))
            annotated = sum(1 for doc in fresh.values() if _carries_annotation(doc))
            annotation_ids = iter(self._conn.new_ids("annotations", annotated))
            doc_rows: list[tuple[Any, ...]] = []
            annotation_rows: list[tuple[Any, ...]] = []
            span_rows: list[tuple[Any, ...]] = []
            for doc_id, (digest, doc) in zip(doc_ids, fresh.items(), strict=True):
                meta = srsly.json_dumps(doc.meta) if doc.meta else "{}"
                doc_rows.append((doc_id, doc.text, meta, doc.source, doc.line, digest, now))
                if not _carries_annotation(doc):
                    continue
                annotation_id = next(annotation_ids)
                answer = doc.answer.value if doc.answer else None
                who = doc.annotator or fallback
                annotation_rows.append((annotation_id, doc_id, who, answer, now, now))
                span_rows.extend(_span_rows(annotation_id, doc.spans))
                result.annotations_added += 1
            conn.executemany(
                "INSERT INTO documents(id, text, meta, source, line, text_hash, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                doc_rows,
            )
            conn.executemany(
                "INSERT INTO annotations(id, doc_id, annotator, answer, seeded, created, updated) "
                "VALUES (?, ?, ?, ?, 0, ?, ?)",
                annotation_rows,
            )
            conn.executemany(_INSERT_SPAN, span_rows)
            result.documents_added = len(fresh)
            for digest, doc in later:
                if not _carries_annotation(doc):
                    result.documents_present += 1
                    continue
                target = self.document_id_by_hash(digest)
                who = doc.annotator or fallback
                self._attach(target, who, doc.answer, doc.spans, update, now, result)
        return result

    def document_id_by_hash(self, digest: str) -> int:
        row = self._conn.execute("SELECT id FROM documents WHERE text_hash = ?", (digest,))
        return int(row.fetchone()[0])

    def _attach(
        self,
        doc_id: int,
        annotator: str,
        answer: Answer | None,
        spans: Sequence[Span],
        update: bool,
        now: float,
        result: AddResult,
    ) -> None:
        """Add ``annotator``'s annotation to a document that is already present."""
        own = self.annotation(doc_id, annotator)
        if own is None:
            self.put_annotation(doc_id, annotator, answer, spans, now)
            result.annotations_added += 1
        elif same_annotation(own.answer, own.spans, answer, spans):
            result.skipped[SAME] += 1
        elif own.answer is None and not own.accepted:
            # Only machine suggestions nobody decided on: nothing of the annotator's is lost.
            self.put_annotation(doc_id, annotator, answer, spans, now)
            result.annotations_added += 1
        elif update:
            self.put_annotation(doc_id, annotator, answer, spans, now)
            result.annotations_updated += 1
        else:
            result.skipped[HAS_OWN] += 1

    def put_annotation(
        self,
        doc_id: int,
        annotator: str,
        answer: Answer | None,
        spans: Sequence[Span],
        updated: float,
        *,
        seeded: bool = False,
    ) -> None:
        """Store ``annotator``'s whole annotation of a document, replacing theirs if any."""
        with self.transaction() as conn:
            value = answer.value if answer else None
            conn.execute(
                "INSERT INTO annotations(doc_id, annotator, answer, seeded, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (doc_id, annotator) DO UPDATE SET "
                "answer = excluded.answer, seeded = excluded.seeded, updated = excluded.updated",
                (doc_id, annotator, value, int(seeded), updated, updated),
            )
            (annotation_id,) = conn.execute(
                "SELECT id FROM annotations WHERE doc_id = ? AND annotator = ?",
                (doc_id, annotator),
            ).fetchone()
            conn.execute("DELETE FROM spans WHERE annotation_id = ?", (annotation_id,))
            conn.executemany(_INSERT_SPAN, _span_rows(annotation_id, spans))

    def check_copy(self) -> None:
        """Refuse, before anything is read from it, a file opened with ``open_reader`` that is
        not a project this app can read (another program's SQLite file, a newer schema)."""
        from annotator.core.schema import check_version
        from annotator.core.store import APPLICATION_ID
        from annotator.core.store_errors import StoreError

        path = getattr(self, "path", "project")
        try:
            version = self._conn.schema_version()
            app_id = APPLICATION_ID  # a PostgreSQL project: its version table says it is one
            if isinstance(self._conn, SQLiteDatabase):
                (app_id,) = self._conn.raw.execute("PRAGMA application_id").fetchone()
            if app_id == APPLICATION_ID and version:
                check_version(version, str(path))
                self._conn.execute("SELECT count(*) FROM annotations").fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot be read as an annotator project ({exc})") from exc
        if app_id != APPLICATION_ID or not version:
            raise StoreError(
                f"{path}: not an annotator project (a SQLite file of another program?)"
            )

    # ------------------------------------------------------------- annotators
    def people(self) -> list[str]:
        """The annotators of the project (not the reviewed annotation), by name."""
        rows = self._conn.execute(
            "SELECT DISTINCT annotator FROM annotations ORDER BY annotator"
        ).fetchall()
        return [r[0] for r in rows if not is_reserved(r[0])]

    def annotations_of(self, doc_id: int) -> dict[str, Annotation]:
        """Every annotator's annotation of one document (the reviewed one included)."""
        rows = self._conn.execute(
            "SELECT annotator FROM annotations WHERE doc_id = ? ORDER BY annotator", (doc_id,)
        ).fetchall()
        found = {}
        for (name,) in rows:
            annotation = self.annotation(doc_id, name)
            if annotation is not None:
                found[name] = annotation
        return found

    def iter_all_annotations(self) -> Iterator[tuple[str, Annotation]]:
        """(text hash, annotation) of every annotation with an answer or a span, document by
        document: what a merge carries over."""
        rows = self._conn.execute(
            "SELECT d.text_hash, a.doc_id, a.annotator FROM annotations a "
            "JOIN documents d ON d.id = a.doc_id WHERE a.answer IS NOT NULL OR EXISTS "
            "(SELECT 1 FROM spans s WHERE s.annotation_id = a.id) ORDER BY a.doc_id, a.annotator"
        ).fetchall()
        for digest, doc_id, name in rows:
            annotation = self.annotation(doc_id, name)
            if annotation is not None:
                yield digest, annotation

    # ----------------------------------------------------------------- review
    def review_sources(self, doc_id: int) -> dict[str, list[Span]]:
        """Accepted spans of every annotator who accepted the document (the review's input)."""
        return {
            name: annotation.accepted
            for name, annotation in self.annotations_of(doc_id).items()
            if not is_reserved(name) and annotation.answer is Answer.ACCEPT
        }

    def seed_review(self, doc_id: int) -> bool:
        """Start the reviewed annotation of a document once (see ``core.team.review_start``);
        False when it was started before or fewer than two annotators accepted it."""
        with self.transaction():
            current = self.annotation(doc_id, REVIEWED)
            row = self._conn.execute(
                "SELECT seeded FROM annotations WHERE doc_id = ? AND annotator = ?",
                (doc_id, REVIEWED),
            ).fetchone()
            if row is not None and row[0]:
                return False
            sources = self.review_sources(doc_id)
            if len(sources) < 2 or (current is not None and current.answer is not None):
                return False
            spans = review_start(sources)
            self.put_annotation(doc_id, REVIEWED, None, spans, time.time(), seeded=True)
            return True

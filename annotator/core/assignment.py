"""Assignment: which documents are in an annotator's queue when a team shares a project.

A project asks for N annotations per document (the setting ``per_document``, 1 by default; 2 or
3 to measure agreement). A document is *to do* for annotator A while A has not answered it and
either A holds a live claim on it, or fewer than N others have answered it or hold a live claim.

``next_to_do`` takes the claim on the document it returns, in the same write transaction as
the search: the writers of a project are serialised (SQLite's write lock, PostgreSQL's advisory
lock, see ``core.database``), so two annotators asking at once can never both see a document
as free and both claim it. The answer releases the claim (the answer itself counts from then
on); a claim left behind by a window that was closed or killed expires after
``claim_seconds``, and the document goes back to the others' queues.

A mixin of ``ProjectStore``: it works on the store's connection and transactions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from annotator.core.database import Database
from annotator.core.team import REVIEWED

__all__ = ["NEEDS_REVIEW", "PER_DOCUMENT_SETTING", "AssignmentMixin", "needs_condition"]

PER_DOCUMENT_SETTING = "per_document"

# The reviewer's queue (``core.team.REVIEWED``): documents that two or more people accepted
# (``d`` is the document). Reviews are not assigned: a project has one reviewed annotation.
NEEDS_REVIEW = (
    "(SELECT count(*) FROM annotations o WHERE o.doc_id = d.id AND o.answer = 'accept' "
    "AND o.annotator NOT LIKE '@%') >= 2"
)
_NOT_REVIEWED = (
    "NOT EXISTS (SELECT 1 FROM annotations a WHERE a.doc_id = d.id AND a.annotator = ? "
    "AND a.answer IS NOT NULL)"
)

# Whether document d still needs annotator A (parameters: A, A, now, now - as below).
_NEEDS = (
    "NOT EXISTS (SELECT 1 FROM annotations a WHERE a.doc_id = d.id AND a.annotator = ? "
    "AND a.answer IS NOT NULL) AND (EXISTS (SELECT 1 FROM claims c WHERE c.doc_id = d.id "
    "AND c.annotator = ? AND c.expires > ?) OR (SELECT count(*) FROM annotations a "
    "WHERE a.doc_id = d.id AND a.answer IS NOT NULL AND a.annotator NOT LIKE '@%') "
    "+ (SELECT count(*) FROM claims c "
    "WHERE c.doc_id = d.id AND c.annotator <> ? AND c.expires > ?) < ?)"
)

# Documents A has not answered nor claimed that N others answered or claimed already.
_TAKEN_BY_OTHERS = (
    "SELECT count(*) FROM (SELECT x.doc_id FROM ("
    "SELECT doc_id FROM annotations WHERE answer IS NOT NULL AND annotator <> ? "
    "AND annotator NOT LIKE '@%' "
    "UNION ALL SELECT doc_id FROM claims WHERE annotator <> ? AND expires > ?) x "
    "WHERE NOT EXISTS (SELECT 1 FROM annotations a WHERE a.doc_id = x.doc_id "
    "AND a.annotator = ? AND a.answer IS NOT NULL) "
    "AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.doc_id = x.doc_id AND c.annotator = ? "
    "AND c.expires > ?) GROUP BY x.doc_id HAVING count(*) >= ?) taken"
)


def needs_condition(doc: str = "d.id") -> str:
    """SQL: the document ``doc`` (a column) still needs the annotator; its parameters are
    ``AssignmentMixin._needs_params``. Other orders of work (``core.work_order``) use it."""
    return _NEEDS.replace("d.id", doc)


class AssignmentMixin:
    _conn: Database
    transaction: Callable[[], AbstractContextManager[Database]]
    setting: Callable[..., str]
    set_setting: Callable[[str, str], None]
    count_documents: Callable[[], int]

    #: Seconds a claim lasts without an answer (a closed or killed window gives it back).
    claim_seconds = 1800.0

    # ----------------------------------------------------------------- setting
    @property
    def per_document(self) -> int:
        """How many annotators should answer each document (1 unless set)."""
        value = self.setting(PER_DOCUMENT_SETTING, "1")
        return int(value) if value.isdigit() and int(value) > 0 else 1

    def set_per_document(self, count: int) -> None:
        if count < 1:
            raise ValueError(f"annotations per document must be 1 or more, not {count}")
        self.set_setting(PER_DOCUMENT_SETTING, str(count))

    # ------------------------------------------------------------------ queues
    def _needs_params(self, annotator: str, now: float) -> list[object]:
        return [annotator, annotator, now, annotator, now, self.per_document]

    def next_to_do(self, annotator: str, after: int | None = None) -> int | None:
        """The first document after ``after`` (wrapping around) that still needs this
        annotator, claimed for them; None when their queue is empty."""
        if self.count_to_do(annotator) <= 0:
            # With nothing left, the search below would visit every document twice.
            return None
        if annotator == REVIEWED:
            query = (
                f"SELECT d.id FROM documents d WHERE d.id > ? AND {_NOT_REVIEWED} AND "
                f"{NEEDS_REVIEW} ORDER BY d.id LIMIT 1"
            )
            for start in (after or 0, 0):
                row = self._conn.execute(query, (start, annotator)).fetchone()
                if row is not None:
                    return int(row[0])
            return None
        query = f"SELECT d.id FROM documents d WHERE d.id > ? AND {_NEEDS} ORDER BY d.id LIMIT 1"
        with self.transaction() as conn:
            now = time.time()
            for start in (after or 0, 0):
                row = conn.execute(query, [start, *self._needs_params(annotator, now)]).fetchone()
                if row is not None:
                    doc_id = int(row[0])
                    self._claim(doc_id, annotator, now)
                    return doc_id
        return None

    def count_to_do(self, annotator: str) -> int:
        """How many documents still need this annotator (see the module's docstring); for
        the reviewer, the documents two or more people accepted that are not reviewed yet."""
        if annotator == REVIEWED:
            (waiting,) = self._conn.execute(
                f"SELECT count(*) FROM documents d WHERE {NEEDS_REVIEW} AND {_NOT_REVIEWED}",
                (annotator,),
            ).fetchone()
            return int(waiting)
        (answered,) = self._conn.execute(
            "SELECT count(*) FROM annotations WHERE annotator = ? AND answer IS NOT NULL",
            (annotator,),
        ).fetchone()
        now = time.time()
        if not self._others_at_work(annotator, now):
            return self.count_documents() - int(answered)
        (taken,) = self._conn.execute(
            _TAKEN_BY_OTHERS,
            (annotator, annotator, now, annotator, annotator, now, self.per_document),
        ).fetchone()
        return self.count_documents() - int(answered) - int(taken)

    def _others_at_work(self, annotator: str, now: float) -> bool:
        """Whether anyone else answered or claims a document (two index seeks each side of
        ``annotator``: a project one person works on skips the team query)."""
        (found,) = self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM annotations WHERE annotator < ? "
            "AND answer IS NOT NULL) OR EXISTS (SELECT 1 FROM annotations WHERE annotator > ? "
            "AND answer IS NOT NULL) OR EXISTS (SELECT 1 FROM claims WHERE annotator <> ? "
            "AND expires > ?)",
            (annotator, annotator, annotator, now),
        ).fetchone()
        return bool(found)

    # ------------------------------------------------------------------ claims
    def _claim(self, doc_id: int, annotator: str, now: float) -> None:
        self._conn.execute(
            "INSERT INTO claims(doc_id, annotator, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (doc_id, annotator) DO UPDATE SET expires = excluded.expires",
            (doc_id, annotator, now + self.claim_seconds),
        )

    def _release_claim(self, doc_id: int, annotator: str) -> None:
        """The answer counts from now on (joins the answer's transaction)."""
        self._conn.execute(
            "DELETE FROM claims WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        )

    def claims(self) -> dict[int, list[str]]:
        """Live claims: document id -> the annotators working on it."""
        found: dict[int, list[str]] = {}
        for doc_id, who in self._conn.execute(
            "SELECT doc_id, annotator FROM claims WHERE expires > ? ORDER BY doc_id, annotator",
            (time.time(),),
        ):
            found.setdefault(int(doc_id), []).append(str(who))
        return found

"""Corrections that teach at once: texts no longer suggested in a project.

Before any training, a suggestion that annotators rejected in two documents (or more) for the
same text and label, and that nobody ever accepted with that label, is no longer suggested in
the project. The list is the project's own and can be edited: a user suppresses a text by hand,
or allows one that the rule suppressed; each change is one ``SetSuppression`` edit that undoes.

A mixin of ``ProjectStore``. Rejections are recorded by the store when a span that is still a
suggestion is removed (or changed into another span) and when a binary answer rejects a span
(``core.span_answers``), and forgotten when the removal or the answer is undone, so the counts
follow the annotation as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from annotator.core.database import Database
from annotator.core.model import Span

__all__ = ["REJECTIONS_TO_SUPPRESS", "Suppression", "SuppressionsMixin"]

#: Rejections in this many documents (and no acceptance) stop a text being suggested.
REJECTIONS_TO_SUPPRESS = 2
SUPPRESSED = "suppressed"
ALLOWED = "allowed"


@dataclass(frozen=True)
class Suppression:
    """One entry of the list: why a text is (or is no longer) suppressed."""

    text: str
    label: str
    rejected: int  # documents in which the suggestion was rejected
    accepted: bool  # accepted with this label somewhere
    state: str | None  # the user's own entry: "suppressed", "allowed" or None

    @property
    def active(self) -> bool:
        """True when the text is not suggested with this label."""
        if self.state is not None:
            return self.state == SUPPRESSED
        return self.rejected >= REJECTIONS_TO_SUPPRESS and not self.accepted


class SuppressionsMixin:
    _conn: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    def _record_rejection(self, doc_id: int, annotator: str, span: Span) -> None:
        self._conn.execute(
            "INSERT INTO rejections(doc_id, annotator, start, label, text, created, source) "
            "SELECT ?, ?, ?, ?, substr(text, ?, ?), ?, ? FROM documents WHERE id = ? "
            "ON CONFLICT (doc_id, annotator, start, label) DO UPDATE SET "
            "text = excluded.text, created = excluded.created, source = excluded.source",
            (
                doc_id,
                annotator,
                span.start,
                span.label,
                span.start + 1,
                span.end - span.start,
                time.time(),
                span.source,
                doc_id,
            ),
        )

    def _forget_rejection(self, doc_id: int, annotator: str, span: Span) -> None:
        self._conn.execute(
            "DELETE FROM rejections WHERE doc_id = ? AND annotator = ? AND start = ? AND label = ?",
            (doc_id, annotator, span.start, span.label),
        )

    def suppressions(self) -> list[Suppression]:
        """Every text rejected at least once or entered by hand, most rejected first."""
        rejected = dict(
            ((text, label), n)
            for text, label, n in self._conn.execute(
                "SELECT text, label, count(DISTINCT doc_id) FROM rejections GROUP BY text, label"
            )
        )
        states = {
            (text, label): state
            for text, label, state in self._conn.execute(
                "SELECT text, label, state FROM suppressions"
            )
        }
        keys = set(rejected) | set(states)
        accepted = self._accepted_among(keys)
        entries = [
            Suppression(
                text,
                label,
                rejected.get((text, label), 0),
                (text, label) in accepted,
                states.get((text, label)),
            )
            for text, label in keys
        ]
        return sorted(entries, key=lambda e: (-e.rejected, e.label, e.text))

    def _accepted_among(self, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
        if not keys:
            return set()
        labels = sorted({label for _, label in keys})
        rows = self._conn.execute(
            'SELECT substr(d.text, s.start + 1, s."end" - s.start), s.label FROM spans s '
            "JOIN annotations a ON a.id = s.annotation_id JOIN documents d ON d.id = a.doc_id "
            f"WHERE s.state = 'accepted' AND s.label IN ({','.join('?' * len(labels))}) "
            # a binary accept (core.span_answers) is an acceptance too
            'UNION SELECT substr(d.text, b.start + 1, b."end" - b.start), b.label '
            "FROM span_answers b JOIN documents d ON d.id = b.doc_id "
            f"WHERE b.answer = 'accept' AND b.label IN ({','.join('?' * len(labels))})",
            labels + labels,
        )
        return {(text, label) for text, label in rows if (text, label) in keys}

    def suppressions_stamp(self) -> tuple[object, ...]:
        """Changes whenever a rejection or an entry of the list is added or removed."""
        return tuple(
            self._conn.execute(
                "SELECT (SELECT count(*) FROM rejections), (SELECT max(created) FROM rejections), "
                "(SELECT count(*) FROM suppressions), (SELECT max(created) FROM suppressions)"
            ).fetchone()
        )

    def suppressed(self) -> frozenset[tuple[str, str]]:
        """(text, label) pairs not to suggest."""
        return frozenset((e.text, e.label) for e in self.suppressions() if e.active)

    def suppression_state(self, text: str, label: str) -> str | None:
        row = self._conn.execute(
            "SELECT state FROM suppressions WHERE text = ? AND label = ?", (text, label)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_suppression(self, text: str, label: str, state: str | None) -> None:
        """The user's own entry for a text: "suppressed", "allowed" or None (the rule decides)."""
        if state not in (SUPPRESSED, ALLOWED, None):
            raise ValueError(f"state must be {SUPPRESSED!r}, {ALLOWED!r} or None, not {state!r}")
        with self.transaction() as conn:
            if state is None:
                conn.execute("DELETE FROM suppressions WHERE text = ? AND label = ?", (text, label))
            else:
                conn.execute(
                    "INSERT INTO suppressions(text, label, state, created) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (text, label) DO UPDATE "
                    "SET state = excluded.state, created = excluded.created",
                    (text, label, state, time.time()),
                )

"""Project statistics: answers, spans per label, and the answer history for charts.

A mixin of ``ProjectStore``: it reads through the store's connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from annotator.core.database import Database
from annotator.core.model import Answer, LabelSet

__all__ = ["StatsMixin", "StatsSnapshot", "thin_history"]


@dataclass(frozen=True)
class StatsSnapshot:
    """Everything the statistics panel shows, read in one go (by a background reader)."""

    annotator: str
    stats: dict[str, Any]
    labels: LabelSet
    history: list[tuple[float, int]]


def thin_history(history: list[tuple[float, int]], limit: int) -> list[tuple[float, int]]:
    """At most about ``limit`` points of a progress history, evenly spaced, always keeping
    the last one (a chart needs no more points than it has pixels)."""
    if limit <= 0 or len(history) <= limit:
        return history
    step = -(-len(history) // limit)
    thinned = history[::step]
    if thinned[-1] != history[-1]:
        thinned.append(history[-1])
    return thinned


class StatsMixin:
    _conn: Database

    # Provided by ProjectStore:
    labels: Callable[[], LabelSet]
    count_documents: Callable[[], int]
    annotators: Callable[[], list[str]]
    count_span_answers: Callable[..., dict[str, int]]

    # ------------------------------------------------------------------- stats
    def stats_snapshot(self, annotator: str, max_points: int = 2000) -> StatsSnapshot:
        """The statistics panel's data for one annotator, history thinned to ``max_points``."""
        return StatsSnapshot(
            annotator,
            self.stats(annotator),
            self.labels(),
            thin_history(self.answered_over_time(annotator), max_points),
        )

    def stats(self, annotator: str | None = None) -> dict[str, Any]:
        """Documents, answers and accepted spans per label (for one annotator or all).

        ``span_answers`` counts binary answers (one span each, ``core.span_answers``) apart:
        they answer no document, so they are not in ``answered``."""
        who, params = ("WHERE a.annotator = ?", [annotator]) if annotator else ("", [])
        answers = dict.fromkeys([a.value for a in Answer], 0)
        for answer, count in self._conn.execute(
            f"SELECT a.answer, count(*) FROM annotations a {who} GROUP BY a.answer", params
        ):
            if answer:
                answers[answer] = count
        per_label = dict.fromkeys(self.labels().names, 0)
        for label, count in self._conn.execute(
            "SELECT s.label, count(*) FROM spans s JOIN annotations a ON a.id = s.annotation_id "
            f"{who} {'AND' if who else 'WHERE'} s.state = 'accepted' GROUP BY s.label",
            params,
        ):
            per_label[label] = count
        return {
            "documents": self.count_documents(),
            "answered": sum(answers.values()),
            "answers": answers,
            "spans": per_label,
            "annotators": self.annotators(),
            "span_answers": self.count_span_answers(annotator),
        }

    def change_stamp(self) -> tuple[object, ...]:
        """Changes when anyone answers (or takes an answer back), imports documents, or claims
        one: what another annotator's window must show. Index-only reads (the events' and
        documents' largest ids, the small claims table), cheap enough to poll."""
        return tuple(
            self._conn.execute(
                "SELECT (SELECT max(id) FROM events), (SELECT max(id) FROM documents), "
                "(SELECT count(*) FROM claims), (SELECT max(expires) FROM claims)"
            ).fetchone()
        )

    def answered_over_time(self, annotator: str | None = None) -> list[tuple[float, int]]:
        """(time, documents answered at that moment) after every answer given in the app,
        oldest first, for progress charts. Answering a document again does not count it
        twice; clearing an answer (undo) takes it off."""
        who, params = ("WHERE annotator = ?", [annotator]) if annotator else ("", [])
        answered: set[tuple[str, int]] = set()
        points = []
        for when, person, doc_id, kind in self._conn.execute(
            f"SELECT time, annotator, doc_id, kind FROM events {who} ORDER BY time, id", params
        ):
            if kind == "unanswer":
                answered.discard((person, doc_id))
            else:
                answered.add((person, doc_id))
            points.append((when, len(answered)))
        return points

"""Project statistics: answers, spans per label, and the answer history for charts.

A mixin of ``ProjectStore``: it reads through the store's connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from annotator.core.model import Answer, LabelSet

__all__ = ["StatsMixin"]


class StatsMixin:
    _conn: sqlite3.Connection

    # Provided by ProjectStore:
    labels: Callable[[], LabelSet]
    count_documents: Callable[[], int]
    annotators: Callable[[], list[str]]

    # ------------------------------------------------------------------- stats
    def stats(self, annotator: str | None = None) -> dict[str, Any]:
        """Documents, answers and accepted spans per label (for one annotator or all)."""
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
        }

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

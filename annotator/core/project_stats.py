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

    def answer_history(self, annotator: str | None = None) -> list[tuple[float, str]]:
        """(time, kind) of every answer given, oldest first, for progress charts."""
        who, params = ("WHERE annotator = ?", [annotator]) if annotator else ("", [])
        return list(
            self._conn.execute(f"SELECT time, kind FROM events {who} ORDER BY time", params)
        )

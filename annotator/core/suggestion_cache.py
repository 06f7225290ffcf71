"""The store's suggestion cache (keyed by Suggester version) and the project's own patterns.

A mixin of ``ProjectStore``: it works on the store's connection and transactions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from annotator.core.confidence import (
    HISTORY_SOURCES,
    MODEL_SCORES,
    Calibration,
    SourcePrecision,
    document_uncertainty,
    rescore,
)
from annotator.core.database import Database
from annotator.core.model import Span, SpanState

__all__ = [
    "CALIBRATION_SETTING",
    "PRECISION_SETTING",
    "THRESHOLD_SETTING",
    "SuggestionCacheMixin",
    "calibration_tag",
]

#: The setting holding the model scores' calibration (``Calibration.to_json``).
CALIBRATION_SETTING = "confidence_calibration"
#: The setting holding the score below which suggestions are hidden ("" or "0": none hidden).
THRESHOLD_SETTING = "confidence_threshold"
#: The setting holding the last count of each source's answers (``SourcePrecision``), which
#: the window scores with: counting every span takes a quarter of a second in a project of
#: 200,000, so the suggestion process counts (``save_source_precision``), never the window.
PRECISION_SETTING = "source_precision"
# The suggestion process counts again at most this often.
_PRECISION_TTL = 30.0


def calibration_tag(model_id: int | None) -> str:
    """What a calibration records it was fitted for: the model id, "" for the untrained one."""
    return "" if model_id is None else str(model_id)


def _decoded(raw: str) -> list[Span]:
    """The spans of a cache row (``store_suggestions`` writes them)."""
    return [Span(s[0], s[1], s[2], SpanState.SUGGESTED, s[3], s[4]) for s in json.loads(raw)]


class SuggestionCacheMixin:
    _conn: Database
    active_model: Callable[[], int | None]
    transaction: Callable[[], AbstractContextManager[Database]]

    # ------------------------------------------------------------- suggestions
    def cached_suggestions(self, doc_id: int, version: str) -> list[Span] | None:
        row = self._conn.execute(
            "SELECT spans FROM suggestions WHERE doc_id = ? AND version = ?", (doc_id, version)
        ).fetchone()
        if row is None:
            return None
        return _decoded(row[0])

    def latest_suggestions(self, doc_id: int) -> list[Span]:
        """The newest cached suggestions of a document, whatever made them ([] when none)."""
        row = self._conn.execute(
            "SELECT spans FROM suggestions WHERE doc_id = ? ORDER BY created DESC LIMIT 1",
            (doc_id,),
        ).fetchone()
        if row is None:
            return []
        return _decoded(row[0])

    def scored_suggestions(
        self, doc_id: int, version: str, precision: SourcePrecision | None = None
    ) -> list[Span] | None:
        """The cached suggestions with today's scores (``core.confidence.rescore``): rule and
        pattern precision from the project's answers (``precision``, by default the last
        saved count: cheap enough for the window), model scores calibrated."""
        cached = self.cached_suggestions(doc_id, version)
        if cached is None:
            return None
        if precision is None:
            precision = self.saved_source_precision()
        return rescore(cached, precision, self.calibration())

    def iter_scored_suggestions(
        self, version: str, skip_answered_by: str | None = None
    ) -> Iterator[tuple[int, list[Span]]]:
        """Every document's cached suggestions of ``version`` with today's scores, in document
        order (one streaming query); with ``skip_answered_by``, the documents that annotator
        already answered whole are left out (their suggestions were judged there)."""
        precision, calibration = self.saved_source_precision(), self.calibration()
        params: list[Any] = [version]
        skip = ""
        if skip_answered_by is not None:
            skip = (
                " AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.doc_id = s.doc_id "
                "AND a.annotator = ? AND a.answer IS NOT NULL)"
            )
            params.append(skip_answered_by)
        rows = self._conn.execute(
            f"SELECT s.doc_id, s.spans FROM suggestions s WHERE s.version = ?{skip} "
            "ORDER BY s.doc_id",
            params,
        )
        while batch := rows.fetchmany(500):
            for doc_id, raw in batch:
                yield doc_id, rescore(_decoded(raw), precision, calibration)

    def store_suggestions(self, items: Iterable[tuple[int, list[Span]]], version: str) -> None:
        """Cache suggestions as computed (the model's own scores), with each document's
        uncertainty under today's precisions for the least-sure-first order."""
        now = time.time()
        precision, calibration = self.save_source_precision(_PRECISION_TTL), self.calibration()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO suggestions(doc_id, version, spans, created, uncertainty) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (doc_id, version) DO UPDATE SET "
                "spans = excluded.spans, created = excluded.created, "
                "uncertainty = excluded.uncertainty",
                [
                    (
                        doc_id,
                        version,
                        json.dumps([[s.start, s.end, s.label, s.source, s.score] for s in spans]),
                        now,
                        document_uncertainty(rescore(spans, precision, calibration)),
                    )
                    for doc_id, spans in items
                ],
            )

    # ------------------------------------------------------------- confidence
    def source_precision(self) -> SourcePrecision:
        """Each (source, label)'s precision from the spans accepted and the suggestions
        rejected in this project (``core.confidence.SourcePrecision``)."""
        sources = sorted(HISTORY_SOURCES)
        marks = ",".join("?" * len(sources))
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for source, label, n in self._conn.execute(
            f"SELECT source, label, count(*) FROM spans WHERE state = 'accepted' "
            f"AND source IN ({marks}) GROUP BY source, label",
            sources,
        ):
            counts[(source, label)] = (int(n), 0)
        for source, label, n in self._conn.execute(
            f"SELECT source, label, count(*) FROM rejections WHERE source IN ({marks}) "
            "GROUP BY source, label",
            sources,
        ):
            counts[(source, label)] = (counts.get((source, label), (0, 0))[0], int(n))
        return SourcePrecision(counts)

    def saved_source_precision(self) -> SourcePrecision:
        """The last saved count (priors alone before any): one settings row."""
        row = self._conn.execute(
            "SELECT value FROM settings WHERE key = ?", (PRECISION_SETTING,)
        ).fetchone()
        return SourcePrecision.from_json(row[0] if row else "")

    def save_source_precision(self, max_age: float = 0.0) -> SourcePrecision:
        """Count again and save it for the window, unless this connection saved one less than
        ``max_age`` seconds ago; returns the count in force."""
        memo = getattr(self, "_precision_saved", None)
        now = time.monotonic()
        if memo is not None and now - memo[0] < max_age:
            return memo[1]  # type: ignore[no-any-return]
        found = self.source_precision()
        raw = found.to_json()
        if raw != (memo[2] if memo is not None else None):
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO settings(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (PRECISION_SETTING, raw),
                )
        self._precision_saved = (now, found, raw)
        return found

    def confidence_threshold(self) -> float:
        """Suggestions scored below this are not shown (0: all are); a damaged setting is 0."""
        row = self._conn.execute(
            "SELECT value FROM settings WHERE key = ?", (THRESHOLD_SETTING,)
        ).fetchone()
        try:
            value = float(row[0]) if row and row[0] else 0.0
        except ValueError:
            return 0.0
        return value if 0.0 <= value <= 1.0 else 0.0

    def calibration(self) -> Calibration:
        """The project's calibration of model scores: the identity until one is fitted, and
        when it was fitted for another model than the one in use now or to the scores of
        another scorer (the beam's, before the greedy parse's own)."""
        row = self._conn.execute(
            "SELECT value FROM settings WHERE key = ?", (CALIBRATION_SETTING,)
        ).fetchone()
        found = Calibration.from_json(row[0] if row else "")
        if found.model != calibration_tag(self.active_model()) or found.scores != MODEL_SCORES:
            return Calibration()  # another suggester's scores, or another scorer's
        return found

    def latest_suggestion_version(self) -> str | None:
        """The version whose suggestions were stored last (what suggests now, for a reader
        that does not load the suggester); None before any."""
        row = self._conn.execute(
            "SELECT version FROM suggestions ORDER BY created DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    def documents_without_suggestions(self, version: str, limit: int = 1000) -> list[int]:
        rows = self._conn.execute(
            "SELECT d.id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM suggestions s "
            "WHERE s.doc_id = d.id AND s.version = ?) ORDER BY d.id LIMIT ?",
            (version, limit),
        )
        return [r[0] for r in rows]

    # ---------------------------------------------------------------- patterns
    def project_patterns(self) -> list[dict[str, Any]]:
        return [
            json.loads(r[0]) for r in self._conn.execute("SELECT pattern FROM patterns ORDER BY id")
        ]

    def add_project_pattern(self, pattern: dict[str, Any]) -> bool:
        """Store a match pattern (EntityRuler shape); False when it was already there."""
        encoded = json.dumps(pattern, sort_keys=True, ensure_ascii=False)
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO patterns(label, pattern, created) VALUES (?, ?, ?) "
                "ON CONFLICT (pattern) DO NOTHING",
                (pattern.get("label", ""), encoded, time.time()),
            )
            return cursor.rowcount == 1

    def remove_project_pattern(self, pattern: dict[str, Any]) -> None:
        encoded = json.dumps(pattern, sort_keys=True, ensure_ascii=False)
        with self.transaction() as conn:
            conn.execute("DELETE FROM patterns WHERE pattern = ?", (encoded,))

"""The store's suggestion cache (keyed by Suggester version) and the project's own patterns.

A mixin of ``ProjectStore``: it works on the store's connection and transactions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from annotator.core.database import Database
from annotator.core.model import Span, SpanState

__all__ = ["SuggestionCacheMixin"]


class SuggestionCacheMixin:
    _conn: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    # ------------------------------------------------------------- suggestions
    def cached_suggestions(self, doc_id: int, version: str) -> list[Span] | None:
        row = self._conn.execute(
            "SELECT spans FROM suggestions WHERE doc_id = ? AND version = ?", (doc_id, version)
        ).fetchone()
        if row is None:
            return None
        return [Span(s[0], s[1], s[2], SpanState.SUGGESTED, s[3], s[4]) for s in json.loads(row[0])]

    def latest_suggestions(self, doc_id: int) -> list[Span]:
        """The newest cached suggestions of a document, whatever made them ([] when none)."""
        row = self._conn.execute(
            "SELECT spans FROM suggestions WHERE doc_id = ? ORDER BY created DESC LIMIT 1",
            (doc_id,),
        ).fetchone()
        if row is None:
            return []
        return [Span(s[0], s[1], s[2], SpanState.SUGGESTED, s[3], s[4]) for s in json.loads(row[0])]

    def store_suggestions(self, items: Iterable[tuple[int, list[Span]]], version: str) -> None:
        now = time.time()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO suggestions(doc_id, version, spans, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (doc_id, version) DO UPDATE "
                "SET spans = excluded.spans, created = excluded.created",
                [
                    (
                        doc_id,
                        version,
                        json.dumps([[s.start, s.end, s.label, s.source, s.score] for s in spans]),
                        now,
                    )
                    for doc_id, spans in items
                ],
            )

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

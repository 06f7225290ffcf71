"""A project's suggestions without the texts its annotators taught it to leave out.

``core.suppressions`` keeps the list; this wraps whatever suggests (the untrained suggester or
a trained model) and drops the spans on it. The list's fingerprint enters the version, so the
suggestion cache follows every change of the list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from annotator.core.model import Span

if TYPE_CHECKING:
    from annotator.core.store import ProjectStore
    from annotator.nlp.suggest import SpanSource
    from annotator.nlp.tokens import TokenIndex

__all__ = ["SuppressingSuggester", "refresh_suppressions", "with_suppressions"]


class SuppressingSuggester:
    """``inner``'s suggestions minus the (text, label) pairs in ``suppressed``."""

    def __init__(self, inner: SpanSource, suppressed: frozenset[tuple[str, str]]) -> None:
        self.inner = inner
        self.suppressed = suppressed
        self.labels = inner.labels
        self.nlp = inner.nlp
        self.info = inner.info
        self.skipped_patterns = inner.skipped_patterns
        digest = hashlib.sha1(
            "\n".join(f"{label}\t{text}" for text, label in sorted(suppressed)).encode("utf-8")
        ).hexdigest()[:8]
        self.version = f"{inner.version}-s{digest}"

    def _keep(self, text: str, spans: list[Span]) -> list[Span]:
        return [s for s in spans if (text[s.start : s.end], s.label) not in self.suppressed]

    def suggest(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Span]]:
        texts = list(texts)
        found = self.inner.suggest(texts, batch_size=batch_size, n_process=n_process)
        for text, spans in zip(texts, found, strict=True):
            yield self._keep(text, spans)

    def suggest_one(self, text: str) -> list[Span]:
        return self._keep(text, self.inner.suggest_one(text))

    def suggest_indexed(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[tuple[list[Span], TokenIndex]]:
        for spans, index in self.inner.suggest_indexed(texts, batch_size, n_process):
            yield self._keep(index.text, spans), index


def with_suppressions(inner: SpanSource, suppressed: frozenset[tuple[str, str]]) -> SpanSource:
    """``inner`` itself when nothing is suppressed (its version, and cache, unchanged)."""
    return SuppressingSuggester(inner, suppressed) if suppressed else inner


def refresh_suppressions(suggester: SpanSource, store: ProjectStore) -> SpanSource | None:
    """``suggester`` re-wrapped when the project's list changed since it was made, else None.

    Cheap when nothing changed: the list is read again only when the rejection and entry
    tables changed (their row counts and newest times).
    """
    stamp = store.suppressions_stamp()
    if getattr(suggester, "_stamp", None) == stamp:
        return None
    inner = suggester.inner if isinstance(suggester, SuppressingSuggester) else suggester
    suppressed = store.suppressed()
    current = suggester.suppressed if isinstance(suggester, SuppressingSuggester) else frozenset()
    fresh = None if suppressed == current else with_suppressions(inner, suppressed)
    target = fresh if fresh is not None else suggester
    target._stamp = stamp  # type: ignore[attr-defined,union-attr]
    return fresh

"""Which spans overlap a token range, without scanning every span: an index by token.

The suggestion rules ask, for each new span, whether it overlaps spans kept so far; scanning
the list each time is quadratic (a document with 40,000 mentions took 47 s). Spans here are
``(start, end, ...)`` tuples of token offsets, end exclusive; the overlap test is exactly the
rules' own (``not (end <= s[0] or start >= s[1])``), also for empty ranges, so answers and
their order are those of a scan of the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

__all__ = ["SpanIndex"]

S = TypeVar("S", bound=tuple)  # type: ignore[type-arg]


class SpanIndex(Generic[S]):
    """Spans in the order they were added, found by the tokens they cover; removable."""

    def __init__(self, spans: Iterable[S] = ()) -> None:
        self._spans: list[S | None] = []
        self._by_token: dict[int, list[int]] = {}
        self._empty: list[int] = []  # spans covering no token, checked on every lookup
        for span in spans:
            self.add(span)

    def add(self, span: S) -> int:
        """Append ``span``; returns its number (its place in the order)."""
        number = len(self._spans)
        self._spans.append(span)
        start, end = span[0], span[1]
        if end <= start:
            self._empty.append(number)
        for k in range(start, end):
            self._by_token.setdefault(k, []).append(number)
        return number

    def remove(self, number: int) -> None:
        self._spans[number] = None

    def __getitem__(self, number: int) -> S:
        span = self._spans[number]
        assert span is not None, "removed span"
        return span

    def __iter__(self) -> Iterator[S]:
        return (span for span in self._spans if span is not None)

    def overlapping(self, start: int, end: int, after: int = -1) -> list[int]:
        """Numbers of the spans overlapping ``[start, end)``, in order, those past ``after``."""
        if end <= start:  # an empty range: the rules' test, on every span
            candidates: Iterable[int] = range(after + 1, len(self._spans))
        else:
            found = set(self._empty)
            for k in range(start, end):
                found.update(self._by_token.get(k, ()))
            candidates = sorted(found)
        spans = self._spans
        return [
            n
            for n in candidates
            if n > after
            and (span := spans[n]) is not None
            and not (end <= span[0] or start >= span[1])
        ]

    def overlaps(self, start: int, end: int) -> bool:
        return bool(self.overlapping(start, end))

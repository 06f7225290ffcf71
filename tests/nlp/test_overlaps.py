"""Overlap lookups by token (SpanIndex) answer exactly as a scan of the list, and so keep the
suggestions for a document with many mentions near-linear in time (issue 13)."""

from __future__ import annotations

import random
import time

import pytest
from spacy.tokens import Doc

from annotator.nlp.overlaps import SpanIndex
from annotator.nlp.suggest import Suggester

PARAGRAPH = (
    "Defence Minister Boris Pistorius said on Tuesday that NATO would send 2,000 soldiers "
    "and 16 HIMARS launchers to Lithuania. Lockheed Martin delivered 30 F-16 jets to the "
    "Ukrainian Air Force, Jens Stoltenberg told Reuters, while Russia moved S-400 batteries "
    "and about 500 troops near Kharkiv."
)


def _scan(spans: list[tuple[int, int] | None], start: int, end: int, after: int) -> list[int]:
    return [
        n
        for n, s in enumerate(spans)
        if n > after and s is not None and not (end <= s[0] or start >= s[1])
    ]


def test_span_index_answers_as_a_scan_of_the_list() -> None:
    rng = random.Random(13)
    for _ in range(200):
        index: SpanIndex[tuple[int, int]] = SpanIndex()
        spans: list[tuple[int, int] | None] = []
        for _ in range(rng.randint(0, 30)):
            start = rng.randint(0, 40)
            span = (start, start + rng.randint(-1, 6))  # empty and reversed ones too
            assert index.add(span) == len(spans)
            spans.append(span)
            if spans and rng.random() < 0.2:
                gone = rng.randrange(len(spans))
                if spans[gone] is not None:
                    index.remove(gone)
                    spans[gone] = None
        assert list(index) == [s for s in spans if s is not None]
        for _ in range(20):
            start = rng.randint(-2, 45)
            end = start + rng.randint(-1, 8)
            after = rng.randint(-1, len(spans))
            assert index.overlapping(start, end, after) == _scan(spans, start, end, after)
            assert index.overlaps(start, end) == bool(_scan(spans, start, end, -1))


@pytest.fixture(scope="module")
def patterns_only() -> Suggester:
    return Suggester("blank:en")


def _seconds(suggester: Suggester, paragraphs: int) -> float:
    one = suggester.nlp(PARAGRAPH)
    doc = Doc.from_docs([one] * paragraphs)
    text = doc.text
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        found = suggester.spans_from_doc(doc, text)
        best = min(best, time.perf_counter() - started)
    assert len(found) == 11 * paragraphs
    return best


def test_many_mentions_in_one_document_take_near_linear_time(patterns_only: Suggester) -> None:
    """8 times the mentions (1,650 -> 13,200): was about 40 times the time, now about 8."""
    small = _seconds(patterns_only, 150)
    large = _seconds(patterns_only, 1200)
    assert large / small < 20, f"{small:.3f} s -> {large:.3f} s"

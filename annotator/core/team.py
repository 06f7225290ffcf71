"""Several annotators on one corpus: whose annotation is whose, and the reviewed one.

A project keeps one annotation per (document, annotator). The reviewed annotation of a document
is an ordinary annotation row under the reserved annotator name ``REVIEWED`` ("@reviewed"):
portable (no new column, no new table), exported and merged like any other, and never taken by
a person, because annotator names starting with ``@`` are refused at import and ignored in
``$ANNOTATOR_NAME``. Only the review mode writes it.

What the review starts from (``review_start``): every distinct span of the annotators'
accepted work, the spans all of them agree on accepted, the others as suggestions for the
reviewer to accept or reject with the annotation view's keys. Spans of one annotation never
overlap, so of two overlapping candidates only the one more annotators chose (then the earlier,
then the longer) starts as a suggestion; the other stays listed in the review panel, from where
the reviewer can take it instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import Answer, Span, SpanState

__all__ = [
    "RESERVED_PREFIX",
    "REVIEWED",
    "AddResult",
    "Candidate",
    "candidates",
    "is_reserved",
    "review_start",
    "same_annotation",
    "span_keys",
]

#: The reviewed annotation's annotator name (a name no person can have).
REVIEWED = "@reviewed"
RESERVED_PREFIX = "@"


def is_reserved(name: str) -> bool:
    """Names the app keeps for itself (the reviewed annotation): no person can take them."""
    return name.startswith(RESERVED_PREFIX)


def span_keys(spans: Iterable[Span]) -> frozenset[tuple[int, int, str, str]]:
    """What makes two annotations the same: offsets, label and state of every span."""
    return frozenset((s.start, s.end, s.label, SpanState(s.state).value) for s in spans)


def same_annotation(
    answer_a: Answer | None,
    spans_a: Iterable[Span],
    answer_b: Answer | None,
    spans_b: Iterable[Span],
) -> bool:
    """Whether two annotations of one document say the same (answer and spans)."""
    return answer_a == answer_b and span_keys(spans_a) == span_keys(spans_b)


@dataclass
class AddResult:
    """What adding records to a project did (``ProjectStore.import_documents``)."""

    #: records handed in
    records: int = 0
    documents_added: int = 0
    #: records that carried no annotation and whose text the project already holds
    documents_present: int = 0
    annotations_added: int = 0
    annotations_updated: int = 0
    #: reason -> records whose annotation was not stored (never silently)
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, other: AddResult) -> None:
        self.records += other.records
        self.documents_added += other.documents_added
        self.documents_present += other.documents_present
        self.annotations_added += other.annotations_added
        self.annotations_updated += other.annotations_updated
        self.skipped.update(other.skipped)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents_added": self.documents_added,
            "documents_already_present": self.documents_present,
            "annotations_added": self.annotations_added,
            "annotations_updated": self.annotations_updated,
            "annotations_skipped": sum(self.skipped.values()),
            "skipped_reasons": dict(sorted(self.skipped.items())),
        }


@dataclass(frozen=True)
class Candidate:
    """One distinct span of a document's annotations and who made it."""

    start: int
    end: int
    label: str
    annotators: tuple[str, ...]

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def span(self, state: SpanState) -> Span:
        return Span(self.start, self.end, self.label, state, "review")


def candidates(accepted: Mapping[str, Sequence[Span]]) -> list[Candidate]:
    """Every distinct (start, end, label) among the annotators' accepted spans, with the
    annotators who made it, in text order."""
    who: dict[tuple[int, int, str], list[str]] = {}
    for name in sorted(accepted):
        for span in accepted[name]:
            who.setdefault((span.start, span.end, span.label), []).append(name)
    return [Candidate(s, e, label, tuple(names)) for (s, e, label), names in sorted(who.items())]


def review_start(accepted: Mapping[str, Sequence[Span]]) -> list[Span]:
    """The reviewed annotation a review starts from: spans every annotator made accepted,
    the rest suggested, overlapping candidates resolved by support (see the module doc)."""
    everyone = len(accepted)
    found = candidates(accepted)
    order = sorted(found, key=lambda c: (-len(c.annotators), c.start, -(c.end - c.start)))
    chosen: list[Span] = []
    for candidate in order:
        agreed = len(candidate.annotators) == everyone
        span = candidate.span(SpanState.ACCEPTED if agreed else SpanState.SUGGESTED)
        if not any(span.overlaps(other) for other in chosen):
            chosen.append(span)
    return sorted(chosen)

"""Kinds of suggestion a project's annotators do not accept, learned from their documents.

A suggestion's *kind* is its label, where it came from (``model``, ``pattern``, ``rule``) and
the shape of its text: a bare number, digits with words, one word or several, in capitals or
not. Shapes are coarse on purpose: a kind gathers enough suggestions in a dozen documents to
say something, and says it about text nobody has seen yet.

Some kinds are right in one kind of text and wrong in another. A bare number is a count in a
news story ("climb to [30,000]") and a section, footnote, page or pennant number in a report
("3.1 The frigate...", "[2] Ibid.", "Nanchang (101)"). Rules cannot know which kind of text a
project holds; its accepted documents do. ``kind_tally`` compares what the untrained suggester
suggests on the training part with what the annotators accepted there (the rules were never
fitted to those documents, so the comparison is fair), and ``unwanted_kinds`` names the kinds
accepted so rarely that suggesting them costs more than it brings. Removing suggestions of
precision p raises a label's F1 exactly when p is below half of that F1 (2TP / (2TP + FP + FN)
loses 2 per true positive and 1 per false one), so a kind goes when its precision is surely
below half its label's F1 on the same documents: the upper end of its one-sided 90 % Wilson
interval is, after at least 5 suggestions.

Measured with both halves of seven sets as the training part and the other half scored (14
runs, ``tests/bench/kind_choice.py``): no run lost F1 on any label; reports gained 0.049 and
0.028, history 0.013, forums 0.006 and news 0.002 in one direction each, nothing moved in the
others. A fixed bar of 0.35 (a typical F1 of 0.7, halved) cost forum threads 0.013: their ORG
F1 is lower, so the bar must be too.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from annotator.core.model import Span

__all__ = [
    "MIN_SUGGESTED",
    "KindCounts",
    "describe_kind",
    "drop_kinds",
    "dropped_lines",
    "half_label_f1",
    "kind_tally",
    "precision_bound",
    "precision_floor",
    "span_kind",
    "surely_worth_adding",
    "unwanted_kinds",
]

MIN_SUGGESTED = 5
_Z90 = 1.2816  # one-sided 90 %

KindCounts = dict[str, tuple[int, int]]  # kind -> (accepted, suggested)

_NUMBER = re.compile(r"[\d.,]+")
_SHAPES = {
    "number": "a bare number",
    "digits": "digits and words",
    "capital": "one word in capitals",
    "capitals": "words in capitals",
    "word": "one word",
    "words": "several words",
}


def _shape(text: str) -> str:
    if _NUMBER.fullmatch(text):
        return "number"
    if any(c.isdigit() for c in text):
        return "digits"
    several = len(text.split()) > 1
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return "capitals" if several else "capital"
    return "words" if several else "word"


def span_kind(text: str, span: Span) -> str:
    """``LABEL/source/shape`` of a suggestion in ``text``."""
    return f"{span.label}/{span.source}/{_shape(text[span.start : span.end])}"


_SOURCES = {
    "model": "the model",
    "pattern": "a pattern",
    "rule": "a rule",
    "known": "the known names",
    "defined": "a short name the text defines",
}


def describe_kind(kind: str) -> str:
    """'QUANTITY from a pattern: a bare number', for people."""
    label, source, shape = [*kind.split("/"), "", ""][:3]
    return f"{label} from {_SOURCES.get(source, source)}: {_SHAPES.get(shape, shape)}"


def dropped_lines(dropped: Iterable[str], counts: Mapping[str, Sequence[int]]) -> list[str]:
    """'QUANTITY from a pattern: a bare number (0 of 18 accepted)' for each dropped kind."""
    lines = []
    for kind in dropped:
        accepted, suggested = counts.get(kind, (0, 0))
        lines.append(f"{describe_kind(kind)} ({accepted} of {suggested} accepted)")
    return lines


def kind_tally(
    texts: Sequence[str],
    suggested: Iterable[Sequence[Span]],
    accepted: Sequence[Iterable[tuple[int, int, str]]],
) -> KindCounts:
    """Per kind: how many suggestions the annotators accepted exactly, of how many."""
    counts: dict[str, list[int]] = {}
    for text, spans, gold in zip(texts, suggested, accepted, strict=True):
        keys = set(gold)
        for span in spans:
            entry = counts.setdefault(span_kind(text, span), [0, 0])
            entry[0] += span.key in keys
            entry[1] += 1
    return {kind: (a, n) for kind, (a, n) in sorted(counts.items())}


def unwanted_kinds(
    counts: Mapping[str, tuple[int, int]],
    gold: Mapping[str, int],
    *,
    min_suggested: int = MIN_SUGGESTED,
) -> tuple[str, ...]:
    """The kinds not worth suggesting (sorted), from ``kind_tally``'s counts and the number of
    accepted spans of each label (``gold``) in the same documents."""
    half_f1 = half_label_f1(counts, gold)
    return tuple(
        kind
        for kind, (accepted, suggested) in sorted(counts.items())
        if suggested >= min_suggested
        and precision_bound(accepted, suggested) < half_f1[kind.split("/")[0]]
    )


def half_label_f1(
    counts: Mapping[str, tuple[int, int]], gold: Mapping[str, int]
) -> dict[str, float]:
    """Half of each label's F1 (TP / (suggested + gold)) of the suggestions ``kind_tally``
    counted, against ``gold`` accepted spans of each label in the same documents."""
    true, suggested_of = Counter[str](), Counter[str]()
    for kind, (accepted, suggested) in counts.items():
        label = kind.split("/")[0]
        true[label] += accepted
        suggested_of[label] += suggested
    return {
        label: true[label] / (suggested_of[label] + gold.get(label, 0)) for label in suggested_of
    }


def surely_worth_adding(right: int, added: int, half_f1: float) -> bool:
    """Whether ``added`` spans, ``right`` of them accepted, surely raise their label's F1: the
    mirror of ``unwanted_kinds``. Adding spans of precision p raises F1 exactly when p is above
    half of it; "surely": the lower end of the one-sided 90 % Wilson interval is, after at
    least ``MIN_SUGGESTED`` spans."""
    return added >= MIN_SUGGESTED and precision_floor(right, added) > half_f1


def precision_bound(accepted: int, suggested: int) -> float:
    """The upper end of the one-sided 90 % Wilson interval of accepted / suggested."""
    return 1.0 if suggested <= 0 else _wilson(accepted, suggested, 1.0)


def precision_floor(accepted: int, suggested: int) -> float:
    """The lower end of the one-sided 90 % Wilson interval of accepted / suggested."""
    return 0.0 if suggested <= 0 else _wilson(accepted, suggested, -1.0)


def _wilson(accepted: int, suggested: int, side: float) -> float:
    p, n, z2 = accepted / suggested, suggested, _Z90 * _Z90
    spread = _Z90 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (p + z2 / (2 * n) + side * spread) / (1 + z2 / n)


def drop_kinds(text: str, spans: Sequence[Span], kinds: frozenset[str]) -> list[Span]:
    """``spans`` without those of ``kinds``."""
    if not kinds:
        return list(spans)
    return [s for s in spans if span_kind(text, s) not in kinds]

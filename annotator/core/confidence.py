"""How sure a suggestion is: the precision of rules and patterns from the project's own history,
the calibration of the model's probabilities, and a document's uncertainty.

Every suggestion carries a ``score`` in [0, 1]:

* ``model`` spans: the probability of the span under the entity recognizer's greedy parse
  (computed in the suggestion process, see ``annotator.nlp.confidence``), mapped through the
  project's calibration when one was fitted (``annotator calibrate``; stored in the setting
  ``confidence_calibration``, applied only to the scores of the scorer it was fitted to);
* ``pattern`` and ``rule`` spans: the share of that source's suggestions of that label the
  project's annotators accepted, with a Beta prior until there is history. Accepted spans keep
  their ``source``; a rejected suggestion is recorded with its source in ``rejections``.

These precisions change with every answer, so they are looked up when suggestions are read
(``rescore``), never frozen into the suggestion cache; the model's probability is what the
cache holds. Qt- and spaCy-free.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import Span

__all__ = [
    "LOW_CONFIDENCE",
    "MODEL_SCORES",
    "PRIORS",
    "THRESHOLDS",
    "Calibration",
    "Curve",
    "ReliabilityBin",
    "SourcePrecision",
    "above_threshold",
    "document_uncertainty",
    "expected_calibration_error",
    "reliability",
    "rescore",
    "uncertainty",
]

#: Beta(accepted, rejected) priors per source, worth ten answers: gazetteer matches are curated
#: names (0.9), shape and context rules heuristics (0.7), known names filled in where nothing
#: else was suggested (``nlp.train.known_names``) as precise as the rules: 84 of 123 right
#: (0.68) from the start model's names on seven kinds of text it never saw; short names a text
#: defines for itself (``nlp.defined_names``) 0.8, a little below the 84 of 96 right (0.875) on
#: legal and report texts before and after training. Anything else: 0.5.
PRIORS: dict[str, tuple[float, float]] = {
    "pattern": (9.0, 1.0),
    "rule": (7.0, 3.0),
    "known": (7.0, 3.0),
    "defined": (8.0, 2.0),
}
_UNKNOWN_PRIOR = (5.0, 5.0)
#: How many answers of one label the source-wide precision is worth when a label's own
#: precision is estimated (few answers of a label lean on the source as a whole).
_LABEL_SHRINK = 10.0
#: Suggestions scored below this are drawn as unsure (dotted outline) in the window.
LOW_CONFIDENCE = 0.5
#: The thresholds the window offers for hiding suggestions (0: hide none).
THRESHOLDS = (0.0, 0.25, 0.5, 0.75, 0.9)
#: Sources whose score is a precision from history, not a model probability.
HISTORY_SOURCES = frozenset(PRIORS)
#: What model scores are: the scorer that computes them (``annotator.nlp.confidence.scores``
#: names it). A calibration records the scores it was fitted to and maps only those: one
#: fitted to the beam's scores would map the greedy parse's wrongly.
MODEL_SCORES = "greedy"
#: What a calibration stored before it recorded its scores was fitted to.
_UNRECORDED_SCORES = "beam4"


class SourcePrecision:
    """Precision of each (source, label) from accepted and rejected counts, Beta-smoothed.

    ``counts`` maps (source, label) to (accepted, rejected). The source-wide estimate is the
    Beta prior updated with every answer of that source; a label's estimate shrinks its own
    counts toward the source-wide one (worth ``_LABEL_SHRINK`` answers).
    """

    def __init__(self, counts: Mapping[tuple[str, str], tuple[int, int]] | None = None) -> None:
        self.counts = dict(counts or {})
        totals: dict[str, list[int]] = {}
        for (source, _label), (accepted, rejected) in self.counts.items():
            total = totals.setdefault(source, [0, 0])
            total[0] += accepted
            total[1] += rejected
        self._source: dict[str, float] = {}
        for source in {*PRIORS, *totals}:
            a, b = PRIORS.get(source, _UNKNOWN_PRIOR)
            accepted, rejected = totals.get(source, [0, 0])
            self._source[source] = (a + accepted) / (a + b + accepted + rejected)

    def to_json(self) -> str:
        return json.dumps(
            {f"{source}\t{label}": list(n) for (source, label), n in sorted(self.counts.items())}
        )

    @classmethod
    def from_json(cls, raw: str) -> SourcePrecision:
        """The stored counts; the priors alone for an empty or damaged setting."""
        try:
            value = json.loads(raw) if raw else {}
            counts = {}
            for key, (accepted, rejected) in value.items():
                source, label = str(key).split("\t")
                counts[(source, label)] = (max(0, int(accepted)), max(0, int(rejected)))
        except (ValueError, TypeError, AttributeError):
            return cls()
        return cls(counts)

    def of(self, source: str, label: str) -> float:
        """The estimated precision of ``source``'s suggestions of ``label``."""
        base = self._source.get(source)
        if base is None:
            a, b = _UNKNOWN_PRIOR
            base = a / (a + b)
        accepted, rejected = self.counts.get((source, label), (0, 0))
        return (_LABEL_SHRINK * base + accepted) / (_LABEL_SHRINK + accepted + rejected)


@dataclass(frozen=True)
class Curve:
    """A monotone map of raw model probabilities to calibrated ones: piecewise linear through
    ``points`` (isotonic regression's steps, joined), or the identity when it has none."""

    points: tuple[tuple[float, float], ...] = ()
    fitted_on: int = 0

    @classmethod
    def fit(cls, pairs: Iterable[tuple[float, bool]], bins: int = 10) -> Curve:
        """Isotonic regression (pool adjacent violators) of correctness on the raw score.

        Scores are first pooled into at most ``bins`` equal-count groups, so that a handful
        of documents gives a smooth map rather than one step per span.
        """
        data = sorted((min(max(float(p), 0.0), 1.0), 1.0 if ok else 0.0) for p, ok in pairs)
        if len(data) < 2:
            return cls()
        groups: list[list[float]] = []  # [sum score, sum correct, count, last score]
        size = max(1, math.ceil(len(data) / bins))
        for p, y in data:
            # A group is full at ``size``, but equal scores are never split between groups.
            if not groups or (groups[-1][2] >= size and p > groups[-1][3]):
                groups.append([0.0, 0.0, 0.0, p])
            group = groups[-1]
            group[0] += p
            group[1] += y
            group[2] += 1
            group[3] = p
        pooled: list[list[float]] = []
        for group in groups:
            pooled.append(group)
            while len(pooled) > 1 and (
                pooled[-2][1] / pooled[-2][2] > pooled[-1][1] / pooled[-1][2]
            ):
                last = pooled.pop()
                for k in range(3):
                    pooled[-1][k] += last[k]
                pooled[-1][3] = last[3]
        points = tuple((s / n, y / n) for s, y, n, _ in pooled)
        return cls(points, len(data))

    def __call__(self, p: float) -> float:
        points = self.points
        if not points:
            return p
        xs = [x for x, _ in points]
        i = bisect.bisect_left(xs, p)
        # Flat beyond the fitted points, as isotonic regression is: a score above every one
        # seen is no evidence of more precision (many model scores sit at 0.9999...).
        if i == 0:
            return points[0][1]
        if i == len(points):
            return points[-1][1]
        (x0, y0), (x1, y1) = points[i - 1], points[i]
        return y0 + (y1 - y0) * (p - x0) / (x1 - x0) if x1 > x0 else y1

    def to_dict(self) -> dict[str, Any]:
        return {"points": [list(p) for p in self.points], "fitted_on": self.fitted_on}

    @classmethod
    def from_dict(cls, value: Any) -> Curve:
        """The curve of a stored value; ValueError (or TypeError) when it is damaged."""
        points = tuple((float(x), float(y)) for x, y in value.get("points", []))
        if any(not (0 <= x <= 1 and 0 <= y <= 1) for x, y in points) or any(
            b[0] < a[0] or b[1] < a[1] for a, b in itertools.pairwise(points)
        ):
            raise ValueError("not a monotone curve in [0, 1]")
        return cls(points, int(value.get("fitted_on", 0)))


#: A label's own curve is fitted only with at least this many of its suggestions.
MIN_LABEL_PAIRS = 40


@dataclass(frozen=True)
class Calibration:
    """The project's calibration of model scores: one isotonic curve over every label, and
    a curve of its own for each label with enough suggestions (``MIN_LABEL_PAIRS``). The
    model is not equally right about every label of a kind of text (ORG worse than PERSON in
    reports), which one curve cannot show. The identity when nothing was fitted."""

    overall: Curve = Curve()
    by_label: Mapping[str, Curve] = field(default_factory=dict)
    #: What it was fitted for: the model id that suggested ("" for the untrained suggester).
    #: Another model's scores are not this one's: the store applies it only to its own.
    model: str = ""
    #: The scorer whose scores it was fitted to (``MODEL_SCORES`` when it was fitted).
    scores: str = MODEL_SCORES

    @property
    def points(self) -> tuple[tuple[float, float], ...]:
        """The overall curve's points (empty: the identity)."""
        return self.overall.points

    @classmethod
    def fit(
        cls, pairs: Iterable[tuple[float, bool, str]], bins: int = 10, model: str = ""
    ) -> Calibration:
        """Fit on (raw score, correct, label) triples."""
        data = list(pairs)
        labels: dict[str, list[tuple[float, bool]]] = {}
        for p, ok, label in data:
            labels.setdefault(label, []).append((p, ok))
        return cls(
            Curve.fit(((p, ok) for p, ok, _ in data), bins),
            {
                label: Curve.fit(found, bins)
                for label, found in sorted(labels.items())
                if len(found) >= MIN_LABEL_PAIRS
            },
            model,
        )

    def __call__(self, p: float, label: str | None = None) -> float:
        curve = self.by_label.get(label, self.overall) if label is not None else self.overall
        return curve(p)

    def to_json(self) -> str:
        return json.dumps(
            {
                **self.overall.to_dict(),
                "labels": {k: v.to_dict() for k, v in self.by_label.items()},
                "model": self.model,
                "scores": self.scores,
            }
        )

    @classmethod
    def from_json(cls, raw: str) -> Calibration:
        """The stored calibration; the identity for an empty or damaged setting (a project
        file is untrusted: a bad value must not stop suggestions)."""
        try:
            value = json.loads(raw) if raw else {}
            labels = value.get("labels", {})
            return cls(
                Curve.from_dict(value),
                {str(k): Curve.from_dict(v) for k, v in labels.items()},
                str(value.get("model", "")),
                str(value.get("scores", _UNRECORDED_SCORES)) if value else MODEL_SCORES,
            )
        except (ValueError, TypeError, AttributeError):
            return cls()


def rescore(
    spans: Sequence[Span], precision: SourcePrecision, calibration: Calibration | None = None
) -> list[Span]:
    """``spans`` with today's scores: rule and pattern spans get their source's precision,
    model spans their calibrated probability (unchanged without a calibration)."""
    out = []
    for span in spans:
        if span.source in HISTORY_SOURCES:
            out.append(span.with_(score=round(precision.of(span.source, span.label), 4)))
        elif span.score is not None and calibration is not None and calibration.points:
            out.append(span.with_(score=round(calibration(span.score, span.label), 4)))
        else:
            out.append(span)
    return out


def uncertainty(score: float | None) -> float:
    """How unsure a score is, 0 (0 or 1) to 1 (a coin toss); 0 for a span without one."""
    return 0.0 if score is None else 1.0 - abs(2.0 * score - 1.0)


def document_uncertainty(spans: Sequence[Span]) -> float:
    """A document's uncertainty: the mean uncertainty of its suggestions (0 with none).

    The mean, not the sum: a long document is not "less sure" for having more names.
    """
    if not spans:
        return 0.0
    return round(sum(uncertainty(s.score) for s in spans) / len(spans), 6)


@dataclass(frozen=True)
class ReliabilityBin:
    """Suggestions whose score fell in [low, high): how many, how sure, how many right."""

    low: float
    high: float
    count: int
    confidence: float  # mean score
    correct: float  # share correct


def reliability(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> list[ReliabilityBin]:
    """The reliability table of (score, correct) pairs in ``bins`` equal-width bins."""
    sums = [[0.0, 0.0, 0] for _ in range(bins)]
    for p, ok in pairs:
        k = min(int(p * bins), bins - 1)
        sums[k][0] += p
        sums[k][1] += 1.0 if ok else 0.0
        sums[k][2] += 1
    return [
        ReliabilityBin(k / bins, (k + 1) / bins, int(n), s / n if n else 0.0, c / n if n else 0.0)
        for k, (s, c, n) in enumerate(sums)
    ]


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float:
    """The count-weighted mean gap between score and share correct over the bins."""
    total = len(pairs)
    if not total:
        return 0.0
    return sum(b.count * abs(b.confidence - b.correct) for b in reliability(pairs, bins)) / total


def above_threshold(spans: Sequence[Span], threshold: float) -> list[Span]:
    """The suggestions shown under a threshold: those scored at least ``threshold`` (and
    every one without a score: nothing says it is unsure)."""
    if threshold <= 0:
        return list(spans)
    return [s for s in spans if s.score is None or s.score >= threshold]

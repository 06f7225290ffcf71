"""Per-label scores of several sources on the held-out part, and the choice they imply."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.core.model import Span
from annotator.nlp.evaluate import Scores
from annotator.nlp.train.sources import SOURCES, UNTRAINED

__all__ = ["choose_sources", "score_table", "scores_of"]

Key = tuple[int, int, str]


def scores_of(
    gold: Sequence[Sequence[Key]], predicted: Sequence[Sequence[Span]], labels: Sequence[str]
) -> Scores:
    keep = set(labels)
    scores = Scores()
    for gold_keys, spans in zip(gold, predicted, strict=True):
        scores.add(
            {k for k in gold_keys if k[2] in keep}, {s.key for s in spans if s.label in keep}
        )
    return scores


def score_table(scores: Scores, labels: Sequence[str]) -> dict[str, Any]:
    """JSON-ready per-label and overall P/R/F with counts."""
    table: dict[str, Any] = {}
    for label in labels:
        p, r, f = scores.label(label)
        table[label] = {
            "p": round(p, 4),
            "r": round(r, 4),
            "f": round(f, 4),
            "gold": scores.tp.get(label, 0) + scores.fn.get(label, 0),
        }
    p, r, f = scores.overall()
    table["overall"] = {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4)}
    return table


def choose_sources(
    tables: Mapping[str, Mapping[str, Any]], labels: Sequence[str]
) -> tuple[dict[str, str], dict[str, float]]:
    """The best source per label by held-out F1, and that F1 (the rank of its spans).

    A tie goes to the untrained suggester (no change without evidence), then to the source
    listed first in ``SOURCES``. A label without held-out examples stays with the untrained
    suggester.
    """
    choice: dict[str, str] = {}
    rank: dict[str, float] = {}
    for label in labels:
        best, best_f = UNTRAINED, -1.0
        if tables[UNTRAINED][label]["gold"] == 0:
            choice[label], rank[label] = UNTRAINED, 0.0
            continue
        for source in SOURCES:
            if source not in tables:
                continue
            f = tables[source][label]["f"]
            if f > best_f + 1e-9:
                best, best_f = source, f
        choice[label], rank[label] = best, best_f
    return choice, rank

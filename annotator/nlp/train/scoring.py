"""Per-label scores of several sources on the held-out part, and the choice they imply."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator.core.model import Span
from annotator.nlp.evaluate import Scores
from annotator.nlp.train.sources import SOURCES, UNTRAINED

__all__ = [
    "DEFAULT_SOURCE",
    "MIN_DOCUMENTS",
    "MIN_LABEL_SUPPORT",
    "Counts",
    "choose_sources",
    "difference_interval",
    "difference_line",
    "doc_counts",
    "f1_of",
    "score_table",
    "scores_of",
    "surely_better",
    "untrained_without_kinds",
]

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


#: Held-out documents needed before any source other than the default may be chosen.
MIN_DOCUMENTS = 10
#: Gold spans of a label needed before the label may get a source of its own.
MIN_LABEL_SUPPORT = 50
#: How much better (F1) another source must be, and how sure the bootstrap must be of it.
MARGIN = 0.02
CONFIDENCE = 0.95
#: The source a trained model serves with unless the held-out part shows better. Measured,
#: not assumed: on transcripts (trained on 10, scored on 12 others) and on news it was not
#: trained on (unseen7, unseen8), the rules over the trained model's entities scored above
#: the model alone and the model with patterns for every label but one (see issue 9's note).
DEFAULT_SOURCE = "model+rules"

Counts = tuple[int, int, int]  # tp, fp, fn


def doc_counts(
    gold: Sequence[Sequence[Key]], predicted: Sequence[Sequence[Span]], labels: Sequence[str]
) -> list[dict[str, Counts]]:
    """Per document, per label (and "overall"): true positives, false positives, misses."""
    out = []
    keep = set(labels)
    for gold_keys, spans in zip(gold, predicted, strict=True):
        g = {k for k in gold_keys if k[2] in keep}
        p = {s.key for s in spans if s.label in keep}
        counts: dict[str, Counts] = {}
        for label in labels:
            gl = {k for k in g if k[2] == label}
            pl = {k for k in p if k[2] == label}
            counts[label] = (len(gl & pl), len(pl - gl), len(gl - pl))
        counts["overall"] = (len(g & p), len(p - g), len(g - p))
        out.append(counts)
    return out


def f1_of(rows: Iterable[Counts]) -> float:
    """F1 of summed (true positives, false positives, misses)."""
    tp = fp = fn = 0
    for a, b, c in rows:
        tp, fp, fn = tp + a, fp + b, fn + c
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _resampled_differences(
    base: Sequence[dict[str, Counts]],
    other: Sequence[dict[str, Counts]],
    key: str,
    rounds: int,
    seed: int,
) -> list[float]:
    """F1 of ``other`` minus F1 of ``base`` on ``key``, on ``rounds`` resamples (with
    replacement) of the held-out documents: a paired bootstrap."""
    n = len(base)
    rng = random.Random(seed)
    out = []
    for _ in range(rounds):
        picks = [rng.randrange(n) for _ in range(n)]
        out.append(f1_of(other[i][key] for i in picks) - f1_of(base[i][key] for i in picks))
    return out


def surely_better(
    base: Sequence[dict[str, Counts]],
    other: Sequence[dict[str, Counts]],
    key: str,
    *,
    rounds: int = 1000,
    seed: int = 0,
) -> bool:
    """True when ``other`` beats ``base`` on ``key`` by ``MARGIN`` F1, and a paired bootstrap
    over the held-out documents finds it better in at least ``CONFIDENCE`` of the resamples."""
    if len(base) < MIN_DOCUMENTS:
        return False
    if f1_of(o[key] for o in other) < f1_of(b[key] for b in base) + MARGIN:
        return False
    wins = sum(1 for d in _resampled_differences(base, other, key, rounds, seed) if d > 0)
    return wins >= CONFIDENCE * rounds


def difference_interval(
    base: Sequence[dict[str, Counts]],
    other: Sequence[dict[str, Counts]],
    key: str = "overall",
    *,
    level: float = 0.9,
    rounds: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """F1 of ``other`` minus F1 of ``base`` on the held-out part, and the range that the
    middle ``level`` of a paired bootstrap over its documents spans: how far the difference
    could move with other held-out documents of the same kind. On two or three documents
    the range is wide (and itself rough); it says how much the held-out part can tell."""
    point = f1_of(o[key] for o in other) - f1_of(b[key] for b in base)
    if not base:
        return point, point, point
    diffs = sorted(_resampled_differences(base, other, key, rounds, seed))
    tail = (1 - level) / 2
    low = diffs[int(tail * (rounds - 1))]
    high = diffs[round((1 - tail) * (rounds - 1))]
    return round(point, 4), round(low, 4), round(high, 4)


def choose_sources(
    counts: Mapping[str, Sequence[dict[str, Counts]]], labels: Sequence[str]
) -> tuple[dict[str, str], dict[str, float]]:
    """The source of each label, and its held-out F1 (the rank of its spans).

    Every label is served by ``DEFAULT_SOURCE`` unless the held-out part shows, surely (see
    ``surely_better``), that another source is better: for all labels at once, or for one
    label with at least ``MIN_LABEL_SUPPORT`` held-out spans. Choosing by the best held-out
    score alone is noise on a few documents: on 2 held-out transcripts it picked the model
    with patterns, which lost 0.01 on the other transcripts and 0.07-0.11 on news.
    """
    default = DEFAULT_SOURCE if DEFAULT_SOURCE in counts else UNTRAINED
    common = default
    for source in SOURCES:
        if (
            source in counts
            and source != default
            and surely_better(counts[common], counts[source], "overall")
        ):
            common = source
    choice = {label: common for label in labels}
    for label in labels:
        support = sum(c[label][0] + c[label][2] for c in counts[common])
        if support < MIN_LABEL_SUPPORT:
            continue
        for source in SOURCES:
            if (
                source in counts
                and source != choice[label]
                and surely_better(counts[choice[label]], counts[source], label)
            ):
                choice[label] = source
    rank = {label: f1_of(c[label] for c in counts[choice[label]]) for label in labels}
    return choice, rank


def difference_line(difference: Sequence[float], documents: int) -> str:
    """The held-out difference new - now and its bootstrap range, in words."""
    point, low, high = difference
    rough = "; few documents: a rough guide" if documents < MIN_DOCUMENTS else ""
    return (
        f"Held-out F1, new minus now: {point:+.3f}; resampling its {documents} documents puts "
        f"it between {low:+.3f} and {high:+.3f} (90 %{rough})."
    )


def untrained_without_kinds(
    tables: Mapping[str, Mapping[str, Mapping[str, float]]],
    labels: Sequence[str],
    current_f: float,
) -> tuple[dict[str, str], dict[str, float]] | None:
    """Every label with the untrained suggester (its spans of the learned kinds left out:
    ``tables["untrained"]`` is scored so) when that beats what suggests now on the held-out
    part, as (choice, rank); None when it does not. A model that lost can still have taught
    what its project does not accept (``nlp.span_kinds``); no model pass is then needed."""
    table = tables[UNTRAINED]
    if float(table["overall"]["f"]) <= current_f + 1e-9:
        return None
    return {label: UNTRAINED for label in labels}, {
        label: float(table[label]["f"]) for label in labels
    }

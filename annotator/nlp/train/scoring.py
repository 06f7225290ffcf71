"""Per-label scores of several sources on the held-out part, and the choice they imply."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.core.model import Span
from annotator.nlp.evaluate import Scores
from annotator.nlp.train.sources import SOURCES, UNTRAINED

__all__ = ["LABEL_MARGIN", "MIN_LABEL_SUPPORT", "choose_sources", "score_table", "scores_of"]

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


#: Gold spans of a label the held-out part needs before the label may get a source of its own.
MIN_LABEL_SUPPORT = 50
#: How much better (F1) a label's own source must be than the common one.
LABEL_MARGIN = 0.02


def choose_sources(
    tables: Mapping[str, Mapping[str, Any]], labels: Sequence[str]
) -> tuple[dict[str, str], dict[str, float]]:
    """The source of each label, and its held-out F1 (the rank of its spans).

    First one source for every label: the best overall held-out F1 (a tie goes to the
    untrained suggester, no change without evidence, then to the order of ``SOURCES``). Then a
    label with at least ``MIN_LABEL_SUPPORT`` held-out spans takes its own best source when that
    beats the common one by ``LABEL_MARGIN``. Choosing per label on a few held-out documents is
    noise: on 2 held-out transcripts a per-label choice picked sources that lost 0.07 F1 on
    news texts and gained nothing on transcripts (see the issue 9 note).
    """
    present = [source for source in SOURCES if source in tables]
    common = UNTRAINED
    for source in present:
        if tables[source]["overall"]["f"] > tables[common]["overall"]["f"] + 1e-9:
            common = source
    choice = {label: common for label in labels}
    for label in labels:
        if tables[UNTRAINED][label]["gold"] < MIN_LABEL_SUPPORT:
            continue
        best = max(present, key=lambda s: (tables[s][label]["f"], s == common))
        if tables[best][label]["f"] >= tables[common][label]["f"] + LABEL_MARGIN:
            choice[label] = best
    rank = {label: float(tables[choice[label]][label]["f"]) for label in labels}
    return choice, rank

"""Calibration of suggestion scores on the gold sets: reliability tables and the expected
calibration error (ECE), before and after the calibration step the app applies.

The sets are split by kind: calibration (isotonic, ``core.confidence.Calibration``) and the
rule and pattern precision (``core.confidence.SourcePrecision``, standing in for a project's
answers) are fitted on the FIT sets only and reported on the REPORT sets, among them
corpora/dev/reports, which nothing in the app was tuned on. A project fits on its own
held-out part, of its own kind of text: the "within" figures fit on a seeded half of each
report set's documents and report on the other half, which is what a project gets.

Each scorer of model spans (``--scorers greedy beam``; the beam at ``--widths`` and
``--temperatures``) is measured on the same documents. Besides the ECE, the AUC of the model
spans' scores against being exactly right (the chance that a right span scores above a wrong
one; 0.5 is no ranking at all) says how useful the order of the scores is, raw and after the
calibration, and the Brier score (mean squared error of score against outcome, lower is
better) weighs calibration and usefulness together: the ECE alone rewards a score that is the
same for every span, once calibrated to the share right.

Run from the repository root (a few minutes a scorer; use nice):

    nice .venv/bin/python tests/bench/calibration.py [--scorers greedy beam] [--widths 8]
        [--temperatures 1 2]
"""

from __future__ import annotations

import argparse
import glob
import itertools
import random
import statistics
from collections.abc import Sequence

from annotator.core.confidence import (
    Calibration,
    SourcePrecision,
    expected_calibration_error,
    reliability,
    rescore,
)
from annotator.core.model import Span
from annotator.nlp.confidence.beam import BEAM_TEMPERATURE, BEAM_WIDTH
from annotator.nlp.confidence.calibrate import model_pairs
from annotator.nlp.confidence.scores import DEFAULT_SCORER, SCORERS
from annotator.nlp.evaluate import read_gold
from annotator.nlp.suggest import Suggester

FIT = ["dev-0*", "fresh/*", "heldout/*", "unseen/*", "unseen2/*", "unseen3/*", "unseen4/*"]
REPORT = {
    "unseen5-8": ["unseen5/*", "unseen6/*", "unseen7/*", "unseen8/*"],
    "transcripts": ["transcripts/*"],
    "reports": ["reports/*"],
}
LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]


def _records(patterns: Sequence[str]) -> list[dict]:
    files = [f for p in patterns for f in sorted(glob.glob(f"corpora/dev/{p}.gold.jsonl"))]
    return [r for f in files for r in read_gold(f)]


def _gold(records: Sequence[dict]) -> list[set[tuple[int, int, str]]]:
    return [{(s["start"], s["end"], s["label"]) for s in r["spans"]} for r in records]


def _history(
    predictions: Sequence[Sequence[Span]], gold: Sequence[set[tuple[int, int, str]]]
) -> SourcePrecision:
    """Rule and pattern precision as a project's answers on these documents would give it."""
    counts: dict[tuple[str, str], list[int]] = {}
    for spans, right in zip(predictions, gold, strict=True):
        for s in spans:
            if s.source in ("rule", "pattern"):
                entry = counts.setdefault((s.source, s.label), [0, 0])
                entry[0 if s.key in right else 1] += 1
    return SourcePrecision({k: (a, r) for k, (a, r) in counts.items()})


def _all_pairs(
    predictions: Sequence[Sequence[Span]], gold: Sequence[set[tuple[int, int, str]]]
) -> list[tuple[float, bool]]:
    return [
        (float(s.score), s.key in right)
        for spans, right in zip(predictions, gold, strict=True)
        for s in spans
        if s.score is not None
    ]


def _table(title: str, pairs: list[tuple[float, bool]]) -> None:
    print(f"    {title}: ECE {expected_calibration_error(pairs):.3f} ({len(pairs)} suggestions)")
    for b in reliability(pairs):
        if b.count:
            print(
                f"      {b.low:.1f}-{b.high:.1f}  n={b.count:5d}  score {b.confidence:.2f}  "
                f"correct {b.correct:.2f}"
            )


def _eces(
    fit_pred: Sequence[Sequence[Span]],
    fit_gold: Sequence[set[tuple[int, int, str]]],
    pred: Sequence[Sequence[Span]],
    gold: Sequence[set[tuple[int, int, str]]],
) -> dict[str, list[tuple[float, bool]]]:
    """(score, correct) pairs on PRED of the model spans and of every suggestion, raw and
    with the calibration and history fitted on FIT."""
    calibration = Calibration.fit(model_pairs(fit_pred, fit_gold))
    history = _history(fit_pred, fit_gold)
    rescored = [rescore(spans, history, calibration) for spans in pred]
    return {
        "model, raw": [(p, ok) for p, ok, _ in model_pairs(pred, gold)],
        "model, calibrated": [(p, ok) for p, ok, _ in model_pairs(rescored, gold)],
        "all, priors": _all_pairs(pred, gold),
        "all, history+calibrated": _all_pairs(rescored, gold),
    }


def _line(pairs: dict[str, list[tuple[float, bool]]]) -> str:
    return "; ".join(f"{k} {expected_calibration_error(v):.3f}" for k, v in pairs.items())


def auc(pairs: Sequence[tuple[float, bool]]) -> float:
    """The chance that a right suggestion scores above a wrong one (ties count half)."""
    ranked = sorted(pairs)
    right = sum(ok for _, ok in pairs)
    wrong = len(pairs) - right
    if not right or not wrong:
        return 0.5
    rank_sum = 0.0  # sum of the right ones' mid-ranks (1-based)
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + 1 + j) / 2
        rank_sum += mid * sum(ok for _, ok in ranked[i:j])
        i = j
    return (rank_sum - right * (right + 1) / 2) / (right * wrong)


def brier(pairs: Sequence[tuple[float, bool]]) -> float:
    """The mean squared gap between score and outcome: calibration and sharpness together
    (a score that says the same for every span is well calibrated but tells nothing)."""
    return sum((p - ok) ** 2 for p, ok in pairs) / len(pairs) if pairs else 0.0


def _aucs(pairs: dict[str, list[tuple[float, bool]]]) -> str:
    return "; ".join(f"{k} {auc(pairs[k]):.3f}" for k in ("model, raw", "model, calibrated"))


def _settings(args: argparse.Namespace) -> list[tuple[str, int, float]]:
    found: list[tuple[str, int, float]] = []
    for scorer in args.scorers:
        if scorer == "beam":
            found.extend(
                ("beam", w, t) for w, t in itertools.product(args.widths, args.temperatures)
            )
        else:
            found.append((scorer, BEAM_WIDTH, BEAM_TEMPERATURE))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench/calibration.py")
    parser.add_argument("--scorers", nargs="+", choices=SCORERS, default=[DEFAULT_SCORER])
    parser.add_argument("--widths", type=int, nargs="+", default=[BEAM_WIDTH])
    parser.add_argument("--temperatures", type=float, nargs="+", default=[BEAM_TEMPERATURE])
    parser.add_argument("--seeds", type=int, default=5, help="half/half splits within a kind")
    parser.add_argument("--quiet", action="store_true", help="ECE lines only, no tables")
    args = parser.parse_args(argv)
    fit_records = _records(FIT)
    fit_gold = _gold(fit_records)
    report_records = {name: _records(p) for name, p in REPORT.items()}
    print(f"cross-kind: fitted on {len(fit_records)} documents ({', '.join(FIT)})")
    print("within: fitted on a seeded half of the kind, reported on the other half")
    for scorer, width, temperature in _settings(args):
        suggester = Suggester(
            "auto", LABELS, scorer=scorer, beam_width=width, beam_temperature=temperature
        )
        fit_pred = list(suggester.suggest(r["text"] for r in fit_records))
        if scorer == "beam":
            print(f"\n== beam width {width}, temperature {temperature:g}")
        else:
            print(f"\n== {scorer}")
        for name, records in report_records.items():
            gold = _gold(records)
            pred = list(suggester.suggest(r["text"] for r in records))
            cross = _eces(fit_pred, fit_gold, pred, gold)
            print(f"  {name} ({len(records)} documents)")
            print(f"    cross-kind ECE: {_line(cross)}")
            print(
                "    cross-kind Brier: "
                + "; ".join(f"{k} {brier(v):.4f}" for k, v in cross.items())
            )
            print(f"    cross-kind AUC (model spans): {_aucs(cross)}")
            pooled: dict[str, list[tuple[float, bool]]] = {}
            per_seed: dict[str, list[float]] = {}
            per_seed_brier: dict[str, list[float]] = {}
            for seed in range(args.seeds):
                order = list(range(len(records)))
                random.Random(seed).shuffle(order)
                half, rest = order[: len(order) // 2], order[len(order) // 2 :]
                within = _eces(
                    [pred[i] for i in half],
                    [gold[i] for i in half],
                    [pred[i] for i in rest],
                    [gold[i] for i in rest],
                )
                for key, pairs in within.items():
                    pooled.setdefault(key, []).extend(pairs)
                    per_seed.setdefault(key, []).append(expected_calibration_error(pairs))
                    per_seed_brier.setdefault(key, []).append(brier(pairs))
            print(
                f"    within ECE (median of {args.seeds} splits): "
                + "; ".join(f"{k} {statistics.median(v):.3f}" for k, v in per_seed.items())
            )
            print(
                "    within ECE range over the splits: "
                + "; ".join(f"{k} {min(v):.3f}-{max(v):.3f}" for k, v in per_seed.items())
            )
            print(
                f"    within Brier (median of {args.seeds} splits): "
                + "; ".join(f"{k} {statistics.median(v):.4f}" for k, v in per_seed_brier.items())
            )
            print(f"    within AUC (model spans, pooled over splits): {_aucs(pooled)}")
            if not args.quiet:
                for key in ("model, raw", "all, priors"):
                    _table(f"cross-kind {key}", cross[key])
                for key in ("model, calibrated", "all, history+calibrated"):
                    _table(f"within {key} (pooled over splits)", pooled[key])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

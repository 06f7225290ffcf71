"""Calibration of suggestion scores on the gold sets: reliability tables and the expected
calibration error (ECE), before and after the calibration step the app applies.

The sets are split by kind: calibration (isotonic, ``core.confidence.Calibration``) and the
rule and pattern precision (``core.confidence.SourcePrecision``, standing in for a project's
answers) are fitted on the FIT sets only and reported on the REPORT sets, among them
corpora/dev/reports, which nothing in the app was tuned on. A project fits on its own
held-out part, which is small: ``--fit-docs N`` also fits on N documents drawn from the fit
sets (several seeds) to show what a project of that size gets.

Run from the repository root (a few minutes; use nice):

    nice .venv/bin/python tests/bench/calibration.py [--widths 8] [--fit-docs 10]
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
from annotator.nlp.confidence.beam import BEAM_TEMPERATURE
from annotator.nlp.confidence.calibrate import model_pairs
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench/calibration.py")
    parser.add_argument("--widths", type=int, nargs="+", default=[8])
    parser.add_argument("--temperatures", type=float, nargs="+", default=[BEAM_TEMPERATURE])
    parser.add_argument("--fit-docs", type=int, default=10, help="a project-sized fit (0: none)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quiet", action="store_true", help="ECE lines only, no tables")
    args = parser.parse_args(argv)
    fit_records = _records(FIT)
    report_records = {name: _records(p) for name, p in REPORT.items()}
    print(f"fit on {len(fit_records)} documents ({', '.join(FIT)})")
    for width, temperature in itertools.product(args.widths, args.temperatures):
        suggester = Suggester("auto", LABELS, beam_width=width, beam_temperature=temperature)
        fit_pred = list(suggester.suggest(r["text"] for r in fit_records))
        fit_gold = _gold(fit_records)
        calibration = Calibration.fit(model_pairs(fit_pred, fit_gold))
        history = _history(fit_pred, fit_gold)
        print(
            f"\n== beam width {width}, temperature {temperature:g}; "
            f"calibration points {len(calibration.points)}"
        )
        for name, records in report_records.items():
            gold = _gold(records)
            raw = list(suggester.suggest(r["text"] for r in records))
            before = model_pairs(raw, gold)
            after = [(calibration(p), ok) for p, ok in before]
            prior_all = _all_pairs(raw, gold)
            calibrated = [rescore(spans, history, calibration) for spans in raw]
            after_all = _all_pairs(calibrated, gold)
            print(f"  {name} ({len(records)} documents)")
            if args.quiet:
                print(
                    f"    model spans ECE {expected_calibration_error(before):.3f} -> "
                    f"{expected_calibration_error(after):.3f}; every suggestion "
                    f"{expected_calibration_error(prior_all):.3f} -> "
                    f"{expected_calibration_error(after_all):.3f}"
                )
            else:
                _table("model spans, beam probability", before)
                _table("model spans, calibrated", after)
                _table("every suggestion, priors (rules, patterns) and beam", prior_all)
                _table("every suggestion, history precision and calibrated", after_all)
            if args.fit_docs:
                eces = []
                for seed in range(args.seeds):
                    sample = random.Random(seed).sample(range(len(fit_records)), args.fit_docs)
                    small = Calibration.fit(
                        model_pairs([fit_pred[i] for i in sample], [fit_gold[i] for i in sample])
                    )
                    eces.append(expected_calibration_error([(small(p), ok) for p, ok in before]))
                print(
                    f"    model spans calibrated on {args.fit_docs} documents only: ECE median "
                    f"{statistics.median(eces):.3f} (min {min(eces):.3f}, max {max(eces):.3f}, "
                    f"{args.seeds} draws)"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of suggesting with confidence against suggesting without it, on the same texts.

Suggesters on the same pipeline: without confidence (the greedy ``ner``, model scores None),
with the greedy scorer (the default), and with the beam scorer at the widths asked for
(``--widths 4 8 16``; none: ``--widths``). Rounds alternate
between them (so the load of a shared machine falls on all alike) and the CPU time of this
process is measured; the report gives each one's median round and its ratio to the round of
the one without, measured in the same run. Target: at most 1.5x. Run with ``nice``:

    nice .venv/bin/python tests/bench/bench_confidence.py [--docs 120] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_suggest import _texts

from annotator.nlp.suggest import Suggester


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench/bench_confidence.py")
    parser.add_argument("--docs", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--widths", type=int, nargs="*", default=[4])
    parser.add_argument("--pipeline", default="auto")
    args = parser.parse_args(argv)
    texts = _texts(args.docs)
    suggesters = {
        "without": Suggester(args.pipeline, confidence=False),
        "greedy": Suggester(args.pipeline, scorer="greedy"),
    }
    for width in args.widths:
        suggesters[f"beam {width}"] = Suggester(args.pipeline, scorer="beam", beam_width=width)
    for suggester in suggesters.values():
        list(suggester.suggest(texts[:5]))  # warm up
    rounds: dict[str, list[float]] = {name: [] for name in suggesters}
    for _ in range(args.rounds):
        for name, suggester in suggesters.items():
            started = time.process_time()
            for _spans in suggester.suggest(texts):
                pass
            rounds[name].append(time.process_time() - started)
    base = statistics.median(rounds["without"])
    chars = sum(map(len, texts))
    print(f"{len(texts)} texts, {chars} characters, {args.rounds} rounds (CPU seconds, median)")
    for name, times in rounds.items():
        median = statistics.median(times)
        print(f"  {name:<10} {median:7.3f} s   ratio {median / base:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

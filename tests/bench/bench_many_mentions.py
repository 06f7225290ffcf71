"""Benchmark (run on demand): suggestions for ONE document with very many mentions.

    python tests/bench/bench_many_mentions.py [--small 10000] [--large 100000] [--repeat 2]

Issue 13 measured the suggestion rules growing faster than linearly with the mentions of one
document (10k mentions 5.6 s, 20k 14.3 s, 40k 46.9 s). The document here is the development
corpus (``corpora/**/*.gold.jsonl``, news texts with people, bodies, weapons and numbers), run
through the pipeline text by text and joined into one ``Doc`` until it holds the wanted number
of suggested mentions; the time measured is ``Suggester.spans_from_doc`` on that one Doc (the
app's own rules; the model's part is linear and is not what grew). Joining processed texts
keeps the model's memory small: a single text with 100,000 mentions is about 6 million
characters, six times the import limit.

Prints the time of each size, the time per mention, and the ratio large/small; the target is
that ten times the mentions take at most ten times the time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the checkout's annotator, wherever the script is run from

from spacy.tokens import Doc  # noqa: E402

from annotator.nlp.evaluate import read_gold  # noqa: E402
from annotator.nlp.suggest import Suggester  # noqa: E402


def _document(docs: list[Doc], counts: list[int], mentions: int) -> Doc:
    """The corpus docs joined, round after round, until they hold ``mentions`` suggestions."""
    parts: list[Doc] = []
    total = 0
    while total < mentions:
        for doc, count in zip(docs, counts, strict=True):
            if total >= mentions:
                break
            parts.append(doc)
            total += count
    return Doc.from_docs(parts)


def _seconds(suggester: Suggester, doc: Doc, repeat: int) -> tuple[float, int]:
    text = doc.text
    best, found = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = len(suggester.spans_from_doc(doc, text))
        best = min(best, time.perf_counter() - started)
    return best, found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_many_mentions")
    parser.add_argument("--small", type=int, default=10_000, help="mentions of the small doc")
    parser.add_argument("--large", type=int, default=100_000, help="mentions of the large doc")
    parser.add_argument("--repeat", type=int, default=2, help="runs per size (best is kept)")
    parser.add_argument("--pipeline", default="auto")
    args = parser.parse_args(argv)

    suggester = Suggester(args.pipeline)
    texts = [
        record["text"]
        for path in sorted((REPO / "corpora").rglob("*.gold.jsonl"))
        for record in read_gold(path)
    ]
    if not texts:
        parser.error(f"no development texts under {REPO / 'corpora'}")
    docs = list(suggester.nlp.pipe(texts))
    counts = [
        len(suggester.spans_from_doc(doc, text)) for doc, text in zip(docs, texts, strict=True)
    ]
    print(f"corpus: {len(texts)} texts, {sum(counts):,} suggested mentions a round")
    times = {}
    for mentions in (args.small, args.large):
        doc = _document(docs, counts, mentions)
        seconds, found = _seconds(suggester, doc, args.repeat)
        times[mentions] = seconds
        print(
            f"{found:>9,} mentions  {len(doc):>10,} tokens  {seconds:7.2f} s  "
            f"{seconds / found * 1e6:6.1f} us a mention"
        )
    ratio = times[args.large] / times[args.small]
    target = args.large / args.small
    print(f"ratio large/small: {ratio:.1f} for {target:.0f}x the mentions (target <= {target:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

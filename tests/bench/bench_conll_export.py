"""Benchmark: the CoNLL export (tokens, tags, sentence breaks) against the JSONL export.

    python tests/bench/bench_conll_export.py [--docs 20000]

Both exports read the same project in the same run; the JSONL export (spaCy tokens for every
document) is the baseline, so the ratio shows what the sentence splitter and the tag columns
cost. Prints documents/s of each and the ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_io import _document  # a news-like text of about 60 words with four spans

from annotator.core.model import Answer, LabelSet, Span
from annotator.core.store import NewDocument, ProjectStore
from annotator.formats.exporting import export_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(prefix="bench-conll-") as folder:
        root = Path(folder)
        labels = LabelSet.from_names(["PERSON", "ORG", "WEAPON", "QUANTITY"])
        store = ProjectStore.create(root / "b.annot", labels, pipeline="blank:en")
        docs = []
        for i in range(args.docs):
            record = _document(rng, i)
            spans = tuple(Span(s["start"], s["end"], s["label"]) for s in record["spans"])
            docs.append(NewDocument(record["text"], {}, spans=spans, answer=Answer.ACCEPT))
        store.add_documents(docs)
        timings = {}
        for fmt in ("jsonl", "conll", "jsonl"):  # JSONL twice: the second, warm, is the baseline
            started = time.perf_counter()
            export_project(store, root / f"out.{fmt}", fmt)  # type: ignore[arg-type]
            timings[fmt] = time.perf_counter() - started
        store.close()
    for fmt, seconds in timings.items():
        print(f"{fmt:6} {args.docs / seconds:10,.0f} documents/s ({seconds:.1f} s)")
    print(f"conll / jsonl time: {timings['conll'] / timings['jsonl']:.2f}")


if __name__ == "__main__":
    main()

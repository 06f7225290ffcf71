"""Does learning the kinds of suggestion to leave out pay, on both halves of every set?

For each set and each direction (odd files learn, even files are scored, and the other way
round), the untrained suggester's suggestions on the learning half are tallied per kind
against the gold (``nlp.span_kinds.kind_tally``), the kinds ``unwanted_kinds`` names are
dropped from its suggestions on the other half, and both are scored per label. No model is
trained: this measures the kinds alone, as training learns them. Run from the repository root:

    .venv/bin/python tests/bench/kind_choice.py [SET_GLOB ...]
"""

from __future__ import annotations

import glob
import sys
import tempfile
from collections import Counter
from pathlib import Path

from annotator.core.store import ProjectStore
from annotator.nlp.evaluate import read_gold, score
from annotator.nlp.preannotate import untrained_suggester
from annotator.nlp.span_kinds import drop_kinds, kind_tally, unwanted_kinds

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]
SETS = [
    "corpora/dev/transcripts/*.gold.jsonl",
    "corpora/dev/reports/*.gold.jsonl",
    "corpora/dev/forums/*.gold.jsonl",
    "corpora/dev/history/*.gold.jsonl",
    "corpora/dev/unseen[4-6]/*.gold.jsonl",
    "corpora/dev/unseen[78]/*.gold.jsonl",
    "corpora/dev/unseen[123]/*.gold.jsonl",
]


def main() -> int:
    sets = sys.argv[1:] or SETS
    with tempfile.TemporaryDirectory() as tmp:
        store = ProjectStore.create(Path(tmp) / "kinds.annot", LABELS)
        suggester = untrained_suggester(store)
        for pattern in sets:
            files = sorted(glob.glob(pattern))
            for name, learn, scored in (
                ("odd", files[0::2], files[1::2]),
                ("even", files[1::2], files[0::2]),
            ):
                train = [r for f in learn for r in read_gold(f)]
                test = [r for f in scored for r in read_gold(f)]
                gold = [[(s["start"], s["end"], s["label"]) for s in r["spans"]] for r in train]
                counts = kind_tally(
                    [r["text"] for r in train], suggester.suggest(r["text"] for r in train), gold
                )
                dropped = frozenset(
                    unwanted_kinds(counts, Counter(label for spans in gold for *_, label in spans))
                )
                before = list(suggester.suggest(r["text"] for r in test))
                after = [
                    drop_kinds(r["text"], p, dropped) for r, p in zip(test, before, strict=True)
                ]
                a, b = score(test, before, LABELS), score(test, after, LABELS)
                cells = "  ".join(
                    f"{label} {b.label(label)[2] - a.label(label)[2]:+.3f}" for label in LABELS
                )
                print(
                    f"{pattern} ({name} learn): {a.overall()[2]:.3f} -> {b.overall()[2]:.3f}"
                    f"  {cells}  dropped: {', '.join(sorted(dropped)) or '-'}",
                    flush=True,
                )
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Learn the default too: the rules over the start model's entities against the rules over the
installed pipeline's, on kinds of text the start model never saw.

For each kind, a start model built without it (``build/make_start_model.py --leave-out KIND
--out DIR``) is scored as the default suggester of a new project (``nlp.train.default``) on
every gold file of that kind, per label, next to the rules over the installed pipeline. News
is scored on ``unseen7`` and ``unseen8``, which no start model ever saw. Run from the
repository root, e.g.:

    for kind in news forums history reports transcripts fiction legal; do
        .venv/bin/python build/make_start_model.py --leave-out $kind --out /tmp/start-$kind
    done
    .venv/bin/python tests/bench/default_choice.py --start-per-kind '/tmp/start-{kind}'

``--start-per-kind resources/start_model`` scores the shipped start model (not blind: it saw
every kind but unseen7 and unseen8).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys

from learn_default import LABELS, label_table  # tests/bench, beside this script

from annotator.nlp.evaluate import read_gold
from annotator.nlp.train.default import BASE, START, default_of, default_suggester
from annotator.nlp.train.start import START_ENV

KINDS = {
    "news": "corpora/dev/unseen[78]/*.gold.jsonl",
    "transcripts": "corpora/dev/transcripts/*.gold.jsonl",
    "reports": "corpora/dev/reports/*.gold.jsonl",
    "forums": "corpora/dev/forums/*.gold.jsonl",
    "history": "corpora/dev/history/*.gold.jsonl",
    "fiction": "corpora/dev/fiction/*.gold.jsonl",
    "legal": "corpora/dev/legal/*.gold.jsonl",
    # Written blind in session 19; no start model ever saw them, the shipped one neither.
    "industry": "corpora/dev/industry/*.gold.jsonl",
    "scholarly": "corpora/dev/scholarly/*.gold.jsonl",
    # Written blind in session 22 (educational material); no start model ever saw it.
    "textbooks": "corpora/dev/textbooks/*.gold.jsonl",
    # Written blind in session 24 (letters, e-mails, memos, minutes); no start model saw it.
    "correspondence": "corpora/dev/correspondence/*.gold.jsonl",
}


def records_of(kind: str) -> list[dict]:
    """Every gold record of ``kind``."""
    return [r for path in sorted(glob.glob(KINDS[kind])) for r in read_gold(path)]


def score_kind(kind: str, start_folder: str) -> dict[str, dict[str, float]]:
    """Per-label F1 of both defaults on every gold file of ``kind``."""
    records = records_of(kind)
    texts = [r["text"] for r in records]
    os.environ[START_ENV] = start_folder
    out = {}
    for wanted in (BASE, START):
        suggester = default_suggester("auto", LABELS, {}, [], wanted)
        if default_of(suggester) != wanted:
            raise SystemExit(f"{start_folder}: the start model does not fit or does not load")
        out[wanted] = label_table(records, list(suggester.suggest(texts)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--start-per-kind", required=True, help="a folder; {kind} is replaced")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    results = {}
    print(f"{'kind':12s} {'default':6s} " + " ".join(f"{k:>8s}" for k in (*LABELS, "overall")))
    for kind in args.kinds:
        results[kind] = score_kind(kind, args.start_per_kind.format(kind=kind))
        for wanted, table in results[kind].items():
            print(f"{kind:12s} {wanted:6s} " + " ".join(f"{v:8.3f}" for v in table.values()))
        gain = {k: results[kind][START][k] - results[kind][BASE][k] for k in results[kind][BASE]}
        print(f"{kind:12s} {'gain':6s} " + " ".join(f"{v:+8.3f}" for v in gain.values()))
        sys.stdout.flush()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

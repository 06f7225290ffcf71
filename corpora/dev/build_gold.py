"""Build the gold files of the evaluation sets from their inline markup: for each SET named,
``corpora/dev/SET/src/NAME.txt`` becomes ``corpora/dev/SET/NAME.gold.jsonl``.

Markup: ``[[text|L]]`` with L one of P (PERSON), O (ORG), W (WEAPON), Q (QUANTITY). Spans are
placed by code, then checked: each must start and end on a token boundary of the real
pipeline's tokenizer, and no two may overlap. Run from the repository root:
``.venv/bin/python corpora/dev/build_gold.py fresh unseen unseen2 unseen3``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from annotator.nlp.pipeline import load_tokenizer_only

LABELS = {"P": "PERSON", "O": "ORG", "W": "WEAPON", "Q": "QUANTITY"}
MARK = re.compile(r"\[\[(.+?)\|([POWQ])\]\]")
HERE = Path(__file__).resolve().parent


def parse(marked: str) -> tuple[str, list[dict]]:
    text, spans, pos = [], [], 0
    length = 0
    for m in MARK.finditer(marked):
        before = marked[pos : m.start()]
        text.append(before)
        length += len(before)
        spans.append({"start": length, "end": length + len(m[1]), "label": LABELS[m[2]]})
        text.append(m[1])
        length += len(m[1])
        pos = m.end()
    text.append(marked[pos:])
    out = "".join(text)
    if "[[" in out or "]]" in out:
        raise SystemExit("unparsed markup left")
    return out, spans


def main(sets: list[str]) -> int:
    if not sets:
        raise SystemExit("usage: build_gold.py SET [SET...]  (folders under corpora/dev)")
    nlp = load_tokenizer_only("auto")
    bad = 0
    sources = [src for name in sets for src in sorted((HERE / name / "src").glob("*.txt"))]
    for src in sources:
        text, spans = parse(src.read_text(encoding="utf-8").strip())
        doc = nlp.make_doc(text)
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t.text) for t in doc}
        last_end = -1
        for s in spans:
            piece = text[s["start"] : s["end"]]
            if s["start"] not in starts or s["end"] not in ends:
                print(f"{src.name}: not token-aligned: {piece!r}", file=sys.stderr)
                bad += 1
            if s["start"] < last_end:
                print(f"{src.name}: overlap at {piece!r}", file=sys.stderr)
                bad += 1
            last_end = s["end"]
        record = {"id": src.stem, "text": text, "spans": spans}
        out = src.parent.parent / f"{src.stem}.gold.jsonl"
        out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{out.name}: {len(spans)} spans, {len(text.split())} words")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Build unseen3-0N.gold.jsonl from the inline markup in src/unseen3-0N.txt.

Markup: ``[[text|L]]`` with L one of P (PERSON), O (ORG), W (WEAPON), Q (QUANTITY). Spans are
placed by code, then checked: each must start and end on a token boundary of the real
pipeline's tokenizer, and no two may overlap. Run from the repository root:
``.venv/bin/python corpora/dev/unseen3/build_gold.py``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import spacy

from annotator.nlp.pipeline import resolve_pipeline

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


def main() -> int:
    nlp = spacy.load(resolve_pipeline("auto"), exclude=["ner", "parser", "tagger", "lemmatizer"])
    bad = 0
    for src in sorted((HERE / "src").glob("unseen3-*.txt")):
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
        out = HERE / f"{src.stem}.gold.jsonl"
        out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{out.name}: {len(spans)} spans, {len(text.split())} words")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

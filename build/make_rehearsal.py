"""Write resources/rehearsal/news.jsonl: the texts (no spans) the learning loop rehearses on.

Training on a project's accepted documents alone makes the model forget what it knew; mixing
in texts labelled by the untrained suggester keeps it (see annotator/nlp/train/data.py). A
project's own unanswered documents come first; these shipped news texts fill up when a
project has too few. They are the texts of the development sets that the rules were tuned on;
the sets kept for measuring (unseen7, unseen8 and every set of another kind of text) are left
out, so a model's score there is never helped by having rehearsed on them.

Run from the repository root: ``.venv/bin/python build/make_rehearsal.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = (
    "dev-0",
    "fresh/",
    "heldout/",
    "unseen/",
    "unseen2/",
    "unseen3/",
    "unseen4/",
    "unseen5/",
    "unseen6/",
)


def main() -> None:
    texts: list[str] = []
    seed = ROOT / "corpora" / "seed"
    gold = sorted(seed.glob("*.gold.jsonl")) + sorted(
        (ROOT / "corpora" / "dev").rglob("*.gold.jsonl")
    )
    for path in gold:
        rel = path.relative_to(ROOT / "corpora").as_posix()
        if path.parent != seed and not any(f"dev/{s}" in rel for s in SETS):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    out = ROOT / "resources" / "rehearsal" / "news.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    print(
        f"{out.relative_to(ROOT)}: {len(texts)} texts, {sum(len(t.split()) for t in texts)} words"
    )


if __name__ == "__main__":
    main()

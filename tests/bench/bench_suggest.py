"""Speed of the suggestion layer: ``Suggester.suggest`` against bare ``nlp.pipe``.

Both run the same pipeline (NER plus the pattern ruler) on the same texts in one process, so
the difference is the app's own work (label mapping, QUANTITY rule, span objects). Run:
``python tests/bench/bench_suggest.py [--docs 400] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.nlp.evaluate import read_gold
from annotator.nlp.suggest import Suggester


def _texts(count: int) -> list[str]:
    corpus = Path(__file__).resolve().parents[2] / "corpora"
    texts = [r["text"] for path in sorted(corpus.rglob("*.gold.jsonl")) for r in read_gold(path)]
    if not texts:
        texts = ["NATO said about 2,000 soldiers and 16 HIMARS would move 400 km east."] * 10
    # Vary the texts so no cache anywhere can help: rotate sentences.
    out = []
    for i in range(count):
        text = texts[i % len(texts)]
        cut = (i * 97) % max(1, len(text) // 2)
        out.append(text[cut:] + " " + text[:cut])
    return out


def _project(path: str) -> tuple[Any, Any]:
    from annotator.core.store import ProjectStore
    from annotator.nlp.pipeline import load_for_ner
    from annotator.nlp.preannotate import suggester_for_project
    from annotator.nlp.train.stored import load_model

    with ProjectStore.open(path) as store:
        suggester = suggester_for_project(store)
        model_id = store.active_model()
        if model_id is None:
            return suggester, load_for_ner(store.pipeline)
        return suggester, load_model(*store.model_files(model_id))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench/bench_suggest.py")
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pipeline", default="auto")
    parser.add_argument(
        "--project",
        default=None,
        help="measure this project's suggester (its trained model when one is in use) against "
        "a bare nlp.pipe of the same model without the pattern matchers",
    )
    args = parser.parse_args(argv)
    texts = _texts(args.docs)
    if args.project:
        suggester, bare_nlp = _project(args.project)
    else:
        suggester = Suggester(args.pipeline)
        bare_nlp = suggester.nlp
    list(suggester.suggest(texts[:20]))  # warm up
    bare, app = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for _doc in bare_nlp.pipe(texts, batch_size=64):
            pass
        bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _spans in suggester.suggest(texts, batch_size=64):
            pass
        app.append(time.perf_counter() - t0)
    b, a = min(bare), min(app)
    print(f"{suggester.version}: {len(texts)} documents, best of {args.repeat}")
    print(f"bare nlp.pipe       {len(texts) / b:8.1f} docs/s")
    print(f"Suggester.suggest   {len(texts) / a:8.1f} docs/s")
    print(f"overhead            {100 * (a / b - 1):+8.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

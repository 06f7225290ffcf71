"""Speed of the suggestion layer: ``Suggester.suggest`` against bare ``nlp.pipe``, in one process.

Three runs over the same texts: the bare model (the installed pipeline loaded with only what
NER needs, or the project's trained model, nothing of the app added), the app's own pipeline
(the same model with the pattern matchers and the confidence scorer in it) and the whole
``Suggester.suggest`` (that pipeline plus the rules, label mapping and span objects). Rounds
alternate; each run's best round is compared with the bare model's. Start-up is not counted
here (tests/bench/bench_suggest_process.py times whole processes). Run:
``python tests/bench/bench_suggest.py [--docs 400] [--repeat 3] [--project P.annot]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
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

    with ProjectStore.open_reader(path) as store:
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
        from annotator.nlp.pipeline import load_for_ner

        suggester, bare_nlp = Suggester(args.pipeline), load_for_ner(args.pipeline)
    runs: dict[str, Callable[[], object]] = {
        "bare nlp.pipe": lambda: [0 for _ in bare_nlp.pipe(texts, batch_size=64)],
        "app pipeline nlp.pipe": lambda: [0 for _ in suggester.nlp.pipe(texts, batch_size=64)],
        "Suggester.suggest": lambda: [0 for _ in suggester.suggest(texts, batch_size=64)],
    }
    list(suggester.suggest(texts[:20]))  # warm up
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(args.repeat):
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    base = best["bare nlp.pipe"]
    print(f"{suggester.version}: {len(texts)} documents, best of {args.repeat} (CPU seconds)")
    for name, seconds in best.items():
        print(f"{name:<22} {len(texts) / seconds:8.1f} docs/s   ratio {seconds / base:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

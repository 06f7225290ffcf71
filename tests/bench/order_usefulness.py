"""Does "least sure first" choose better documents to annotate than taking them in order?

Simulated with the project's own training loop on the gold sets. Per seed: half of the
``reports`` and half of the ``transcripts`` documents are the test; the pool an annotator
works through is the other halves plus unseen5-8 (news), in a seeded import order. The pool is
ranked as a new project ranks it: the untrained suggester's suggestions are cached and the
queue is read in the "least-sure" order (``core.work_order``). For each k, two projects get k
pool documents imported as accepted, the first k of the pool or the k least sure, and
``annotator train`` runs on each (``use=always``: the new model suggests); the project's
suggester is then scored (exact-match F1) on the test. Run with nice, in the background (about
a minute per training):

    nice .venv/bin/python tests/bench/order_usefulness.py [--k 5 10 20] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import glob
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from annotator.core.store import NewDocument, ProjectStore
from annotator.core.work_order import WorkOrder
from annotator.formats.importing import import_files
from annotator.nlp.evaluate import read_gold, score
from annotator.nlp.preannotate import pre_annotate, suggester_for_project, untrained_suggester
from annotator.nlp.train.project import TrainOptions, train_project

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]


def _files(pattern: str) -> list[str]:
    return sorted(glob.glob(f"corpora/dev/{pattern}.gold.jsonl"))


def _f1(suggester, files: Sequence[str]) -> float:  # type: ignore[no-untyped-def]
    records = [r for f in files for r in read_gold(f)]
    predictions = list(suggester.suggest(r["text"] for r in records))
    return score(records, predictions, LABELS).overall()[2]


def _least_sure(pool: Sequence[str], folder: Path) -> list[str]:
    """The pool's files in the least-sure order a new project gives them."""
    text_of = {f: read_gold(f)[0]["text"] for f in pool}
    with ProjectStore.create(folder / "rank.annot", LABELS) as store:
        store.add_documents(NewDocument(text_of[f], {}) for f in pool)
        suggester = untrained_suggester(store)
        pre_annotate(store, suggester)
        by_text = {store.document(i).text: i for i in store.document_ids()}
        order = [e.doc_id for e in store.queue("sim", WorkOrder("least-sure"), suggester.version)]
    rank = {doc_id: n for n, doc_id in enumerate(order)}
    return sorted(pool, key=lambda f: rank[by_text[text_of[f]]])


def _trained_f1(chosen: Sequence[str], test: Sequence[str], folder: Path, epochs: int) -> float:
    path = folder / f"run-{time.monotonic_ns()}.annot"
    with ProjectStore.create(path, LABELS) as store:
        import_files(store, chosen, annotator="gold")
        # From the installed pipeline: the shipped start model saw the gold scored here.
        train_project(store, TrainOptions(use="always", epochs=epochs, start="base"))
        return _f1(suggester_for_project(store), test)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench/order_usefulness.py")
    parser.add_argument("--k", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=0, help="0: the training loop's default")
    args = parser.parse_args(argv)
    results: dict[tuple[int, str], list[float]] = {}
    for seed in args.seeds:
        rng = random.Random(seed)
        test: list[str] = []
        pool: list[str] = []
        for kind in ("reports/*", "transcripts/*"):
            files = _files(kind)
            rng.shuffle(files)
            test += files[: len(files) // 2]
            pool += files[len(files) // 2 :]
        pool += _files("unseen[5-8]/*")
        rng.shuffle(pool)  # the import order
        with tempfile.TemporaryDirectory(prefix="confidence-usefulness-") as tmp:
            folder = Path(tmp)
            ranked = _least_sure(pool, folder)
            with ProjectStore.create(folder / "base.annot", LABELS) as store:
                base = _f1(untrained_suggester(store), test)
            print(f"seed {seed}: untrained F1 {base:.3f} on {len(test)} test documents", flush=True)
            for k in args.k:
                for strategy, chosen in (("first k", pool[:k]), ("least sure", ranked[:k])):
                    f1 = _trained_f1(chosen, test, folder, args.epochs)
                    results.setdefault((k, strategy), []).append(f1)
                    picked = sum("reports" in f or "transcripts" in f for f in chosen)
                    print(
                        f"  k={k:<3} {strategy:<11} F1 {f1:.3f}  "
                        f"({picked}/{k} of the test's kinds)",
                        flush=True,
                    )
    print("\nk    first k (mean F1)   least sure (mean F1)   difference   per seed")
    for k in args.k:
        first, least = results[(k, "first k")], results[(k, "least sure")]
        diffs = [b - a for a, b in zip(first, least, strict=True)]
        print(
            f"{k:<4} {statistics.mean(first):17.3f}   {statistics.mean(least):20.3f}   "
            f"{statistics.mean(diffs):+10.3f}   {' '.join(f'{d:+.3f}' for d in diffs)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

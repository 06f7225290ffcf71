"""Training speed and memory: ``annotator train`` against a bare fine-tuning loop.

``prepare N OUT.annot`` makes a project of N accepted documents from the shipped gold sets
(texts reused with a numbered suffix past the ~130 there are); ``bare OUT.annot EPOCHS``
fine-tunes the installed pipeline's NER on the same accepted spans for the same epochs with
nothing else (no rehearsal, no held-out part, no scoring, nothing stored): the floor any
trainer pays. ``run N`` does both and prints wall time, peak memory and the ratio.

    .venv/bin/python tests/bench/bench_train.py run 13
    .venv/bin/python tests/bench/bench_train.py run 200
"""

from __future__ import annotations

import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def prepare(n: int, out: Path) -> None:
    from annotator.core.model import Answer, Span
    from annotator.core.store import NewDocument, ProjectStore

    records = []
    for path in sorted(glob.glob(str(REPO / "corpora" / "**" / "*.gold.jsonl"), recursive=True)):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    random.Random(0).shuffle(records)
    docs = []
    for i in range(n):
        record = records[i % len(records)]
        text = record["text"] + ("" if i < len(records) else f"\n\n(copy {i // len(records)})")
        spans = tuple(Span(s["start"], s["end"], s["label"]) for s in record["spans"])
        docs.append(NewDocument(text, {}, spans=spans, answer=Answer.ACCEPT))
    store = ProjectStore.create(out, ["PERSON", "ORG", "WEAPON", "QUANTITY"])
    store.add_documents(docs)
    words = sum(len(d.text.split()) for d in docs)
    store.close()
    print(f"{out}: {n} accepted documents, {words} words")


def bare(project: Path, epochs: int) -> None:
    """The floor: resume_training and nlp.update over the gold paragraphs, nothing else."""
    from spacy.training import Example
    from spacy.util import minibatch

    from annotator.core.store import ProjectStore
    from annotator.nlp.pipeline import load_for_ner
    from annotator.nlp.train.accepted import accepted_documents
    from annotator.nlp.train.data import LabelledText, paragraphs

    with ProjectStore.open(project) as store:
        labels = store.labels().names
        gold = accepted_documents(store, labels)
    nlp = load_for_ner("auto")
    ner = nlp.get_pipe("ner")
    for label in labels:
        ner.add_label(label)  # type: ignore[attr-defined]
    examples = []
    for g in gold:
        for piece in paragraphs(LabelledText(g.text, g.spans)):
            doc = nlp.make_doc(piece.text)
            examples.append(Example.from_dict(doc, {"entities": list(piece.spans)}))
    optimizer = nlp.resume_training()
    rng = random.Random(0)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.2)


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one command."""
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{command}: exit status {child.returncode}")
    return seconds, usage.ru_maxrss / 1024


def run(n: int) -> None:
    from annotator.nlp.train.finetune import default_epochs

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "bench.annot"
        prepare(n, project)
        from annotator.core.store import ProjectStore

        with ProjectStore.open(project) as store:
            words = sum(len(d.text.split()) for d in store.iter_documents())
        epochs = default_epochs(round(words * 0.8))
        bare_s, bare_mb = _timed([PYTHON, __file__, "bare", str(project), str(epochs)])
        train_s, train_mb = _timed([PYTHON, "-m", "annotator", "train", str(project)])
    print(f"documents {n}, words {words}, epochs {epochs}")
    print(f"bare fine-tuning loop   {bare_s:7.1f} s   peak {bare_mb:6.0f} MB")
    print(f"annotator train         {train_s:7.1f} s   peak {train_mb:6.0f} MB ")
    print(f"ratio train / bare      {train_s / bare_s:7.2f}")


def main() -> int:
    args = sys.argv[1:] or ["run"]
    command, rest = args[0], args[1:]
    if command == "prepare" and len(rest) == 2 and rest[0].isdigit():
        prepare(int(rest[0]), Path(rest[1]))
    elif command == "bare" and len(rest) == 2 and rest[1].isdigit():
        bare(Path(rest[0]), int(rest[1]))
    elif command == "run" and len(rest) <= 1 and all(a.isdigit() for a in rest):
        run(int(rest[0]) if rest else 13)
    else:  # --help, a typo: say how, run nothing
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

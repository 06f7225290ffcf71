"""Simulate the learning loop on gold sets: import part as accepted, train, suggest the rest.

For each experiment: a fresh project gets the TRAIN gold files imported as accepted documents;
``annotator train`` runs on it (its own held-out part is taken from those); then the project's
suggester (whatever the run chose) and the untrained suggester both suggest the TEST texts, and
both are scored against the TEST gold, per label. ``--also`` scores other sets the same way
(a model trained on one kind of text must not lose on another).

Run from the repository root, e.g.:

    .venv/bin/python tests/bench/simulate_learning.py --train 'corpora/dev/transcripts/*-0[1-9]*' \
        'corpora/dev/transcripts/*-1[0-2]*' --test 'corpora/dev/transcripts/*-1[3-9]*' \
        'corpora/dev/transcripts/*-2*' --also 'corpora/dev/unseen[78]/*.gold.jsonl'

or ``--halves SET`` to split one set's files into halves (odd/even by name).

``--relabel OLD=NEW`` (repeatable; ``OLD=`` drops the label) simulates a project whose label
set differs from ours: every gold file is read with its spans relabelled, and the project is
made with the labels that remain, e.g. ``--relabel WEAPON=VEHICLE --relabel QUANTITY=`` for a
project of PERSON, ORG and a label the start model never learned.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import time
from pathlib import Path

from annotator.core.store import NewDocument, ProjectStore
from annotator.formats.importing import import_files
from annotator.nlp.evaluate import read_gold, score
from annotator.nlp.preannotate import suggester_for_project, untrained_suggester
from annotator.nlp.train.project import TrainOptions, train_project


def _files(patterns: list[str]) -> list[str]:
    out: list[str] = []
    for pattern in patterns:
        out.extend(sorted(glob.glob(pattern)))
    return [f for f in out if f.endswith(".gold.jsonl")]


def _score(suggester, files: list[str], labels: list[str]):
    records = [r for f in files for r in read_gold(f)]
    predictions = list(suggester.suggest(r["text"] for r in records))
    return score(records, predictions, labels)


def _print_sources(learned, files: list[str], labels: list[str]) -> None:
    """Every source's per-label F1 on the files (what the per-label choice picks from)."""
    from annotator.nlp.evaluate import Scores

    inner = getattr(learned, "inner", learned)
    if not hasattr(inner, "by_source"):
        return
    records = [r for f in files for r in read_gold(f)]
    found = inner.by_source([r["text"] for r in records])
    for source in found[0]:
        scores = Scores()
        keep = set(labels)
        for record, spans in zip(records, found, strict=True):
            scores.add(
                {(s["start"], s["end"], s["label"]) for s in record["spans"] if s["label"] in keep},
                {s.key for s in spans[source]},
            )
        cells = "  ".join(f"{label} {scores.label(label)[2]:.3f}" for label in labels)
        print(f"  {source:<15} {cells}  overall {scores.overall()[2]:.3f}", file=sys.stderr)


def _row(name: str, before, after, labels: list[str]) -> dict:
    row = {"set": name}
    for label in [*labels, "overall"]:
        b = before.overall()[2] if label == "overall" else before.label(label)[2]
        a = after.overall()[2] if label == "overall" else after.label(label)[2]
        row[label] = (round(b, 3), round(a, 3))
    return row


LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]


def relabelled(files: list[str], mapping: dict[str, str], folder: Path) -> list[str]:
    """Copies of gold ``files`` in ``folder`` with their spans relabelled (to "" dropped)."""
    out = []
    for number, name in enumerate(files):
        copy = folder / f"{number:03d}-{Path(name).name}"
        with copy.open("w", encoding="utf-8") as handle:
            for record in read_gold(name):
                spans = [
                    {**span, "label": mapping.get(span["label"], span["label"])}
                    for span in record["spans"]
                    if mapping.get(span["label"], span["label"])
                ]
                handle.write(json.dumps({**record, "spans": spans}) + "\n")
        out.append(str(copy))
    return out


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old:
            raise SystemExit(f"--relabel {pair!r}: write OLD=NEW, or OLD= to drop a label")
        mapping[old] = new
    return mapping


def run(train: list[str], test: list[str], also: list[str], args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sim.annot"
        mapping = _mapping(args.relabel)
        labels = [mapping.get(label, label) for label in LABELS]
        labels = [label for i, label in enumerate(labels) if label and label not in labels[:i]]
        also_files = {pattern: _files([pattern]) for pattern in also}
        if mapping:
            train = relabelled(train, mapping, Path(tmp))
            test = relabelled(test, mapping, Path(tmp))
            for i, (pattern, files) in enumerate(also_files.items()):
                (Path(tmp) / f"also-{i}").mkdir()
                also_files[pattern] = relabelled(files, mapping, Path(tmp) / f"also-{i}")
        store = ProjectStore.create(path, labels)
        report = import_files(store, train, annotator="gold")
        if report.failed_files or report.errors:
            print(report.summary(), report.errors[:5], report.failed_files, file=sys.stderr)
        if args.rest_in_project:  # as a user's project holds them: texts nobody answered yet
            store.add_documents(
                NewDocument(r["text"], {"source": f}) for f in test for r in read_gold(f)
            )
        started = time.monotonic()
        options = TrainOptions(
            epochs=args.epochs,
            rehearsal_ratio=args.rehearsal,
            use="always" if args.force else "if-better",
            seed=args.seed,
            start=args.start,
            known_names=not args.no_known_names,
        )
        trained = train_project(store, options)
        seconds = time.monotonic() - started
        print(trained.summary(), file=sys.stderr)
        labels = store.labels().names
        learned = suggester_for_project(store)
        untrained = untrained_suggester(store)
        rows = [
            _row("test", _score(untrained, test, labels), _score(learned, test, labels), labels)
        ]
        if args.sources:
            _print_sources(learned, test, labels)
        for pattern, files in also_files.items():
            if args.sources:
                print(f" {pattern}:", file=sys.stderr)
                _print_sources(learned, files, labels)
            rows.append(
                _row(
                    pattern,
                    _score(untrained, files, labels),
                    _score(learned, files, labels),
                    labels,
                )
            )
        store.close()
        if args.keep:
            import shutil

            shutil.copy(path, args.keep)
    return {
        "train_docs": trained.train_documents,
        "heldout": trained.heldout_documents,
        "seconds": round(seconds, 1),
        "used": trained.used,
        "choice": trained.choice,
        "heldout_f": [trained.current_f, trained.new_f],
        "difference": trained.difference,
        "tables": trained.tables,
        "lifted": trained.lifted,
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", nargs="*", default=[])
    parser.add_argument("--test", nargs="*", default=[])
    parser.add_argument(
        "--halves", default=None, help="a folder of gold files: odd files train, even test"
    )
    parser.add_argument(
        "--halves-of", default=None, help="a glob of gold files: odd ones train, even ones test"
    )
    parser.add_argument("--also", nargs="*", default=[])
    parser.add_argument("--epochs", type=int, default=0)
    parser.add_argument("--rehearsal", type=float, default=1.0)
    parser.add_argument("--no-known-names", action="store_true")
    parser.add_argument(
        "--rest-in-project",
        action="store_true",
        help="the TEST texts are in the project too, unanswered (as in a user's project, "
        "where they are the documents still to do); training rehearses on them",
    )
    parser.add_argument(
        "--swap", action="store_true", help="with --halves: even files train, odd ones test"
    )
    parser.add_argument("--force", action="store_true", help="use the model even if not better")
    parser.add_argument("--sources", action="store_true", help="score every source on the test")
    parser.add_argument(
        "--seed", type=int, default=None, help="the held-out split's and training's seed"
    )
    parser.add_argument("--keep", default=None, help="copy the trained project to this path")
    parser.add_argument(
        "--relabel",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="relabel the gold spans (OLD= drops them): a project of other labels",
    )
    parser.add_argument(
        "--start",
        default="base",
        help="what fine-tuning starts from: base (default), auto or a pipeline folder. The "
        "shipped start model (auto) was trained on every gold set we ship, the scored half "
        "too: measure it with one built without the set's kind (build/make_start_model.py "
        "--leave-out KIND)",
    )
    args = parser.parse_args()
    if args.halves or args.halves_of:
        files = _files([args.halves_of or str(Path(args.halves) / "*.gold.jsonl")])
        train, test = files[0::2], files[1::2]
        if args.swap:
            train, test = test, train
    else:
        train, test = _files(args.train), _files(args.test)
    result = run(train, test, args.also, args)
    print(json.dumps(result, indent=1))
    for row in result["rows"]:
        cells = "  ".join(f"{k} {v[0]:.3f}->{v[1]:.3f}" for k, v in row.items() if k != "set")
        print(f"{row['set']}: {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run ``simulate_learning.py`` over several sets, both halves and several seeds; summarise.

One simulated project's gain is noisy: its held-out part is two or three documents, so a
different split (``--seed``) moves the gain by a few hundredths. A change to the loop is worth
keeping only when it beats that noise, so compare two variants over the same grid, e.g.:

    .venv/bin/python tests/bench/learning_grid.py --name before --seeds 0 1 2
    .venv/bin/python tests/bench/learning_grid.py --name after --seeds 0 1 2 -- --rehearsal 0.5
    .venv/bin/python tests/bench/learning_grid.py --compare before after

A start model that never saw the set's kind (``--start-per-set``), blind for every set (it
takes the shipped start model's place both where training starts and in the untrained
suggester, through ``ANNOTATOR_START_MODEL``):

    for kind in forums history reports transcripts fiction; do
        .venv/bin/python build/make_start_model.py --leave-out $kind --out /tmp/start-$kind
    done
    .venv/bin/python tests/bench/learning_grid.py --name start --sets forums history reports \
        transcripts fiction --start-per-set '/tmp/start-{set}'

Each run's output stays in ``--out`` (``/tmp/learning-grid/NAME/SET[-swap]-sSEED.json``);
arguments after ``--`` go to every ``simulate_learning.py`` run. Two runs at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SETS = ("forums", "history", "reports", "transcripts")
HERE = Path(__file__).resolve().parent


def _run(
    out: Path, corpus: str, swap: bool, seed: int, extra: list[str], start: str | None
) -> Path:
    target = out / f"{corpus}{'-swap' if swap else ''}-s{seed}.json"
    if target.exists():
        return target
    command = [
        sys.executable,
        str(HERE / "simulate_learning.py"),
        "--halves",
        f"corpora/dev/{corpus}",
        "--rest-in-project",
        "--seed",
        str(seed),
        *(["--swap"] if swap else []),
        *(["--start", start.format(set=corpus)] if start else []),
        *extra,
    ]
    # The start model stands in for the shipped one in the project's default suggester too
    # (``nlp.train.default``), so the untrained suggester of the run never saw the kind either.
    env = {**os.environ, "ANNOTATOR_START_MODEL": start.format(set=corpus)} if start else None
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    result = json.loads(done.stdout[: done.stdout.rindex("}") + 1])
    target.write_text(json.dumps(result, indent=1), encoding="utf-8")
    target.with_suffix(".log").write_text(done.stderr, encoding="utf-8")  # the training report
    return target


def _summary(folder: Path) -> dict[str, float]:
    gains, drops, after = [], [], []
    for path in sorted(folder.glob("*.json")):
        row = json.loads(path.read_text(encoding="utf-8"))["rows"][0]
        before_f, after_f = row["overall"]
        gains.append(after_f - before_f)
        after.append(after_f)
        pairs = [pair for label, pair in row.items() if label not in {"set", "overall"}]
        worst = min(after_label - before_label for before_label, after_label in pairs)
        drops.append(worst)
    return {
        "runs": len(gains),
        "mean_gain": round(statistics.fmean(gains), 4) if gains else 0.0,
        "min_gain": round(min(gains), 3) if gains else 0.0,
        "mean_f1": round(statistics.fmean(after), 4) if after else 0.0,
        "label_drops_over_0.02": sum(1 for d in drops if d < -0.02),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--name", help="this variant's folder under --out")
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default="/tmp/learning-grid")
    parser.add_argument("--compare", nargs="*", default=[], help="variants to summarise")
    parser.add_argument(
        "--start-per-set",
        default=None,
        metavar="TEMPLATE",
        help="fine-tuning starts from this pipeline folder, {set} replaced by the set's name: "
        "start models built without that set's kind (build/make_start_model.py --leave-out)",
    )
    parser.add_argument("extra", nargs="*", help="after --: arguments of simulate_learning")
    args = parser.parse_args()
    out = Path(args.out)
    if args.name:
        folder = out / args.name
        folder.mkdir(parents=True, exist_ok=True)
        jobs = [(c, swap, s) for s in args.seeds for c in args.sets for swap in (False, True)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for done in pool.map(
                lambda job: _run(folder, *job, args.extra, args.start_per_set), jobs
            ):
                print(done.name, file=sys.stderr)
        args.compare = [args.name, *args.compare]
    for name in args.compare:
        print(name, json.dumps(_summary(out / name)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

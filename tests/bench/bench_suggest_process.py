"""Speed of a whole ``annotator suggest --input`` process against a bare ``nlp.pipe`` process.

Both processes read the same JSONL texts and run the same model: the bare one loads it as the
app does (the installed pipeline without the components NER does not need, or the project's
active trained model) and runs ``nlp.pipe`` over the texts, nothing else; the app one is
``annotator suggest --input IN --output OUT [--project P]``, start-up, patterns, rules,
confidence scores and writing included. Rounds alternate between the two (so a shared
machine's load falls on both alike); the CPU seconds of each child process are measured and
the report gives each one's median and the ratio of the medians. Run with ``nice``:

    nice .venv/bin/python tests/bench/bench_suggest_process.py [--docs 400] [--rounds 3]
        [--project P.annot]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_suggest import _texts

REPO = Path(__file__).resolve().parents[2]


def _bare_nlp(pipeline: str, project: str | None) -> Any:
    """The model ``annotator suggest`` runs, loaded without anything of the app around it."""
    from annotator.nlp.pipeline import load_for_ner
    from annotator.nlp.train.default import SETTING, START, checked_default
    from annotator.nlp.train.start import choose_start

    def default(pipeline: str, labels: Any, wanted: str = START) -> Any:
        """The start model where the default suggester runs over it (nlp.train.default)."""
        start = choose_start(pipeline, labels)
        fits = wanted == START and start.shipped
        return load_for_ner(start.spec if fits else pipeline)

    if project is None:
        return default(pipeline, ("PERSON", "ORG", "WEAPON", "QUANTITY"))
    from annotator.core.store import ProjectStore
    from annotator.nlp.train.stored import load_model

    with ProjectStore.open_reader(project) as store:
        model_id = store.active_model()
        if model_id is None:
            wanted = checked_default(store.setting(SETTING))
            return default(store.pipeline, store.labels().names, wanted)
        return load_model(*store.model_files(model_id))


def bare(source: Path, pipeline: str, project: str | None) -> None:
    nlp = _bare_nlp(pipeline, project)
    with source.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
    print(f"{len(texts)} texts, {entities} entities")


def _cpu_seconds(command: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one child process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env, cwd=REPO)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(command)}: exit status {os.waitstatus_to_exitcode(status)}")
    return usage.ru_utime + usage.ru_stime, wall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench/bench_suggest_process.py")
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pipeline", default="auto")
    parser.add_argument("--project", default=None, help="suggest with this project's model")
    parser.add_argument("--bare", metavar="IN.jsonl", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        bare(Path(args.bare), args.pipeline, args.project)
        return 0
    project = ["--project", args.project] if args.project else []
    with tempfile.TemporaryDirectory(prefix="bench-suggest-") as tmp:
        source, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        source.write_text(
            "".join(json.dumps({"text": text}) + "\n" for text in _texts(args.docs)),
            encoding="utf-8",
        )
        pipeline = ["--pipeline", args.pipeline]
        commands = {
            "bare nlp.pipe": [sys.executable, __file__, "--bare", str(source), *project, *pipeline],
            "annotator suggest": [
                *(sys.executable, "-m", "annotator", "suggest", "--input", str(source)),
                *("--output", str(out), *pipeline, *project),
            ],
        }
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        wall: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, command in commands.items():
                seconds, elapsed = _cpu_seconds(command)
                cpu[name].append(seconds)
                wall[name].append(elapsed)
    base = statistics.median(cpu["bare nlp.pipe"])
    print(f"{args.docs} texts, {args.rounds} rounds (whole processes, CPU seconds, median)")
    for name in commands:
        median = statistics.median(cpu[name])
        print(
            f"  {name:<18} {median:7.2f} s  (wall {statistics.median(wall[name]):6.2f} s)"
            f"   ratio {median / base:5.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

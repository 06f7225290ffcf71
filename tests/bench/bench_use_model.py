"""Benchmark (not a test): GUI stalls while Model › Models… › Use switches between two stored
model versions.

``python tests/bench/bench_use_model.py [--rounds 3] [--vectors-mb 0] [--why 50]``

Builds a project of unanswered news texts with two stored models (the project pipeline's own
entity recognizer, stored as training stores one: megabytes of weights), opens the real main
window offscreen with the real suggester and waits for it. Then, while the window steps through
documents every 200 ms as an annotator would, it switches to model A, waits until A suggests,
switches to model B, waits, and so on (``--rounds`` pairs), measuring every gap of a 1 ms
QTimer (``bench_stalls``). Printed: the longest gap while switching, how many were over 50 ms
(the goal: none), how long the ``use()`` call itself held the GUI thread, and how long each
switch took until the new model suggested.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_stalls import open_stepping
from PySide6.QtWidgets import QApplication

from annotator.core.store import ProjectStore
from annotator.formats.importing import import_files

_REPO = Path(__file__).resolve().parents[2]


def _project(path: Path, vectors_mb: float) -> tuple[int, int, int]:
    """A project of the sample corpus with two stored models; (model A, model B, bytes).
    ``vectors_mb`` adds static vectors of about that size, as a model fine-tuned from a
    pipeline with vectors (``en_core_web_md``, ``_lg``) carries."""
    import numpy
    from spacy.vectors import Vectors

    from annotator.nlp.pipeline import load_for_ner
    from annotator.nlp.train.stored import model_to_bytes

    with ProjectStore.create(path, ["PERSON", "ORG", "WEAPON", "QUANTITY"]) as store:
        import_files(store, [str(_REPO / "corpora" / "sample.jsonl")])
        nlp = load_for_ner(store.pipeline)
        rows = int(vectors_mb * 1e6 / (300 * 4))
        if rows:
            data = numpy.random.default_rng(0).random((rows, 300), dtype=numpy.float32)
            nlp.vocab.vectors = Vectors(data=data)
        config, weights = model_to_bytes(nlp)
        ids = [
            store.add_model(
                name=f"bench{n}",
                base="bench",
                documents=0,
                report={},
                config=config,
                weights=weights,
            )
            for n in (1, 2)
        ]
    return ids[0], ids[1], len(weights)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench/bench_use_model.py")
    parser.add_argument("--rounds", type=int, default=3, help="switches A then B, this often")
    parser.add_argument(
        "--vectors-mb", type=float, default=0, help="add static vectors of about N MB"
    )
    parser.add_argument("--why", type=float, default=0, help="print the stack of stalls over N ms")
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    from annotator.ui.gc_timer import GarbageCollector

    GarbageCollector(app, freeze_after_ms=1000)  # as annotator.ui.app.run does

    with tempfile.TemporaryDirectory(prefix="usemodel-bench-") as tmp:
        path = Path(tmp) / "bench.annot"
        first, second, size = _project(path, args.vectors_mb)
        window, meter, stepper = open_stepping(app, path, str(Path(tmp) / "s.ini"), args.why)
        stepper.start()
        meter.set_phase("stepping")
        settle = time.monotonic() + 5
        while time.monotonic() < settle:
            app.processEvents()
        menu = window.actions_.model_menu
        calls: list[float] = []
        switches: list[float] = []
        phases: list[tuple[float, ...]] = []  # (checked, new version in) seconds after use()
        failed = ""
        for model_id in [first, second] * args.rounds:
            meter.set_phase("switching")
            started = time.perf_counter()
            menu.use(model_id)
            calls.append((time.perf_counter() - started) * 1000)
            wanted = f"-m{model_id}"
            deadline = time.monotonic() + 120
            marks = [0.0, 0.0]
            while time.monotonic() < deadline:
                app.processEvents()
                version = window.suggest_version or ""
                check = getattr(menu, "switch", None)
                if not marks[0] and (check is None or check.over):
                    marks[0] = time.perf_counter() - started
                if not marks[1] and wanted in version:
                    marks[1] = time.perf_counter() - started
                if wanted in version and "ready" in window.model_label.text():
                    break
                if "unavailable" in window.model_label.text():
                    failed = window.model_label.toolTip()
                    break
            switches.append(time.perf_counter() - started)
            phases.append(tuple(marks))
            if failed:
                break
            meter.set_phase("stepping")
            settle = time.monotonic() + 1
            while time.monotonic() < settle:
                app.processEvents()
        stepper.stop()
        meter.stop()
        window.close_project()
    print(f"two stored models of {size / 1e6:.1f} MB each; {len(switches)} switches")
    for phase in ("stepping", "switching"):
        part = [g.ms for g in meter.gaps[1:] if g.phase == phase]
        over = sum(1 for ms in part if ms > 50)
        print(f"{phase:<10} longest gap {max(part, default=0.0):6.1f} ms ({over} over 50 ms)")
    print("use() held the GUI thread " + ", ".join(f"{ms:.1f}" for ms in calls) + " ms")
    print("new model suggesting after " + ", ".join(f"{s:.1f}" for s in switches) + " s")
    if hasattr(menu, "switch"):  # (the check runs in a child process)
        print(
            "  of which checked after "
            + ", ".join(f"{c:.1f}" for c, _ in phases)
            + " s, new version in after "
            + ", ".join(f"{v:.1f}" for _, v in phases)
            + " s"
        )
    for gap in meter.gaps[1:]:
        if gap.ms > 50 and gap.phase == "switching":
            print(
                f"  {gap.ms:6.1f} ms at {gap.at:6.1f} s: {gap.cause()} "
                f"(GUI-thread CPU {gap.cpu_ms:.0f} ms, pre-empted {gap.preempted}x, "
                f"blocked {gap.blocked}x)"
            )
    if failed:
        print(f"a switch failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

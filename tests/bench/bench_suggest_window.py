"""Benchmark (not a test): GUI stalls while the window pre-annotates 200 documents.

``python tests/bench/bench_suggest_window.py [--docs 200] [--pipeline auto]``

Builds a project of news-like documents (paragraphs of the sample and development articles,
recombined, with numbers and names varied), opens the real main window offscreen with the
real suggester (the project's pipeline, "auto" by default), starts Annotate › Suggest for all
documents and measures the longest gap of a 1 ms QTimer until the job is done. Goal: no gap
over 50 ms. The window's own look-ahead worker runs meanwhile, as it does for a user.
Suggestions carry their confidence (model scores computed in the suggestion process). With
``--order least-sure`` (or ``random``) the project's order of work is set first and, after
the job, 30 documents are answered (Space) in that order, stall-metered too: each answer reads
the next document in the order and seeds it with today's scores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_stalls import StallMeter
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator.core.model import DEFAULT_LABELS
from annotator.core.store import NewDocument, ProjectStore

_REPO = Path(__file__).resolve().parents[2]
_SWAPS = {
    "NATO": ["NATO", "the European Union", "the Pentagon", "the United Nations"],
    "Stoltenberg": ["Stoltenberg", "Austin", "Borrell", "Guterres"],
    "Ukraine": ["Ukraine", "Moldova", "Georgia", "Finland"],
    "Russia": ["Russia", "Belarus", "Russia", "Iran"],
}


def source_paragraphs() -> list[str]:
    """Paragraphs of corpora/sample.jsonl and corpora/dev/*.jsonl."""
    files = [
        _REPO / "corpora" / "sample.jsonl",
        *sorted((_REPO / "corpora" / "dev").glob("*.jsonl")),
    ]
    paragraphs: list[str] = []
    for path in files:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                paragraphs += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
    if not paragraphs:
        raise SystemExit("no corpora found under corpora/: run from a source checkout")
    return paragraphs


def make_documents(count: int, seed: int = 11) -> list[str]:
    """``count`` distinct articles of 4-9 paragraphs each, numbers and some names varied."""
    rng = random.Random(seed)
    paragraphs = source_paragraphs()
    documents = []
    for i in range(count):
        chosen = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(4, 9)))
        text = "\n\n".join(chosen)
        for word, options in _SWAPS.items():
            text = text.replace(word, rng.choice(options))
        # Vary the numbers so no two documents are duplicates (the store refuses those).
        text = "".join(
            str(rng.randint(2, 90)) if ch == "3" and rng.random() < 0.3 else ch for ch in text
        )
        documents.append(f"Report {i + 1}. {text}")
    return documents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--pipeline", default="auto")
    parser.add_argument(
        "--in-thread",
        action="store_true",
        help="run the model in the worker thread of the GUI process (as before the child process)",
    )
    parser.add_argument(
        "--why",
        type=float,
        metavar="MS",
        help="print the GUI thread's Python stack whenever it stalls longer than MS",
    )
    parser.add_argument(
        "--order", default=None, help="in-order, least-sure or random: answer 30 in that order"
    )
    args = parser.parse_args(argv)

    from annotator.core.model import Answer
    from annotator.core.work_order import WorkOrder
    from annotator.ui.main_window import MainWindow
    from annotator.ui.workers import default_suggester_factory

    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-suggest-"))
    path = folder / "bench.annot"
    texts = make_documents(args.docs)
    store = ProjectStore.create(path, DEFAULT_LABELS, pipeline=args.pipeline)
    added, _ = store.add_documents(NewDocument(t, {}) for t in texts)
    if args.order:
        store.set_work_order(WorkOrder(args.order, 1))
    store.close()
    words = sum(len(t.split()) for t in texts)
    where = "a thread of the GUI process" if args.in_thread else "a child process"
    print(f"{added} documents, {words} words, pipeline {args.pipeline!r}, model in {where}")

    meter = StallMeter("opening: model loads")
    if args.why:
        meter.watch(args.why)
    meter.start()
    started = meter.started

    settings = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
    if args.in_thread:
        # Any factory other than the default one runs in the worker thread itself.
        window = MainWindow(settings, suggester_factory=lambda s: default_suggester_factory(s))
    else:
        window = MainWindow(settings)
    window.setProperty("noPopups", True)
    window.resize(1400, 900)
    window.show()
    window.open_project(path)

    # Phase 1: the window is open, the model loads in its worker; wait until it is ready.
    def model_ready() -> bool:
        return window.suggest_version is not None or "unavailable" in window.model_label.text()

    while not model_ready() and time.perf_counter() - started < 300:
        app.processEvents()
        time.sleep(0.0005)
    if window.suggest_version is None:
        print("the model did not load:", window.model_label.toolTip())
        window.close()  # stops the worker (and its child process) before the app ends
        return 1
    loaded = time.perf_counter() - started

    # Phase 2: Annotate › Suggest for all documents, until the job reports done.
    meter.set_phase("suggest all")
    finished: list[object] = []

    def done(*result: object) -> None:
        finished.append(result)
        meter.set_phase("after done")
        # exit, not quit: Qt 6 quit() closes the windows (and the project) first.
        QTimer.singleShot(100, lambda: app.exit(0))  # a few more ticks after "done"

    began = time.perf_counter()
    task = window.actions_.suggest_all()
    if task is None:
        print("Suggest all did not start")
        window.close()
        return 1
    task.done.connect(done)
    app.exec()
    suggest_s = time.perf_counter() - began

    answered: list[int] = []
    if args.order:
        # Phase 3: answer 30 documents with Space, one every 100 ms, in the project's order.
        meter.set_phase("answering in order")

        def step() -> None:
            window.answer(Answer.IGNORE)
            answered.append(window.view.document_id or -1)
            if len(answered) >= 30:
                QTimer.singleShot(100, lambda: app.exit(0))
            else:
                QTimer.singleShot(100, step)

        QTimer.singleShot(100, step)
        app.exec()
    meter.stop()

    check = ProjectStore.open(path)
    version = window.suggest_version
    missing = len(check.documents_without_suggestions(version, limit=1_000_000)) if version else -1
    check.close()
    window.close()

    print(f"model ready after {loaded:5.1f} s; suggest all took {suggest_s:5.1f} s wall")
    print(f"  {missing} documents left without suggestions (version {version!r})")
    if answered:
        print(f"  answered 30 in {args.order} order; went on to documents {answered[:8]}...")
    for name in ("opening: model loads", "suggest all", "after done", "answering in order"):
        part = [g for g in meter.gaps[1:] if g.phase == name]
        worst = meter.worst(name)
        if worst is not None:
            over = sum(1 for g in part if g.ms > 50)
            print(
                f"  {name:22s} longest event-loop stall {worst.ms:7.1f} ms "
                f"(at {worst.at:5.1f} s, {worst.cpu_ms:.0f} ms of it GUI-thread CPU; "
                f"{over} of {len(part)} gaps over 50 ms); "
                f"GUI thread CPU {meter.phase_cpu_s(name):5.2f} s"
            )
    suggesting = [g.ms for g in meter.gaps[1:] if g.phase != "opening: model loads"]
    print(
        f"longest stall while 200 documents are pre-annotated: {max(suggesting, default=0.0):6.1f}"
        " ms   (goal < 50)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark (not a test): GUI stalls while the window imports (and exports) a big JSONL file.

``python tests/bench/bench_import_window.py [--docs 50000] [--pipeline auto] [--export]
[--no-browse]``

Generates a JSONL corpus with ``bench_io.generate`` (beside this script) (news-like documents
with four spans each), opens the real main window offscreen on a new project, runs the same
import File › Import… runs (``WindowActions.import_paths``) and measures the longest gap of a
1 ms QTimer while the job runs, and apart from it the gap when it ends (the window's
callbacks: the document list re-reads its rows, the report is shown). ``--export`` then
exports the project as JSONL through ``WindowActions.export`` and measures that too. Then, on
the imported project, the longest gap of what an annotator does with its long document list
(reopen it, switch the status filter, search, jump to the last document, answer), each until
the list has read what it needs and at least 0.6 s, so that what the step sets off counts too
(reopening stops and starts the suggestion process; the statistics dock, when shown, is
recomputed 0.4 s after a change). Goal: no gap over 50 ms.

Suggestions are off in the window (``suggester_factory=None``: a tokens-only child), so the
figures are those of the import/export job, not of the model loading beside it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_stalls import StallMeter
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator.core.model import DEFAULT_LABELS, Answer
from annotator.core.store import ProjectStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--pipeline", default="auto")
    parser.add_argument("--export", action="store_true", help="also export the project as JSONL")
    parser.add_argument(
        "--no-browse", action="store_true", help="skip the document-list steps after the import"
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this folder (kept) instead of a temp one"
    )
    parser.add_argument(
        "--why",
        type=float,
        metavar="MS",
        help="print the GUI thread's Python stack whenever it stalls longer than MS",
    )
    args = parser.parse_args(argv)

    from bench_io import generate

    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="annotator-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"bench-{args.docs}.jsonl"
    if not data.exists():
        generate(data, args.docs)
    path = folder / "bench.annot"
    if path.exists():
        path.unlink()
    ProjectStore.create(path, DEFAULT_LABELS, pipeline=args.pipeline).close()
    size_mb = data.stat().st_size / 1e6
    print(f"{args.docs} documents ({size_mb:.1f} MB), pipeline {args.pipeline!r}")

    settings = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, suggester_factory=None)
    window.setProperty("noPopups", True)
    window.resize(1400, 900)
    window.show()
    window.open_project(path)
    # Let the window settle (first paint, tokens-only child starting) before measuring.
    settle = time.perf_counter() + 2.0
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.002)

    results: list[tuple[str, float, float, float, int, int, float, float]] = []

    def run(label: str, start: Callable[[], object], finished: Callable[[], bool]) -> bool:
        meter = StallMeter(label)
        if args.why:
            meter.watch(args.why)
        meter.start()
        began = meter.started
        task = start()
        callback_at = [float("inf")]
        original = getattr(task, "_on_done", None)  # a TaskRun
        if original is not None:  # note when the window's done-callbacks begin

            def on_done(result: object) -> None:
                callback_at[0] = time.perf_counter() - began
                original(result)

            setattr(task, "_on_done", on_done)  # noqa: B010 (a private attribute)
        deadline = began + 900
        while not finished() and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.0005)
        wall = time.perf_counter() - began
        done_at = min(callback_at[0], wall)
        # The callbacks (list refresh, report) run inside the finishing poll; a few more ticks
        # so that the gap they cause is counted too.
        after = time.perf_counter() + 0.5
        while time.perf_counter() < after:
            app.processEvents()
            time.sleep(0.0005)
        meter.stop()
        job = [g for g in meter.gaps[1:] if g.at <= done_at]
        over = sum(1 for g in job if g.ms > 50)
        worst = meter.worst(until=done_at)
        ending = max((g for g in meter.gaps if g.at > done_at), key=lambda g: g.ms, default=None)
        results.append(
            (
                label,
                worst.ms if worst else 0.0,
                worst.at if worst else 0.0,
                wall,
                over,
                len(job),
                ending.ms if ending else 0.0,
                ending.cpu_ms if ending else 0.0,
            )
        )
        return finished()

    def imported() -> bool:
        return "Import:" in window.statusBar().currentMessage() or "failed" in (
            window.statusBar().currentMessage()
        )

    ok = run("import", lambda: window.actions_.import_paths([str(data)]), imported)
    print(f"  status: {window.statusBar().currentMessage()}")
    if ok and args.export:
        out = folder / "export.jsonl"

        def exported() -> bool:
            message = window.statusBar().currentMessage()
            return message.startswith("Exported") or "failed" in message

        ok = run(
            "export",
            lambda: window.actions_.export(str(out), "jsonl", (Answer.ACCEPT,)),
            exported,
        )
        print(f"  status: {window.statusBar().currentMessage()[:160]}")
    browsed: list[tuple[str, float, float, float]] = []

    def step(label: str, action: Callable[[], object]) -> None:
        """One user action, run from the event loop, measured until the list has settled."""
        meter = StallMeter(label)
        meter.start()
        warm = time.perf_counter() + 0.05
        while time.perf_counter() < warm:  # a few ticks first: the first gap is not counted
            app.processEvents()
            time.sleep(0.0005)
        QTimer.singleShot(0, action)
        began = time.perf_counter()
        settled = began + 0.6  # (the statistics dock refreshes 0.4 s after a change)
        while time.perf_counter() < settled or window.list_model.pending():
            app.processEvents()
            time.sleep(0.0005)
            if time.perf_counter() > began + 60:
                break
        meter.stop()
        worst = meter.worst()
        browsed.append(
            (
                label,
                worst.ms if worst else 0.0,
                worst.cpu_ms if worst else 0.0,
                time.perf_counter() - began,
            )
        )

    if ok and not args.no_browse:

        def search(text: str) -> None:
            window.search_box.setText(text)
            window._filter_changed()  # (what the search box's pause timer calls)

        def set_filter(value: object) -> None:
            window.filter_box.setCurrentIndex(window.filter_box.findData(value))

        last = window.store.last_document_id() if window.store else 0
        step("reopen project", lambda: window.open_project(path))
        step("filter: to do", lambda: set_filter("todo"))
        step("filter: all", lambda: set_filter("all"))
        step("search (no match)", lambda: search("zzqx"))
        step("search cleared", lambda: search(""))
        step("jump to last doc", lambda: window.show_document(last))
        step("previous document", lambda: window.step_document(-1))
        step("answer (next to do)", lambda: window.answer(Answer.ACCEPT))
    window.close()
    for label, worst, at, wall, over, ticks, after_done, after_cpu in results:
        print(
            f"{label:7s} {wall:6.1f} s wall; longest event-loop stall while the job runs "
            f"{worst:7.1f} ms (ending at {at:5.2f} s; {over} of {ticks} gaps over 50 ms; "
            f"goal < 50); when it ends (list refresh, report) {after_done:7.1f} ms "
            f"({after_cpu:.1f} ms of it GUI-thread CPU)"
        )
    for label, worst_ms, cpu_ms, settled in browsed:
        print(
            f"  {label:20s} longest stall {worst_ms:7.1f} ms ({cpu_ms:5.1f} ms of it GUI-thread "
            f"CPU; the list settled in {settled:4.1f} s)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

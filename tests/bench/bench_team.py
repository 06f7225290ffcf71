"""Benchmark: a team of annotators answering one project at once, against one annotator alone.

    python tests/bench/bench_team.py [--docs 2000] [--annotators 5] [--backend B]

B is both (default), sqlite or postgresql.

For each back end (a SQLite file; a PostgreSQL database on a throwaway server started here,
fsync on), a project of ``--docs`` documents with one annotation per document is answered by
``--annotators`` processes at once, each doing what the window does for every document: take
the next document of its queue (``next_to_do``, which claims it), accept a span (one committed
edit), answer it (one committed answer). The baseline is one process answering a fresh copy of
the same project alone, in the same run.

Checks (the script exits 1 when one fails): every document answered exactly once (none lost,
none doubled), no document worked by two annotators. Figures: answers per second, and the
latency of one answer as the annotator feels it (the answer committed and the next document
claimed), median and 95th percentile, each as a ratio to the single annotator.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the checkout's annotator, wherever the script is run from
sys.path.insert(0, str(REPO / "tests"))  # pg_cluster

from annotator.core.model import DEFAULT_LABELS, Answer, Span  # noqa: E402
from annotator.core.store import NewDocument, ProjectStore  # noqa: E402


def _fill(location: str, docs: int) -> None:
    store = ProjectStore.create(location, DEFAULT_LABELS, pipeline="blank:en")
    store.add_documents(
        NewDocument(f"Joe Biden met NATO leaders in Brussels, report {i}.", {}) for i in range(docs)
    )
    store.close()


def _annotate(location: str, who: str, start: Any, results: Any) -> None:
    """One annotator: next document, one accepted span, the answer; until the queue is empty."""
    store = ProjectStore.open(location)
    worked: list[int] = []
    latencies: list[float] = []
    start.wait()  # every annotator connected: they all begin at once
    began = time.perf_counter()
    doc = store.next_to_do(who)
    while doc is not None:
        worked.append(doc)
        store.add_span(doc, who, Span(0, 9, "PERSON"))
        pressed = time.perf_counter()
        store.set_answer(doc, who, Answer.ACCEPT)
        doc = store.next_to_do(who, after=doc)
        latencies.append(time.perf_counter() - pressed)
    ended = time.perf_counter()
    store.close()
    results.put((who, worked, latencies, began, ended))


def _run(location: str, annotators: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(annotators)
    results = context.Queue()
    workers = [
        context.Process(target=_annotate, args=(location, f"ann{i}", start, results))
        for i in range(annotators)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join(60)
    worked = {who: docs for who, docs, *_ in outcomes}
    latencies = sorted(x for _, _, lat, *_ in outcomes for x in lat)
    wall = max(o[4] for o in outcomes) - min(o[3] for o in outcomes)
    return {
        "worked": worked,
        "answers": len(latencies),
        "per_second": len(latencies) / wall,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "exitcodes": [w.exitcode for w in workers],
    }


def _check(location: str, docs: int, outcome: dict[str, Any]) -> list[str]:
    """What went wrong: lost, doubled or shared documents; failed processes."""
    problems = []
    if any(code != 0 for code in outcome["exitcodes"]):
        problems.append(f"an annotator process failed: exit codes {outcome['exitcodes']}")
    every = [doc for worked in outcome["worked"].values() for doc in worked]
    if len(every) != len(set(every)):
        problems.append(f"{len(every) - len(set(every))} documents worked by two annotators")
    store = ProjectStore.open(location)
    try:
        rows = store._conn.execute(
            "SELECT doc_id, count(*) FROM annotations WHERE answer IS NOT NULL GROUP BY doc_id"
        ).fetchall()
        ids = set(store.document_ids())
    finally:
        store.close()
    answered = {doc: n for doc, n in rows}
    lost = ids - set(answered)
    doubled = [doc for doc, n in answered.items() if n != 1]
    if lost:
        problems.append(f"{len(lost)} documents lost (never answered)")
    if doubled:
        problems.append(f"{len(doubled)} documents answered twice")
    if len(ids) != docs:
        problems.append(f"{len(ids)} documents in the project, {docs} expected")
    return problems


def _bench(backend: str, docs: int, annotators: int, folder: Path) -> tuple[list[str], bool]:
    cluster = None
    if backend == "postgresql":
        from pg_cluster import PostgresCluster, missing_reason

        reason = missing_reason()
        if reason:
            return [f"{backend}: skipped ({reason})"], True
        cluster = PostgresCluster(durable=True).start()
    try:
        locations = {}
        for phase in ("alone", "team"):
            if cluster is not None:
                locations[phase] = cluster.create_database(f"bench_{phase}")
            else:
                locations[phase] = str(folder / f"{phase}.annot")
            _fill(locations[phase], docs)
        alone = _run(locations["alone"], 1)
        team = _run(locations["team"], annotators)
        problems = _check(locations["alone"], docs, alone) + _check(locations["team"], docs, team)
    finally:
        if cluster is not None:
            cluster.stop()
    lines = [
        f"{backend}: {docs} documents, 1 annotation per document",
        f"  {'':<22}{'answers/s':>10}{'median ms':>11}{'p95 ms':>9}",
        f"  {'1 annotator alone':<22}{alone['per_second']:>10.1f}"
        f"{alone['median_ms']:>11.2f}{alone['p95_ms']:>9.2f}",
        f"  {f'{annotators} annotators at once':<22}{team['per_second']:>10.1f}"
        f"{team['median_ms']:>11.2f}{team['p95_ms']:>9.2f}",
        f"  {'ratio team / alone':<22}{team['per_second'] / alone['per_second']:>10.2f}"
        f"{team['median_ms'] / alone['median_ms']:>11.2f}"
        f"{team['p95_ms'] / alone['p95_ms']:>9.2f}",
        "  answers per annotator: " + ", ".join(str(len(v)) for v in team["worked"].values()),
        "  checks: " + ("; ".join(problems) if problems else "no lost, doubled or shared document"),
    ]
    return lines, not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-team-") as tmp:
        for backend in backends:
            lines, passed = _bench(backend, args.docs, args.annotators, Path(tmp))
            print("\n".join(lines), flush=True)
            ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

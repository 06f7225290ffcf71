"""Benchmark: importing the same documents as doccano JSONL, Label Studio JSON and CSV, each
against the app's own JSONL import in the same run.

    python tests/bench/bench_foreign_import.py [--docs 5000]

Every file holds the same texts, each with one accepted ORG span (the CSV holds texts only); the
figures are seconds and the ratio to the JSONL import. A ratio far above 1 means a reader does
more than its format needs (the CSV sniffer on 64 KB took a second: it now reads 8 KB).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from annotator.core.store import ProjectStore
from annotator.formats.importing import import_files


def _jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _write_files(folder: Path, count: int) -> list[Path]:
    texts = [f"NATO said {i} soldiers will travel to Poland on day {i}." for i in range(count)]
    span = {"start": 0, "end": 4, "label": "ORG"}
    region = {"type": "labels", "value": {"start": 0, "end": 4, "text": "NATO", "labels": ["ORG"]}}
    _jsonl(
        folder / "plain.jsonl", [{"id": i, "text": t, "spans": [span]} for i, t in enumerate(texts)]
    )
    _jsonl(
        folder / "doccano.jsonl",
        [{"id": i, "text": t, "label": [[0, 4, "ORG"]]} for i, t in enumerate(texts)],
    )
    tasks = [
        {"id": i, "data": {"text": t}, "annotations": [{"completed_by": 1, "result": [region]}]}
        for i, t in enumerate(texts)
    ]
    (folder / "labelstudio.json").write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    rows = "".join(f'{i},"{t}"\n' for i, t in enumerate(texts))
    (folder / "table.csv").write_text("id,text\n" + rows, encoding="utf-8")
    names = ("plain.jsonl", "doccano.jsonl", "labelstudio.json", "table.csv")
    return [folder / name for name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="annotator-bench-foreign-") as tmp:
        folder = Path(tmp)
        warm = folder / "warm.jsonl"  # spaCy's first load is nobody's cost
        _jsonl(warm, [{"text": "NATO met."}])
        with ProjectStore.create(folder / "warm.annot", ["ORG"], "blank:en") as store:
            import_files(store, [warm])
        seconds: dict[str, float] = {}
        for path in _write_files(folder, args.docs):
            with ProjectStore.create(folder / f"{path.name}.annot", ["ORG"], "blank:en") as store:
                start = time.perf_counter()
                report = import_files(store, [path])
                seconds[path.name] = time.perf_counter() - start
                assert report.added == args.docs, report.summary()
    base = seconds["plain.jsonl"]
    for name, took in seconds.items():
        print(f"{name:18} {took:6.2f} s  {took / base:5.2f} x the JSONL import")


if __name__ == "__main__":
    main()

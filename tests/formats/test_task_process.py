"""Import and export jobs in a real spawned child process: outcome, cancel, a killed child."""

from __future__ import annotations

import json
import os
import pickle
import signal
from pathlib import Path

import pytest

from annotator.core.model import Answer
from annotator.core.store import ProjectStore
from annotator.formats.records import FormatError, ImportReport, LineError
from annotator.formats.task_process import ExportJob, ImportJob, TaskProcess

LABELS = ["PERSON", "ORG"]
WAIT = 90.0  # a spawn child imports the package and spaCy's blank pipeline: a few seconds


def _jsonl(path: Path, count: int, bad_line: int | None = None) -> Path:
    lines = []
    for i in range(count):
        text = f"Jens Stoltenberg met NATO officials in Brussels, report {i}."
        spans = [
            {"start": 0, "end": 16, "label": "PERSON"},
            {"start": 21, "end": 25, "label": "ORG"},
        ]
        lines.append(json.dumps({"text": text, "spans": spans}))
    if bad_line is not None:
        lines[bad_line - 1] = '{"text": "cut off'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.annot"
    ProjectStore.create(path, LABELS, pipeline="blank:en").close()
    return path


def _count(project: Path) -> int:
    with ProjectStore.open(project) as store:
        return len(store.document_rows("tester"))


def test_import_in_a_child_reports_the_bad_line(project: Path, tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "docs.jsonl", 5, bad_line=3)
    with ProjectStore.open(project) as mine:  # the caller's connection, open all along
        task = TaskProcess(project, ImportJob((str(data),)))
        task.start()
        final = task.wait(WAIT)
        assert final is not None and final[0] == "done", final
        report = final[1]
        assert isinstance(report, ImportReport)
        assert report.added == 4
        assert [(Path(e.file).name, e.line) for e in report.errors] == [("docs.jsonl", 3)]
        assert len(mine.document_rows("tester")) == 4  # WAL: the child's commit is seen
    assert task.stop() == 0 and not task.is_alive()


def test_export_in_a_child_writes_the_file(project: Path, tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "docs.jsonl", 3)
    task = TaskProcess(project, ImportJob((str(data),)))
    task.start()
    assert (task.wait(WAIT) or ("",))[0] == "done"
    task.stop()
    out = tmp_path / "out.jsonl"
    task = TaskProcess(project, ExportJob(str(out), "jsonl", (Answer.ACCEPT,)))
    task.start()
    final = task.wait(WAIT)
    assert final is not None and final[0] == "done", final
    assert final[1].documents == 3
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(s["start"], s["end"], s["label"]) for s in records[0]["spans"]] == [
        (0, 16, "PERSON"),
        (21, 25, "ORG"),
    ]
    task.stop()


def test_a_cancelled_import_keeps_nothing_of_the_file(project: Path, tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "docs.jsonl", 1200)
    task = TaskProcess(project, ImportJob((str(data),)))
    task.cancel()  # honoured at the first check (after 500 records), inside the transaction
    task.start()
    assert task.wait(WAIT) == ("cancelled",)
    task.stop()
    assert _count(project) == 0


def test_a_cancelled_export_leaves_the_old_file(project: Path, tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "docs.jsonl", 1200)
    task = TaskProcess(project, ImportJob((str(data),)))
    task.start()
    assert (task.wait(WAIT) or ("",))[0] == "done"
    task.stop()
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n")
    task = TaskProcess(project, ExportJob(str(out)))
    task.cancel()
    task.start()
    assert task.wait(WAIT) == ("cancelled",)
    task.stop()
    assert out.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failure_is_one_line(project: Path, tmp_path: Path) -> None:
    task = TaskProcess(project, ImportJob((str(tmp_path / "missing.jsonl"),)))
    task.start()
    final = task.wait(WAIT)
    assert final is not None and final[0] == "failed"
    assert "missing.jsonl: no such file" in final[1] and "\n" not in final[1]
    task.stop()


def test_a_killed_child_is_reported_not_waited_for(project: Path, tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "docs.jsonl", 20_000)
    task = TaskProcess(project, ImportJob((str(data),)))
    task.start()
    assert task.pid is not None
    os.kill(task.pid, signal.SIGKILL)
    final = task.wait(WAIT)
    assert final is not None and final[0] == "died"
    assert "ended unexpectedly" in final[1] and "signal 9" in final[1]
    task.stop()
    assert _count(project) == 0  # SQLite dropped the uncommitted file


def test_reports_cross_processes() -> None:
    report = ImportReport(
        added=1,
        errors=[LineError("a.jsonl", 3, "bad JSON")],
        failed_files=[FormatError("b.spacy", "truncated")],
        files=2,
    )
    back = pickle.loads(pickle.dumps(report))
    assert back.errors == report.errors
    assert (back.failed_files[0].path, back.failed_files[0].reason) == ("b.spacy", "truncated")

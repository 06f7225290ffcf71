"""Hostile and broken input files (issue 13): one bad record stays one bad record, limits hold,
files that are wrong as a whole are refused as a whole, and no reader blocks or explodes.

Cases that crashed (a segfault in the JSON writer) or hung (a FIFO) the old code run in a
child process with a timeout and a memory cap, so a regression fails the test, not the run.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.store import ProjectStore
from annotator.formats.importing import import_files

REPO = Path(__file__).resolve().parents[2]
FIRST = '{"text": "First good record."}'
LAST = '{"text": "Last good record."}'


def _jsonl(path: Path, *lines: str | bytes) -> Path:
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))
    return path


def _texts(project: ProjectStore) -> list[str]:
    return [project.document(i).text for i in project.document_ids()]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m annotator ARGS`` in a child that cannot hang or eat the machine."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=timeout,
        cwd=REPO,
        preexec_fn=_limit_memory,
    )


# ---- 1. one bad record is one bad record --------------------------------------------------

BAD_VALUES = [
    ('{"text": "a\\ud800b"}', '"text" holds a lone surrogate'),
    ('{"text": "Fine.", "meta": {"k": ["\\udfff"]}}', '"meta" value holds a lone surrogate'),
    ('{"text": "Fine.", "_annotator_id": "x\\ud800"}', "annotator id holds a lone surrogate"),
    ('{"text": "\\u0000Hidden text"}', "NUL character at character 1"),
    ('{"text": "Joe Biden", "spans": [{"start": 0, "end": true, "label": "PERSON"}]}', "got true"),
    ('{"text": "Joe Biden", "spans": [{"start": 1.5, "end": 9, "label": "PERSON"}]}', "got 1.5"),
    ('{"text": "Some words.", "spans": {}}', '"spans" must be a list, got an object'),
    ('{"text": "Some words.", "spans": 0}', '"spans" must be a list, got 0'),
    ('{"text": "Joe Biden", "spans": [{"start": 0, "end": 9, "label": 5}]}', '"label" string'),
    ('{"text": "Fine.", "_annotator_id": 7}', '"_annotator_id" must be a string'),
    ('{"text": "Fine.", "meta": {"big": 1e400}}', "JSON cannot hold"),
    ('{"text": "Fine.", "answer": ["accept"]}', '"answer" must be'),
]


@pytest.mark.parametrize(("line", "reason"), BAD_VALUES)
def test_a_bad_value_is_a_bad_record_and_everything_else_imports(
    project: ProjectStore, tmp_path: Path, line: str, reason: str
) -> None:
    bad = _jsonl(tmp_path / "bad.jsonl", FIRST, line, LAST)
    later = _jsonl(tmp_path / "later.jsonl", '{"text": "A later file."}')
    report = import_files(project, [bad, later])
    assert [(e.file, e.line) for e in report.errors] == [(str(bad), 2)]
    assert reason in report.errors[0].reason
    assert not report.failed_files
    assert _texts(project) == ["First good record.", "Last good record.", "A later file."]
    assert "3 added" in report.summary() and "1 bad records" in report.summary()


def test_a_surrogate_meta_key_is_a_bad_record_not_a_crash(tmp_path: Path) -> None:
    """It used to kill import and suggest --input with a segfault in the JSON writer."""
    data = _jsonl(tmp_path / "in.jsonl", FIRST, '{"text": "x", "meta": {"\\ud800": 1}}', LAST)
    later = _jsonl(tmp_path / "later.jsonl", '{"text": "A later file."}')
    project = str(tmp_path / "p.annot")
    assert _cli("new", project, "--pipeline", "blank:en").returncode == 0
    done = _cli("import", project, str(data), str(later))
    assert done.returncode == 0, done.stderr
    assert f'{data}:2: "meta" key holds a lone surrogate' in done.stderr
    assert "2 files: 3 added, 0 duplicates skipped, 1 bad records" in done.stdout

    out = tmp_path / "out.jsonl"
    args = ("--input", str(data), "--output", str(out), "--pipeline", "blank:en")
    done = _cli("suggest", *args)
    assert done.returncode == 0, done.stderr
    assert f"{data}:2:" in done.stderr and "1 bad lines skipped" in done.stdout
    assert [json.loads(x)["text"] for x in out.read_text().splitlines()] == [
        "First good record.",
        "Last good record.",
    ]


def test_a_file_name_that_is_not_utf8(project: ProjectStore, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.jsonl"
    with open(raw, "wb") as handle:
        handle.write(b'{"text": "Named badly."}\n{broken\n')
    report = import_files(project, [raw])
    assert report.added == 1
    shown = str(tmp_path / "caf\\xe9.jsonl")
    assert str(report.errors[0]) == f"{shown}:2: not valid JSON (Expected object or value)"
    assert project.document(project.document_ids()[0]).source == "caf\\xe9.jsonl"

    project_path = str(tmp_path / "cli.annot")
    _cli("new", project_path, "--pipeline", "blank:en")
    done = _cli("import", project_path, os.fsdecode(raw))
    assert done.returncode == 0, done.stderr
    assert f"{shown}:2: not valid JSON" in done.stderr and "1 added" in done.stdout

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
import time
import zlib
from pathlib import Path

import numpy
import pytest
import spacy
import srsly
from spacy.tokens import DocBin

from annotator.core.limits import (
    MAX_LABEL_CHARS,
    MAX_META_CHARS,
    MAX_META_DEPTH,
    MAX_SPANS,
    MAX_TEXT_CHARS,
)
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
    assert done.returncode == 3, done.stderr  # done, but a record was refused
    assert f'{data}:2: "meta" key holds a lone surrogate' in done.stderr
    assert "2 files: 3 added, 0 duplicates skipped, 1 bad records" in done.stdout

    out = tmp_path / "out.jsonl"
    args = ("--input", str(data), "--output", str(out), "--pipeline", "blank:en")
    done = _cli("suggest", *args)
    assert done.returncode == 3, done.stderr
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
    assert done.returncode == 3, done.stderr
    assert f"{shown}:2: not valid JSON" in done.stderr and "1 added" in done.stdout


# ---- 2. limits -------------------------------------------------------------------------------


def _long_record(length: int) -> str:
    return json.dumps({"text": "word " * (length // 5) + "x" * (length % 5)})


def test_text_above_the_limit_is_refused_naming_the_record(
    project: ProjectStore, tmp_path: Path
) -> None:
    data = _jsonl(
        tmp_path / "long.jsonl",
        FIRST,
        _long_record(MAX_TEXT_CHARS + 1),
        _long_record(MAX_TEXT_CHARS),
    )
    report = import_files(project, [data])
    assert report.added == 2
    (error,) = report.errors
    assert error.line == 2 and f"above the limit of {MAX_TEXT_CHARS:,}" in error.reason

    text = tmp_path / "long.txt"
    text.write_text("word " * (MAX_TEXT_CHARS // 5 + 1), encoding="utf-8")
    report = import_files(project, [text])
    assert "above the limit" in report.errors[0].reason


def test_suggest_input_refuses_a_long_text_instead_of_e088(tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "in.jsonl", _long_record(int(1.5 * MAX_TEXT_CHARS)), FIRST)
    out = tmp_path / "out.jsonl"
    done = _cli("suggest", "--input", str(data), "--output", str(out), "--pipeline", "blank:en")
    assert done.returncode == 3, done.stderr
    assert f"{data}:1: the text is 1,500,000 characters long" in done.stderr
    assert "E088" not in done.stderr and len(out.read_text().splitlines()) == 1


def _nested(depth: int) -> str:
    """A record whose meta is ``depth`` objects deep."""
    return '{"text": "Nested meta.", "meta": ' + '{"k": ' * depth + "1" + "}" * depth + "}"


def test_span_meta_and_label_limits(project: ProjectStore, tmp_path: Path) -> None:
    words = "a " * (MAX_SPANS + 1)
    spans = [{"start": 2 * i, "end": 2 * i + 1, "label": "ORG"} for i in range(MAX_SPANS + 1)]
    lines = [
        json.dumps({"text": words, "spans": spans}),
        _nested(1000),
        _nested(MAX_META_DEPTH + 1),
        json.dumps({"text": "Big meta.", "meta": {"k": "x" * MAX_META_CHARS}}),
        json.dumps({"text": "A label.", "spans": [{"start": 0, "end": 1, "label": "L" * 10**6}]}),
        _nested(MAX_META_DEPTH),
    ]
    report = import_files(project, [_jsonl(tmp_path / "in.jsonl", FIRST, *lines, LAST)])
    reasons = [e.reason for e in report.errors]
    assert [e.line for e in report.errors] == [2, 3, 4, 5, 6] and report.added == 3
    assert f"above the limit of {MAX_SPANS:,}" in reasons[0]
    assert f"nested deeper than {MAX_META_DEPTH} levels" in reasons[1] == reasons[2]
    assert "larger than the limit" in reasons[3]
    assert f"above the limit of {MAX_LABEL_CHARS}" in reasons[4]
    assert max(map(len, reasons)) < 300  # a 1 MB label is never echoed in full


def test_long_values_are_clipped_in_messages(project: ProjectStore, tmp_path: Path) -> None:
    text = "A" * 500_000 + " and more."
    spans = [{"start": 0, "end": 500_000, "label": "ORG"}, {"start": 1, "end": 3, "label": "ORG"}]
    report = import_files(
        project, [_jsonl(tmp_path / "in.jsonl", json.dumps({"text": text, "spans": spans}))]
    )
    assert "overlap" in report.errors[0].reason and len(report.errors[0].reason) < 400


@pytest.mark.parametrize("suffix", [".jsonl", ".txt", ".spacy", ".json", ".csv", ".tsv"])
def test_devices_and_fifos_are_refused_before_they_are_opened(tmp_path: Path, suffix: str) -> None:
    project = str(tmp_path / "p.annot")
    _cli("new", project, "--pipeline", "blank:en")
    zero = tmp_path / f"zero{suffix}"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / f"fifo{suffix}"
    os.mkfifo(fifo)
    good = _jsonl(tmp_path / "good.jsonl", FIRST)
    started = time.monotonic()
    done = _cli("import", project, str(zero), str(fifo), str(good), timeout=30)
    assert time.monotonic() - started < 20
    assert f"{zero}: is a device, not a regular file" in done.stderr
    assert f"{fifo}: is a pipe (FIFO), not a regular file" in done.stderr
    assert "3 files: 1 added, 0 duplicates skipped, 0 bad records, 2 files not imported" in (
        done.stdout
    )
    if suffix == ".jsonl":
        out = str(tmp_path / "out.jsonl")
        args = ("--input", str(fifo), "--output", out, "--pipeline", "blank:en")
        done = _cli("suggest", *args, timeout=30)
        assert done.returncode == 2 and "is a pipe (FIFO), not a regular file" in done.stderr


def test_special_files_in_a_folder_are_reported_not_skipped(
    project: ProjectStore, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("A plain article.", encoding="utf-8")
    os.mkfifo(tmp_path / "b.txt")
    (tmp_path / "c.txt").symlink_to("/dev/zero")
    report = import_files(project, [tmp_path])
    assert report.added == 1 and report.files == 3
    assert sorted(f.reason.split(",")[0] for f in report.failed_files) == [
        "is a device",
        "is a pipe (FIFO)",
    ]


def test_a_compression_bomb_spacy_file_is_refused(project: ProjectStore, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.spacy"
    packer = zlib.compressobj()
    with open(bomb, "wb") as handle:
        for _ in range(300):
            handle.write(packer.compress(bytes(1 << 20)))
        handle.write(packer.flush())
    started = time.monotonic()
    report = import_files(project, [bomb])
    assert time.monotonic() - started < 10
    assert "unpacks to more than" in str(report.failed_files[0])


# ---- 3. files refused as a whole -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ((FIRST + '\n{"text": "café"}\n').encode()[:-4], "middle of a character"),
        (
            (FIRST + "\n").encode() * 4000 + b'{"text": "x\x00"}\n' + (LAST + "\n").encode(),
            "binary",
        ),
    ],
    ids=["cut-in-a-character", "nul-after-64k"],
)
def test_cut_or_binary_jsonl_is_refused_as_a_whole(
    project: ProjectStore, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    report = import_files(project, [path])
    assert reason in str(report.failed_files[0]) and report.added == 0
    assert project.count_documents() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("ПриветМир".encode("utf-16-le"), "UTF-16"),
        ("Москва заявила, что 2000 военных прибудут.\n".encode("utf-16-le"), "UTF-16"),
        (b"Plain text.\n" * 7000 + b"a NUL\x00 inside", "binary"),
    ],
    ids=["cyrillic-no-nul", "cyrillic", "nul-after-64k"],
)
def test_utf16_without_bom_or_nul_text_file_is_refused(
    project: ProjectStore, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    report = import_files(project, [path])
    assert reason in str(report.failed_files[0]) and project.count_documents() == 0


def _docbin_bytes(count: int, lengths: list[int] | None = None) -> bytes:
    nlp = spacy.blank("en")
    docs = [nlp(f"Document number {i} here.") for i in range(count)]
    data = DocBin(docs=docs).to_bytes()
    if lengths is None:
        return data
    msg = srsly.msgpack_loads(zlib.decompress(data))
    msg["lengths"] = numpy.array(lengths, dtype="int32").tobytes()
    return zlib.compress(srsly.msgpack_dumps(msg))


@pytest.mark.parametrize("lengths", [[25], [5, 5, 5, 5, 6], [5, 5, 5, 15, -5]])
def test_spacy_file_with_damaged_lengths_is_refused(
    project: ProjectStore, tmp_path: Path, lengths: list[int]
) -> None:
    good = tmp_path / "good.spacy"
    good.write_bytes(_docbin_bytes(5))
    assert import_files(project, [good]).added == 5
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(_docbin_bytes(5, lengths))
    report = import_files(project, [bad])
    assert "damaged .spacy file" in str(report.failed_files[0])
    assert project.count_documents() == 5

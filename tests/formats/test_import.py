import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.model import Answer, SpanState
from annotator.core.store import ProjectStore
from annotator.core.team_store import SAME
from annotator.formats.importing import expand_paths, import_files
from annotator.formats.records import FormatError

GOOD = {"text": "Joe Biden met NATO.", "spans": [{"start": 0, "end": 9, "label": "PERSON"}]}


def _write_lines(path: Path, lines: list[str | bytes]) -> Path:
    data = b"".join((x if isinstance(x, bytes) else x.encode("utf-8")) + b"\n" for x in lines)
    path.write_bytes(data)
    return path


BAD_RECORDS = [
    ("{not json", "not valid JSON"),
    (b'{"text": "caf\xe9 au lait"}', "not UTF-8"),
    ('{"meta": {"id": 1}}', 'no "text"'),
    ('{"text": "   "}', '"text" is empty'),
    ('{"text": 42}', "must be a string"),
    ("[1, 2]", "expected a JSON object"),
    ('{"text": "Short.", "spans": [{"start": 0, "end": 50, "label": "ORG"}]}', "out of range"),
    (
        '{"text": "Joe Biden met NATO.", "spans": [{"start": 0, "end": 9, "label": "PERSON"},'
        ' {"start": 4, "end": 13, "label": "ORG"}]}',
        "overlap",
    ),
    (
        '{"text": "Joe Biden met NATO.", "spans": [{"start": 14, "end": 18, "label": "GPE"}]}',
        "unknown label",
    ),
    (
        '{"text": "Joe Biden met NATO.", "spans": [{"start": 1, "end": 9, "label": "PERSON"}]}',
        "token boundaries",
    ),
    (
        '{"text": "F-35s flew.", "spans": [{"start": 0, "end": 2, "label": "WEAPON"}]}',
        "token boundaries",
    ),
    ('{"text": "Hello there.", "answer": "maybe"}', "answer"),
    ('{"text": "Hello there.", "spans": [{"start": "0", "end": 5, "label": "ORG"}]}', "integer"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_RECORDS)
def test_each_bad_record_is_reported_and_good_ones_still_import(
    project: ProjectStore, tmp_path: Path, line: str, reason: str
) -> None:
    path = _write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD), line, '{"text": "Fine too."}'])
    report = import_files(project, [path])
    assert report.added == 2 and report.duplicates == 0
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.file == str(path) and error.line == 2
    assert reason in error.reason
    assert "2 added" in report.summary() and "1 bad records" in report.summary()


def test_spans_become_accepted_or_suggestions(project: ProjectStore, tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD)])
    import_files(project, [path], annotator="ann")
    annotation = project.annotation_or_empty(project.document_ids()[0], "ann")
    assert annotation.answer is Answer.ACCEPT
    assert [(s.key, s.state) for s in annotation.spans] == [((0, 9, "PERSON"), SpanState.ACCEPTED)]

    other = ProjectStore.create(tmp_path / "o.annot", ["PERSON"], pipeline="blank:en")
    import_files(other, [path], as_suggestions=True, annotator="ann")
    annotation = other.annotation_or_empty(other.document_ids()[0], "ann")
    assert annotation.answer is None
    assert [s.state for s in annotation.spans] == [SpanState.SUGGESTED]


def test_importing_the_same_file_twice_adds_nothing(project: ProjectStore, tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD), '{"text": "Second."}'])
    assert import_files(project, [path]).added == 2
    again = import_files(project, [path])
    # The text-only record adds nothing; the annotated one is counted as the same annotation.
    assert (again.added, again.duplicates) == (0, 1)
    assert again.annotations.skipped == {SAME: 1}
    assert project.count_documents() == 2


def _project_state(project: ProjectStore) -> tuple[int, dict[str, object]]:
    return project.count_documents(), project.stats()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (json.dumps(GOOD).encode() + b'\n{"text": "cut off in the mid', "truncated"),
        ('{"text": "hi"}\n'.encode("utf-16"), "UTF-16"),
    ],
)
def test_binary_truncated_or_utf16_file_leaves_project_unchanged(
    project: ProjectStore, tmp_path: Path, content: bytes, reason: str
) -> None:
    import_files(project, [_write_lines(tmp_path / "first.jsonl", ['{"text": "Kept."}'])])
    before = _project_state(project)
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    report = import_files(project, [path])
    assert len(report.failed_files) == 1
    assert str(path) in str(report.failed_files[0]) and reason in str(report.failed_files[0])
    assert report.added == 0
    assert _project_state(project) == before


def test_text_file_and_folder(project: ProjectStore, tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First article about NATO.\n", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Second article.", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("line one\nCaf\xe9 line two".encode("latin-1"))
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    report = import_files(project, [folder])
    assert report.added == 2
    reasons = sorted((Path(e.file).name, e.line, e.reason) for e in report.errors)
    assert reasons[0][:2] == ("empty.txt", 1) and "empty" in reasons[0][2]
    assert reasons[1][:2] == ("latin1.txt", 2) and "UTF-8" in reasons[1][2]
    assert project.document(project.document_ids()[0]).meta == {"file": "a.txt"}


def test_unknown_file_type_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_text("a,b")
    with pytest.raises(FormatError, match="unknown file type"):
        expand_paths([tmp_path / "x.xlsx"])
    with pytest.raises(FormatError, match="no such file"):
        expand_paths([tmp_path / "nope.jsonl"])


def test_docbin_import_and_truncated_docbin(project: ProjectStore, tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    doc = nlp("Joe Biden met NATO in Brussels.")
    doc.ents = [doc.char_span(0, 9, "PERSON"), doc.char_span(14, 18, "ORG")]
    path = tmp_path / "in.spacy"
    DocBin(docs=[doc, nlp("No entities here.")]).to_disk(path)
    report = import_files(project, [path], annotator="ann")
    assert report.added == 2 and not report.errors
    first = project.annotation_or_empty(project.document_ids()[0], "ann")
    assert [s.key for s in first.spans] == [(0, 9, "PERSON"), (14, 18, "ORG")]

    broken = tmp_path / "broken.spacy"
    broken.write_bytes(path.read_bytes()[:40])
    before = _project_state(project)
    report = import_files(project, [broken])
    assert "damaged or truncated" in str(report.failed_files[0])
    assert _project_state(project) == before


def test_prodigy_shaped_records_keep_answer_and_annotator(
    project: ProjectStore, tmp_path: Path
) -> None:
    record = dict(GOOD, answer="reject", _annotator_id="maria", _input_hash=1, tokens=[])
    import_files(project, [_write_lines(tmp_path / "in.jsonl", [json.dumps(record)])])
    annotation = project.annotation_or_empty(project.document_ids()[0], "maria")
    assert annotation.answer is Answer.REJECT and len(annotation.spans) == 1

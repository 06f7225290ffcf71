"""doccano and Label Studio files in and out (issue 12): every text, span, label, answer and id
survives doccano -> annotator -> doccano and Label Studio -> annotator -> Label Studio; shapes
we do not read are bad records with their line, never a silent text-only import; a broken JSON
file is refused whole and leaves the project byte-for-byte unchanged.

The fixtures in ``data/`` follow what the tools write: doccano's ``data_export`` (``label``
triples, meta spread at the top, ``Comments``; ``entities``/``relations`` with relations) and
Label Studio's JSON export (label-studio-converter's test data, Label Studio's export docs).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from annotator.cli import EXIT_REFUSED, main
from annotator.core.locations import is_database_url
from annotator.core.model import Answer, SpanState
from annotator.core.store import ProjectStore
from annotator.formats import json_array
from annotator.formats.exporting import export_project
from annotator.formats.foreign import ORIGINAL_ID_KEY
from annotator.formats.importing import import_files
from annotator.formats.labelstudio import read_labelstudio
from annotator.formats.records import FormatError, LineError, Record

DATA = Path(__file__).resolve().parent / "data"
FUZZ = Path(__file__).resolve().parents[1] / "fuzz" / "run.py"


def _fuzz_run() -> ModuleType:
    """tests/fuzz/run.py, for its ``snapshot`` (SQL dump and file bytes after a checkpoint)."""
    spec = importlib.util.spec_from_file_location("annotator_fuzz_run_for_formats", FUZZ)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


snapshot = _fuzz_run().snapshot


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _spans(items: list[list[Any]]) -> set[tuple[int, int, str]]:
    return {(s, e, label) for s, e, label in items}


# ---- doccano ---------------------------------------------------------------------------


def test_doccano_round_trip_keeps_texts_spans_ids_and_meta(
    project: ProjectStore, tmp_path: Path
) -> None:
    source = DATA / "doccano_sequence.jsonl"
    report = import_files(project, [source])
    assert (report.added, report.errors) == (3, [])
    out = tmp_path / "back.jsonl"
    export_project(project, out, "doccano")
    # doccano's own export shape, key for key (an empty label list is an answered document).
    assert _lines(out) == _lines(source)


def test_doccano_relations_shape_spans_are_read_and_relations_kept(
    project: ProjectStore, tmp_path: Path
) -> None:
    report = import_files(project, [DATA / "doccano_relations.jsonl"])
    assert (report.added, report.errors) == (1, [])
    (doc_id,) = project.document_ids()
    doc = project.document(doc_id)
    assert doc.meta[ORIGINAL_ID_KEY] == 7
    assert doc.meta["relations"] == [{"id": 3, "from_id": 11, "to_id": 12, "type": "delivers"}]
    annotation = project.annotation(doc_id, project.annotators()[0])
    assert annotation is not None and annotation.answer is Answer.ACCEPT
    assert {s.key for s in annotation.spans} == {(0, 15, "ORG"), (32, 38, "WEAPON")}
    out = tmp_path / "back.jsonl"
    export_project(project, out, "doccano")
    (line,) = _lines(out)
    assert line["id"] == 7 and _spans(line["label"]) == {(0, 15, "ORG"), (32, 38, "WEAPON")}
    assert line["relations"] == doc.meta["relations"] and line["Comments"] == [
        {"id": 1, "comment": "fine"}
    ]


DOCCANO_BAD = [
    ('{"id": 1, "text": "Good news today.", "label": ["POSITIVE"]}', "only sequence-labelling"),
    ('{"text": "NATO met.", "label": [[0, 4]]}', 'doccano "label" item 1'),
    ('{"text": "NATO met.", "label": {"ORG": [0, 4]}}', 'doccano "label" must be a list'),
    ('{"text": "NATO met.", "entities": [{"label": "ORG", "start": 0}]}', "not a span"),
    ('{"text": "NATO met.", "label": [[0, 4, "ORG"]], "entities": []}', "both"),
    ('{"text": "NATO met.", "label": [[0, "4", "ORG"]]}', 'integer "end"'),
    ('{"text": "NATO met.", "labels": [[0, 4, "GPE"]]}', "unknown label"),
    ('{"id": 1.5, "text": "NATO met.", "label": []}', '"id" must be a string or an integer'),
]


@pytest.mark.parametrize(("line", "reason"), DOCCANO_BAD)
def test_doccano_lines_we_do_not_read_are_bad_records_with_their_line(
    project: ProjectStore, tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "doccano.jsonl"
    good = '{"id": 5, "text": "NATO met.", "label": [[0, 4, "ORG"]]}'
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    report = import_files(project, [path])
    assert report.added == 1
    (error,) = report.errors
    assert error.line == 2 and reason in error.reason, error.reason


def test_doccano_bad_item_exits_3_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.annot"
    assert main(["new", str(project), "--pipeline", "blank:en"]) == 0
    path = tmp_path / "cats.jsonl"
    path.write_text('{"id": 1, "text": "Good news.", "label": ["POSITIVE"]}\n', encoding="utf-8")
    assert main(["import", str(project), str(path)]) == EXIT_REFUSED
    assert f"{path}:1: doccano" in capsys.readouterr().err


# ---- ids --------------------------------------------------------------------------------


def test_jsonl_ids_are_kept_and_written_back(project: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "a-17", "text": "NATO met.", "meta": {"id": "user"}, '
        '"spans": [{"start": 0, "end": 4, "label": "ORG"}]}\n'
        '{"text": "No id here.", "answer": "accept"}\n'
        '{"text": "Reserved.", "meta": {"_original_id": 3}}\n',
        encoding="utf-8",
    )
    report = import_files(project, [path])
    assert report.added == 2 and "reserved" in report.errors[0].reason
    out = tmp_path / "out.jsonl"
    export_project(project, out, "jsonl")
    first, second = _lines(out)
    assert first["id"] == "a-17" and first["meta"] == {"id": "user"}
    assert "id" not in second and second["meta"] == {}


# ---- Label Studio -------------------------------------------------------------------------


def _read(path: Path, text_key: str | None = None) -> list[Record | LineError]:
    return list(read_labelstudio(path, text_key))


def test_labelstudio_reader_annotations_cancelled_and_predictions() -> None:
    items = _read(DATA / "labelstudio_ner.json")
    assert all(isinstance(item, Record) for item in items)
    records = [item for item in items if isinstance(item, Record)]
    annotated, predicted, cancelled, only_predictions = records
    assert (annotated.annotator, annotated.answer) == ("1", Answer.ACCEPT)
    assert annotated.meta == {"source": "reuters", ORIGINAL_ID_KEY: 41}
    assert [s.key for s in annotated.spans] == [(0, 4, "ORG"), (10, 24, "QUANTITY")]
    assert all(s.state is SpanState.ACCEPTED for s in annotated.spans)
    assert predicted.answer is None and predicted.annotator is None
    assert [(s.key, s.state, s.source, s.score) for s in predicted.spans] == [
        ((10, 24, "QUANTITY"), SpanState.SUGGESTED, "ner-v2", 0.8)
    ]
    assert (cancelled.annotator, cancelled.answer, cancelled.spans) == ("2", Answer.IGNORE, ())
    assert cancelled.line == 41  # where task 42 starts in the file
    # The region's own score wins over the prediction's.
    assert [(s.key, s.score) for s in only_predictions.spans] == [
        ((0, 16, "PERSON"), 0.93),
        ((29, 37, "WEAPON"), 0.55),
    ]


def test_labelstudio_round_trip(project: ProjectStore, tmp_path: Path) -> None:
    source = DATA / "labelstudio_ner.json"
    report = import_files(project, [source])
    assert report.errors == [] and report.added == 3
    out = tmp_path / "back.json"
    export_project(project, out, "labelstudio", answers=(Answer.ACCEPT, Answer.IGNORE))
    tasks = {task["id"]: task for task in json.loads(out.read_text(encoding="utf-8"))}
    original = {task["id"]: task for task in json.loads(source.read_text(encoding="utf-8"))}
    assert set(tasks) == {41, 42}  # 43 has predictions only: nobody answered it
    for task_id, task in tasks.items():
        assert task["data"] == original[task_id]["data"]
        ((mine, theirs),) = zip(task["annotations"], original[task_id]["annotations"], strict=True)
        assert mine["completed_by"] == theirs["completed_by"]
        assert mine["was_cancelled"] == theirs["was_cancelled"]
        assert [r["value"] for r in mine["result"]] == [r["value"] for r in theirs["result"]]
        assert {r["type"] for r in mine["result"]} <= {"labels"}


def test_labelstudio_export_writes_unaccepted_suggestions_as_predictions(
    project: ProjectStore, tmp_path: Path
) -> None:
    import_files(project, [DATA / "labelstudio_ner.json"], as_suggestions=True)
    doc_id = project.document_ids()[0]
    who = project.annotators()[0]
    project.set_answer(doc_id, who, Answer.REJECT)
    out = tmp_path / "pre.json"
    export_project(project, out, "labelstudio", answers=(Answer.REJECT,))
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert task["annotations"][0]["was_cancelled"] is True
    assert task["annotations"][0]["result"] == []
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == "import"
    values = [r["value"] for r in prediction["result"]]
    assert values == [
        {"start": 0, "end": 4, "text": "NATO", "labels": ["ORG"]},
        {"start": 10, "end": 24, "text": "2,000 soldiers", "labels": ["QUANTITY"]},
    ]


def test_labelstudio_two_annotators_become_two_records(tmp_path: Path) -> None:
    task = json.loads((DATA / "labelstudio_ner.json").read_text(encoding="utf-8"))[0]
    second = json.loads(json.dumps(task["annotations"][0]))
    second["completed_by"] = {"id": 4, "email": "maria@example.org"}
    second["result"] = second["result"][:1]
    task["annotations"].append(second)
    task["predictions"] = []
    path = tmp_path / "two.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    first, other = _read(path)
    assert isinstance(first, Record) and isinstance(other, Record)
    assert (first.annotator, len(first.spans)) == ("1", 2)
    assert (other.annotator, len(other.spans)) == ("maria@example.org", 1)


def test_labelstudio_json_min_reads_like_the_full_export() -> None:
    (record,) = _read(DATA / "labelstudio_min.json")
    full = _read(DATA / "labelstudio_ner.json")[0]
    assert isinstance(record, Record) and isinstance(full, Record)
    assert (record.text, record.meta, record.annotator, record.answer) == (
        full.text,
        full.meta,
        full.annotator,
        full.answer,
    )
    assert [s.key for s in record.spans] == [s.key for s in full.spans]


def _region(start: int, end: int, labels: list[str], shown: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": labels}
    if shown is not None:
        value["text"] = shown
    return {"type": "labels", "from_name": "label", "to_name": "text", "value": value}


def _task(text: Any, *regions: dict[str, Any], completed_by: Any = 1) -> dict[str, Any]:
    annotation = {"completed_by": completed_by, "result": list(regions)}
    return {"data": {"text": text}, "annotations": [annotation]}


def test_labelstudio_utf16_offsets_are_converted_and_mismatches_refused(tmp_path: Path) -> None:
    text = "😀 NATO met 😀 Jens Stoltenberg."
    tasks = [
        # UTF-16 offsets, as Label Studio wrote them before 1.0
        _task(
            text, _region(3, 7, ["ORG"], "NATO"), _region(15, 31, ["PERSON"], "Jens Stoltenberg")
        ),
        {"id": 2, **_task(text, _region(0, 4, ["ORG"], "NATO"))},
    ]
    path = tmp_path / "emoji.json"
    written = json.dumps(tasks, indent=1, ensure_ascii=False)
    path.write_text(written, encoding="utf-8")
    second_task = written[: written.index('"id": 2')].count("\n")  # the line of its "{"
    converted, mismatch = _read(path)
    assert isinstance(converted, Record)
    assert [(s.start, s.end) for s in converted.spans] == [(2, 6), (13, 29)]
    assert [text[s.start : s.end] for s in converted.spans] == ["NATO", "Jens Stoltenberg"]
    assert isinstance(mismatch, LineError) and mismatch.line == second_task
    assert "task 2: annotation 1, region 1" in mismatch.reason and "'NATO'" in mismatch.reason


LS_BAD = [
    (_task("Fine.", {"type": "choices", "value": {"choices": ["A"]}}), "type 'choices'"),
    (_task("NATO met.", _region(0, 4, ["ORG", "PERSON"])), "exactly one label"),
    ({"data": {"body2": "No text key."}}, "no text key in the task's data (keys: 'body2')"),
    (
        {"data": {"text": "NATO met."}, "predictions": [{"score": 7, "result": []}]},
        '"score" must be a number in [0, 1]',
    ),
    (_task("NATO met.", completed_by=[1]), "names no user"),
    ({"data": {"text": 5}}, '"text" must be a string'),
    ("just a string", "expected a task object"),
]


@pytest.mark.parametrize(("task", "reason"), LS_BAD)
def test_labelstudio_tasks_we_do_not_read_are_bad_records(
    project: ProjectStore, tmp_path: Path, task: Any, reason: str
) -> None:
    good = {"id": 1, "data": {"text": "A good task."}}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([good, task], indent=2), encoding="utf-8")
    report = import_files(project, [path])
    assert report.added == 1
    (error,) = report.errors
    assert error.line == 8 and reason in error.reason, error.reason  # where task 2 starts
    assert error.reason.startswith("task 2: ")


def test_labelstudio_text_key_is_chosen_with_text_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.annot"
    assert main(["new", str(project), "--pipeline", "blank:en"]) == 0
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 3, "data": {"tweet": "Hello there.", "n": 1}}]), "utf-8")
    assert main(["import", str(project), str(path)]) == EXIT_REFUSED
    assert "name it with --text-column" in capsys.readouterr().err
    assert main(["import", str(project), str(path), "--text-column", "tweet"]) == 0
    with ProjectStore.open(project) as store:
        doc = store.document(store.document_ids()[0])
    assert (doc.text, doc.meta) == ("Hello there.", {"n": 1, ORIGINAL_ID_KEY: 3})


BROKEN_JSON = [
    (b'[{"data": {"text": "One."}},\n {"data": {"text": "Two."}}\n {"data": {}}]', "line 3, col"),
    (b'[{"data": {"text": "One."}},\n {"data": {"text": "Tw', "truncated"),
    (b'{"tasks": []} trailing', "more data after"),
    (b"[" * 100_000, "nested too deeply"),
    (b'"a string"', "expected a list of Label Studio tasks"),
    (b"", "the file is empty"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "reason"), BROKEN_JSON)
def test_broken_json_is_refused_whole_and_the_project_is_unchanged(
    project: ProjectStore, tmp_path: Path, content: bytes, reason: str
) -> None:
    import_files(project, [DATA / "doccano_sequence.jsonl"])
    before = _state(project)
    assert before[0], "nothing imported: the comparison would be empty"
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    report = import_files(project, [path])
    (failed,) = report.failed_files
    assert reason in failed.reason and "broken.json" in str(failed), failed.reason
    assert report.added == 0 and _state(project) == before


def _state(project: ProjectStore) -> tuple[object, ...]:
    """What a refused import must not change: on SQLite the file's SQL dump and bytes; on
    PostgreSQL (no file) every document with its annotations, and the labels."""
    documents = [
        (d.id, d.text, d.meta, [(a, project.annotation(d.id, a)) for a in project.annotators()])
        for d in project.iter_documents()
    ]
    if is_database_url(str(project.location)):
        return documents, project.labels().names
    return documents, snapshot(project.path)


def test_a_json_file_above_the_size_limit_is_refused(
    project: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_array, "MAX_JSON_FILE_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"data": {"text": "x" * 2000}}]), encoding="utf-8")
    report = import_files(project, [path])
    assert "larger than the limit of 1,000 bytes" in report.failed_files[0].reason
    assert project.count_documents() == 0


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio"])
def test_exports_stream_to_stdout_and_refuse_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    project = tmp_path / "p.annot"
    assert main(["new", str(project), "--pipeline", "blank:en"]) == 0
    assert main(["import", str(project), str(DATA / "doccano_sequence.jsonl")]) == 0
    capsys.readouterr()
    assert main(["export", str(project), "-", "--format", fmt]) == 0
    out, err = capsys.readouterr()
    texts = (
        [line["text"] for line in map(json.loads, out.splitlines())]
        if fmt == "doccano"
        else [task["data"]["text"] for task in json.loads(out)]
    )
    assert len(texts) == 3 and "3 documents" in err
    target = tmp_path / "elsewhere.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert main(["export", str(project), str(link), "--format", fmt]) == 2
    assert not target.exists() and "symbolic link" in capsys.readouterr().err


def test_unanswered_tasks_go_back_to_label_studio_as_predictions(
    project: ProjectStore, tmp_path: Path
) -> None:
    source = DATA / "labelstudio_ner.json"
    import_files(project, [source])
    out = tmp_path / "prelabel.json"
    answers = (Answer.ACCEPT, Answer.IGNORE)
    export_project(project, out, "labelstudio", answers=answers, include=("unanswered",))
    tasks = {task["id"]: task for task in json.loads(out.read_text(encoding="utf-8"))}
    assert set(tasks) == {41, 42, 43}
    original = json.loads(source.read_text(encoding="utf-8"))[2]
    task = tasks[43]
    assert task["data"] == original["data"] and task["annotations"] == []
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == "ner-v2" and prediction["score"] == 0.55
    assert [(r["value"], r["score"]) for r in prediction["result"]] == [
        (r["value"], r.get("score", 0.55)) for r in original["predictions"][0]["result"]
    ]
    with pytest.raises(FormatError, match="for the jsonl and labelstudio"):
        export_project(project, tmp_path / "x.jsonl", "doccano", include=("unanswered",))


def test_doccano_answers_round_trip(project: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    lines = [
        {"id": 1, "text": "NATO met.", "label": [[0, 4, "ORG"]]},
        {"id": 2, "text": "Nothing here.", "label": [], "answer": "reject"},
        {"id": 3, "text": "Skipped one.", "label": [], "answer": "ignore"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert import_files(project, [path]).added == 3
    out = tmp_path / "back.jsonl"
    export_project(project, out, "doccano", answers=tuple(Answer))
    assert _lines(out) == lines


def test_meta_that_clashes_with_a_format_key_goes_whole_under_meta(
    project: ProjectStore, tmp_path: Path
) -> None:
    meta = {"text": "a note", "label": 7, "lang": "en"}
    path = tmp_path / "in.jsonl"
    record = {"text": "NATO met.", "meta": meta, "spans": [{"start": 0, "end": 4, "label": "ORG"}]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    import_files(project, [path])
    for fmt, name in (("doccano", "d.jsonl"), ("labelstudio", "l.json")):
        out = tmp_path / name
        export_project(project, out, fmt)  # type: ignore[arg-type]
        written = _lines(out)[0] if fmt == "doccano" else json.loads(out.read_text("utf-8"))[0]
        assert (written if fmt == "doccano" else written["data"])["meta"] == meta
        with ProjectStore.create(tmp_path / f"{fmt}.annot", ["ORG"], "blank:en") as other:
            assert import_files(other, [out]).added == 1
            doc = other.document(other.document_ids()[0])
            assert doc.meta == {**meta, ORIGINAL_ID_KEY: 1}  # the first project's document id


def test_doccano_lines_as_suggestions_are_left_to_check(project: ProjectStore) -> None:
    import_files(project, [DATA / "doccano_sequence.jsonl"], as_suggestions=True)
    who = project.annotators()[0]
    annotation = project.annotation(project.document_ids()[0], who)
    assert annotation is not None and annotation.answer is None
    assert {s.state for s in annotation.spans} == {SpanState.SUGGESTED}


def test_labelstudio_plain_data_list_and_bad_ids(tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(
        json.dumps([{"text": "Just a text."}, {"id": 2**70, "data": {"text": "Big id."}}]),
        encoding="utf-8",
    )
    plain, big = _read(path)
    assert isinstance(plain, Record) and plain.text == "Just a text." and plain.meta == {}
    assert isinstance(big, LineError) and "outside the 64-bit integer range" in big.reason


def test_labelstudio_export_holds_every_annotator_of_a_document_in_one_task(
    project: ProjectStore, tmp_path: Path
) -> None:
    import_files(project, [DATA / "doccano_sequence.jsonl"], annotator="anna")
    doc_id = project.document_ids()[0]
    project.set_answer(doc_id, "7", Answer.IGNORE)
    out = tmp_path / "two.json"
    report = export_project(project, out, "labelstudio", answers=tuple(Answer), source="all")
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert report.documents == len(tasks) == 3
    assert [(a["completed_by"], a["was_cancelled"]) for a in tasks[0]["annotations"]] == [
        ("anna", False),
        (7, True),
    ]

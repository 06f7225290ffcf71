"""Prodigy JSONL with real meaning: ner.teach answers stay binary, ner.manual ones stay full,
and both go back out as Prodigy wrote them (text, spans, labels, answers, hashes, meta)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import srsly

from annotator.core.model import Answer, SpanState
from annotator.core.store import ProjectStore, text_hash
from annotator.formats.exporting import export_project
from annotator.formats.importing import import_files

BIDEN = "Joe Biden met NATO leaders in Brussels."
TEACH = "The Pentagon sent Javelin missiles to Kyiv."
OTHER = "Olaf Scholz spoke to the Bundestag."


def _span(text: str, part: str, label: str) -> dict[str, Any]:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "label": label}


def _teach(text: str, part: str, label: str, answer: str, task: int) -> dict[str, Any]:
    """A ner.teach task as Prodigy's db-out writes it (one span, shared input hash)."""
    return {
        "text": text,
        "spans": [{**_span(text, part, label), "text": part, "score": 0.42, "rank": 1}],
        "meta": {"score": 0.42, "source": "news"},
        "_input_hash": 1000 + len(text),
        "_task_hash": task,
        "_session_id": None,
        "_view_id": "ner",
        "answer": answer,
    }


def _manual(text: str, spans: list[dict[str, Any]], task: int) -> dict[str, Any]:
    return {
        "text": text,
        "spans": spans,
        "meta": {"id": task},
        "_input_hash": 2000 + len(text),
        "_task_hash": task,
        "_view_id": "ner_manual",
        "answer": "accept",
    }


TASKS = [
    _manual(BIDEN, [_span(BIDEN, "Joe Biden", "PERSON"), _span(BIDEN, "NATO", "ORG")], -7),
    _teach(TEACH, "Pentagon", "ORG", "accept", 11),
    _teach(TEACH, "Javelin", "PERSON", "reject", 12),
    _teach(TEACH, "Kyiv", "ORG", "ignore", 13),
    _manual(OTHER, [], 21),  # ner.manual: nothing in it
    _teach(OTHER, "Olaf Scholz", "ORG", "reject", 22),  # same text: binary beside full
]


def _doc_id(project: ProjectStore, text: str) -> int:
    return project.document_ids_by_hash([text_hash(text)])[text_hash(text)]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    srsly.write_jsonl(path, records)
    return path


def _essence(record: dict[str, Any]) -> tuple[Any, ...]:
    spans = tuple((s["start"], s["end"], s["label"]) for s in record["spans"])
    return (
        record["text"],
        spans,
        record["answer"],
        record["_input_hash"],
        record["_task_hash"],
        json.dumps(record["meta"], sort_keys=True),
        record["_view_id"],
    )


def test_binary_tasks_are_stored_as_binary_answers(project: ProjectStore, tmp_path: Path) -> None:
    report = import_files(project, [_write(tmp_path / "p.jsonl", TASKS)], annotator="ann")
    assert report.errors == [] and report.added == 3
    assert report.binary_answers == 4
    teach_id = _doc_id(project, TEACH)
    # ner.teach's reject is evidence against one span, not a rejected document with a span
    assert project.annotation(teach_id, "ann") is None
    answers = {(a.key, a.answer) for a in project.span_answers(teach_id)}
    assert answers == {
        ((4, 12, "ORG"), Answer.ACCEPT),
        ((18, 25, "PERSON"), Answer.REJECT),
        ((38, 42, "ORG"), Answer.IGNORE),
    }
    assert project.next_to_do("ann") == teach_id  # still to annotate in full
    # the ner.manual "spans": [] document is an accepted negative
    other = project.annotation(_doc_id(project, OTHER), "ann")
    assert other is not None and other.answer is Answer.ACCEPT and other.spans == ()
    assert "4 binary answers" in report.summary()


def test_a_manual_task_after_binary_ones_of_its_text_is_kept(
    project: ProjectStore, tmp_path: Path
) -> None:
    first = _write(tmp_path / "teach.jsonl", [TASKS[5]])
    second = _write(
        tmp_path / "manual.jsonl", [_manual(OTHER, [_span(OTHER, "Olaf Scholz", "PERSON")], 5)]
    )
    import_files(project, [first], annotator="ann")
    report = import_files(project, [second], annotator="ann")
    assert report.annotations.annotations_added == 1 and report.duplicates == 0
    annotation = project.annotation(project.document_ids()[0], "ann")
    assert annotation is not None and [s.key for s in annotation.accepted] == [(0, 11, "PERSON")]


def test_prodigy_round_trip_keeps_every_answer(project: ProjectStore, tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path / "p.jsonl", TASKS)], annotator="ann")
    out = tmp_path / "out.jsonl"
    report = export_project(project, out, "jsonl", answers=list(Answer))
    assert report.binary_answers == 4
    written = list(srsly.read_jsonl(out))
    expected = [
        {**task, "spans": [{k: s[k] for k in ("start", "end", "label")} for s in task["spans"]]}
        for task in TASKS
    ]
    assert sorted(map(_essence, written)) == sorted(map(_essence, expected))
    assert all(r["_annotator_id"] == "ann" for r in written)
    # and the exported file imports into a new project as the same answers
    again = ProjectStore.create(tmp_path / "again.annot", ["PERSON", "ORG"], pipeline="blank:en")
    with again:
        second = import_files(again, [out], annotator="ann")
        assert (second.added, second.binary_answers, second.errors) == (3, 4, [])


def test_a_changed_annotation_gets_a_new_task_hash(project: ProjectStore, tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path / "p.jsonl", TASKS[:1])], annotator="ann")
    doc_id = project.document_ids()[0]
    (first,) = srsly.read_jsonl(_export(project, tmp_path / "a.jsonl"))
    assert (first["_input_hash"], first["_task_hash"]) == (TASKS[0]["_input_hash"], -7)
    annotation = project.annotation(doc_id, "ann")
    assert annotation is not None
    project.remove_span(doc_id, "ann", annotation.spans[1])
    (second,) = srsly.read_jsonl(_export(project, tmp_path / "b.jsonl"))
    assert second["_input_hash"] == first["_input_hash"] and second["_task_hash"] != -7


def _export(project: ProjectStore, out: Path) -> Path:
    export_project(project, out, "jsonl")
    return out


def test_without_view_id_shared_input_hashes_mean_binary(
    project: ProjectStore, tmp_path: Path
) -> None:
    plain = [{k: v for k, v in task.items() if k != "_view_id"} for task in TASKS[1:4]]
    lone = {k: v for k, v in _teach(BIDEN, "NATO", "ORG", "accept", 5).items() if k != "_view_id"}
    path = _write(tmp_path / "plain.jsonl", [*plain, lone])
    report = import_files(project, [path], annotator="ann")
    assert (report.binary_answers, report.binary_by_rule) == (3, 3)
    assert "share their _input_hash" in report.summary()
    biden = _doc_id(project, BIDEN)
    lone_annotation = project.annotation(biden, "ann")  # alone: a full annotation
    assert lone_annotation is not None and lone_annotation.answer is Answer.ACCEPT
    # --manual reads them all as full annotations (the first of a text; the rest duplicates)
    other = ProjectStore.create(tmp_path / "m.annot", ["PERSON", "ORG"], pipeline="blank:en")
    with other:
        manual = import_files(other, [path], annotator="ann", binary="manual")
        assert (manual.binary_answers, manual.added, manual.duplicates) == (0, 2, 0)
        assert sum(manual.annotations.skipped.values()) == 2


def test_binary_tasks_need_one_span_and_an_answer(project: ProjectStore, tmp_path: Path) -> None:
    two = _teach(TEACH, "Pentagon", "ORG", "accept", 1)
    two["spans"].append(_span(TEACH, "Kyiv", "ORG"))
    unanswered = _teach(TEACH, "Pentagon", "ORG", "accept", 2)
    del unanswered["answer"]
    report = import_files(project, [_write(tmp_path / "bad.jsonl", [two, unanswered])])
    reasons = [e.reason for e in report.errors]
    assert "exactly one span" in reasons[0] and '"answer"' in reasons[1]
    assert project.count_documents() == 0


def test_as_suggestions_still_reads_binary_tasks_as_suggestions(
    project: ProjectStore, tmp_path: Path
) -> None:
    report = import_files(
        project, [_write(tmp_path / "p.jsonl", TASKS[1:2])], as_suggestions=True, annotator="a"
    )
    assert report.binary_answers == 0
    annotation = project.annotation(project.document_ids()[0], "a")
    assert annotation is not None and annotation.answer is None
    assert [s.state for s in annotation.spans] == [SpanState.SUGGESTED]


def test_the_spacy_export_keeps_binary_answers_as_what_they_are(
    project: ProjectStore, tmp_path: Path
) -> None:
    import spacy
    from spacy.tokens import DocBin

    from annotator.nlp.train.binary_spans import INCORRECT_SPANS_KEY

    import_files(project, [_write(tmp_path / "p.jsonl", TASKS)], annotator="ann")
    out = tmp_path / "spacy"
    report = export_project(project, out, "spacy", dev_ratio=0.0)
    assert report.documents == 3 and report.binary_answers == 3  # ignore teaches nothing
    vocab = spacy.blank("en").vocab
    docs = {
        doc.text: doc
        for name in ("train.spacy", "dev.spacy")
        for doc in DocBin().from_disk(out / name).get_docs(vocab)
    }
    teach = docs[TEACH]  # known only through binary answers: the rest is missing, not O
    assert [(t.text, t.ent_iob_) for t in teach] == [
        ("The", ""),
        ("Pentagon", "B"),
        ("sent", ""),
        ("Javelin", ""),
        ("missiles", ""),
        ("to", ""),
        ("Kyiv", ""),
        (".", ""),
    ]
    assert [(s.text, s.label_) for s in teach.spans[INCORRECT_SPANS_KEY]] == [("Javelin", "PERSON")]
    other = docs[OTHER]  # a full annotation (no entities) keeps its O, plus the binary reject
    assert {t.ent_iob_ for t in other} == {"O"}
    assert [(s.text, s.label_) for s in other.spans[INCORRECT_SPANS_KEY]] == [
        ("Olaf Scholz", "ORG")
    ]
    config = (out / "config.cfg").read_text()
    assert f'incorrect_spans_key = "{INCORRECT_SPANS_KEY}"' in config


def test_cli_binary_flag_and_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.cli import main

    project = tmp_path / "p.annot"
    lone = [
        {k: v for k, v in _teach(text, part, "ORG", "reject", i).items() if k != "_view_id"}
        for i, (text, part) in enumerate([(BIDEN, "NATO"), (OTHER, "Bundestag")])
    ]
    source = _write(tmp_path / "lone.jsonl", lone)
    assert main(["new", str(project), "--pipeline", "blank:en"]) == 0
    assert main(["import", str(project), str(source), "--binary", "--annotator", "ann"]) == 0
    assert "2 binary answers" in capsys.readouterr().out
    assert main(["stats", str(project)]) == 0
    out = capsys.readouterr().out
    assert "answered   0" in out and "binary     accept 0  reject 2  ignore 0" in out


def test_errors_of_held_records_are_listed_in_line_order(
    project: ProjectStore, tmp_path: Path
) -> None:
    held = {k: v for k, v in _teach(BIDEN, "NATO", "GPE", "accept", 1).items() if k != "_view_id"}
    path = tmp_path / "order.jsonl"
    path.write_text(json.dumps(held) + "\n{not json\n", encoding="utf-8")
    report = import_files(project, [path])
    assert [(e.line, e.reason[:14] if e.line == 2 else e.reason[:20]) for e in report.errors] == [
        (1, "unknown label 'GPE' "),
        (2, "not valid JSON"),
    ]

"""Rehearsal from the start model's own annotated documents (``nlp.train.start_rehearsal``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import srsly
from training_docs import accepted_report

from annotator.core.resources import resource_path
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.pipeline import load_for_ner
from annotator.nlp.train.data import LabelledText, make_examples
from annotator.nlp.train.project import TrainOptions, train_project
from annotator.nlp.train.start import RECORD, START_ENV, START_FOLDER, read_record
from annotator.nlp.train.start_rehearsal import (
    REHEARSAL_FILE,
    REHEARSAL_FROM_NEWS,
    REHEARSAL_FROM_START,
    file_sha256,
    read_rehearsal,
    start_rehearsal,
)

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]
ROOT = Path(__file__).resolve().parents[2]


def _shipped() -> tuple[Path, dict[str, object]]:
    folder = resource_path(START_FOLDER)
    return folder, read_record(folder)


def test_the_start_model_carries_the_documents_it_learned_from() -> None:
    folder, record = _shipped()
    items = read_rehearsal(folder, LABELS, record["rehearsal_sha256"])
    assert len(items) == record["documents"]
    gold = {label for item in items for _, _, label in item.spans if label in LABELS}
    assert gold == set(LABELS)
    # Beside the gold, the start model's own entities of the labels it was not trained on.
    other = {label for item in items for _, _, label in item.spans if label not in LABELS}
    assert {"GPE", "DATE"} <= other
    # The gold spans are the files' own: the first file's first record, span for span.
    first = next(iter(srsly.read_jsonl(ROOT / record["files"][0])))  # type: ignore[index]
    item = next(i for i in items if i.text == first["text"])
    wanted = {(s["start"], s["end"], s["label"]) for s in first["spans"]}
    assert {s for s in item.spans if s[2] in LABELS} == wanted
    # A project without ORG: no ORG gold, and those tokens are no entity to it...
    learned = [str(label) for label in record["labels"]]  # type: ignore[attr-defined]
    people = read_rehearsal(folder, ["PERSON"], record["rehearsal_sha256"], learned)
    assert not any(label in {"ORG", "WEAPON"} for i in people for _, _, label in i.spans)
    assert not any(i.unknown for i in people) and not any(i.unknown for i in items)
    # ... unless it has a label of its own, which may cover them (a VEHICLE where we annotate
    # WEAPON): then they are unknown to it, neither entity nor O.
    vehicles = read_rehearsal(folder, ["PERSON", "VEHICLE"], record["rehearsal_sha256"], learned)
    assert [i.spans for i in vehicles] == [i.spans for i in people]
    assert {label for i in vehicles for _, _, label in i.unknown} == {"ORG", "WEAPON", "QUANTITY"}
    text = "Ms Ode flew the Hawk T2 over Leeds.\n\nThe Hawk T2 landed."
    item = LabelledText(text, ((3, 6, "PERSON"),), unknown=((16, 23, "WEAPON"), (41, 48, "WEAPON")))
    first, second = make_examples(load_for_ner(), [item])[0]  # a paragraph each, gaps shifted
    assert [t.ent_iob_ for t in first.reference] == ["O", "B", "O", "O", "", "", "O", "O", "O"]
    assert [t.ent_iob_ for t in second.reference] == ["O", "", "", "O", "O"]


def test_training_rehearses_on_them_but_never_on_the_projects_own(tmp_path: Path) -> None:
    _, record = _shipped()
    first = next(iter(srsly.read_jsonl(ROOT / record["files"][0])))  # type: ignore[index]
    with ProjectStore.create(tmp_path / "p.annot", LABELS) as store:
        store.add_documents([accepted_report(i) for i in range(6)])
        store.add_documents([NewDocument(first["text"], {})])  # unanswered, still the project's
        report = train_project(store, TrainOptions(epochs=1, use="always"))
    assert report.start_shipped
    assert report.rehearsal_from == REHEARSAL_FROM_START and not report.rehearsal_problem
    assert report.rehearsal_texts == int(record["documents"]) - 1  # type: ignore[call-overload]
    assert f"Rehearsed on {report.rehearsal_texts} of the start model's own" in report.summary()


@pytest.fixture
def start_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped start model standing in for it (``ANNOTATOR_START_MODEL``)."""
    copy = tmp_path / "start"
    shutil.copytree(resource_path(START_FOLDER), copy)
    monkeypatch.setenv(START_ENV, str(copy))
    return copy


def _reseal(folder: Path) -> None:
    """Write the rehearsal file's SHA-256 into the record, as the build does."""
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    record["rehearsal_sha256"] = file_sha256(folder / REHEARSAL_FILE)
    (folder / RECORD).write_text(json.dumps(record), encoding="utf-8")


def test_altered_or_malformed_rehearsal_texts_are_refused(start_copy: Path) -> None:
    path = start_copy / REHEARSAL_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    items, problem = start_rehearsal(start_copy, LABELS)
    assert items and problem == ""
    path.write_text("\n".join([lines[0], lines[1].replace("a", "b", 1)]), encoding="utf-8")
    items, problem = start_rehearsal(start_copy, LABELS)
    assert items == [] and "SHA-256 does not match" in problem and str(path) in problem
    bad = [
        ('{"text": "Ann", "spans": [[0, 9, "PERSON"]], "other": []}', "out of range"),
        ('{"text": "Ann Lee", "spans": [[0, 3, "PERSON"], [2, 7, "ORG"]], "other": []}', "overl"),
        ('{"text": "Ann", "spans": [[0, true, "PERSON"]], "other": []}', "start, end, label"),
        ('{"text": "Ann", "spans": {}, "other": []}', "must be a list"),
        ('["text"]', "not a rehearsal record"),
        ("{not json", "not JSON"),
    ]
    for line, reason in bad:
        path.write_text(f"{lines[0]}\n{line}\n", encoding="utf-8")
        _reseal(start_copy)
        items, problem = start_rehearsal(start_copy, LABELS)
        assert items == [] and f"{path}, line 2" in problem and reason in problem, line
    # A span of a project label among the model's "other" entities is never taken as gold.
    path.write_text('{"text": "Ann Lee", "spans": [], "other": [[0, 7, "PERSON"]]}\n')
    _reseal(start_copy)
    items, problem = start_rehearsal(start_copy, LABELS)
    assert problem == "" and items[0].spans == ()
    assert start_rehearsal(start_copy, ["ORG"])[0][0].spans == ((0, 7, "PERSON"),)
    path.write_bytes(b'{"text": "\xff"}\n')
    _reseal(start_copy)
    assert start_rehearsal(start_copy, LABELS)[0] == []
    with path.open("wb") as handle:  # far larger than the build writes: not read at all
        handle.truncate(9 * 1024 * 1024)
    assert "larger than" in start_rehearsal(start_copy, LABELS)[1]
    path.unlink()  # a start model built before rehearsal files: nothing to say
    assert start_rehearsal(start_copy, LABELS) == ([], "")


def test_training_falls_back_to_the_news_texts_and_says_why(start_copy: Path) -> None:
    path = start_copy / REHEARSAL_FILE
    path.write_text(path.read_text(encoding="utf-8")[:-200], encoding="utf-8")  # cut short
    with ProjectStore.create(start_copy.parent / "p.annot", LABELS) as store:
        store.add_documents([accepted_report(i) for i in range(6)])
        report = train_project(store, TrainOptions(epochs=1, use="always"))
    assert report.rehearsal_from == REHEARSAL_FROM_NEWS and report.rehearsal_texts >= 20
    assert "SHA-256 does not match" in report.rehearsal_problem
    assert "shipped news texts: the start model's own documents could not be used" in (
        report.summary()
    )
    assert str(path) in report.summary()

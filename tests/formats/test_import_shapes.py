"""Records whose annotations this app cannot read are refused loudly, never imported as text;
a DocBin's spans in ``doc.spans`` are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin, Span

from annotator.core.store import ProjectStore
from annotator.formats.docbin import SpanOptions
from annotator.formats.importing import import_files


def _jsonl(tmp_path: Path, name: str, *records: dict[str, object]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("key", "value"),
    [
        # (doccano's "label"/"entities" lines go to the doccano reader: tests of their own)
        ("ner_tags", [3, 0, 0]),  # Hugging Face data sets
        ("annotations", [{"result": []}]),  # Label Studio
        ("ner", ["B-ORG", "O"]),
        ("tags", ["B-ORG", "O"]),
        ("ents", [{"start": 0, "end": 4, "label": "ORG"}]),  # spaCy's JSON
    ],
)
def test_foreign_annotation_keys_are_errors_naming_the_key(
    project: ProjectStore, tmp_path: Path, key: str, value: object
) -> None:
    path = _jsonl(
        tmp_path,
        "foreign.jsonl",
        {"text": "NATO said so."},
        {"text": "NATO met today.", key: value},
    )
    report = import_files(project, [path])
    assert report.added == 1
    assert [(e.line, key in e.reason) for e in report.errors] == [(2, True)]
    assert "would be lost" in report.errors[0].reason


def test_empty_annotation_keys_lose_nothing(project: ProjectStore, tmp_path: Path) -> None:
    path = _jsonl(tmp_path, "empty.jsonl", {"text": "NATO said so.", "label": [], "ner": None})
    assert import_files(project, [path]).added == 1


def test_jsonl_saved_as_txt_is_read_as_jsonl(project: ProjectStore, tmp_path: Path) -> None:
    record = {"text": "NATO said so.", "spans": [{"start": 0, "end": 4, "label": "ORG"}]}
    report = import_files(
        project, [_jsonl(tmp_path, "records.txt", record, record | {"text": "NATO left."})]
    )
    assert report.added == 2
    (doc, annotation), *_ = project.iter_annotations()
    assert doc.text == "NATO said so." and [s.key for s in annotation.spans] == [(0, 4, "ORG")]


def _docbin(path: Path, groups: dict[str, list[tuple[int, int, str]]], ents=()) -> str:  # type: ignore[no-untyped-def]
    nlp = spacy.blank("en")
    doc = nlp("NATO sent HIMARS to Kyiv and 2,000 soldiers.")
    for key, spans in groups.items():
        doc.spans[key] = [Span(doc, a, b, label=label) for a, b, label in spans]
    doc.ents = [doc.char_span(*e) for e in ents]
    DocBin(docs=[doc], store_user_data=False).to_disk(path)
    return doc.text


def _spans(store: ProjectStore) -> list[tuple[str, str]]:
    return [
        (d.text[s.start : s.end], s.label) for d, a in store.iter_annotations() for s in a.spans
    ]


def test_docbin_spans_in_sc_are_read(project: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "sc.spacy"
    _docbin(path, {"sc": [(0, 1, "ORG"), (2, 3, "WEAPON"), (6, 8, "QUANTITY")]})
    report = import_files(project, [path])
    assert report.added == 1 and not report.errors
    assert _spans(project) == [
        ("NATO", "ORG"),
        ("HIMARS", "WEAPON"),
        ("2,000 soldiers", "QUANTITY"),
    ]


def test_several_span_keys_need_a_choice(project: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "two.spacy"
    _docbin(path, {"sc": [(0, 1, "ORG")], "people": [(2, 3, "WEAPON")]})
    report = import_files(project, [path])
    assert report.added == 0 and len(report.failed_files) == 1
    assert "'people', 'sc'" in report.failed_files[0].reason
    assert "--spans-key" in report.failed_files[0].reason
    chosen = import_files(project, [path], spans=SpanOptions(key="people"))
    assert chosen.added == 1 and _spans(project) == [("HIMARS", "WEAPON")]


def test_overlapping_spans_are_an_error_or_kept_aside_on_request(
    project: ProjectStore, tmp_path: Path
) -> None:
    path = tmp_path / "overlap.spacy"
    _docbin(path, {"sc": [(0, 1, "ORG"), (6, 8, "QUANTITY"), (6, 7, "QUANTITY")]})
    report = import_files(project, [path])
    assert report.added == 0
    (error,) = report.errors
    assert error.line == 1 and "document 1" in error.reason
    assert "'2,000 soldiers'" in error.reason and "'2,000'" in error.reason
    kept = import_files(project, [path], spans=SpanOptions(drop_overlapping=True))
    assert kept.added == 1
    assert _spans(project) == [("NATO", "ORG"), ("2,000 soldiers", "QUANTITY")]
    (doc,) = project.iter_documents()
    assert doc.meta["overlapping_spans"] == [{"start": 29, "end": 34, "label": "QUANTITY"}]


def test_spans_beside_other_entities_are_not_dropped(project: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "both.spacy"
    _docbin(path, {"sc": [(2, 3, "WEAPON")]}, ents=[(0, 4, "ORG")])
    report = import_files(project, [path])
    assert report.added == 0 and "doc.spans 'sc'" in report.errors[0].reason
    chosen = import_files(project, [path], spans=SpanOptions(key="sc"))
    assert chosen.added == 1 and _spans(project) == [("HIMARS", "WEAPON")]
    only_ents = tmp_path / "ents.spacy"
    _docbin(only_ents, {}, ents=[(0, 4, "ORG")])
    refused = import_files(project, [only_ents], spans=SpanOptions(key="sc"))
    assert refused.added == 0 and "no spans under doc.spans['sc']" in refused.errors[0].reason


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ('[{"data": {"text": "NATO met."}, "annotations": []}]', "a JSON document"),
        ('id,text,label\n1,"NATO met.",ORG\n', "a table"),
        ('id\ttext\tlabej\n1\t"NATO met."\tORG\n', "a table"),  # a damaged column name
        ('id\tt"\tORG\n1\t"NATO met."\tORG\n', "a table"),  # a header cut by damage
        # A quoted cell holding a line separator (U+2028) is one row, not two.
        ('id;text;label\n0;"NATO\u2028met.";ORG\n', "a table"),
    ],
)
def test_txt_holding_what_no_reader_takes_is_refused(
    project: ProjectStore, tmp_path: Path, content: str, what: str
) -> None:
    path = tmp_path / "data.txt"
    path.write_text(content, encoding="utf-8")
    report = import_files(project, [path])
    assert report.added == 0 and [e.line for e in report.errors] == [1]
    assert what in report.errors[0].reason and "--format text" in report.errors[0].reason
    assert import_files(project, [path], fmt="text").added == 1  # as text, when asked


@pytest.mark.parametrize(
    "prose",
    ["NATO said, on Monday, that\ntroops would move, soon.\n", "Hello, world.\nBye, all.\n"],
)
def test_prose_with_commas_is_still_text(project: ProjectStore, tmp_path: Path, prose: str) -> None:
    path = tmp_path / "prose.txt"
    path.write_text(prose, encoding="utf-8")
    assert import_files(project, [path]).added == 1
    assert [d.text for d in project.iter_documents()] == [path.read_text(encoding="utf-8")]


def test_a_txt_that_starts_like_conll_is_read_as_conll_with_its_damage_reported(
    project: ProjectStore, tmp_path: Path
) -> None:
    path = tmp_path / "tags.txt"
    path.write_text("-DOCSTART- -X- O O\n\nNATO I}ORG\n", encoding="utf-8")
    report = import_files(project, [path])
    assert report.added == 0 and [e.line for e in report.errors] == [3]

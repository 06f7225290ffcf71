import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.progress import Cancelled, CancelToken
from annotator.core.store import NewDocument, ProjectStore
from annotator.formats.suggest_file import suggest_file
from annotator.nlp.preannotate import pre_annotate, suggester_for_project
from annotator.nlp.suggest import Suggester

TEXTS = [
    "Ukraine received 16 HIMARS and more Javelin missiles last week.",
    "The Patriot batteries arrived in Poland.",
    "Nothing to see here.",
]


@pytest.fixture
def filled(project: ProjectStore) -> ProjectStore:
    project.add_documents([NewDocument(t, {}) for t in TEXTS])
    return project


def test_pre_annotate_caches_by_version(filled: ProjectStore) -> None:
    suggester = suggester_for_project(filled)  # blank:en -> patterns only, fast
    report = pre_annotate(filled, suggester)
    assert (report.documents, report.cached) == (3, 0)
    first = filled.cached_suggestions(filled.document_ids()[0], suggester.version)
    assert first is not None and {s.label for s in first} == {"WEAPON"}
    again = pre_annotate(filled, suggester)
    assert (again.documents, again.cached) == (0, 3)

    filled.add_project_pattern({"label": "ORG", "pattern": "Poland"})
    changed = suggester_for_project(filled)
    assert changed.version != suggester.version
    redo = pre_annotate(filled, changed, limit=2)
    assert redo.documents == 2
    second = filled.cached_suggestions(filled.document_ids()[1], changed.version)
    assert second is not None and ("ORG", "Poland") in {
        (s.label, TEXTS[1][s.start : s.end]) for s in second
    }


def test_pre_annotate_cancel_stores_nothing_more(filled: ProjectStore) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        pre_annotate(filled, suggester_for_project(filled), cancel=token)
    assert len(filled.documents_without_suggestions(suggester_for_project(filled).version)) == 3


def test_suggest_file_writes_export_shape_and_reports_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"text": TEXTS[0], "meta": {"id": 7}}) + "\n{oops\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    report, errors = suggest_file(Suggester("blank:en"), source, out)
    assert report.documents == 1 and [e.line for e in errors] == [2]
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["meta"] == {"id": 7} and line["tokens"][0]["text"] == "Ukraine"
    assert [(TEXTS[0][s["start"] : s["end"]], s["label"]) for s in line["spans"]] == [
        ("HIMARS", "WEAPON"),
        ("Javelin", "WEAPON"),
    ]


def test_cli_suggest_and_patterns(filled: ProjectStore, tmp_path: Path) -> None:
    patterns = tmp_path / "mine.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "Poland"}\n', encoding="utf-8")
    assert main(["patterns", str(filled.path), str(patterns)]) == 0
    assert filled.project_patterns() == [{"label": "ORG", "pattern": "Poland"}]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ORG"}\n', encoding="utf-8")
    assert main(["patterns", str(filled.path), str(bad)]) == 2
    assert main(["suggest", str(filled.path)]) == 0
    version = suggester_for_project(filled).version
    assert filled.documents_without_suggestions(version) == []


@pytest.mark.parametrize("raw", ['["ORG"]', "not json", '{"NORP": 5}'])
def test_a_damaged_label_map_setting_is_refused_with_a_message(
    project: ProjectStore, raw: str
) -> None:
    from annotator.core.store import StoreError
    from annotator.nlp.label_map_setting import project_label_map

    project.set_setting("label_map", raw)
    with pytest.raises(StoreError, match="label map setting is damaged"):
        suggester_for_project(project)
    project.set_setting("label_map", '{"NORP": null, "FAC": "ORG"}')
    assert project_label_map(project) == {"NORP": None, "FAC": "ORG"}

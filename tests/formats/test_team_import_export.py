"""Several annotators through import and export: nothing dropped, whose work comes out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.model import Answer
from annotator.core.store import ProjectStore
from annotator.core.team import REVIEWED
from annotator.core.team_store import HAS_OWN
from annotator.formats.exporting import export_project
from annotator.formats.importing import import_files

REPO = Path(__file__).resolve().parents[2]
TEXT = "Joe Biden met NATO in Brussels."
BIDEN = {"start": 0, "end": 9, "label": "PERSON"}
NATO = {"start": 14, "end": 18, "label": "ORG"}


def _prodigy(who: str, spans: list[dict[str, object]], text: str = TEXT) -> str:
    """A record in the shape of Prodigy's db-out."""
    return json.dumps(
        {"text": text, "spans": spans, "answer": "accept", "_annotator_id": who, "_view_id": "x"}
    )


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _export(store: ProjectStore, out: Path, source: str) -> list[dict[str, object]]:
    export_project(store, out, "jsonl", source=source)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_two_annotators_in_both_out_and_the_reviewed_one_with_from_reviewed(
    project: ProjectStore, tmp_path: Path
) -> None:
    data = _write(
        tmp_path / "prodigy.jsonl",
        [_prodigy("a1", [BIDEN, NATO]), _prodigy("a2", [BIDEN]), _prodigy("a2", [], "Quiet.")],
    )
    report = import_files(project, [data])
    assert (report.added, report.annotations.annotations_added) == (2, 3)
    doc_id = project.document_ids()[0]
    assert sorted(project.annotations_of(doc_id)) == ["a1", "a2"]

    everything = _export(project, tmp_path / "all.jsonl", "all")
    assert sorted((r["_annotator_id"], len(r["spans"])) for r in everything) == [  # type: ignore[arg-type]
        ("a1", 2),
        ("a2", 0),
        ("a2", 1),
    ]
    # The default never picks one of two disagreeing annotations: it leaves the document out
    # and says so.
    report_auto = export_project(project, tmp_path / "auto.jsonl", "jsonl")
    assert report_auto.documents == 1 and report_auto.undecided == 1
    assert f"documents {doc_id}" in report_auto.notes[0]
    assert main(["export", project.location, str(tmp_path / "cli-auto.jsonl")]) == 3

    assert project.seed_review(doc_id)
    reviewed = project.annotation_or_empty(doc_id, REVIEWED)
    assert [(s.key, s.state.value) for s in reviewed.spans] == [
        ((0, 9, "PERSON"), "accepted"),  # both made it
        ((14, 18, "ORG"), "suggested"),  # only a1: the reviewer decides
    ]
    project.remove_span(doc_id, REVIEWED, reviewed.spans[1])
    project.set_answer(doc_id, REVIEWED, Answer.ACCEPT)
    out = _export(project, tmp_path / "reviewed.jsonl", "reviewed")
    assert [(r["_annotator_id"], r["spans"]) for r in out] == [
        (REVIEWED, [{**BIDEN, "token_start": 0, "token_end": 1, "source": "review"}])
    ]
    # The same through the command line: both annotators out with --from all.
    cli_out = tmp_path / "cli.jsonl"
    assert main(["export", project.location, str(cli_out), "--from", "all"]) == 0
    names = [json.loads(line)["_annotator_id"] for line in cli_out.read_text().splitlines()]
    assert sorted(names) == [REVIEWED, "a1", "a2", "a2"]
    # Now the default takes the reviewed annotation for that document.
    auto = _export(project, tmp_path / "auto2.jsonl", "auto")
    assert sorted(str(r["_annotator_id"]) for r in auto) == [REVIEWED, "a2"]
    # The reviewer's rejection is not a rejection of a suggester's suggestion.
    assert project.suppressions() == []


@pytest.mark.parametrize("order", ["sample first", "gold first"])
def test_nothing_is_dropped_in_any_import_order(tmp_path: Path, order: str) -> None:
    """The sample corpus and the gold files of the same texts (the seed, dev-01..04)."""
    labels = ["PERSON", "ORG", "WEAPON", "QUANTITY", "GPE"]
    project = ProjectStore.create(tmp_path / "p.annot", labels, pipeline="blank:en")
    sample = REPO / "corpora" / "sample.jsonl"
    gold = [REPO / "corpora/seed/article-2022-02-04.gold.jsonl"]
    gold += sorted((REPO / "corpora" / "dev").glob("dev-0[1-4].gold.jsonl"))
    spans_in = sum(
        len(json.loads(line)["spans"]) for p in gold for line in p.read_text().splitlines()
    )
    files = [sample, *gold] if order == "sample first" else [*gold, sample]
    report = import_files(project, files, annotator="gold")
    assert not report.errors and not report.failed_files
    assert sum(report.annotations.skipped.values()) == 0
    assert report.annotations.annotations_added == 5
    assert project.count_documents() == 5
    assert sum(project.stats()["spans"].values()) == spans_in == 200
    project.close()


def test_an_annotators_own_annotation_is_replaced_only_with_update(
    project: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(tmp_path / "first.jsonl", [_prodigy("a1", [BIDEN])])
    second = _write(tmp_path / "second.jsonl", [_prodigy("a1", [BIDEN, NATO])])
    import_files(project, [first])
    path = project.location
    assert main(["import", path, str(second), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["annotations_skipped"] == 1 and counts["skipped_reasons"] == {HAS_OWN: 1}
    doc_id = project.document_ids()[0]
    assert len(project.annotation_or_empty(doc_id, "a1").spans) == 1

    assert main(["import", path, str(second), "--update"]) == 0
    assert "1 updated" in capsys.readouterr().out
    assert len(project.annotation_or_empty(doc_id, "a1").spans) == 2


def test_the_annotator_comes_from_the_record_then_the_option(
    project: ProjectStore, tmp_path: Path
) -> None:
    data = _write(
        tmp_path / "mixed.jsonl",
        [
            json.dumps({"text": TEXT, "spans": [BIDEN], "_session_id": "news-s1"}),
            json.dumps({"text": TEXT, "spans": [NATO], "annotator": "ours"}),
            json.dumps({"text": TEXT, "answer": "reject"}),
            json.dumps({"text": TEXT, "spans": [BIDEN], "answer": "accept"}),
            json.dumps({"text": TEXT, "spans": [BIDEN], "_annotator_id": "@admin"}),
        ],
    )
    report = import_files(project, [data], annotator="cli")
    assert sorted(project.annotations_of(project.document_ids()[0])) == ["cli", "news-s1", "ours"]
    # "cli" came twice with different spans: the second is skipped and counted.
    assert report.annotations.skipped == {HAS_OWN: 1}
    assert [(e.line, "'@'" in e.reason) for e in report.errors] == [(5, True)]
    assert report.read == 5

"""annotator merge: copies annotators worked on apart come together; nothing lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.merge import merge_projects
from annotator.core.model import Answer, Label, LabelSet, Span
from annotator.core.store import NewDocument, ProjectStore, StoreError

TEXTS = ["Joe Biden met NATO.", "Putin spoke.", "Quiet day."]


def _copies(tmp_path: Path) -> tuple[Path, Path, Path]:
    base = tmp_path / "base.annot"
    with ProjectStore.create(base, ["PERSON", "ORG"], pipeline="blank:en") as store:
        store.add_documents(NewDocument(t, {}) for t in TEXTS)
    ours, theirs = tmp_path / "ours.annot", tmp_path / "theirs.annot"
    shutil.copy(base, ours)
    shutil.copy(base, theirs)
    return base, ours, theirs


def _annotate(path: Path, who: str, doc_id: int, spans: list[Span]) -> None:
    with ProjectStore.open(path) as store:
        for span in spans:
            store.add_span(doc_id, who, span)
        store.set_answer(doc_id, who, Answer.ACCEPT)


def test_merge_adds_each_annotators_work_and_twice_changes_nothing(tmp_path: Path) -> None:
    _, ours, theirs = _copies(tmp_path)
    _annotate(ours, "a1", 1, [Span(0, 9, "PERSON")])
    _annotate(theirs, "a2", 1, [Span(0, 9, "PERSON"), Span(14, 18, "ORG")])
    with ProjectStore.open(theirs) as other:
        other.add_documents([NewDocument("Only in theirs.", {})])
        other.set_labels(LabelSet([*other.labels(), Label("WEAPON", "#123456", "3")]))
        other.add_project_pattern({"label": "ORG", "pattern": "NATO"})
    before = theirs.read_bytes()
    with ProjectStore.open(ours) as store:
        report = merge_projects(store, [theirs])
        assert (report.documents_added, report.annotations_added) == (1, 1)
        assert report.labels_added == ["WEAPON"] and report.patterns_added == 1
        assert sorted(store.annotations_of(1)) == ["a1", "a2"]
        assert store.count_documents() == 4
        again = merge_projects(store, [theirs])
        assert (again.documents_added, again.annotations_added, again.patterns_added) == (0, 0, 0)
        assert again.annotations_same == 1 and not again.conflicts
    assert theirs.read_bytes() == before  # OTHER is only read


@pytest.mark.parametrize(("prefer", "spans"), [(None, 1), ("ours", 1), ("theirs", 2), ("newer", 2)])
def test_a_conflict_is_reported_and_settled_only_by_a_choice(
    tmp_path: Path, prefer: str | None, spans: int
) -> None:
    _, ours, theirs = _copies(tmp_path)
    _annotate(ours, "a1", 1, [Span(0, 9, "PERSON")])
    _annotate(theirs, "a1", 1, [Span(0, 9, "PERSON"), Span(14, 18, "ORG")])  # saved later
    with ProjectStore.open(ours) as store:
        report = merge_projects(store, [theirs], prefer)
        assert [(c.doc_id, c.annotator) for c in report.conflicts] == [(1, "a1")]
        assert len(store.annotation_or_empty(1, "a1").spans) == spans
        assert bool(report.unresolved) == (prefer is None)


def test_the_cli_says_conflicts_and_refuses_the_project_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, ours, theirs = _copies(tmp_path)
    _annotate(ours, "a1", 1, [Span(0, 9, "PERSON")])
    _annotate(theirs, "a1", 1, [])
    assert main(["merge", str(ours), str(theirs)]) == 3
    assert "choose with --prefer" in capsys.readouterr().out
    assert main(["merge", str(ours), str(ours)]) == 2
    assert "is the project itself" in capsys.readouterr().err
    with ProjectStore.open(ours) as store, pytest.raises(StoreError, match="no such project"):
        merge_projects(store, [tmp_path / "missing.annot"])


def test_a_file_that_is_no_project_is_refused_and_nothing_merged(tmp_path: Path) -> None:
    import sqlite3

    _, ours, theirs = _copies(tmp_path)
    _annotate(theirs, "a2", 1, [Span(0, 9, "PERSON")])
    stranger = tmp_path / "other.db"
    with sqlite3.connect(stranger) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = ours.read_bytes()
    with ProjectStore.open(ours) as store, pytest.raises(StoreError, match="not an annotator"):
        merge_projects(store, [theirs, stranger])
    with ProjectStore.open(ours) as store:
        assert store.annotation(1, "a2") is None
    assert len(ours.read_bytes()) == len(before)

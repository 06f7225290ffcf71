import multiprocessing
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core import edits
from annotator.core.model import Answer, Label, LabelSet, Span, SpanState, ValidationError
from annotator.core.project_stats import thin_history
from annotator.core.schema import SCHEMA_VERSION, SchemaError
from annotator.core.store import NewDocument, ProjectStore, StoreError

TEXT = "Joe Biden met NATO leaders in Brussels."
# About the SQLite file itself (PRAGMAs, its bytes): the other tests run on both back ends.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


@SQLITE_ONLY
def test_project_settings_and_pragmas(project: ProjectStore) -> None:
    conn = sqlite3.connect(project.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    assert project.pipeline == "blank:en"
    assert project.labels().names == ["PERSON", "ORG", "WEAPON", "QUANTITY"]


def test_create_refuses_existing_file_and_open_refuses_missing(tmp_path: Path) -> None:
    path = tmp_path / "x.annot"
    path.write_text("keep me")
    with pytest.raises(StoreError, match="already exists"):
        ProjectStore.create(path, ["ORG"])
    assert path.read_text() == "keep me"
    with pytest.raises(StoreError, match="no such project"):
        ProjectStore.open(tmp_path / "missing.annot")
    assert not (tmp_path / "missing.annot").exists()


@SQLITE_ONLY
def test_newer_schema_is_refused_and_file_untouched(project: ProjectStore) -> None:
    path = project.path
    project.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaError, match="newer version"):
        ProjectStore.open(path)
    assert path.read_bytes() == before


def test_corrupt_or_foreign_file_gives_clear_error(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.annot"
    corrupt.write_bytes(b"\x00garbage" * 1000)
    before = corrupt.read_bytes()
    with pytest.raises(StoreError, match=r"damaged|not an annotator project"):
        ProjectStore.open(corrupt)
    assert corrupt.read_bytes() == before
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t(x)")
    conn.close()
    with pytest.raises(StoreError, match="not an annotator project"):
        ProjectStore.open(foreign)


def test_duplicates_found_by_text_hash(project: ProjectStore) -> None:
    assert project.add_documents([NewDocument(TEXT, {}), NewDocument(TEXT, {"x": 1})]) == (1, 1)
    assert project.add_documents([NewDocument(TEXT, {})]) == (0, 1)
    assert project.count_documents() == 1


def _doc(project: ProjectStore, text: str = TEXT) -> int:
    project.add_documents([NewDocument(text, {"id": "a"}, "f.jsonl", 3)])
    return project.document_ids()[-1]


def test_span_edits_apply_and_invert(project: ProjectStore) -> None:
    doc = _doc(project)
    person = Span(0, 9, "PERSON")
    history = [
        edits.AddSpan(doc, "ann", person),
        edits.AddSpan(doc, "ann", Span(14, 18, "ORG")),
        edits.ReplaceSpan(doc, "ann", person, person.with_(label="ORG")),
        edits.SetAnswer(doc, "ann", None, Answer.ACCEPT),
    ]
    states = []
    for edit in history:
        states.append(project.annotation_or_empty(doc, "ann"))
        edit.apply(project)
    final = project.annotation(doc, "ann")
    assert final is not None and final.answer is Answer.ACCEPT
    assert [(s.label, s.start) for s in final.spans] == [("ORG", 0), ("ORG", 14)]
    for edit, before in zip(reversed(history), reversed(states), strict=True):
        edit.invert().apply(project)
        after = project.annotation_or_empty(doc, "ann")
        assert (after.answer, after.spans) == (before.answer, before.spans)


def test_store_refuses_overlap_and_missing_spans(project: ProjectStore) -> None:
    doc = _doc(project)
    project.add_span(doc, "ann", Span(0, 9, "PERSON"))
    with pytest.raises(ValidationError, match="overlap"):
        project.add_span(doc, "ann", Span(4, 13, "ORG"))
    with pytest.raises(ValidationError, match="out of range"):
        project.add_span(doc, "ann", Span(30, 300, "ORG"))
    with pytest.raises(ValidationError, match="no span"):
        project.remove_span(doc, "ann", Span(14, 18, "ORG"))
    assert len(project.annotation_or_empty(doc, "ann").spans) == 1


def test_suggestions_seed_once_and_accepting_document_accepts_them(project: ProjectStore) -> None:
    doc = _doc(project)
    project.add_span(doc, "ann", Span(0, 9, "PERSON"))
    suggested = [Span(0, 3, "ORG", source="model"), Span(14, 18, "ORG", source="model")]
    assert project.seed_suggestions(doc, "ann", suggested)
    annotation = project.annotation_or_empty(doc, "ann")
    assert [s.key for s in annotation.suggested] == [(14, 18, "ORG")]  # overlap skipped
    edits.RemoveSpan(doc, "ann", annotation.suggested[0]).apply(project)
    assert not project.seed_suggestions(doc, "ann", suggested)  # rejected stays rejected
    assert project.annotation_or_empty(doc, "ann").suggested == []

    project.seed_suggestions(doc, "other", suggested)
    batch = edits.answer_document(project.annotation_or_empty(doc, "other"), Answer.ACCEPT)
    batch.apply(project)
    done = project.annotation_or_empty(doc, "other")
    assert done.answer is Answer.ACCEPT and all(s.state is SpanState.ACCEPTED for s in done.spans)
    batch.invert().apply(project)
    undone = project.annotation_or_empty(doc, "other")
    assert undone.answer is None and len(undone.suggested) == 2


def test_suggestion_cache_is_keyed_by_version(project: ProjectStore) -> None:
    doc = _doc(project)
    project.store_suggestions([(doc, [Span(0, 9, "PERSON", source="model", score=0.9)])], "v1")
    cached = project.cached_suggestions(doc, "v1")
    assert cached is not None and cached[0].score == 0.9 and cached[0].state is SpanState.SUGGESTED
    assert project.cached_suggestions(doc, "v2") is None
    assert project.documents_without_suggestions("v2") == [doc]
    assert project.documents_without_suggestions("v1") == []


def test_rename_label_carries_spans(project: ProjectStore) -> None:
    doc = _doc(project)
    project.add_span(doc, "ann", Span(14, 18, "ORG"))
    labels = LabelSet([Label("PERSON", key="1"), Label("ORGANIZATION", "#123456", "2")])
    project.set_labels(labels, renames={"ORG": "ORGANIZATION"})
    assert project.labels() == labels
    assert project.annotation_or_empty(doc, "ann").spans[0].label == "ORGANIZATION"


def test_renames_apply_at_once_so_a_swap_swaps(project: ProjectStore) -> None:
    doc = _doc(project)
    project.add_span(doc, "ann", Span(0, 9, "PERSON"))
    project.add_span(doc, "ann", Span(14, 18, "ORG"))
    swapped = LabelSet([Label("ORG", key="1"), Label("PERSON", key="2")])
    project.set_labels(swapped, renames={"PERSON": "ORG", "ORG": "PERSON"})
    spans = project.annotation_or_empty(doc, "ann").spans
    assert [(s.start, s.label) for s in spans] == [(0, "ORG"), (14, "PERSON")]


def test_an_edit_relabelled_after_a_rename_undoes_and_redoes(project: ProjectStore) -> None:
    """Edits made before a rename, relabelled, still find their spans (undo history)."""
    doc = _doc(project)
    person = Span(0, 9, "PERSON", SpanState.SUGGESTED, "model")
    project.add_span(doc, "ann", person)
    history: list[edits.Edit] = [
        edits.AddSpan(doc, "ann", Span(14, 18, "ORG")),
        edits.accept_suggestions(project.annotation_or_empty(doc, "ann")),
        edits.SetAnswer(doc, "ann", None, Answer.ACCEPT),
    ]
    for edit in history:
        edit.apply(project)
    renames = {"ORG": "ORGANIZATION", "PERSON": "PER"}
    labels = LabelSet([Label("PER", key="1"), Label("ORGANIZATION", key="2")])
    project.set_labels(labels, renames)
    history = [edit.relabel(renames) for edit in history]
    assert history[0].description == "Add ORGANIZATION"
    assert history[1].description == "Accept 1 spans"
    batch = edits.Batch(doc, "ann", (), "Add PERSON over ORG, not PERSONNEL")
    assert batch.relabel(renames).description == "Add PER over ORGANIZATION, not PERSONNEL"
    for edit in reversed(history):
        edit.invert().apply(project)
    undone = project.annotation_or_empty(doc, "ann")
    assert [(s.label, s.state) for s in undone.spans] == [("PER", SpanState.SUGGESTED)]
    assert undone.answer is None
    for edit in history:
        edit.apply(project)
    redone = project.annotation_or_empty(doc, "ann")
    assert [(s.label, s.state) for s in redone.spans] == [
        ("PER", SpanState.ACCEPTED),
        ("ORGANIZATION", SpanState.ACCEPTED),
    ]


def test_document_states_reads_a_part_of_the_list(project: ProjectStore) -> None:
    assert project.last_document_id() == 0
    project.add_documents([NewDocument(f"Text {i} about NATO.", {}) for i in range(10)])
    assert project.last_document_id() == 10
    for doc_id in (2, 5, 6):
        project.set_answer(doc_id, "ann", Answer.ACCEPT)
    project.add_span(5, "ann", Span(0, 4, "ORG"))
    part = project.document_states("ann", after=3, through=7)
    assert part == [(4, None, 0), (5, Answer.ACCEPT, 1), (6, Answer.ACCEPT, 0), (7, None, 0)]
    assert [i for i, _, _ in project.document_states("ann", after=3, limit=2)] == [4, 5]
    accepted = project.document_states("ann", Answer.ACCEPT, after=2, through=9)
    assert [i for i, _, _ in accepted] == [5, 6]
    assert [i for i, _, _ in project.document_states("ann", "todo", "TEXT 3", after=3)] == [4]
    assert project.document_states("ann", "todo", "text 1", after=0, limit=5) == []  # accepted
    assert project.document_states("ann") == project.document_states("ann", after=0, limit=99)


def test_stats_rows_cursor_and_history(project: ProjectStore) -> None:
    doc = _doc(project)
    other = _doc(project, "Another text about the Pentagon.")
    project.add_span(doc, "ann", Span(0, 9, "PERSON"))
    project.set_answer(doc, "ann", Answer.ACCEPT)
    project.set_cursor("ann", other)
    stats = project.stats("ann")
    assert stats["documents"] == 2 and stats["answered"] == 1
    assert stats["spans"]["PERSON"] == 1 and stats["answers"]["accept"] == 1
    assert [r.id for r in project.document_rows("ann", "todo")] == [other]
    assert [r.id for r in project.document_rows("ann", Answer.ACCEPT)] == [doc]
    assert [r.id for r in project.document_rows("ann", search="pentagon")] == [other]
    assert project.cursor("ann") == other
    assert project.document_states("ann") == [(doc, Answer.ACCEPT, 1), (other, None, 0)]
    assert project.next_to_do("ann", after=doc) == other
    assert project.next_to_do("ann", after=other) == other  # wraps around
    assert project.count_to_do("ann") == 1
    # One annotation per document: ann answered one and works on the other (claimed by
    # next_to_do), so another annotator has nothing to do; with two per document, both.
    assert project.count_to_do("nobody") == 0
    project.set_per_document(2)
    assert project.count_to_do("nobody") == 2
    project.set_per_document(1)
    project.set_answer(doc, "ann", Answer.REJECT)  # answered again: still one document
    project.set_answer(other, "ann", Answer.IGNORE)
    project.set_answer(other, "ann", None)  # undone
    assert [n for _, n in project.answered_over_time("ann")] == [1, 1, 2, 1]
    assert project.answered_over_time("nobody") == []


def _writer(path: str, doc_id: int, annotator: str, count: int) -> None:
    store = ProjectStore.open(path)
    for i in range(count):
        store.add_span(doc_id, annotator, Span(i * 2, i * 2 + 1, "ORG"))
    store.close()


def test_two_processes_edit_one_project_safely(project: ProjectStore) -> None:
    doc = _doc(project, "x " * 200)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_writer, args=(project.location, doc, name, 60))
        for name in ("one", "two")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(project.annotation_or_empty(doc, "one").spans) == 60
    assert len(project.annotation_or_empty(doc, "two").spans) == 60


def test_next_to_do_is_none_once_everything_is_answered(project: ProjectStore) -> None:
    docs = [_doc(project, f"Text number {i} about NATO.") for i in range(4)]
    for doc in docs[:-1]:
        project.set_answer(doc, "ann", Answer.ACCEPT)
    assert project.next_to_do("ann", after=docs[-1]) == docs[-1]  # wraps to the one left
    assert project.next_to_do("ann", after=docs[0]) == docs[-1]
    project.set_answer(docs[-1], "ann", Answer.IGNORE)
    assert project.next_to_do("ann", after=docs[-1]) is None
    assert project.next_to_do("ann") is None
    assert project.next_to_do("someone else") is None  # one annotation per document
    project.set_per_document(2)
    assert project.next_to_do("someone else") == docs[0]  # per annotator
    project.set_answer(docs[1], "ann", None)  # undone: to do again
    assert project.next_to_do("ann", after=docs[-1]) == docs[1]


def test_reader_sees_committed_edits_and_cannot_write(project: ProjectStore) -> None:
    doc = _doc(project)
    reader = ProjectStore.open_reader(project.location)
    try:
        assert reader.stats("ann")["answered"] == 0
        project.add_span(doc, "ann", Span(0, 9, "PERSON"))
        project.set_answer(doc, "ann", Answer.ACCEPT)
        snapshot = reader.stats_snapshot("ann")
        assert snapshot.annotator == "ann" and snapshot.stats["answered"] == 1
        assert snapshot.stats["spans"]["PERSON"] == 1
        assert [n for _, n in snapshot.history] == [1]
        with pytest.raises(Exception, match=r"readonly|read-only"):
            reader._conn.execute("DELETE FROM documents")
    finally:
        reader.close()
    assert project.count_documents() == 1


def test_thin_history_keeps_the_last_point() -> None:
    history = [(float(i), i) for i in range(1, 10_001)]
    thinned = thin_history(history, 100)
    assert len(thinned) <= 101 and thinned[0] == history[0] and thinned[-1] == history[-1]
    assert thinned == sorted(thinned)
    assert thin_history(history[:50], 100) == history[:50]


def test_document_list_counts_suggestions_not_yet_shown(project: ProjectStore) -> None:
    """With a suggester version, computed suggestions count before they are put in (issue 12:
    the Spans column showed 0 after "suggest for all"); seeded or answered ones do not."""
    project.add_documents(NewDocument(f"NATO and NATO {i}.", {}) for i in range(3))
    ids = project.document_ids()
    spans = [Span(0, 4, "ORG", SpanState.SUGGESTED), Span(9, 13, "ORG", SpanState.SUGGESTED)]
    project.store_suggestions([(doc_id, spans) for doc_id in ids], "v1")
    project.seed_suggestions(ids[1], "ann", spans[:1])  # shown: its own spans count
    project.set_answer(ids[2], "ann", Answer.REJECT)
    counts = {i: n for i, _, n in project.document_states("ann", version="v1")}
    assert counts == {ids[0]: 2, ids[1]: 1, ids[2]: 0}
    assert project.suggestions_seeded(ids[1], "ann")
    assert not project.suggestions_seeded(ids[0], "ann")
    assert {n for _, _, n in project.document_states("ann")} == {0, 1}  # no version: as before
    assert {n for _, _, n in project.document_states("ann", version="v2")} == {0, 1}


_HALF_ANSWER = """
import sys
from annotator.core.model import Answer, Span
from annotator.core.store import ProjectStore
store = ProjectStore.open(sys.argv[1])
doc = int(sys.argv[2])
with store.transaction():
    store.add_span(doc, "ann", Span(0, 9, "PERSON"))
    print("half", flush=True)
    sys.stdin.readline()  # killed here, between the span and the answer
    store.set_answer(doc, "ann", Answer.ACCEPT)
"""


def test_an_annotator_killed_mid_answer_leaves_no_part_of_it(project: ProjectStore) -> None:
    doc = _doc(project)
    child = subprocess.Popen(
        [sys.executable, "-c", _HALF_ANSWER, project.location, str(doc)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "half\n"
        child.kill()  # SIGKILL: no cleanup of any kind in the child
    finally:
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert project.annotation(doc, "ann") is None
    # The write lock it held is free again: the same answer goes through whole.
    project.add_span(doc, "ann", Span(0, 9, "PERSON"))
    project.set_answer(doc, "ann", Answer.ACCEPT)
    assert project.annotation_or_empty(doc, "ann").answer is Answer.ACCEPT

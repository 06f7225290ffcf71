"""Binary answers (one span each) stored as such: not document answers, undoable, counted."""

from __future__ import annotations

import pytest

from annotator.core import edits
from annotator.core.model import Answer, Span, ValidationError
from annotator.core.span_answers import SpanAnswer
from annotator.core.store import NewDocument, ProjectStore

TEXTS = [
    "The Defence Ministry said so.",
    "A Defence Ministry spokesman spoke.",
    "Joe Biden met NATO leaders.",
]
MINISTRY = (4, 20, "ORG")  # "Defence Ministry" in TEXTS[0]
MINISTRY_2 = (2, 18, "ORG")  # in TEXTS[1]


def _docs(store: ProjectStore) -> list[int]:
    store.add_documents([NewDocument(text, {}) for text in TEXTS])
    return store.document_ids()


def _answer(doc_id: int, key: tuple[int, int, str], answer: Answer, who: str = "ann") -> SpanAnswer:
    return SpanAnswer(doc_id, who, *key, answer)


def test_a_binary_answer_is_no_document_answer(project: ProjectStore) -> None:
    first, _, _ = _docs(project)
    project.add_span_answer(_answer(first, MINISTRY, Answer.REJECT))
    (stored,) = project.span_answers(first)
    assert (stored.key, stored.answer) == (MINISTRY, Answer.REJECT)
    # the document stays to do, with no document answer and no accepted span
    assert project.annotation(first, "ann") is None
    assert project.count_to_do("ann") == 3 and project.next_to_do("ann") == first
    stats = project.stats("ann")
    assert stats["answered"] == 0
    assert stats["span_answers"] == {"accept": 0, "reject": 1, "ignore": 0}


def test_answering_again_replaces_and_undo_restores(project: ProjectStore) -> None:
    first, _, _ = _docs(project)
    span = Span(*MINISTRY)
    edit = edits.SetSpanAnswer(first, "ann", span, None, Answer.ACCEPT)
    edit.apply(project)
    again = edits.SetSpanAnswer(first, "ann", span, Answer.ACCEPT, Answer.REJECT)
    again.apply(project)
    assert [a.answer for a in project.span_answers(first, "ann")] == [Answer.REJECT]
    again.invert().apply(project)
    assert [a.answer for a in project.span_answers(first, "ann")] == [Answer.ACCEPT]
    edit.invert().apply(project)
    assert project.span_answers(first) == []


def test_binary_rejects_count_for_suppression_and_undo_forgets(project: ProjectStore) -> None:
    first, second, _ = _docs(project)
    project.add_span_answer(_answer(first, MINISTRY, Answer.REJECT))
    assert project.suppressed() == frozenset()  # once is not enough
    project.add_span_answer(_answer(second, MINISTRY_2, Answer.REJECT))
    assert project.suppressed() == {("Defence Ministry", "ORG")}
    project.remove_span_answer(second, "ann", Span(*MINISTRY_2))
    assert project.suppressed() == frozenset()
    # a binary accept anywhere keeps the text suggested
    project.add_span_answer(_answer(second, MINISTRY_2, Answer.REJECT))
    project.add_span_answer(_answer(first, MINISTRY, Answer.ACCEPT, who="other"))
    assert project.suppressed() == frozenset()


def test_span_answers_are_checked_and_iterated_per_document(project: ProjectStore) -> None:
    first, _, third = _docs(project)
    with pytest.raises(ValidationError, match="out of range"):
        project.add_span_answer(_answer(first, (0, 500, "ORG"), Answer.ACCEPT))
    with pytest.raises(KeyError):
        project.add_span_answer(_answer(999, MINISTRY, Answer.ACCEPT))
    added = project.add_span_answers(
        [
            _answer(third, (0, 9, "PERSON"), Answer.ACCEPT),
            _answer(first, MINISTRY, Answer.IGNORE),
            _answer(third, (14, 18, "ORG"), Answer.REJECT),
            _answer(third, (0, 9, "PERSON"), Answer.REJECT),  # same span again: kept as it was
        ]
    )
    assert added == (3, 1)
    grouped = [
        (doc.id, [(a.key, a.answer) for a in answers])
        for doc, answers in project.iter_span_answers((Answer.ACCEPT, Answer.REJECT))
    ]
    assert grouped == [
        (third, [((0, 9, "PERSON"), Answer.ACCEPT), ((14, 18, "ORG"), Answer.REJECT)])
    ]


def test_a_label_rename_carries_binary_answers(project: ProjectStore) -> None:
    first, _, _ = _docs(project)
    project.add_span_answer(_answer(first, MINISTRY, Answer.ACCEPT))
    labels = project.labels()
    renamed = type(labels)(
        label if label.name != "ORG" else type(label)("AGENCY", label.color, label.key)
        for label in labels
    )
    project.set_labels(renamed, renames={"ORG": "AGENCY"})
    assert [a.label for a in project.span_answers(first)] == ["AGENCY"]


def test_a_version_2_project_gets_the_binary_answer_tables(project: ProjectStore) -> None:
    import sqlite3

    if project.shared:
        pytest.skip("the migration of a SQLite file (PostgreSQL's is tested with the store's)")
    path = project.path
    project.close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE span_answers; DROP TABLE task_hashes; DROP TABLE claims; "
        "DROP INDEX suggestions_by_uncertainty; ALTER TABLE suggestions DROP COLUMN uncertainty; "
        "ALTER TABLE rejections DROP COLUMN source; PRAGMA user_version = 2;"
    )
    conn.close()
    with ProjectStore.open(path) as store:
        first, _, _ = _docs(store)
        store.add_span_answer(_answer(first, MINISTRY, Answer.ACCEPT))
        assert [a.key for a in store.span_answers(first)] == [MINISTRY]

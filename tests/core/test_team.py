"""The reviewed annotation: a reserved name, where a review starts, the reviewer's to-do."""

from __future__ import annotations

import pytest

from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore, current_annotator
from annotator.core.team import REVIEWED, review_start


def test_no_person_can_be_the_reviewed_annotation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_NAME", REVIEWED)
    assert current_annotator() != REVIEWED
    monkeypatch.setenv("ANNOTATOR_NAME", "maria")
    assert current_annotator() == "maria"


def test_review_start_accepts_what_all_agree_on_and_keeps_overlaps_apart() -> None:
    joe, joe_biden, nato = Span(0, 3, "PERSON"), Span(0, 9, "PERSON"), Span(14, 18, "ORG")
    start = review_start({"a": [joe_biden, nato], "b": [joe_biden], "c": [joe, nato]})
    # Joe Biden (a, b) beats Joe (c) for the same place; NATO (a, c) is not everyone's.
    assert [(s.key, s.state) for s in start] == [
        (joe_biden.key, SpanState.SUGGESTED),
        (nato.key, SpanState.SUGGESTED),
    ]
    agreed = review_start({"a": [nato], "b": [nato]})
    assert [(s.key, s.state) for s in agreed] == [(nato.key, SpanState.ACCEPTED)]


def test_the_reviewers_to_do_is_what_two_or_more_people_accepted(project: ProjectStore) -> None:
    def doc(text: str, who: str, answer: Answer = Answer.ACCEPT) -> NewDocument:
        return NewDocument(text, {}, answer=answer, annotator=who)

    project.add_documents([doc("One.", "a"), doc("Two.", "a"), doc("Three.", "a")])
    project.add_documents([doc("One.", "b"), doc("Two.", "b", Answer.REJECT)])
    assert project.count_to_do(REVIEWED) == 1
    assert project.next_to_do(REVIEWED) == 1
    assert [i for i, _, _ in project.document_states(REVIEWED, "todo")] == [1]
    assert project.seed_review(1) and not project.seed_review(1)  # once
    assert not project.seed_review(2)  # only one person accepted it
    project.set_answer(1, REVIEWED, Answer.ACCEPT)
    assert project.count_to_do(REVIEWED) == 0 and project.next_to_do(REVIEWED) is None
    assert project.people() == ["a", "b"]

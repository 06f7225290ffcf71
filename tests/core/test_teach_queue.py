"""The questions of the one-suggestion-at-a-time mode: order, skipping, and their context."""

from __future__ import annotations

from annotator.core.model import Span, SpanState
from annotator.core.teach_queue import Question, TeachQueue, sentence_around


def _q(doc_id: int, start: int, score: float | None) -> Question:
    return Question(doc_id, Span(start, start + 2, "ORG", SpanState.SUGGESTED, "model", score))


def test_least_sure_first_and_unscored_last() -> None:
    queue = TeachQueue([_q(1, 0, 0.9), _q(2, 0, None), _q(3, 4, 0.1), _q(1, 4, 0.5)])
    assert [q.doc_id for q in queue.questions] == [3, 1, 1, 2]
    answered = {queue.questions[0].key}
    assert queue.next(answered) == queue.questions[1]
    assert queue.left(answered) == 3 and len(queue) == 4
    assert queue.next({q.key for q in queue.questions}) is None


def test_sentence_around_keeps_the_sentence() -> None:
    text = "First one. Then NATO met here! Last one?"
    start = text.index("NATO")
    begin, end = sentence_around(text, start, start + 4)
    assert text[begin:end] == "Then NATO met here!"
    assert text[slice(*sentence_around(text, 0, 5))] == "First one."
    last = text.index("Last")
    assert text[slice(*sentence_around(text, last, last + 4))] == "Last one?"


def test_sentence_around_cuts_a_long_run_at_spaces() -> None:
    text = " ".join(["word"] * 200) + " NATO " + " ".join(["word"] * 200)
    start = text.index("NATO")
    begin, end = sentence_around(text, start, start + 4, reach=50)
    shown = text[begin:end]
    assert "NATO" in shown and len(shown) <= 4 + 2 * 50
    assert shown.startswith("word") and shown.endswith("word")

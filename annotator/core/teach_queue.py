"""The questions of the "one suggestion at a time" mode (Prodigy's ``ner.teach``), Qt-free.

Each question is one cached suggestion of one document; they come least sure first across the
project (``least_sure_key``: the lowest score first, suggestions without a score last). A
span the annotator already answered in binary (``core.span_answers``) is not asked again, so
an undo, which takes the answer back, brings its question back in its place. Documents the
annotator answered whole are left out: their suggestions were judged there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.model import Span

if TYPE_CHECKING:
    from annotator.core.store import ProjectStore

__all__ = ["Question", "TeachQueue", "least_sure_key", "sentence_around"]

#: How far the context of a question reaches on each side at most (characters).
CONTEXT = 240
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*\n|\n")

AnswerKey = tuple[int, int, int, str]


def least_sure_key(span: Span) -> tuple[bool, float, int]:
    """Sort key: the least sure suggestion first; those without a score last; ties by start."""
    return (span.score is None, span.score or 0.0, span.start)


def sentence_around(text: str, start: int, end: int, reach: int = CONTEXT) -> tuple[int, int]:
    """[from, to) of the sentence holding ``text[start:end]`` (a rough split on sentence
    punctuation and line breaks: no spaCy in the window), cut to ``reach`` characters on each
    side at a space so that a long paragraph still reads as a short window of text."""
    left = max(0, start - reach)
    begin = left
    for found in _SENTENCE_END.finditer(text, left, start):
        begin = found.end()
    if begin == left and left > 0:
        space = text.find(" ", left, start)
        begin = space + 1 if space >= 0 else left
    right = min(len(text), end + reach)
    after = _SENTENCE_END.search(text, end, right)
    if after is not None:
        stop = after.start() + 1 if text[after.start()] in ".!?" else after.start()
    else:
        stop = right
        if right < len(text):
            space = text.rfind(" ", end, right)
            stop = space if space > end else right
    return begin, stop


@dataclass(frozen=True)
class Question:
    """One suggested span of one document, to be answered accept, reject or ignore."""

    doc_id: int
    span: Span

    @property
    def key(self) -> AnswerKey:
        return (self.doc_id, self.span.start, self.span.end, self.span.label)


class TeachQueue:
    """Every question of the project in the order they are asked (least sure first)."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions = sorted(questions, key=lambda q: (*least_sure_key(q.span), q.doc_id))

    @classmethod
    def from_store(cls, store: ProjectStore, annotator: str, version: str) -> TeachQueue:
        """The cached suggestions of ``version`` with today's scores, minus documents the
        annotator answered whole."""
        return cls(
            Question(doc_id, span)
            for doc_id, spans in store.iter_scored_suggestions(version, skip_answered_by=annotator)
            for span in spans
        )

    def next(self, answered: set[AnswerKey]) -> Question | None:
        """The least sure question not answered yet; None when every one is."""
        return next((q for q in self.questions if q.key not in answered), None)

    def left(self, answered: set[AnswerKey]) -> int:
        return sum(1 for q in self.questions if q.key not in answered)

    def __len__(self) -> int:
        return len(self.questions)

"""Binary answers as training data: accepted spans as entities, rejected ones as known-wrong.

A binary answer (``core.span_answers``) says something about one span only. So a document
known only through binary answers becomes a reference whose accepted spans are entities and
whose every other token is *missing* (spaCy learns nothing about it), never O (which would
teach "no entity here"). Rejected spans go into ``doc.spans[INCORRECT_SPANS_KEY]``, which
spaCy's entity recognizer reads as spans known to be wrong when its ``incorrect_spans_key``
is set (``use_incorrect_spans``): training pushes the model away from exactly that span and
label, and from nothing else.

When answers disagree (one annotator accepts a span another rejects, or two accepted spans
overlap), the acceptance wins and the first of overlapping spans is kept; the others are
counted as ``conflicts`` so a caller can say so: spaCy refuses a span that is both an entity
and known-wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.model import Answer
from annotator.core.span_answers import SpanAnswer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

__all__ = [
    "INCORRECT_SPANS_KEY",
    "BinaryEvidence",
    "binary_evidence",
    "set_reference",
    "use_incorrect_spans",
]

#: The ``doc.spans`` key of known-wrong spans, and the ner's ``incorrect_spans_key``.
INCORRECT_SPANS_KEY = "incorrect_spans"

SpanTuple = tuple[int, int, str]


@dataclass(frozen=True)
class BinaryEvidence:
    """What a document's binary answers teach: entities, known-wrong spans, and how many
    answers were left out because they contradicted others."""

    accepted: tuple[SpanTuple, ...] = ()
    rejected: tuple[SpanTuple, ...] = ()
    conflicts: int = 0


def binary_evidence(
    answers: Iterable[SpanAnswer], entities: Iterable[SpanTuple] = ()
) -> BinaryEvidence:
    """The evidence of one document's binary answers (ignored ones teach nothing).

    ``entities`` are spans already known as entities (a full annotation of the document):
    accepted binary spans add to them where they overlap nothing, and a rejected span equal to
    one of them is a conflict."""
    known = sorted(entities)
    accepted: list[SpanTuple] = []
    rejected: list[SpanTuple] = []
    conflicts = 0
    answers = list(answers)
    for answer in sorted(answers, key=lambda a: a.key):
        if answer.answer is not Answer.ACCEPT:
            continue
        start, end, _ = key = answer.key
        if key in known or key in accepted:
            continue
        if any(s < end and start < e for s, e, _ in [*known, *accepted]):
            conflicts += 1
            continue
        accepted.append(key)
    taken = {*known, *accepted}
    for answer in answers:
        if answer.answer is Answer.REJECT and answer.key not in rejected:
            if answer.key in taken:
                conflicts += 1
            else:
                rejected.append(answer.key)
    return BinaryEvidence(tuple(accepted), tuple(sorted(rejected)), conflicts)


def set_reference(
    doc: Doc,
    entities: Iterable[SpanTuple],
    rejected: Iterable[SpanTuple] = (),
    *,
    missing: bool = False,
    unknown: Iterable[SpanTuple] = (),
) -> bool:
    """Set ``doc``'s entities (other tokens O, or *missing* when ``missing``) and its
    known-wrong spans; False when a span is not on ``doc``'s token boundaries or entities
    overlap (the caller leaves the text out or reports it)."""
    ents, wrong = _char_spans(doc, entities), _char_spans(doc, rejected)
    gaps = _char_spans(doc, unknown)
    if ents is None or wrong is None or gaps is None:
        return False
    try:
        doc.set_ents(ents, missing=gaps, default="missing" if missing else "outside")
    except ValueError:
        return False
    if wrong:
        doc.spans[INCORRECT_SPANS_KEY] = wrong
    return True


def _char_spans(doc: Doc, spans: Iterable[SpanTuple]) -> list[SpacySpan] | None:
    """``doc``'s spans for character offsets, or None when one is not on token boundaries."""
    out = []
    for start, end, label in spans:
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None:
            return None
        out.append(span)
    return out


def use_incorrect_spans(nlp: Language) -> None:
    """Make ``nlp``'s entity recognizer read ``doc.spans[INCORRECT_SPANS_KEY]`` of training
    references as known-wrong spans (spaCy's ``incorrect_spans_key``), also for a recognizer
    loaded from a pipeline that was built without it."""
    ner = nlp.get_pipe("ner")
    ner.cfg["incorrect_spans_key"] = INCORRECT_SPANS_KEY  # type: ignore[attr-defined]
    ner.moves.cfg["neg_key"] = INCORRECT_SPANS_KEY  # type: ignore[attr-defined]

"""What the learning loop trains on: the annotators' accepted work, and rehearsal.

**Gold.** A document answered ``accept`` gives its accepted spans; one with no spans is a
negative (nothing of the project's labels is in it). Tokens outside the project's spans carry
the base model's own entities of the labels the project does not have (GPE, DATE, CARDINAL...):
the annotator said nothing about those, and keeping them keeps what the base model knew.

**Rehearsal.** Other texts, mixed into every epoch: they keep the fine-tuned model from
forgetting the base model and the rules on the kinds of text the project's gold does not
cover; the gold, trained on every epoch, teaches the project's own kind of text. A project
that fine-tunes the start model rehearses on the documents the start model learned from,
with their gold spans (``start_rehearsal``). Otherwise, the shipped news texts come first,
labelled by the untrained suggester: its spans for the project's labels, the base model's
entities for the rest. The project's unanswered documents come only
when more texts are wanted (a project of more than about 20 training documents), and with the
project's labels unknown (``project_labels_unknown``): labelled by the untrained suggester,
they taught the model on the project's own kind of text exactly what its annotators were
correcting. Measured with the scored half of each set in the project, unanswered
(``tests/bench/simulate_learning.py --halves SET --rest-in-project [--swap]``, both halves of
transcripts, reports, forums and history): the F1 gain over the untrained suggester was
+0.011 on average (from -0.006 to +0.054) with the project's documents rehearsed first as the
untrained suggester labels them, +0.013 with their project labels unknown, and +0.020 (from
0.000 to +0.047, never below) with the shipped texts only.

**Binary answers** (``core.span_answers``, ``binary_spans``): a document known only through
them trains on its accepted spans with every other token *missing*, never O; rejected spans,
also those of accepted documents, are known-wrong spans the entity recognizer is pushed away
from (``incorrect_spans_key``). Such documents are never rehearsal texts.

Every text is cut into paragraphs (at blank lines no span crosses) before training: short
examples train faster and batch better than 500-word documents.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import srsly

from annotator.core.resources import resource_path
from annotator.nlp.entity_edges import trimmed_entities
from annotator.nlp.train.binary_spans import set_reference

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.training import Example

    from annotator.core.model import Span
    from annotator.nlp.suggest import Suggester

__all__ = [
    "LabelledText",
    "base_labelled",
    "make_examples",
    "paragraphs",
    "project_labels_unknown",
    "shipped_rehearsal_texts",
]

SpanTuple = tuple[int, int, str]


@dataclass(frozen=True)
class LabelledText:
    """A text with the spans a model should learn (character offsets, end exclusive),
    the spans known to be wrong, and whether tokens outside ``spans`` are unknown (missing)
    rather than known to be no entity (O); ``unknown``: regions whose tokens are missing
    even so (rehearsal gold of a label the project lacks)."""

    text: str
    spans: tuple[SpanTuple, ...]
    rejected: tuple[SpanTuple, ...] = ()
    missing: bool = False
    unknown: tuple[SpanTuple, ...] = ()  # regions whose tokens are missing, not O


def paragraphs(item: LabelledText) -> Iterator[LabelledText]:
    """The text cut at blank lines that no span crosses; spans shifted to each piece."""
    text, spans = item.text, sorted(item.spans)
    start = 0
    cut = text.find("\n\n")
    every = [*spans, *item.rejected, *item.unknown]
    while cut != -1:
        if not any(s < cut < e or s < cut + 2 <= e for s, e, _ in every):
            piece = _piece(item, spans, start, cut)
            if piece is not None:
                yield piece
            start = cut + 2
        cut = text.find("\n\n", cut + 2)
    piece = _piece(item, spans, start, len(text))
    if piece is not None:
        yield piece


def _piece(
    item: LabelledText, spans: Sequence[SpanTuple], start: int, end: int
) -> LabelledText | None:
    text = item.text
    # Leading and trailing whitespace would become whitespace tokens at the edges.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None

    def inside(found: Sequence[SpanTuple]) -> tuple[SpanTuple, ...]:
        return tuple(
            (s - start, e - start, label) for s, e, label in found if start <= s and e <= end
        )

    return LabelledText(
        text[start:end], inside(spans), inside(item.rejected), item.missing, inside(item.unknown)
    )


def shipped_rehearsal_texts() -> list[str]:
    """The news texts shipped for rehearsal (resources/rehearsal/news.jsonl)."""
    path = resource_path("rehearsal", "news.jsonl")
    return [record["text"] for record in srsly.read_jsonl(path)]


def base_labelled(
    suggester: Suggester,
    texts: Sequence[str],
    project_spans: Sequence[Sequence[SpanTuple] | None],
    lifts: Sequence[str] = (),
) -> tuple[list[LabelledText], list[list[Span]], dict[str, list[list[Span]]]]:
    """Each text with its training spans, and what the suggester suggests for it, from one
    pass of the untrained suggester; and for each of ``lifts``, what it suggests for each gold
    text (in order, rehearsal texts left out) with that rule lifted (``nlp.rule_lifts``).

    ``project_spans[i]`` is the gold of text i (accepted spans, possibly empty) or None for a
    rehearsal text, whose project spans then come from the suggester itself. Either way the
    base model's entities of labels the project lacks fill the rest where they overlap nothing.
    The suggestions of gold texts are what ``span_kinds`` weighs against their gold.
    """
    project = set(suggester.labels)
    out: list[LabelledText] = []
    suggested: list[list[Span]] = []
    lifted: dict[str, list[list[Span]]] = {name: [] for name in lifts}
    pairs = ((text, text) for text in texts)
    docs = suggester.nlp.pipe(pairs, as_tuples=True, batch_size=32)
    for (doc, text), gold in zip(docs, project_spans, strict=True):
        found = suggester.spans_from_doc(doc, text)
        suggested.append(found)
        if gold is None:
            gold = [s.key for s in found]
        else:
            for name, per_text in lifted.items():
                per_text.append(suggester.spans_from_doc(doc, text, lifted=frozenset({name})))
        spans = list(gold)
        taken = sorted((s, e) for s, e, _ in spans)
        for ent in trimmed_entities(doc, doc.ents):
            if ent.label_ in project:
                continue
            s, e = ent.start_char, ent.end_char
            if any(s < te and ts < e for ts, te in taken):
                continue
            spans.append((s, e, ent.label_))
        out.append(LabelledText(text, tuple(sorted(spans))))
    return out, suggested, lifted


def project_labels_unknown(item: LabelledText, labels: Sequence[str]) -> LabelledText:
    """A rehearsal text of the project's own: only its spans of labels the project lacks (the
    base model's GPE, DATE, ...), every other token unknown rather than no entity."""
    project = set(labels)
    kept = tuple(span for span in item.spans if span[2] not in project)
    return LabelledText(item.text, kept, missing=True)


def _reference(nlp: Language, item: LabelledText) -> Doc | None:
    doc = nlp.make_doc(item.text)
    # None: a span not on this tokenizer's boundaries, or overlapping ones: leave the text out
    ok = set_reference(doc, item.spans, item.rejected, missing=item.missing, unknown=item.unknown)
    return doc if ok else None


def make_examples(nlp: Language, items: Iterable[LabelledText]) -> tuple[list[Example], int]:
    """spaCy Examples of the paragraphs of ``items``; also the number of texts left out
    because a span was not on token boundaries."""
    from spacy.training import Example

    examples, skipped = [], 0
    for item in items:
        for piece in paragraphs(item):
            reference = _reference(nlp, piece)
            if reference is None:
                skipped += 1
                continue
            examples.append(Example(nlp.make_doc(piece.text), reference))
    return examples, skipped


def rehearsal_sample(pool: Sequence[Example], size: int, rng: random.Random) -> list[Example]:
    """``size`` rehearsal examples drawn afresh for an epoch (all of them when fewer)."""
    if size >= len(pool):
        return list(pool)
    return rng.sample(list(pool), size)

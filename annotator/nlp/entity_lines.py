"""A model entity stays on one line of text.

None of the 6,655 gold spans of the corpora holds a line break, yet a model's entities run on
across them wherever lines are fields or headings rather than wrapped prose: "Tamsin
Okereke-Hall\\nChair", "Ministry of Defence\\n\\n2.1 Acquisition of ...", "Board of
Directors\\n\\n" (a trained model learns it from such texts as readily as the base one does).
spaCy gives every line break a whitespace token of its own, so an entity is cut at its first
whitespace token holding a newline, keeping the part before it: the model began the entity
there. In hard-wrapped text, where lines end in the middle of sentences and a name may wrap
("Joe\\nBiden"), only a blank line cuts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["hard_wrapped", "within_lines"]

#: A text is hard-wrapped when at least this share of its single line breaks continue a
#: sentence (the next line starts with a lower-case letter), over at least 3 breaks.
WRAPPED_SHARE = 0.3
_MIN_BREAKS = 3


def hard_wrapped(text: str) -> bool:
    """Whether the text's lines are wrapped prose rather than lines of their own."""
    breaks = 0
    continued = 0
    lines = [line.strip() for line in text.splitlines()]
    for before, after in itertools.pairwise(lines):
        if before and after:  # a single line break (a blank line is a paragraph's end)
            breaks += 1
            continued += after[0].islower()
    return breaks >= _MIN_BREAKS and continued >= WRAPPED_SHARE * breaks


def within_lines(doc: Doc, ents: Iterable[Span]) -> list[Span]:
    """``ents`` (spans of ``doc``) each cut at its first line break, as the module says;
    an entity with nothing left before the break is dropped."""
    from spacy.tokens import Span

    out: list[Span] = []
    wrapped: bool | None = None
    for ent in ents:
        cut = ent.end
        for token in ent:
            if token.is_space and "\n" in token.text:
                if token.text.count("\n") == 1:
                    if wrapped is None:
                        wrapped = hard_wrapped(doc.text)
                    if wrapped:
                        continue
                cut = token.i
                break
        if cut == ent.end:
            out.append(ent)
            continue
        start = ent.start
        while start < cut and doc[start].is_space:
            start += 1
        end = cut
        while end > start and doc[end - 1].is_space:
            end -= 1
        if end > start:
            out.append(Span(doc, start, end, label=ent.label))
    return out

"""A model entity's edges: it stays on one line, and it neither starts nor ends in a symbol.

**Lines.** None of the 6,655 gold spans of the corpora holds a line break, yet a model's
entities run on across them wherever lines are fields or headings rather than wrapped prose:
"Tamsin Okereke-Hall\\nChair", "Ministry of Defence\\n\\n2.1 Acquisition of ...", "Board of
Directors\\n\\n" (a trained model learns it from such texts as readily as the base one does).
spaCy gives every line break a whitespace token of its own, so an entity is cut at its first
whitespace token holding a newline, keeping the part before it: the model began the entity
there. In hard-wrapped text, where lines end in the middle of sentences and a name may wrap
("Joe\\nBiden"), only a blank line cuts.

**Symbols.** The tokenizer splits a flag emoji into its two regional-indicator letters, and
the model took the first into a name: "Kalyna Geo 🇺" (half a flag). Tokens made only of
symbols that are neither currency nor mathematical (Unicode category So: emoji, flags,
pictographs, ©) leave the edges of an entity that is no amount ("30°" keeps its sign). No
gold span starts or ends with one; a gold span's symbol edge is a currency sign ("$4M", a
QUANTITY) or a "+" ("Pilica+").

**Brackets and quotes.** A fine-tuned model learns spans from gold that holds quoted and
bracketed names, and then takes the marks in: "[Reza Kazemi")]" from '(a.k.a. "Reza
Kazemi")'. No gold span of the corpora starts with a quote, an opening bracket or a comma,
and none ends with one unless it closes a bracket opened inside it ("Gurkha Rifles (The
Sirmoor Rifles)") or is an inch mark of an amount ('14.5"'). Such tokens leave the edges of
an entity that is no amount.

**Hyphenated words.** The tokenizer splits "Per-Olav" into "Per", "-", "Olav", and the model
began the name after the hyphen: "Olav Bakken", "Erik Holm" of "Lars-Erik Holm". No gold span
starts or ends inside a word joined by a hyphen to a capitalised word (127 gold names hold
one: "Marchetti-Oyelaran", "Hye-jin Park"), so an entity that is no amount takes in such a
neighbour, "Xxx-" before it or "-Xxx" after it, written without spaces. Only a word in title
case joins ("WARDEN-CLASS" and "Geran-type" do not; neither are names).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from annotator.nlp.labelmap import NUMERIC_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["hard_wrapped", "trimmed_entities"]

#: A text is hard-wrapped when at least this share of its single line breaks continue a
#: sentence (the next line starts with a lower-case letter), over at least 3 breaks.
WRAPPED_SHARE = 0.3
_MIN_BREAKS = 3
# Joiners and variation selectors that ride along inside emoji sequences.
_EMOJI_GLUE = frozenset("\u200d\ufe0e\ufe0f")


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


def _is_symbol(token: Token) -> bool:
    """Whether the token is whitespace or only pictographic symbols (emoji, flags, ©)."""
    return token.is_space or all(
        unicodedata.category(c) == "So" or c in _EMOJI_GLUE for c in token.text
    )


_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = {")": "(", "]": "[", "}": "{"}
_MARKS = frozenset("\"'`,;:") | frozenset(
    "\u00ab\u00bb\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2039\u203a"
)


def _is_mark(token: Token) -> bool:
    """Whether the token is only quotes, brackets, commas, colons or semicolons."""
    return all(
        c in _MARKS
        or c in _OPENING
        or c in _CLOSING
        or unicodedata.category(c) in {"Ps", "Pe", "Pi", "Pf"}
        for c in token.text
    )


def _loose_mark(doc: Doc, start: int, end: int, at: int) -> bool:
    """Whether token ``at`` (the first or last of doc[start:end]) is a mark the span does not
    need: anything but a closing bracket whose opening one is inside the span."""
    token = doc[at]
    if token.is_space:
        return True
    if not _is_mark(token):
        return False
    opener = _CLOSING.get(token.text)
    if at == end - 1 and opener is not None:
        return not any(doc[k].text == opener for k in range(start, end - 1))
    return True


def _joined(doc: Doc, hyphen: int, word: int) -> bool:
    """Whether token ``hyphen`` is a hyphen written without spaces between token ``word``, a
    word in title case, and the entity's edge on its other side."""
    if not (1 <= hyphen < len(doc) and 0 <= word < len(doc)) or doc[hyphen].text != "-":
        return False
    unspaced = not doc[hyphen - 1].whitespace_ and not doc[hyphen].whitespace_
    return unspaced and doc[word].text.isalpha() and doc[word].text.istitle()


def _whole_words(doc: Doc, start: int, end: int, floor: int, ceiling: int) -> tuple[int, int]:
    """doc[start:end] widened over title-case words hyphenated to its edges, within
    [floor, ceiling) (the neighbouring entities)."""
    if start < end:
        while start - 2 >= floor and _joined(doc, start - 1, start - 2):
            start -= 2
        while end + 2 <= ceiling and _joined(doc, end, end + 1):
            end += 2
    return start, end


def trimmed_entities(doc: Doc, ents: Iterable[Span]) -> list[Span]:
    """``ents`` (spans of ``doc``) each cut at its first line break and stripped of edge
    symbols, as the module says; an entity with nothing left is dropped."""
    from spacy.tokens import Span

    out: list[Span] = []
    wrapped: bool | None = None
    ents = list(ents)
    for i, ent in enumerate(ents):
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
        start, end = ent.start, cut
        # An amount keeps its symbols ("30°", '14.5"'); whitespace leaves every entity.
        if ent.label_ in NUMERIC_LABELS:
            while start < end and doc[start].is_space:
                start += 1
            while end > start and doc[end - 1].is_space:
                end -= 1
        else:
            while start < end and (_is_symbol(doc[start]) or _loose_mark(doc, start, end, start)):
                start += 1
            while end > start and (
                _is_symbol(doc[end - 1]) or _loose_mark(doc, start, end, end - 1)
            ):
                end -= 1
            floor = out[-1].end if out else 0
            ceiling = ents[i + 1].start if i + 1 < len(ents) else len(doc)
            start, end = _whole_words(doc, start, end, floor, ceiling)
        if (start, end) == (ent.start, ent.end):
            out.append(ent)
        elif end > start:
            out.append(Span(doc, start, end, label=ent.label))
    return out

"""Short names a text defines for itself: "Caldera Optronics, Inc. ("Caldera")".

Contracts, indictments, judgments and official reports name a party, an office or a system in
full once and define the short form they use from then on, in brackets right after it:

    NORDVIK SUPPLY SOLUTIONS LLC ("Nordvik" or "the Company")
    the Serious Fraud Office (SFO)
    TOMAS REINHOLT VARGA ("VARGA")
    the Precision Strike Missile (hereinafter "PrSM")

Every later "Nordvik" is that company. A model that sees the word alone has no context to tell
(a name it never met, often a made-up one), so the definition decides: the bracketed short form
gets the full name's label, there and at each whole-word occurrence in the text where nothing
else is suggested.

What counts as a short form is decided by its letters, not by a word list: each letter of the
short form must occur in the full name in order, the first at the start of a word (Schwartz &
Hearst, "A simple algorithm for identifying abbreviation definitions in biomedical text",
2003). "Caldera" and "SFO" pass; "Claimant", "Respondent" and "Chair" (roles the text also
defines in brackets) share no such letters with a company or a person and do not. A bracketed
acronym of two capitals or more after a name passes as well ("National Liberation Army (ELN)"
is the Spanish name's acronym).

The quantity label is never defined this way (amounts are not names). The definition outweighs
the model: an existing model suggestion with exactly the short form's bounds takes the defined
label, and a short form is suggested where the model reads a place or a nationality ("Meridian"
as NORP); other suggestions it would overlap stay as they are.

Measured on the six kinds of text no start model saw (the spans this adds, right / wrong): legal
24 / 8 before training and 56 / 4 after; reports 2 / 0 before and 2 / 0 after; none in forums,
history, fiction or transcripts, none in news. Suggested with ``source="defined"``: a
project's answers set their precision (``core.confidence``), and training drops them where the
project's accepted documents show them wrong (``span_kinds``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from annotator.core.confidence import SourcePrecision
from annotator.core.model import Span, SpanState

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["DEFINED_SOURCE", "defined_names", "is_short_form"]

DEFINED_SOURCE = "defined"

_QUOTES = "\"'“”‘’«»"
# A word of any alphabet, not opening in ASCII lower case ("Ødegård" too); that it is
# capitalised is checked in ``defined_names``.
_WORD = r"(?![a-z])[^\W\d_][\w.&'’-]*"
#: Right after a name: "(" [the | hereinafter [referred to as]] [quote] Short Form [quote],
#: then ")" or "," or " or" (a second short form follows: "("Nordvik" or "the Company")").
_DEFINITION = re.compile(
    r"[ \t]*\([ \t]*(?:(?:the|hereinafter(?:[ \t]+referred[ \t]+to[ \t]+as)?)[ \t]+)?"
    rf"(?P<quote>[{_QUOTES}]?)(?P<short>{_WORD}(?:[ \t]{_WORD}){{0,3}})[{_QUOTES}]?"
    r"[ \t]*(?:\)|,|;|[ \t]or[ \t])"
)
_ACRONYM = re.compile(r"[A-Z][A-Za-z]{1,6}")
_PRIOR_PRECISION = SourcePrecision()


def is_short_form(short: str, full: str) -> bool:
    """Whether ``short`` abbreviates ``full``: its letters and digits occur in ``full`` in
    order (case ignored), matched from the end, the first one at the start of a word."""
    wanted = [c.lower() for c in short if c.isalnum()]
    if not wanted or short == full:
        return False
    text = full.lower()
    at = len(text) - 1
    for k in range(len(wanted) - 1, -1, -1):
        char = wanted[k]
        while at >= 0 and (text[at] != char or (k == 0 and at > 0 and text[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return False
        at -= 1
    return True


def _acronym(short: str, quoted: bool) -> bool:
    return (
        not quoted
        and _ACRONYM.fullmatch(short) is not None
        and sum(c.isupper() for c in short) >= 2
    )


def defined_names(
    doc: Doc, spans: Sequence[Span], labels: Iterable[str], quantity_label: str | None
) -> list[Span]:
    """``spans`` with the short forms the text defines for them (see the module docstring).

    Occurrences are found by token, one dictionary lookup per token (a text defining
    thousands of short names costs no more than one defining a few)."""
    text = doc.text
    project = set(labels)
    # The short forms by their first token: (their tokens, label).
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    seen: set[tuple[str, ...]] = set()
    for span in spans:
        if span.label == quantity_label or span.label not in project:
            continue
        match = _DEFINITION.match(text, span.end)
        if match is None:
            continue
        short = match.group("short")
        full = text[span.start : span.end]
        if not all(word[0].isupper() for word in short.split()):
            continue
        if not (is_short_form(short, full) or _acronym(short, bool(match.group("quote")))):
            continue
        where = doc.char_span(match.start("short"), match.end("short"))
        words = tuple(t.text for t in where) if where is not None else ()
        if words and words not in seen:
            seen.add(words)
            found.setdefault(words[0], []).append((words, span.label))
    if not found:
        return list(spans)
    for forms in found.values():
        forms.sort(key=lambda form: -len(form[0]))  # the longest short form first
    kept = list(spans)
    taken = bytearray(len(text) + 1)
    exact: dict[tuple[int, int], int] = {}
    for i, span in enumerate(kept):
        taken[span.start : span.end] = b"\x01" * (span.end - span.start)
        exact[(span.start, span.end)] = i
    for i, token in enumerate(doc):
        for words, label in found.get(token.text, ()):
            j = i + len(words)
            if j > len(doc) or tuple(t.text for t in doc[i:j]) != words:
                continue
            if (i > 0 and not doc[i - 1].whitespace_ and _word_char(doc[i - 1].text[-1])) or (
                j < len(doc) and not doc[j - 1].whitespace_ and _word_char(doc[j].text[0])
            ):
                continue  # part of a longer word: "Nordvik-Group"
            a, b = token.idx, doc[j - 1].idx + len(doc[j - 1])
            same = exact.get((a, b))
            if same is not None:
                if kept[same].label != label and kept[same].source == "model":
                    kept[same] = _defined(a, b, label)
            elif not any(taken[a:b]):
                kept.append(_defined(a, b, label))
                taken[a:b] = b"\x01" * (b - a)
            break
    return sorted(kept, key=lambda s: s.start)


def _word_char(char: str) -> bool:
    """A character that joins the word it touches ("Nordvik-Group"); an apostrophe does not
    ("Nordvik's")."""
    return char.isalnum() or char in "-_"


def _defined(start: int, end: int, label: str) -> Span:
    score = round(_PRIOR_PRECISION.of(DEFINED_SOURCE, label), 4)
    return Span(start, end, label, SpanState.SUGGESTED, DEFINED_SOURCE, score)

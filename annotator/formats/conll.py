"""Writing CoNLL NER columns: a token and its tag a line, a blank line between sentences.

Tags are IOB2 (``iob``) or BILUO (``biluo``). Documents are apart by a blank line, or by a
``-DOCSTART- -X- O O`` line, the document break spaCy's converter looks for
(``python -m spacy convert FILE . -c ner`` reads the file back).

Tokens and sentences come from the project's tokenizer and a sentence splitter, except for a
document that was imported from CoNLL (its meta says ``"tokenized": "conll"``): its text is
its tokens joined by spaces, a sentence a line, so it is written back with exactly the tokens
and sentence breaks it came with. A sentence never ends inside a span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

from annotator.core.model import Span
from annotator.formats.conll_read import COLUMNS_KEY, TOKENIZED, TOKENIZED_KEY
from annotator.formats.iob import ExportScheme, tags_for_ranges
from annotator.nlp.tokens import TokenIndex

__all__ = ["DOC_DELIMITER", "conll_sentences", "write_conll_document"]

DOC_DELIMITER = "-DOCSTART- -X- O O"
_WORD = re.compile(r"\S+")

Token = tuple[int, int]  # character range
Sentence = list[tuple[str, str, str]]  # (token, the columns between, tag)


def _whitespace_tokens(text: str, spans: Sequence[Span]) -> tuple[list[Token], list[int], bool]:
    """Tokens of a text rebuilt from CoNLL (split further at any span edge inside one), the
    tokens that start a line, and whether any token was split."""
    edges = sorted({s.start for s in spans} | {s.end for s in spans})
    tokens: list[Token] = []
    starts: list[int] = []
    line_start = True
    position = 0
    split = False
    for match in _WORD.finditer(text):
        if tokens and "\n" in text[position : match.start()]:
            line_start = True
        if line_start:
            starts.append(len(tokens))
            line_start = False
        cut = match.start()
        for edge in edges:
            if match.start() < edge < match.end():
                tokens.append((cut, edge))
                cut = edge
                split = True
        tokens.append((cut, match.end()))
        position = match.end()
    return tokens, starts, split


def _spacy_tokens(
    index: TokenIndex, sentence_starts: Sequence[int]
) -> tuple[list[Token], list[int]]:
    """The tokenizer's tokens without whitespace tokens, and where sentences start."""
    text = index.text
    first = set(sentence_starts)
    tokens: list[Token] = []
    starts: list[int] = []
    pending = False
    for i, (start, end) in enumerate(zip(index.starts, index.ends, strict=True)):
        pending = pending or i in first
        if not text[start:end].strip():
            continue
        if pending:
            starts.append(len(tokens))
            pending = False
        tokens.append((start, end))
    return tokens, starts


def conll_sentences(
    index: TokenIndex,
    spans: Sequence[Span],
    meta: dict[str, Any],
    sentence_starts: Sequence[int],
    scheme: ExportScheme = "iob",
) -> list[Sentence]:
    """The document's sentences as (token, columns between, tag) rows.

    ``sentence_starts`` are token indices of ``index`` (ignored for a document imported from
    CoNLL); spans must be aligned to ``index`` (the exporter checks them first). A document
    imported from CoNLL gets its columns between token and tag back while its tokens are the
    ones it came with.
    """
    text = index.text
    middles: list[str] = []
    if meta.get(TOKENIZED_KEY) == TOKENIZED:
        tokens, starts, split = _whitespace_tokens(text, spans)
        kept = meta.get(COLUMNS_KEY)
        if not split and isinstance(kept, list) and len(kept) == len(tokens):
            # One line a token, whatever the meta holds: whitespace inside becomes one space.
            middles = [" ".join(m.split()) if isinstance(m, str) else "" for m in kept]
    else:
        tokens, starts = _spacy_tokens(index, sentence_starts)
    middles = middles or [""] * len(tokens)
    by_start = {start: i for i, (start, _) in enumerate(tokens)}
    by_end = {end: i for i, (_, end) in enumerate(tokens)}
    entities = [(by_start[s.start], by_end[s.end], s.label) for s in spans]
    inside = {i for first, last, _ in entities for i in range(first + 1, last + 1)}
    breaks = [i for i in starts if i not in inside and i > 0]
    sentences: list[Sentence] = []
    for first, end in zip([0, *breaks], [*breaks, len(tokens)], strict=True):
        if first == end:
            continue
        local = [(a - first, b - first, label) for a, b, label in entities if first <= a < end]
        tags = tags_for_ranges(end - first, local, scheme)
        sentences.append(
            [
                (text[s:e], middle, tag)
                for (s, e), middle, tag in zip(
                    tokens[first:end], middles[first:end], tags, strict=True
                )
            ]
        )
    return sentences


def write_conll_document(out: IO[str], sentences: Sequence[Sentence], *, docstart: bool) -> None:
    """Write one document: its sentences a blank line apart, after a document break."""
    if docstart:
        out.write(DOC_DELIMITER + "\n\n")
    for sentence in sentences:
        out.write(
            "".join(
                f"{token} {middle} {tag}\n" if middle else f"{token} {tag}\n"
                for token, middle, tag in sentence
            )
        )
        out.write("\n")

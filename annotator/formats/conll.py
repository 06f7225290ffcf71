"""CoNLL-2003 style NER columns: a token and its IOB tag per line, documents apart.

spaCy reads it back with ``python -m spacy convert FILE . -c ner``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from annotator.core.model import Span
from annotator.nlp.tokens import TokenIndex

__all__ = ["DOC_DELIMITER", "iob_tags", "write_conll_document"]

DOC_DELIMITER = "-DOCSTART- -X- O O"


def iob_tags(index: TokenIndex, spans: Sequence[Span]) -> list[str]:
    """One IOB tag per token of ``index``."""
    tags = ["O"] * len(index)
    for span in spans:
        first, last = index.check(span)
        tags[first] = f"B-{span.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{span.label}"
    return tags


def write_conll_document(out: IO[str], index: TokenIndex, spans: Sequence[Span]) -> None:
    """Write one document; whitespace tokens are left out (they never start or end a span)."""
    out.write(DOC_DELIMITER + "\n\n")
    text = index.text
    for start, end, tag in zip(index.starts, index.ends, iob_tags(index, spans), strict=True):
        token = text[start:end]
        if token.strip():
            out.write(f"{token} {tag}\n")
    out.write("\n")

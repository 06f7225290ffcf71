"""Sentence boundaries for exports that write sentences apart (CoNLL).

spaCy's rule-based ``Sentencizer`` (a sentence ends at ``.``, ``!``, ``?`` and their kin) on the
project tokenizer's tokens, and a line break always ends a sentence. It needs no parser or
statistical model, so a large export does not wait for a parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.nlp.tokens import TokenIndex, Tokenizer

if TYPE_CHECKING:
    from spacy.pipeline import Sentencizer

__all__ = ["SentenceSplitter"]


class SentenceSplitter:
    """Finds where sentences start in texts already tokenized (a ``TokenIndex``)."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer
        self._sentencizer: Sentencizer | None = None

    def starts(self, index: TokenIndex) -> list[int]:
        """Indices of the tokens that start a sentence (0 first, when there are tokens)."""
        if not len(index):
            return []
        from spacy.tokens import Doc

        if self._sentencizer is None:
            from spacy.pipeline import Sentencizer

            self._sentencizer = Sentencizer()
        text = index.text
        words = [text[s:e] for s, e in zip(index.starts, index.ends, strict=True)]
        doc: Any = Doc(self._tokenizer.nlp.vocab, words=words, spaces=list(index.spaces))
        doc = self._sentencizer(doc)
        starts = {0}
        for i, token in enumerate(doc):
            if token.is_sent_start:
                starts.add(i)
            if "\n" in token.text_with_ws and i + 1 < len(doc):
                starts.add(i + 1)  # a line break (inside the token or after it) ends one
        return sorted(starts)

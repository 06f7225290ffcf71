"""Token boundaries from the project's spaCy tokenizer: alignment checks, snapping, token dicts.

Formats and the UI never tokenize by hand; they ask a ``TokenIndex`` built here.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from annotator.core.limits import clip
from annotator.core.model import Span, ValidationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["AlignmentError", "TokenIndex", "Tokenizer"]


class AlignmentError(ValidationError):
    """A character range does not fall on token boundaries."""


@dataclass(frozen=True)
class TokenIndex:
    """The tokens of one text, with lookups from characters to tokens."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    spaces: tuple[bool, ...]

    @classmethod
    def from_doc(cls, doc: Doc, text: str | None = None) -> TokenIndex:
        """Read token offsets as one array (no Python Token objects: 10x faster)."""
        from spacy.attrs import IDX, LENGTH, SPACY

        if len(doc) == 0:
            return cls(doc.text if text is None else text, (), (), ())
        starts, lengths, spaces = zip(*doc.to_array([IDX, LENGTH, SPACY]).tolist(), strict=True)
        ends = tuple(map(operator.add, starts, lengths))
        return cls(doc.text if text is None else text, starts, ends, tuple(map(bool, spaces)))

    def __len__(self) -> int:
        return len(self.starts)

    def token_dicts(self) -> list[dict[str, Any]]:
        """Tokens in the JSONL export shape: text, start, end, id, ws."""
        text = self.text
        return [
            {"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
            for i, s, e, ws in zip(itertools.count(), self.starts, self.ends, self.spaces)
        ]

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """(first token, last token inclusive) exactly covering [start, end), else None."""
        first = bisect.bisect_left(self.starts, start)
        if first >= len(self.starts) or self.starts[first] != start:
            return None
        last = bisect.bisect_left(self.ends, end)
        if last >= len(self.ends) or self.ends[last] != end or last < first:
            return None
        return first, last

    def is_aligned(self, start: int, end: int) -> bool:
        return self.token_range(start, end) is not None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen [start, end) to the tokens it touches, trimming surrounding whitespace.

        Raises AlignmentError, saying why, when no token lies in the range.
        """
        text = self.text
        if start < 0 or end > len(text) or start >= end:
            raise AlignmentError(f"selection [{start}, {end}) is empty or outside the text")
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            raise AlignmentError("the selection holds only whitespace")
        # First token whose end is after start; last token whose start is before end.
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end) - 1
        if first >= len(self.starts) or last < first:
            raise AlignmentError(f"no token lies inside {clip(text[start:end])}")
        return self.starts[first], self.ends[last]

    def check(self, span: Span) -> tuple[int, int]:
        """Token range of ``span`` or AlignmentError naming the nearest token boundaries."""
        found = self.token_range(span.start, span.end)
        if found is not None:
            return found
        snapped = self.snap(span.start, span.end) if span.end <= len(self.text) else None
        hint = (
            f"; the nearest tokens are {clip(self.text[snapped[0] : snapped[1]])}"
            if snapped
            else ""
        )
        quoted = clip(self.text[span.start : span.end])
        raise AlignmentError(
            f"span [{span.start}, {span.end}) {span.label} {quoted} "
            f"does not fall on spaCy token boundaries{hint}"
        )


class Tokenizer:
    """The project's tokenizer, owned by one thread; makes TokenIndexes and checks spans.

    The pipeline is loaded on first use, so work that never needs a token (an import whose
    spans all touch spaces) never pays for loading spaCy.
    """

    def __init__(self, nlp: Language | Callable[[], Language]) -> None:
        self._nlp: Language | None = None
        self._factory: Callable[[], Language] | None = None
        if callable(nlp) and not hasattr(nlp, "make_doc"):
            self._factory = nlp
        else:
            self._nlp = nlp  # type: ignore[assignment]
        self._chunk_boundaries = lru_cache(maxsize=65536)(self._boundaries_of_chunk)

    @classmethod
    def for_pipeline(cls, spec: str) -> Tokenizer:
        from annotator.nlp.pipeline import load_tokenizer_only

        return cls(lambda: load_tokenizer_only(spec))

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            assert self._factory is not None
            self._nlp = self._factory()
        return self._nlp

    def doc(self, text: str) -> Doc:
        """The tokens of ``text`` as a Doc.

        The tokenizer alone, not ``make_doc``: tokenizing costs linear time and memory, so
        spaCy's ``max_length`` (E088, guarding the parser and NER) does not apply here.
        """
        return self.nlp.tokenizer(text)

    def index(self, text: str) -> TokenIndex:
        return TokenIndex.from_doc(self.doc(text), text)

    def indexes(self, texts: Sequence[str], batch_size: int = 1000) -> Iterator[TokenIndex]:
        tokenizer: Any = self.nlp.tokenizer
        for text, doc in zip(texts, tokenizer.pipe(texts, batch_size=batch_size), strict=True):
            yield TokenIndex.from_doc(doc, text)

    def _boundaries_of_chunk(self, chunk: str) -> frozenset[int]:
        doc = self.doc(chunk)
        return frozenset(t.idx for t in doc) | frozenset(t.idx + len(t.text) for t in doc)

    def is_boundary(self, text: str, pos: int) -> bool:
        """Whether a token starts or ends at ``pos`` of ``text``.

        spaCy tokenizes each space-delimited chunk on its own, so only the chunk around
        ``pos`` is tokenized (and cached), not the whole text.
        """
        if pos <= 0 or pos >= len(text) or text[pos - 1] == " " or text[pos] == " ":
            return True
        first = text.rfind(" ", 0, pos) + 1
        last = text.find(" ", pos)
        chunk = text[first : len(text) if last < 0 else last]
        return pos - first in self._chunk_boundaries(chunk)

    def misaligned(self, text: str, spans: Sequence[Span]) -> list[str]:
        """Reasons for every span of ``spans`` that is not token-aligned (empty when all are)."""
        suspects = [
            s
            for s in spans
            if text[s.start].isspace()
            or text[s.end - 1].isspace()
            or not (self.is_boundary(text, s.start) and self.is_boundary(text, s.end))
        ]
        if not suspects:
            return []
        index = self.index(text)
        reasons = []
        for span in suspects:
            try:
                index.check(span)
            except AlignmentError as exc:
                reasons.append(str(exc))
        return reasons

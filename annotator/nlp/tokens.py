"""Token boundaries from the project's spaCy tokenizer: alignment checks, snapping, token dicts.

Formats and the UI never tokenize by hand; they ask a ``TokenIndex`` built here.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.model import Span, ValidationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["AlignmentError", "TokenIndex", "Tokenizer", "whitespace_aligned"]


class AlignmentError(ValidationError):
    """A character range does not fall on token boundaries."""


def whitespace_aligned(text: str, start: int, end: int) -> bool:
    """True when both edges of ``text[start:end]`` touch whitespace or the text's ends.

    spaCy splits on whitespace before anything else, so such a range is certainly aligned to
    its tokens; only ranges failing this cheap test need the tokenizer.
    """
    if start < 0 or end > len(text) or start >= end:
        return False
    if text[start].isspace() or text[end - 1].isspace():
        return False
    return (start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace())


@dataclass(frozen=True)
class TokenIndex:
    """The tokens of one text, with lookups from characters to tokens."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    spaces: tuple[bool, ...]

    @classmethod
    def from_doc(cls, doc: Doc) -> TokenIndex:
        starts = tuple(token.idx for token in doc)
        ends = tuple(token.idx + len(token.text) for token in doc)
        spaces = tuple(bool(token.whitespace_) for token in doc)
        return cls(doc.text, starts, ends, spaces)

    def __len__(self) -> int:
        return len(self.starts)

    def token_dicts(self) -> list[dict[str, Any]]:
        """Tokens in the JSONL export shape: text, start, end, id, ws."""
        text = self.text
        return [
            {"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws}
            for i, (s, e, ws) in enumerate(zip(self.starts, self.ends, self.spaces, strict=True))
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
            raise AlignmentError(f"no token lies inside {text[start:end]!r}")
        return self.starts[first], self.ends[last]

    def check(self, span: Span) -> tuple[int, int]:
        """Token range of ``span`` or AlignmentError naming the nearest token boundaries."""
        found = self.token_range(span.start, span.end)
        if found is not None:
            return found
        snapped = self.snap(span.start, span.end) if span.end <= len(self.text) else None
        hint = f"; the nearest tokens are {self.text[snapped[0] : snapped[1]]!r}" if snapped else ""
        raise AlignmentError(
            f"span [{span.start}, {span.end}) {span.label} {self.text[span.start : span.end]!r} "
            f"does not fall on spaCy token boundaries{hint}"
        )


class Tokenizer:
    """The project's tokenizer, owned by one thread; makes TokenIndexes and checks spans."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    @classmethod
    def for_pipeline(cls, spec: str) -> Tokenizer:
        from annotator.nlp.pipeline import load_tokenizer_only

        return cls(load_tokenizer_only(spec))

    def index(self, text: str) -> TokenIndex:
        return TokenIndex.from_doc(self.nlp.make_doc(text))

    def indexes(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[TokenIndex]:
        tokenizer: Any = self.nlp.tokenizer
        for doc in tokenizer.pipe(texts, batch_size=batch_size):
            yield TokenIndex.from_doc(doc)

    def misaligned(self, text: str, spans: Sequence[Span]) -> list[str]:
        """Reasons for every span of ``spans`` that is not token-aligned (empty when all are).

        Tokenizes only when some span is not whitespace-delimited.
        """
        if all(whitespace_aligned(text, s.start, s.end) for s in spans):
            return []
        index = self.index(text)
        reasons = []
        for span in spans:
            try:
                index.check(span)
            except AlignmentError as exc:
                reasons.append(str(exc))
        return reasons

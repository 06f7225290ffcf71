"""Reading CoNLL/IOB files: a token and its entity tag a line, sentences apart.

Takes CoNLL-2003 (``-DOCSTART-`` lines, four columns, the NER tag last) and two-column files
(``token TAG``, tab or space), with IOB1, IOB2, BIOES or BILUO tags (see ``iob``).

- A blank line ends a sentence; a ``-DOCSTART-`` line ends a document.
- A file without any ``-DOCSTART-`` makes one document of each sentence (such files, from
  WNUT to most two-column data sets, hold unrelated sentences).
- The text is rebuilt from the tokens: tokens joined by one space, sentences by a newline, so
  every entity starts and ends at whitespace and its offsets match its tokens exactly. The
  document's meta says so (``"tokenized": "conll"``), and the CoNLL export writes such a
  document back with the same tokens and sentence breaks.
- The first column is the token, the last the NER tag; the columns between (CoNLL-2003's
  part-of-speech and chunk tags) are kept in the meta (``"conll_columns"``, one string a
  token) and written back by the CoNLL export.

A line with another column count than the file's first token line, a tag outside the IOB
family, or a tag sequence the file's scheme does not allow refuses its document (a LineError
at that line); the other documents go in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.limits import MAX_SPANS
from annotator.core.model import Span, ValidationError
from annotator.formats.checks import check_label, check_meta, check_text
from annotator.formats.iob import (
    TagError,
    TaggedToken,
    TagScheme,
    detect_scheme,
    parse_tag,
    spans_from_tags,
)
from annotator.formats.records import LineError, Record, display_path
from annotator.formats.sniff import check_text_file, text_lines

__all__ = [
    "COLUMNS_KEY",
    "DOCSTART",
    "TOKENIZED",
    "TOKENIZED_KEY",
    "looks_like_conll",
    "read_conll",
]

DOCSTART = "-DOCSTART-"
TOKENIZED_KEY = "tokenized"  # meta key of a document whose text was rebuilt from tokens
TOKENIZED = "conll"  # ... and its value: tokens joined by " ", one sentence a line
COLUMNS_KEY = "conll_columns"  # meta key: the columns between token and tag, one per token
_SNIFF_LINES = 200
_TAG_SHAPED = re.compile(r"^(O|[BIESLU][-_]\S*)$")


@dataclass
class _Sentence:
    """The token lines between two blank lines, and the first problem among them."""

    line: int
    tokens: list[TaggedToken] = field(default_factory=list)
    error: LineError | None = None


@dataclass
class _Document:
    """A document as read: its sentences, where it starts, and its first problem."""

    line: int
    sentences: list[list[TaggedToken]]
    error: LineError | None


def _document(sentences: list[_Sentence]) -> _Document:
    errors = [s.error for s in sentences if s.error is not None]
    return _Document(
        sentences[0].line, [s.tokens for s in sentences], errors[0] if errors else None
    )


def _documents(path: Path) -> list[_Document]:
    """The file's documents with their sentences (tags checked for form, not sequence)."""
    name = display_path(path)
    blocks: list[list[_Sentence]] = [[]]  # the sentences of each -DOCSTART- section
    sentence: _Sentence | None = None
    columns: tuple[int, int] | None = None  # the file's column count, and where it was set
    has_docstart = False

    def fail(number: int, reason: str) -> None:
        nonlocal sentence
        if sentence is None:
            sentence = _Sentence(number)
            blocks[-1].append(sentence)
        if sentence.error is None:
            sentence.error = LineError(name, number, reason)

    for line in text_lines(path):
        number, text, problem = line.number, line.text, line.problem
        if text is None:
            fail(number, problem)
            continue
        cells = text.split()
        if not cells:
            sentence = None
            continue
        if cells[0] == DOCSTART:
            has_docstart = True
            blocks.append([])
            sentence = None
            continue
        if len(cells) < 2:
            fail(number, f"1 column: a line needs a token and a tag ({text.strip()!r})")
            continue
        if columns is None:
            columns = (len(cells), number)
        elif len(cells) != columns[0]:
            fail(
                number,
                f"{len(cells)} columns where the file's token lines have {columns[0]} "
                f"(as line {columns[1]})",
            )
            continue
        try:
            parse_tag(cells[-1])
        except ValidationError as exc:
            fail(number, str(exc))
            continue
        if sentence is None:
            sentence = _Sentence(number)
            blocks[-1].append(sentence)
        sentence.tokens.append(TaggedToken(cells[0], cells[-1], number, " ".join(cells[1:-1])))
    if has_docstart:
        return [_document(block) for block in blocks if block]
    # No document breaks: every sentence is a document of its own.
    return [_document([s]) for s in blocks[0]]


def _record(document: _Document, scheme: TagScheme, name: str) -> Record | LineError:
    """The document as one text with its entities; a bad tag sequence is a LineError."""
    if document.error is not None:
        return document.error
    if not any(document.sentences):
        return LineError(name, document.line, "no token lines")
    text_parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    try:
        for sentence in document.sentences:
            starts = []
            for token in sentence:
                starts.append(offset)
                offset += len(token.token) + 1  # the space or newline after it
            for first, last, label in spans_from_tags(sentence, scheme):
                check_label(label, f"the label of line {sentence[first].line}")
                end = starts[last] + len(sentence[last].token)
                spans.append(Span(starts[first], end, label, source="import"))
            text_parts.append(" ".join(token.token for token in sentence))
        if len(spans) > MAX_SPANS:
            raise ValidationError(f"{len(spans):,} entities, above the limit of {MAX_SPANS:,}")
        text = "\n".join(text_parts)
        check_text(text)
    except TagError as exc:
        return LineError(name, exc.line, str(exc))
    except ValidationError as exc:
        return LineError(name, document.line, str(exc))
    meta: dict[str, object] = {TOKENIZED_KEY: TOKENIZED}
    middles = [token.middle for sentence in document.sentences for token in sentence]
    if any(middles):
        meta[COLUMNS_KEY] = middles
    try:
        check_meta(meta)
    except ValidationError as exc:
        return LineError(name, document.line, f"the columns between token and tag: {exc}")
    return Record(text=text, line=document.line, meta=meta, spans=tuple(spans))


def read_conll(path: Path) -> Iterator[Record | LineError]:
    """Documents of a CoNLL/IOB file; a binary file raises FormatError before the first
    record."""
    check_text_file(path)
    documents = _documents(path)
    scheme = detect_scheme([s for d in documents if d.error is None for s in d.sentences])
    name = display_path(path)
    return (_record(document, scheme, name) for document in documents)


def looks_like_conll(head: bytes) -> bool:
    """Whether the start of a file reads as token/tag columns (for a .txt that holds CoNLL).

    Most (three in five) of the first non-blank lines are ``-DOCSTART-`` lines or have two or
    more columns ending in something tag-shaped (``O``, ``B-...``), and some line is a document
    break or an entity tag (or three lines are rows, all ``O``). Damaged lines among them are
    left to the reader to report. A file that starts with ``-DOCSTART-`` is CoNLL.
    """
    lines = head.decode("utf-8", "replace").splitlines()
    if len(head) >= 4096 and lines:
        lines.pop()  # probably cut in the middle
    seen = rows = entity = 0
    for line in lines:
        cells = line.split()
        if not cells:
            continue
        if seen == 0 and cells[0] == DOCSTART:
            return True  # CoNLL's own first line: the reader reports whatever is damaged below
        seen += 1
        if cells[0] == DOCSTART:
            rows += 1
            entity += 1
        elif len(cells) >= 2 and _TAG_SHAPED.match(cells[-1]):
            rows += 1
            entity += cells[-1] != "O"
        if seen >= _SNIFF_LINES:
            break
    return (entity > 0 or rows >= 3) and rows * 5 >= seen * 3

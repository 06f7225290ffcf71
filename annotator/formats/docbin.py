"""spaCy's binary format (.spacy, a DocBin): ``doc.ents`` become spans."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import srsly

from annotator.core.limits import (
    MAX_DOCBIN_BYTES,
    MAX_DOCBIN_RATIO,
    MAX_SPANS,
    MAX_TEXT_CHARS,
    clip,
)
from annotator.core.model import Span, ValidationError
from annotator.formats.checks import check_label, check_text, text_too_long
from annotator.formats.records import FormatError, LineError, Record, display_path
from annotator.formats.sniff import open_regular
from annotator.nlp.tokens import Tokenizer
from annotator.nlp.train.binary_spans import set_reference

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["DocBinWriter", "read_docbin"]

_MIN_LIMIT = 16 * 1024 * 1024  # small files may unpack to this much whatever their size


def _inflate(path: Path) -> Any:
    """The file's zlib stream unpacked a piece at a time, refused past the size limits."""
    inflater = zlib.decompressobj()
    data = bytearray()
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        limit = min(MAX_DOCBIN_BYTES, max(_MIN_LIMIT, MAX_DOCBIN_RATIO * size))
        try:
            while not inflater.eof and (chunk := handle.read(1 << 20)):
                while chunk and not inflater.eof:
                    data += inflater.decompress(chunk, limit + 1 - len(data))
                    if len(data) > limit:
                        raise FormatError(
                            path,
                            f"unpacks to more than {limit:,} bytes ({_why(limit)}); "
                            "nothing was imported",
                        )
                    chunk = inflater.unconsumed_tail
        except zlib.error as exc:
            raise FormatError(path, f"not a .spacy file (damaged or truncated?): {exc}") from exc
    if not inflater.eof:
        raise FormatError(path, "not a readable .spacy file (damaged or truncated?)")
    try:
        return srsly.msgpack_loads(data)
    except Exception as exc:  # msgpack raises many types for damaged data
        raise FormatError(path, f"not a readable .spacy file (damaged?): {clip(exc)}") from exc


def _why(limit: int) -> str:
    if limit == MAX_DOCBIN_BYTES:
        return "the limit; split the corpus into several files"
    return f"{MAX_DOCBIN_RATIO} times the file's size: a compression bomb?"


class _Layout:
    """A DocBin's arrays, checked against each other: one row of attributes per token.

    spaCy would split the token table by whatever the lengths field says, so a damaged one
    merges documents into one without a word; here every per-document field must agree.
    """

    def __init__(self, path: Path, msg: Any) -> None:
        import numpy
        from spacy.attrs import ENT_IOB, ENT_TYPE, ORTH

        self.path = path
        try:
            attrs = [int(a) for a in msg["attrs"]]
            self.strings = [str(s) for s in msg["strings"]]
            lengths = numpy.frombuffer(msg["lengths"], dtype="int32").astype("int64")
            self.spaces = numpy.frombuffer(msg["spaces"], dtype=bool)
            tokens = numpy.frombuffer(msg["tokens"], dtype="uint64")
            self.flags = msg.get("flags", [{}] * len(lengths))
            per_doc = (self.flags, msg.get("cats", self.flags), msg.get("span_groups", self.flags))
        except (KeyError, TypeError, ValueError) as exc:
            raise self.damaged(f"missing or bad fields: {clip(exc)}") from exc
        if ORTH not in attrs or tokens.size % len(attrs):
            raise self.damaged("the token table does not match its attributes")
        rows = tokens.size // len(attrs)
        counts = {len(x) if isinstance(x, list) else -1 for x in per_doc}
        if counts != {len(lengths)}:
            raise self.damaged(f"{len(lengths)} document lengths for {max(counts)} documents")
        if (lengths < 0).any() or lengths.sum() != rows or self.spaces.size != rows:
            raise self.damaged(
                f"the document lengths add up to {lengths.sum()} tokens, the file holds {rows}"
            )
        self.table = tokens.reshape((rows, len(attrs)))
        self.ends = numpy.cumsum(lengths)
        self.starts = self.ends - lengths
        self.orth = attrs.index(ORTH)
        self.ent_attrs = [a for a in (ENT_IOB, ENT_TYPE) if a in attrs]
        self.ent_cols = [attrs.index(a) for a in self.ent_attrs]

    def damaged(self, what: str) -> FormatError:
        return FormatError(self.path, f"damaged .spacy file ({what}); nothing was imported")

    def text_lengths(self, vocab: Any) -> list[int]:
        """Characters of each document, from the string table, before any text is built."""
        import numpy

        hashes = numpy.array([vocab.strings.add(s) for s in self.strings], dtype="uint64")
        sizes = numpy.array([len(s) for s in self.strings], dtype="int64")
        order = hashes.argsort()
        hashes, sizes = hashes[order], sizes[order]
        orths = self.table[:, self.orth]
        if not len(orths):
            return [0] * len(self.ends)
        at = numpy.minimum(numpy.searchsorted(hashes, orths), len(hashes) - 1)
        if not len(hashes) or not (hashes[at] == orths).all():
            raise self.damaged("a token's text is not in the file's string table")
        totals = numpy.concatenate(([0], numpy.cumsum(sizes[at] + self.spaces)))
        return (totals[self.ends] - totals[self.starts]).tolist()  # type: ignore[no-any-return]

    def doc(self, vocab: Any, index: int) -> Doc:
        """Document ``index`` with its tokens, spaces and entities (nothing else is read)."""
        from spacy.tokens import Doc

        start, end = int(self.starts[index]), int(self.ends[index])
        rows: Any = self.table[start:end]  # spaCy takes arrays where its types say lists
        flags = self.flags[index]
        unknown = isinstance(flags, dict) and flags.get("has_unknown_spaces")
        spaces: Any = None if unknown else self.spaces[start:end]
        try:
            doc = Doc(vocab, words=rows[:, self.orth], spaces=spaces)
            if self.ent_attrs and len(rows):
                doc.from_array(self.ent_attrs, rows[:, self.ent_cols])
        except (ValueError, KeyError, IndexError) as exc:
            raise self.damaged(f"document {index + 1}: {clip(exc)}") from exc
        return doc


def read_docbin(path: Path, tokenizer: Tokenizer) -> Iterator[Record | LineError]:
    """Documents of a .spacy file, one at a time; a damaged or oversized file raises FormatError.

    The file is unpacked with a bound on its size and its layout checked before the first
    document is made; a document above the text limit is never built.
    """
    msg = _inflate(path)
    if not isinstance(msg, dict):
        raise FormatError(path, "not a .spacy file (no DocBin inside); nothing was imported")
    layout = _Layout(path, msg)
    vocab = tokenizer.nlp.vocab
    name = display_path(path)
    for index, chars in enumerate(layout.text_lengths(vocab)):
        number = index + 1
        try:
            if chars > MAX_TEXT_CHARS:
                raise text_too_long(chars)
            doc = layout.doc(vocab, index)
            text = doc.text
            if not text.strip():
                raise ValidationError("document text is empty")
            check_text(text)
            ents = doc.ents
            if len(ents) > MAX_SPANS:
                raise ValidationError(f"{len(ents):,} entities, above the limit of {MAX_SPANS:,}")
            for ent in ents:
                check_label(ent.label_, f"entity {ent.start_char}-{ent.end_char} label")
        except ValidationError as exc:
            yield LineError(name, number, str(exc))
            continue
        spans = tuple(Span(e.start_char, e.end_char, e.label_, source="import") for e in ents)
        yield Record(text=text, line=number, spans=spans)


class DocBinWriter:
    """Collects documents with entities into a DocBin and writes it as one .spacy file."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        from spacy.tokens import DocBin

        self._tokenizer = tokenizer
        self._bin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
        self.count = 0

    def add(
        self,
        text: str,
        spans: Iterable[Span],
        rejected: Iterable[tuple[int, int, str]] = (),
        *,
        missing: bool = False,
    ) -> None:
        """One document: ``spans`` as its entities, every other token O (or *missing*, for a
        document known only through binary answers), ``rejected`` as known-wrong spans
        (``nlp.train.binary_spans``)."""
        doc = self._tokenizer.doc(text)
        keys = [span.key for span in spans]
        wrong = list(rejected)
        if not set_reference(doc, keys, wrong, missing=missing):
            for start, end, label in [*keys, *wrong]:
                if doc.char_span(start, end, label=label) is None:
                    raise FormatError(
                        "export",
                        f"span [{start}, {end}) {label} {text[start:end]!r} is not aligned "
                        "to tokens",
                    )
            raise FormatError("export", f"overlapping entities in {clip(text)}")
        self._bin.add(doc)
        self.count += 1

    def to_bytes(self) -> bytes:
        return bytes(self._bin.to_bytes())

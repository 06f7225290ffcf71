"""spaCy's binary format (.spacy, a DocBin): ``doc.ents``, or ``doc.spans[KEY]``, become spans.

A document's entities are read from ``doc.ents``; a document without entities but with span
groups (a span categorizer's ``doc.spans["sc"]``) has its spans read from its one non-empty
group, or from the group ``SpanOptions.key`` names (which is then read instead of
``doc.ents``). Several groups and no choice, or span groups beside different entities, are an
error naming the keys, never a text imported without its labels. Spans that overlap cannot be
stored (a document keeps non-overlapping spans): an error naming the two, or, with
``SpanOptions.drop_overlapping``, the longest non-overlapping spans are kept and the others
written into the document's meta (``"overlapping_spans"``), so nothing is lost.
"""

from __future__ import annotations

import itertools
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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

__all__ = ["DocBinWriter", "SpanOptions", "read_docbin"]


@dataclass(frozen=True)
class SpanOptions:
    """Where a DocBin's spans are read from, and what to do with overlapping ones."""

    key: str | None = None  # read doc.spans[key] instead of doc.ents
    drop_overlapping: bool = False  # keep the non-overlapping spans, the rest go to meta


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
            self.span_groups = msg.get("span_groups", [b""] * len(lengths))
            per_doc = (self.flags, msg.get("cats", self.flags), self.span_groups)
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
        """Document ``index`` with its tokens, spaces, entities and span groups."""
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
        groups = self.span_groups[index]
        if groups and isinstance(groups, bytes):
            try:
                doc.spans.from_bytes(groups)
            except Exception as exc:  # msgpack and spaCy raise many types for damaged data
                raise self.damaged(f"document {index + 1}: span groups: {clip(exc)}") from exc
        return doc


def _shown(text: str, span: Span) -> str:
    return f"[{span.start}, {span.end}) {span.label} {clip(text[span.start : span.end])}"


def _chosen_spans(doc: Doc, options: SpanOptions, path: Path) -> list[Span]:
    """The document's spans: doc.ents, or the span group chosen (see the module doc)."""
    groups = {key: group for key, group in doc.spans.items() if len(group)}
    if options.key is not None:
        chosen = list(groups.get(options.key, ()))
        if not chosen and len(doc.ents):
            raise ValidationError(
                f"the document has no spans under doc.spans[{options.key!r}] but has entities "
                "(doc.ents), which --spans-key leaves unread; import it without --spans-key"
            )
    else:
        ents = list(doc.ents)
        if not groups:
            chosen = ents
        elif not ents and len(groups) == 1:
            chosen = list(next(iter(groups.values())))
        elif not ents:
            raise FormatError(
                path,
                f"its documents hold spans under several keys of doc.spans "
                f"({', '.join(map(repr, sorted(groups)))}); choose one with --spans-key KEY; "
                "nothing was imported",
            )
        else:
            known = {(e.start_char, e.end_char, e.label_) for e in ents}
            extra = sorted(
                key
                for key, group in groups.items()
                if any((s.start_char, s.end_char, s.label_) not in known for s in group)
            )
            if extra:
                raise ValidationError(
                    f"the document has entities (doc.ents) and other spans under doc.spans "
                    f"{', '.join(map(repr, extra))}; doc.ents are read unless you choose a "
                    "key with --spans-key KEY"
                )
            chosen = ents
    if len(chosen) > MAX_SPANS:
        raise ValidationError(f"{len(chosen):,} spans, above the limit of {MAX_SPANS:,}")
    spans = []
    for item in chosen:
        check_label(item.label_, f"span {item.start_char}-{item.end_char} label")
        if not item.label_:
            raise ValidationError(f"span [{item.start_char}, {item.end_char}) has no label")
        if item.start_char < item.end_char:
            spans.append(Span(item.start_char, item.end_char, item.label_, source="import"))
    return spans


def _without_overlaps(
    text: str, spans: Sequence[Span], drop: bool
) -> tuple[list[Span], list[Span]]:
    """(kept, set aside): spans that overlap are an error unless ``drop``; then the longest
    win (the first one at a tie) and the others are set aside."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for a, b in itertools.pairwise(ordered):
        if a.overlaps(b) and not drop:
            raise ValidationError(
                f"spans {_shown(text, a)} and {_shown(text, b)} overlap; a document keeps "
                "spans that do not overlap: remove one, or import with --drop-overlapping "
                "(the longest are kept, the others go to the meta as overlapping_spans)"
            )
    kept: list[Span] = []
    aside: list[Span] = []
    for span in sorted(ordered, key=lambda s: (s.start - s.end, s.start)):
        (aside if any(span.overlaps(k) for k in kept) else kept).append(span)
    return sorted(kept), sorted(aside)


def read_docbin(
    path: Path, tokenizer: Tokenizer, options: SpanOptions | None = None
) -> Iterator[Record | LineError]:
    """Documents of a .spacy file, one at a time; a damaged or oversized file raises FormatError.

    The file is unpacked with a bound on its size and its layout checked before the first
    document is made; a document above the text limit is never built. The record's line is
    the document's number (1-based).
    """
    options = options or SpanOptions()
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
            spans, aside = _without_overlaps(
                text, _chosen_spans(doc, options, path), options.drop_overlapping
            )
        except ValidationError as exc:
            yield LineError(name, number, f"document {number}: {exc}")
            continue
        meta = {"overlapping_spans": [s.to_dict() for s in aside]} if aside else {}
        yield Record(text=text, line=number, meta=meta, spans=tuple(spans))


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

"""spaCy's binary format (.spacy, a DocBin): ``doc.ents`` become spans."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.model import Span
from annotator.formats.records import FormatError, LineError, Record
from annotator.nlp.tokens import Tokenizer

__all__ = ["DocBinWriter", "read_docbin"]


def read_docbin(path: Path, tokenizer: Tokenizer) -> Iterator[Record | LineError]:
    """Documents of a .spacy file; a truncated or foreign file raises FormatError."""
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_disk(path).get_docs(tokenizer.nlp.vocab))
    except Exception as exc:  # zlib, msgpack and spaCy raise many types for damaged files
        raise FormatError(
            path, f"not a readable .spacy file (damaged or truncated?): {exc}"
        ) from exc
    for number, doc in enumerate(docs, start=1):
        if not doc.text.strip():
            yield LineError(str(path), number, "document text is empty")
            continue
        spans = tuple(
            Span(ent.start_char, ent.end_char, ent.label_, source="import") for ent in doc.ents
        )
        yield Record(text=doc.text, line=number, spans=spans)


class DocBinWriter:
    """Collects documents with entities into a DocBin and writes it as one .spacy file."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        from spacy.tokens import DocBin

        self._tokenizer = tokenizer
        self._bin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
        self.count = 0

    def add(self, text: str, spans: Iterable[Span]) -> None:
        doc = self._tokenizer.nlp.make_doc(text)
        ents = []
        for span in spans:
            ent = doc.char_span(span.start, span.end, label=span.label)
            if ent is None:
                raise FormatError(
                    "export",
                    f"span [{span.start}, {span.end}) {span.label} "
                    f"{text[span.start : span.end]!r} is not aligned to tokens",
                )
            ents.append(ent)
        doc.ents = ents
        self._bin.add(doc)
        self.count += 1

    def to_bytes(self) -> bytes:
        return bytes(self._bin.to_bytes())

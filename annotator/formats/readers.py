"""The import readers, a table: each has a name, the suffixes it owns and a content sniff.

A file's reader is chosen by what it holds, not only by its name: ``--format NAME`` forces one;
otherwise the first reader whose sniff recognises the start of the file (the reader owning the
suffix asked first), else the reader owning the suffix. So a ``.txt`` that holds CoNLL columns
or JSONL records is read as such instead of becoming one document of raw columns. Readers of
other formats join the table with ``register``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.formats.conll_read import looks_like_conll, read_conll
from annotator.formats.docbin import SpanOptions, read_docbin
from annotator.formats.jsonl import jsonl_records, looks_like_jsonl
from annotator.formats.labelstudio import read_labelstudio
from annotator.formats.records import FormatError, LineError, Record
from annotator.formats.sniff import check_text_file, open_regular
from annotator.formats.table import read_table
from annotator.formats.text import read_text
from annotator.formats.unread import looks_like_json_document, looks_like_table, refuse
from annotator.nlp.tokens import Tokenizer

__all__ = [
    "AUTO",
    "ReadOptions",
    "Reader",
    "choose_reader",
    "reader_names",
    "register",
    "supported_suffixes",
]

AUTO = "auto"
_HEAD = 65536


@dataclass(frozen=True)
class ReadOptions:
    """What a reader may need beyond the file: the project tokenizer, DocBin span choices."""

    tokenizer: Tokenizer
    spans: SpanOptions = field(default_factory=SpanOptions)
    text_column: str | None = None  # the text's field in tables and Label Studio tasks


Records = tuple[int | None, Iterator[Record | LineError]]


@dataclass(frozen=True)
class Reader:
    """One input format.

    ``read`` returns how many records to expect (None: unknown) and the records; ``sniff``
    tells from the first bytes of a file whether it holds this format (None: never sniffed,
    only chosen by suffix or by name). A ``binary`` format's suffix settles it: its own reader
    says best what is wrong with a damaged file.
    """

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, ReadOptions], Records]
    sniff: Callable[[bytes], bool] | None = None
    binary: bool = False


def _jsonl(path: Path, options: ReadOptions) -> Records:
    return check_text_file(path), jsonl_records(path)


def _conll(path: Path, options: ReadOptions) -> Records:
    return None, read_conll(path)


def _spacy(path: Path, options: ReadOptions) -> Records:
    return None, read_docbin(path, options.tokenizer, options.spans)


def _labelstudio(path: Path, options: ReadOptions) -> Records:
    return None, read_labelstudio(path, options.text_column)


def _table(path: Path, options: ReadOptions) -> Records:
    return None, read_table(path, options.text_column)


def _text(path: Path, options: ReadOptions) -> Records:
    return None, read_text(path)


def _refusal(what: str) -> Callable[[Path, ReadOptions], Records]:
    refuse_file = refuse(what)
    return lambda path, options: (None, refuse_file(path))


_READERS: list[Reader] = [
    Reader("jsonl", (".jsonl",), _jsonl, looks_like_jsonl),
    Reader("conll", (".conll", ".iob", ".bio"), _conll, looks_like_conll),
    Reader("spacy", (".spacy",), _spacy, binary=True),
    # Label Studio's JSON export (a list of tasks) and CSV/TSV tables with a text column.
    Reader("labelstudio", (".json",), _labelstudio),
    Reader("csv", (".csv", ".tsv"), _table),
]
# Asked after every reader above: content that is no plain text is refused, then plain text.
_LAST: list[Reader] = [
    Reader("json-document", (), _refusal("a JSON document"), looks_like_json_document),
    Reader("table", (), _refusal("a table (CSV/TSV with a header line)"), looks_like_table),
    Reader("text", (".txt",), _text),
]


def _all() -> list[Reader]:
    return [*_READERS, *_LAST]


def register(reader: Reader) -> None:
    """Add a reader to the table, asked before the refusals and plain text."""
    if any(r.name == reader.name for r in _all()):
        raise ValueError(f"a reader named {reader.name!r} is already registered")
    _READERS.append(reader)


def reader_names() -> list[str]:
    """``auto`` and every reader's name that reads something, for ``--format``."""
    return [AUTO, *(r.name for r in _all() if r.suffixes)]


def supported_suffixes() -> tuple[str, ...]:
    return tuple(s for r in _all() for s in r.suffixes)


def _head(path: Path) -> bytes:
    with open_regular(path) as handle:
        return handle.read(_HEAD)


def choose_reader(path: Path, name: str = AUTO) -> Reader:
    """The reader for ``path``: the named one, or chosen by content and suffix.

    A file no reader recognises and whose suffix no reader owns raises FormatError.
    """
    if name != AUTO:
        for reader in _all():
            if reader.name == name and reader.suffixes:
                return reader
        raise FormatError(path, f"unknown format {name!r}; choose from {', '.join(reader_names())}")
    suffix = path.suffix.lower()
    owner = next((r for r in _all() if suffix in r.suffixes), None)
    if owner is not None and owner.binary:
        return owner
    # What no reader takes is refused only in place of plain text, never of a format the
    # suffix names (whose reader reports each bad line of a damaged file).
    last_resort = owner is None or owner in _LAST
    candidates = [r for r in (_all() if last_resort else _READERS) if r.sniff is not None]
    if owner is not None:
        candidates.sort(key=lambda r: r is not owner)
    try:
        head = _head(path)
    except FormatError:
        if owner is None:
            raise
        return owner  # not readable (a FIFO, a device): its reader refuses it with a message
    for reader in candidates:
        assert reader.sniff is not None
        if reader.sniff(head):
            return reader
    if owner is None:
        raise FormatError(
            path,
            f"unknown file type {path.suffix or '(none)'}; import takes "
            f"{', '.join(supported_suffixes())} files or a folder of .txt files "
            "(or choose a reader with --format)",
        )
    return owner

"""CSV and TSV tables: a header row, one document a row, the text in a named column.

The text column is found by name (``text``, ``content``, ``sentence``...: see
``foreign.TEXT_FIELD_NAMES``), or named with ``annotator import --text-column NAME``; every other
column is kept in the document's meta under its header name, as text. A ``.tsv`` file is
tab-separated; a ``.csv`` file's delimiter (comma, semicolon, tab or bar) and quoting are
sniffed from its first whole lines up to 8 KB (``csv.Sniffer``, whose time grows faster than
its sample: 64 KB took a second), a comma when nothing is clear.

A row with more or fewer fields than the header, or an empty text, is a bad record with its
line; a file without a header, with a header naming a column twice or without a text column
is refused as a whole. A quoted field may hold line breaks: a row's line is where it starts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.limits import MAX_TEXT_CHARS, clip
from annotator.core.model import ValidationError
from annotator.formats.foreign import find_text_field
from annotator.formats.jsonl import parse_record
from annotator.formats.records import FormatError, LineError, Record, display_path
from annotator.formats.sniff import check_text_file, open_regular

__all__ = ["read_table"]

_SNIFF_BYTES = 8192
_DELIMITERS = ",;\t|"


def _dialect(path: Path, head: str) -> type[csv.Dialect] | csv.Dialect:
    if path.suffix.lower() == ".tsv":
        return csv.excel_tab
    whole_lines = head[: head.rfind("\n") + 1] or head
    try:
        return csv.Sniffer().sniff(whole_lines, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def read_table(path: Path, text_column: str | None = None) -> Iterator[Record | LineError]:
    """Records of a CSV or TSV file, one a row; bad rows come out as LineErrors."""
    check_text_file(path)
    name = display_path(path)
    # Fields as long as the longest text allowed, and one more character to tell it is longer.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_TEXT_CHARS + 1))
    with open_regular(path) as raw:
        head = raw.read(_SNIFF_BYTES).decode("utf-8-sig", "ignore")
        raw.seek(0)
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(handle, _dialect(path, head))
        try:
            yield from _rows(path, name, reader, text_column)
        except csv.Error as exc:
            raise FormatError(
                path, f"line {reader.line_num}: not a readable table ({exc}); nothing was imported"
            ) from exc


def _not_utf8(row: list[str]) -> bool:
    """Whether a row holds bytes that are not UTF-8 (read as lone surrogates)."""
    for field in row:
        if not field.isascii():
            try:
                field.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def _rows(
    path: Path, name: str, reader: Any, text_column: str | None
) -> Iterator[Record | LineError]:
    header = next(reader, None)
    while header is not None and not any(header):
        header = next(reader, None)  # blank lines before the header
    if header is None:
        raise FormatError(path, "the table is empty; expected a header row naming the columns")
    header_line = reader.line_num
    doubled = sorted({column for column in header if header.count(column) > 1})
    if doubled:
        raise FormatError(
            path,
            f"line {header_line}: the header names column {clip(doubled[0])} twice; "
            "nothing was imported",
        )
    text_name = find_text_field(header, text_column)
    if text_name is None:
        wanted = f"no column {clip(text_column)}" if text_column else "no text column"
        columns = ", ".join(clip(c, 30) for c in header[:10])
        raise FormatError(
            path,
            f"line {header_line}: {wanted} in the header ({columns}); "
            "name it with --text-column; nothing was imported",
        )
    text_at = header.index(text_name)
    end = reader.line_num
    for row in reader:
        line, end = end + 1, reader.line_num
        if not row:
            continue  # a blank line
        if len(row) != len(header):
            yield LineError(
                name, line, f"{len(row)} fields, but the header has {len(header)} columns"
            )
            continue
        if _not_utf8(row):
            yield LineError(name, line, "not UTF-8 text (a byte that is not UTF-8 in the row)")
            continue
        if not row[text_at].strip():
            yield LineError(name, line, f"the text column {clip(text_name)} is empty")
            continue
        meta = {column: value for column, value in zip(header, row, strict=True)}
        del meta[text_name]
        try:
            yield parse_record({"text": row[text_at], "meta": meta}, line)
        except ValidationError as exc:
            yield LineError(name, line, str(exc))

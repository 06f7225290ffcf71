"""Content no reader takes but that is plainly not a plain text: refused, never one document.

Without these, a ``.txt`` holding a JSON document (Label Studio's task list) or a table with a
header line (CSV/TSV, a label column among its columns) would be imported as one raw document
and its labels lost. They are
asked after every real reader (see ``readers``), so a reader registered for such content
(Label Studio JSON, CSV) takes it first; ``--format text`` still imports the file as text.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.formats.records import LineError, Record, display_path
from annotator.formats.sniff import check_text_file

__all__ = ["looks_like_json_document", "looks_like_table", "refuse"]

_HEADER_CELL = re.compile(r"^[^\s,;|]{1,40}$")  # a column name: short, no spaces
# Prose has commas, so a comma-separated header must be names proper (``id,text,label``, not
# ``Hello, world.``); tabs, semicolons and bars are rare enough in prose to take any short cell.
_COMMA_HEADER_CELL = re.compile(r"^[^\W\d][\w-]{0,39}$")
_JSON_START = re.compile(rb"^\s*(\[\s*\{|\{\s*\")")


def looks_like_json_document(head: bytes) -> bool:
    """A JSON list of objects or an object that is not one JSONL record a line."""
    return _JSON_START.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def looks_like_table(head: bytes) -> bool:
    """A delimited table with a header line: the first line is two or more short names
    (``id,text,label``) and the next line has as many cells (CSV/TSV quoting understood)."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    for delimiter in ",\t;|":
        # Rows as csv reads them: a quoted cell may hold a tab or a line separator (U+2028),
        # which str.splitlines would take for the end of a row.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = list(itertools.islice((row for row in reader if any(row)), 2))
        except csv.Error:  # a NUL or a runaway quote: no table csv can read
            continue
        if len(rows) < 2:
            return False
        header = rows[0]
        cell = _COMMA_HEADER_CELL if delimiter == "," else _HEADER_CELL
        if (
            len(header) >= 2
            and all(cell.match(name.strip()) for name in header)
            and len(rows[1]) == len(header)
        ):
            return True
    return False


def refuse(what: str) -> Callable[[Path], Iterator[Record | LineError]]:
    """A reader that reads nothing and says why, at line 1."""

    def read(path: Path) -> Iterator[Record | LineError]:
        check_text_file(path)
        yield LineError(
            display_path(path),
            1,
            f"the file holds {what}, which this version does not import; its labels would be "
            "lost as plain text (choose --format text to import it as one text anyway)",
        )

    return read

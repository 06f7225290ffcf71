"""Content no reader takes but that is plainly not a plain text: refused, never one document.

Without these, a ``.txt`` holding a JSON document (Label Studio's task list) or a table with a
label column (CSV/TSV) would be imported as one raw document and its labels lost. They are
asked after every real reader (see ``readers``), so a reader registered for such content
(Label Studio JSON, CSV) takes it first; ``--format text`` still imports the file as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.formats.foreign import ANNOTATION_KEYS
from annotator.formats.records import LineError, Record, display_path
from annotator.formats.sniff import check_text_file

__all__ = ["looks_like_json_document", "looks_like_labelled_table", "refuse"]

_DELIMITERS = re.compile(r"[,;\t|]")
_JSON_START = re.compile(rb"^\s*(\[\s*\{|\{\s*\")")


def _first_line(head: bytes) -> str:
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return text.lstrip("\r\n").split("\n", 1)[0].strip()


def looks_like_json_document(head: bytes) -> bool:
    """A JSON list of objects or an object that is not one JSONL record a line."""
    return _JSON_START.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def looks_like_labelled_table(head: bytes) -> bool:
    """A delimited header line with a ``text`` column and an annotation column (``label``)."""
    cells = {c.strip().strip("\"'").lower() for c in _DELIMITERS.split(_first_line(head))}
    return len(cells) > 1 and "text" in cells and bool(cells & set(ANNOTATION_KEYS))


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

"""A whole-file JSON list read one item at a time, each with the line it starts on.

Label Studio exports a project as one JSON list. The file is checked like every text file
(``sniff.check_text_file``), read up to ``MAX_JSON_FILE_BYTES``, and decoded item by item, so a
bad item is one bad record with its own line, while a file that is not a JSON list, is cut off
or is not valid JSON between items is refused as a whole with the line and column where it
broke (nothing of it is imported).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.limits import MAX_JSON_FILE_BYTES
from annotator.formats.records import FormatError
from annotator.formats.sniff import check_text_file, open_regular

__all__ = ["json_items"]

_WHITESPACE = " \t\n\r"


def _read(path: Path) -> str:
    """The file's text, refused above the size limit or when it is not UTF-8."""
    check_text_file(path)
    with open_regular(path) as handle:
        data = handle.read(MAX_JSON_FILE_BYTES + 1)
    if len(data) > MAX_JSON_FILE_BYTES:
        raise FormatError(
            path,
            f"larger than the limit of {MAX_JSON_FILE_BYTES:,} bytes for a JSON file; "
            "split it into smaller files; nothing was imported",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            path,
            f"line {line}: not UTF-8 text (bad byte at offset {exc.start}); nothing was imported",
        ) from exc


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _broken(path: Path, text: str, pos: int, what: str) -> FormatError:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return FormatError(path, f"line {line}, column {column}: {what}; nothing was imported")


def json_items(path: Path, what: str = "a JSON list") -> Iterator[tuple[int, Any]]:
    """(line, item) for each item of the JSON list in ``path``; a single top-level object is
    read as a list of one. ``what`` names the expected content in messages."""
    text = _read(path)
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if pos == len(text):
        raise FormatError(path, f"the file is empty; expected {what}")
    if text[pos] == "{":
        yield from _items_from(path, text, decoder, pos, single=True)
        return
    if text[pos] != "[":
        raise _broken(path, text, pos, f"expected {what}, found {text[pos]!r}")
    pos = _skip(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        pos = _skip(text, pos + 1)
        if pos != len(text):
            raise _broken(path, text, pos, "more data after the end of the list")
        return
    yield from _items_from(path, text, decoder, pos, single=False)


def _items_from(
    path: Path, text: str, decoder: json.JSONDecoder, pos: int, *, single: bool
) -> Iterator[tuple[int, Any]]:
    line, counted = 1, 0
    while True:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            # A string left open runs to the end of the file (JSON strings hold no newline).
            if exc.pos >= len(text) or exc.msg.startswith("Unterminated string"):
                raise _broken(
                    path, text, exc.pos, "the file ends in the middle of the JSON (truncated?)"
                ) from exc
            raise _broken(path, text, exc.pos, f"not valid JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise _broken(path, text, pos, "JSON nested too deeply") from exc
        except ValueError as exc:  # an integer of more digits than Python converts
            raise _broken(path, text, pos, f"not valid JSON ({exc})") from exc
        line += text.count("\n", counted, pos)
        counted = pos
        yield line, item
        pos = _skip(text, end)
        if single:
            if pos != len(text):
                raise _broken(path, text, pos, "more data after the end of the object")
            return
        if pos == len(text):
            raise _broken(path, text, pos, "the file ends before the list does (truncated?)")
        if text[pos] == "]":
            pos = _skip(text, pos + 1)
            if pos != len(text):
                raise _broken(path, text, pos, "more data after the end of the list")
            return
        if text[pos] != ",":
            raise _broken(path, text, pos, "expected ',' or ']' after a list item")
        pos = _skip(text, pos + 1)

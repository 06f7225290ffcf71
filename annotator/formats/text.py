"""Plain text: a .txt file is one document; a folder imports every .txt file under it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.limits import MAX_TEXT_CHARS
from annotator.core.model import ValidationError
from annotator.formats.checks import check_text, text_too_long
from annotator.formats.records import FormatError, LineError, Record, display_path
from annotator.formats.sniff import check_text_file, open_regular

__all__ = ["read_text", "text_files"]

_MAX_BYTES = 4 * MAX_TEXT_CHARS + 3  # a UTF-8 character takes at most 4 bytes (and a BOM 3)


def text_files(folder: Path) -> list[Path]:
    """The .txt files under ``folder``, in a stable order.

    Every entry but folders: a pipe or a device named ``.txt`` is refused by the reader with
    a message, not skipped without a word.
    """
    return sorted(p for p in folder.rglob("*.txt") if not p.is_dir())


def read_text(path: Path) -> Iterator[Record | LineError]:
    """The file as one document; a file that is not UTF-8 is a LineError at the bad byte."""
    check_text_file(path)
    name = display_path(path)
    try:
        with open_regular(path) as handle:
            # Enough bytes for the longest text allowed, and one more to tell it is longer.
            data = handle.read(_MAX_BYTES + 1)
    except OSError as exc:
        raise FormatError(path, f"cannot read file ({exc.strerror})") from exc
    if len(data) > _MAX_BYTES:  # more characters than the limit, whatever they are
        yield LineError(name, 1, str(text_too_long(None)))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield LineError(name, line, f"not UTF-8 text (bad byte at offset {exc.start})")
        return
    if not text.strip():
        yield LineError(name, 1, "the file is empty")
        return
    try:
        check_text(text)
    except ValidationError as exc:
        yield LineError(name, 1, str(exc))
        return
    yield Record(text=text, line=1, meta={"file": display_path(path.name)})

"""Plain text: a .txt file is one document; a folder imports every .txt file under it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.formats.records import FormatError, LineError, Record, display_path
from annotator.formats.sniff import check_text_file

__all__ = ["read_text", "text_files"]


def text_files(folder: Path) -> list[Path]:
    """The .txt files under ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*.txt") if p.is_file())


def read_text(path: Path) -> Iterator[Record | LineError]:
    """The file as one document; a file that is not UTF-8 is a LineError at the bad byte."""
    check_text_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot read file ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield LineError(
            display_path(path), line, f"not UTF-8 text (bad byte at offset {exc.start})"
        )
        return
    if not text.strip():
        yield LineError(display_path(path), 1, "the file is empty")
        return
    yield Record(text=text, line=1, meta={"file": display_path(path.name)})

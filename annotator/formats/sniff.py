"""Cheap checks on a file's first bytes, before anything of it reaches the project."""

from __future__ import annotations

import codecs
from pathlib import Path

from annotator.formats.records import FormatError

__all__ = ["check_text_file"]

_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def check_text_file(path: Path) -> None:
    """Raise FormatError for a file that is binary or not in UTF-8 as a whole."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise FormatError(path, f"cannot read file ({exc.strerror})") from exc
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            raise FormatError(path, f"file is encoded as {name}; save it as UTF-8 and import again")
    if b"\x00" in head:
        raise FormatError(path, "this is a binary file, not text; nothing was imported")

"""Checks on a file before anything of it reaches the project: what it is, its first bytes.

Only regular files are read: a FIFO would block forever and ``/dev/zero`` never ends, so both
(and every other device, also behind a symlink) are refused before they are opened.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import BinaryIO

from annotator.formats.records import FormatError

__all__ = ["check_text_file", "open_regular"]

_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def _refuse(path: Path, mode: int) -> FormatError:
    return FormatError(path, f"is {_kind(mode)}, not a regular file; it was not read")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading in binary, or raise FormatError when it is no regular file.

    Checked before opening (a FIFO blocks in ``open``) and again on the open file, which is
    opened without blocking, so a file swapped in between is caught too.
    """
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(path, mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise FormatError(path, f"cannot read file ({exc.strerror})") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refuse(path, mode)
    return os.fdopen(fd, "rb")


def check_text_file(path: Path) -> None:
    """Raise FormatError for a file that is binary or not in UTF-8 as a whole."""
    with open_regular(path) as handle:
        head = handle.read(65536)
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            raise FormatError(path, f"file is encoded as {name}; save it as UTF-8 and import again")
    if b"\x00" in head:
        raise FormatError(path, "this is a binary file, not text; nothing was imported")

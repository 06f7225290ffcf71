"""Reading a file the user named, only when it is a regular file of a sane size.

A FIFO blocks ``open`` forever, ``/dev/zero`` never ends and a 10 GB file fills memory; the
readers of small user files (pattern files, guidelines) go through here. The import readers
have their own streaming checks (``formats.sniff.open_regular``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = ["file_kind", "read_regular_text"]


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for messages ("a pipe (FIFO)")."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_regular_text(path: str | Path, max_bytes: int) -> str:
    """The UTF-8 text of ``path``; OSError for a special file or one above ``max_bytes``,
    UnicodeDecodeError for bytes that are not UTF-8."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, f"it is {file_kind(mode)}, not a regular file")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"it is larger than {max_bytes:,} bytes")
    return data.decode("utf-8")

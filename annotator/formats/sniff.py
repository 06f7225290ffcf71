"""Checks on a file before anything of it reaches the project: what it is, what it holds.

Only regular files are read: a FIFO would block forever and ``/dev/zero`` never ends, so both
(and every other device, also behind a symlink) are refused before they are opened. A text
file is scanned as a whole before its first record is read, so a file that is binary (a NUL
anywhere), UTF-16/32 (with or without a byte-order mark) or cut off inside a character is
refused as a whole.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from annotator.core.limits import MAX_LINE_BYTES
from annotator.core.regular_files import file_kind
from annotator.formats.records import FormatError

__all__ = ["Line", "check_text_file", "open_regular", "text_lines"]

_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}
_CHUNK = 1 << 20
_HEAD = 65536
# Bytes that plain text does not hold (C0 controls but tab, newlines, form feed, escape).
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")


def _refuse(path: Path, mode: int) -> FormatError:
    return FormatError(path, f"is {file_kind(mode)}, not a regular file; it was not read")


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


def _utf16_without_bom(head: bytes) -> bool:
    """Text in UTF-16: every other byte, a character's high byte, is mostly a control as
    UTF-8 (0x00 for Latin letters, 0x04 for Cyrillic), and the whole reads as UTF-16.
    """
    even = head[: len(head) // 2 * 2]
    if len(even) < 4:
        return False
    for codec, high in (("utf-16-le", even[1::2]), ("utf-16-be", even[0::2])):
        if sum(map(high.count, _CONTROLS)) * 2 < len(high):
            continue
        try:
            text = even.decode(codec)
        except UnicodeDecodeError:
            continue
        if sum(ch.isprintable() or ch.isspace() for ch in text) >= 0.95 * len(text):
            return True
    return False


def check_text_file(path: Path) -> int:
    """Raise FormatError for a file that is not UTF-8 text as a whole; returns its line count.

    Bytes that are not UTF-8 in the middle of a file are left to the reader (they make one bad
    record); a file that is valid UTF-8 up to a character cut off at its end was truncated.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    valid = True
    lines = 0
    with open_regular(path) as handle:
        head = handle.read(_HEAD)
        for bom, name in _BOMS.items():
            if head.startswith(bom):
                raise FormatError(
                    path, f"file is encoded as {name}; save it as UTF-8 and import again"
                )
        if _utf16_without_bom(head):
            raise FormatError(
                path,
                "file looks encoded as UTF-16 (without a byte-order mark); "
                "save it as UTF-8 and import again",
            )
        chunk = head
        while chunk:
            if b"\x00" in chunk:
                raise FormatError(path, "this is a binary file, not text; nothing was imported")
            lines += chunk.count(b"\n")
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False  # a bad byte inside: the reader reports its line
            chunk = handle.read(_CHUNK)
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise FormatError(
                path,
                "the file ends in the middle of a character (truncated?); nothing was imported",
            ) from exc
    return lines


@dataclass(frozen=True)
class Line:
    """One line of a text file as the line readers (JSONL, CoNLL) take it."""

    number: int  # 1-based
    raw: bytes  # as read, the newline included (b"" for a line over the limit)
    text: str | None  # decoded (a leading byte-order mark dropped); None: see ``problem``
    problem: str = ""  # why there is no text: too long, not UTF-8


def text_lines(path: Path) -> Iterator[Line]:
    """Each line of a regular file, decoded; a line longer than ``MAX_LINE_BYTES`` is never
    held whole (it is skipped to its end and reported as a problem of its own line)."""
    with open_regular(path) as handle:
        number = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass  # the rest of the line, never held whole
                limit = f"the line is longer than the limit of {MAX_LINE_BYTES:,} bytes"
                yield Line(number, b"", None, limit)
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield Line(number, raw, raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                bad = f"not UTF-8 text (bad byte at column {exc.start + 1})"
                yield Line(number, raw, None, bad)

"""Checks on the values a record brings in, before the store, spaCy or a JSON writer sees them.

A lone surrogate (which no UTF-8 file can hold, but a JSON ``\\ud800`` escape can) crashes the
JSON serialiser and the database driver; a NUL cuts a text short in SQLite; an infinite number
cannot be written as JSON. Each is refused here, with the record's own line, so one bad record
stays one bad record.
"""

from __future__ import annotations

import math
from typing import Any

from annotator.core.limits import clip
from annotator.core.model import ValidationError

__all__ = ["check_annotator", "check_meta", "check_string", "check_text"]


def _surrogate_at(value: str) -> int | None:
    """Index of the first lone surrogate in ``value`` (not encodable as UTF-8), else None."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def check_string(value: str, what: str, *, limit: int | None = None, nul: bool = True) -> None:
    """Refuse a string with a lone surrogate, a NUL (unless ``nul``) or above ``limit``."""
    if limit is not None and len(value) > limit:
        raise ValidationError(
            f"{what} is {len(value):,} characters long, above the limit of {limit:,}: {clip(value)}"
        )
    at = _surrogate_at(value)
    if at is not None:
        raise ValidationError(
            f"{what} holds a lone surrogate {value[at]!r} at character {at + 1} "
            "(not valid Unicode: the file was written by a broken encoder?)"
        )
    if not nul and "\x00" in value:
        raise ValidationError(
            f"{what} holds a NUL character at character {value.index(chr(0)) + 1}"
        )


def check_text(text: str) -> None:
    """A document text the store, spaCy and the exporters all take."""
    check_string(text, '"text"', nul=False)


def check_annotator(name: str) -> None:
    check_string(name, "the annotator id", nul=False)


def check_meta(meta: dict[str, Any]) -> None:
    """Meta the JSON writer takes: no lone surrogates, no infinite numbers."""
    stack: list[Any] = [meta]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key in value:
                check_string(key, '"meta" key')
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            check_string(value, '"meta" value')
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(f'"meta" holds {value}, which JSON cannot hold')

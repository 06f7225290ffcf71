"""Checks on the values a record brings in, before the store, spaCy or a JSON writer sees them.

A lone surrogate (which no UTF-8 file can hold, but a JSON ``\\ud800`` escape can) crashes the
JSON serialiser and the database driver; a NUL cuts a text short in SQLite; an infinite number
cannot be written as JSON; deep meta breaks every later export. Each is refused here, with the
record's own line, so one bad record stays one bad record.
"""

from __future__ import annotations

import math
from typing import Any

from annotator.core.limits import (
    MAX_ANNOTATOR_CHARS,
    MAX_LABEL_CHARS,
    MAX_META_CHARS,
    MAX_META_DEPTH,
    MAX_TEXT_CHARS,
    clip,
)
from annotator.core.model import ValidationError
from annotator.core.team import REVIEWED, is_reserved

__all__ = [
    "check_annotator",
    "check_label",
    "check_meta",
    "check_string",
    "check_text",
    "text_too_long",
]


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


def text_too_long(length: int | None) -> ValidationError:
    """The error for a text of ``length`` characters (None: more than the limit)."""
    size = "longer than" if length is None else f"{length:,} characters long, above"
    return ValidationError(
        f"the text is {size} the limit of {MAX_TEXT_CHARS:,} characters; "
        "split the document into smaller ones"
    )


def check_text(text: str) -> None:
    """A document text the store, spaCy and the exporters all take."""
    if len(text) > MAX_TEXT_CHARS:
        raise text_too_long(len(text))
    check_string(text, '"text"', nul=False)


def check_label(label: str, what: str) -> None:
    check_string(label, what, limit=MAX_LABEL_CHARS, nul=False)


def check_annotator(name: str, what: str = "the annotator id") -> None:
    """An annotator name a record or ``--annotator`` may give: names starting with '@' are
    the app's own, except the reviewed annotation's (an export of it comes back in)."""
    check_string(name, what, limit=MAX_ANNOTATOR_CHARS, nul=False)
    if is_reserved(name) and name != REVIEWED:
        raise ValidationError(
            f"{what} {clip(name)!r} starts with '@', which the app keeps for itself "
            f"(only {REVIEWED!r}, the reviewed annotation, may be imported)"
        )


def check_meta(meta: dict[str, Any]) -> None:
    """Meta the JSON writer takes and the exports can read back: depth, size, values."""
    size = 0
    stack: list[tuple[Any, int]] = [(meta, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            items: list[Any] = list(value.values())
            for key in value:
                check_string(key, '"meta" key')
                size += len(key)
        elif isinstance(value, list):
            items = value
        else:
            if isinstance(value, str):
                check_string(value, '"meta" value')
                size += len(value)
            elif isinstance(value, float) and not math.isfinite(value):
                raise ValidationError(f'"meta" holds {value}, which JSON cannot hold')
            size += 4
            if size > MAX_META_CHARS:
                raise _too_big()
            continue
        if depth > MAX_META_DEPTH:
            raise ValidationError(f'"meta" is nested deeper than {MAX_META_DEPTH} levels')
        size += 2 + len(items)
        if size > MAX_META_CHARS:
            raise _too_big()
        stack.extend((item, depth + 1) for item in items)


def _too_big() -> ValidationError:
    return ValidationError(
        f'"meta" is larger than the limit of about {MAX_META_CHARS:,} characters; '
        "keep large data outside the record"
    )

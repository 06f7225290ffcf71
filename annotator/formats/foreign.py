"""What records of other tools carry besides text and spans: their own id and flat meta.

**Ids.** doccano lines, Label Studio tasks and JSONL records often have a top-level ``"id"``
that the tool they come from (or the user's own pipeline) needs back. It is kept in the
document's meta under ``ORIGINAL_ID_KEY``; import refuses a record whose own meta already uses
that key, so the kept id can never collide with (or be mistaken for) user meta. The doccano,
Label Studio and JSONL exports take it out of meta again and write it as the top-level ``"id"``.

**Flat meta.** doccano keeps an example's meta as top-level keys beside ``text`` and ``label``,
Label Studio as keys of a task's ``data`` beside the text, a table as the columns beside the
text column. ``gather_meta`` turns such keys into a document's meta and ``spread_meta`` writes
meta back that way; meta with a key the format itself uses (``text``, ``label``...) is written
whole under ``"meta"`` instead, which ``gather_meta`` reads back, so no meta key is lost.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from annotator.core.limits import MAX_ORIGINAL_ID_CHARS, clip
from annotator.core.model import ValidationError
from annotator.formats.checks import check_string

__all__ = [
    "ORIGINAL_ID_KEY",
    "TEXT_FIELD_NAMES",
    "checked_original_id",
    "find_text_field",
    "gather_meta",
    "shown",
    "split_original_id",
    "spread_meta",
    "with_original_id",
]

#: The meta key of a document's original top-level id (see the module's docstring).
ORIGINAL_ID_KEY = "_original_id"

#: Names of the field that holds the text (a table's column, a Label Studio ``data`` key), in
#: order of preference, compared without case: ``text`` first, then what datasets often use.
TEXT_FIELD_NAMES = ("text", "content", "sentence", "body", "document", "paragraph")

_INT64 = (-(2**63), 2**63 - 1)  # what SQLite's JSON and the JSON writer hold as integers


def checked_original_id(value: Any) -> str | int | None:
    """A record's ``"id"`` as kept: an integer or a string; None (or no id) is no id."""
    if value is None:
        return None
    if type(value) is int:  # true and false are ints to Python, never ids
        if not _INT64[0] <= value <= _INT64[1]:
            raise ValidationError(f'"id" {clip(value)} is outside the 64-bit integer range')
        return value
    if isinstance(value, str):
        check_string(value, '"id"', limit=MAX_ORIGINAL_ID_CHARS, nul=False)
        return value
    raise ValidationError(f'"id" must be a string or an integer, got {shown(value)}')


def shown(value: Any) -> str:
    """A JSON value as a message names it: ``true``, ``1.5``, ``'x'``, ``an object``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return clip(value)


def find_text_field(names: Collection[str], chosen: str | None = None) -> str | None:
    """Which of ``names`` holds the text: ``chosen`` when given (exactly as written), else the
    first of ``TEXT_FIELD_NAMES`` present (an exact match before one in other case)."""
    if chosen is not None:
        return chosen if chosen in names else None
    for wanted in TEXT_FIELD_NAMES:
        if wanted in names:
            return wanted
        for name in names:
            if name.lower() == wanted:
                return name
    return None


def with_original_id(meta: dict[str, Any], record_id: Any) -> dict[str, Any]:
    """``meta`` with the record's id kept under ``ORIGINAL_ID_KEY`` (a new dict when it has one).

    Refuses meta that already uses the key: it is reserved for the record's own id.
    """
    if ORIGINAL_ID_KEY in meta:
        raise ValidationError(
            f'"meta" key "{ORIGINAL_ID_KEY}" is reserved for the record\'s own "id"; rename it'
        )
    kept = checked_original_id(record_id)
    return meta if kept is None else {**meta, ORIGINAL_ID_KEY: kept}


def split_original_id(meta: Mapping[str, Any]) -> tuple[str | int | None, dict[str, Any]]:
    """(the kept original id or None, the meta without it), for the exports."""
    rest = {key: value for key, value in meta.items() if key != ORIGINAL_ID_KEY}
    return meta.get(ORIGINAL_ID_KEY), rest


def gather_meta(extras: Mapping[str, Any]) -> dict[str, Any]:
    """A document's meta from keys found beside the text; a ``"meta"`` object among them is
    meta written whole (see ``spread_meta``) and is merged with the others."""
    meta = {key: value for key, value in extras.items() if key != "meta"}
    nested = extras.get("meta")
    if isinstance(nested, dict):
        for key, value in nested.items():
            if key in meta:
                raise ValidationError(
                    f'key {clip(key)} is both in "meta" and beside it; keep one of them'
                )
            meta[key] = value
    elif "meta" in extras:
        meta["meta"] = nested
    return meta


def spread_meta(meta: Mapping[str, Any], taken: Collection[str]) -> dict[str, Any]:
    """Meta as keys to write beside the format's own ``taken`` keys: spread out when no key
    clashes with them, else whole under ``"meta"`` (``gather_meta`` reads both ways)."""
    if not meta:
        return {}
    if any(key in taken or key == "meta" for key in meta):
        return {"meta": dict(meta)}
    return dict(meta)

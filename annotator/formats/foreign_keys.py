"""Keys that hold annotations in a shape a reader does not take: refused, never skipped.

A JSON record such as doccano's ``{"text": ..., "label": [[0, 4, "ORG"]]}`` read by a reader
that only knows ``"spans"`` would import its text and lose every label without a word. Every
JSON reader asks ``check_no_foreign_annotations`` which of a record's keys it did not read look
like annotations; one that holds something is an error naming the key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from annotator.core.model import ValidationError

__all__ = ["ANNOTATION_KEYS", "check_no_foreign_annotations", "foreign_annotation_keys"]

# Keys under which the tools our users come from keep annotations: doccano (label, entities,
# relations), Label Studio (annotations, predictions, result), Hugging Face data sets
# (ner_tags, tags), spaCy's JSON (ents, entities), brat-style exports (ner, labels).
ANNOTATION_KEYS: tuple[str, ...] = (
    "entities",
    "label",
    "labels",
    "annotations",
    "predictions",
    "result",
    "ner",
    "ner_tags",
    "tags",
    "ents",
    "relations",
    "suggestions",
)


def _holds_something(value: Any) -> bool:
    """Whether a value carries annotations (``[]``, ``{}``, ``null`` and ``""`` do not)."""
    return value not in (None, "", [], {})


def foreign_annotation_keys(
    record: Mapping[str, Any], understood: Collection[str] = ()
) -> list[str]:
    """Annotation-like keys of ``record`` that hold something and are not in ``understood``."""
    return [
        key
        for key in ANNOTATION_KEYS
        if key in record and key not in understood and _holds_something(record[key])
    ]


def check_no_foreign_annotations(
    record: Mapping[str, Any], understood: Collection[str] = (), *, reads: str = ""
) -> None:
    """Raise ValidationError naming the first annotation-like key the reader does not read.

    ``reads`` says what the calling reader takes instead (shown in the message).
    """
    keys = foreign_annotation_keys(record, understood)
    if not keys:
        return
    also = f" (and {', '.join(repr(k) for k in keys[1:])})" if keys[1:] else ""
    instead = f"; this reader takes {reads}" if reads else ""
    raise ValidationError(
        f"key {keys[0]!r}{also} holds annotations in a shape this reader does not read, "
        f"so its labels would be lost{instead}; convert the record, remove the key, "
        "or choose the reader with --format"
    )

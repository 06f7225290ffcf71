"""doccano's sequence-labelling JSONL, read and written.

doccano (``backend/data_export``) writes one example a line, its meta spread as top-level keys:

- ``{"id": 1, "text": "...", "label": [[0, 2, "ORG"], ...], "Comments": [...]}`` (projects
  without relations; doccano's import also takes ``"label"`` items as
  ``{"start_offset", "end_offset", "label"}`` objects, and some users write ``"labels"``);
- ``{"id": 1, "text": "...", "entities": [{"id", "label", "start_offset", "end_offset"}],
  "relations": [{"id", "from_id", "to_id", "type"}], "Comments": [...]}`` (with relations).

A line in one of these shapes has its spans read; every other top-level key (``relations``,
``Comments``, the example's meta) is kept in the document's meta, and the ``id`` is kept (see
``formats.foreign``). An item we do not read (a text-classification label such as ``"POS"``,
a span without offsets) makes the line a bad record, never a text-only import. A line with a
label list, even an empty one, was exported from a labelling project: it comes in answered
(``accept``, or its own ``"answer"``); import with ``--as suggestions`` to check it first.

The export writes the first shape, which doccano's sequence-labelling import reads.
"""

from __future__ import annotations

from typing import Any

from annotator.core.model import Answer, Document, Span, ValidationError
from annotator.formats.foreign import gather_meta, shown, split_original_id, spread_meta

__all__ = ["doccano_line", "from_doccano", "is_doccano"]

#: The keys doccano puts an example's spans under.
SPAN_KEYS = ("label", "labels", "entities")
#: Keys the JSONL reader reads itself; everything else beside the text is meta.
_OWN_KEYS = frozenset({"text", "id", "answer", "_annotator_id", *SPAN_KEYS})


def is_doccano(data: Any) -> bool:
    """Whether a JSONL line is in doccano's shape: spans under ``label``/``labels``/``entities``
    rather than ``spans`` (a string ``"label"`` beside ``spans`` is a Prodigy task's label)."""
    if not isinstance(data, dict) or "spans" in data:
        return False
    return any(key in data and not isinstance(data[key], str) for key in SPAN_KEYS)


def from_doccano(data: dict[str, Any]) -> dict[str, Any]:
    """The line in the JSONL reader's shape (``text``, ``id``, ``meta``, ``spans``, ``answer``);
    the values are checked there, the doccano structure here."""
    present = [key for key in SPAN_KEYS if key in data]
    if len(present) > 1:
        raise ValidationError(
            f"spans under both {present[0]!r} and {present[1]!r}; a doccano line has one of them"
        )
    key = present[0]
    items = data[key]
    if not isinstance(items, list):
        raise ValidationError(f'doccano "{key}" must be a list of spans, got {shown(items)}')
    spans = [_span(item, key, index) for index, item in enumerate(items, start=1)]
    meta = gather_meta({k: v for k, v in data.items() if k not in _OWN_KEYS})
    shaped: dict[str, Any] = {k: data[k] for k in ("text", "id", "_annotator_id") if k in data}
    shaped.update(meta=meta, spans=spans, answer=data.get("answer", Answer.ACCEPT.value))
    return shaped


def _span(item: Any, key: str, index: int) -> dict[str, Any]:
    """One doccano span, ``[start, end, label]`` or ``{"start_offset", "end_offset", "label"}``,
    as a JSONL span (whose reader checks the values' types)."""
    if isinstance(item, list) and len(item) == 3:
        return {"start": item[0], "end": item[1], "label": item[2]}
    if isinstance(item, dict) and "start_offset" in item and "end_offset" in item:
        return {
            "start": item["start_offset"],
            "end": item["end_offset"],
            "label": item.get("label"),
        }
    raise ValidationError(
        f'doccano "{key}" item {index} is {shown(item)}, not a span '
        '([start, end, "LABEL"] or {"start_offset", "end_offset", "label"}); '
        "only sequence-labelling projects are read"
    )


#: The keys a doccano line of the export holds besides the document's meta.
_WRITTEN = frozenset({"meta", "spans", *_OWN_KEYS})


def doccano_line(doc: Document, answer: Answer | None, spans: list[Span]) -> dict[str, Any]:
    """One line of the doccano export: ``id`` (the document's original id, else its id in the
    project), ``text``, ``label`` triples, the meta spread beside them, and ``answer`` when it
    is not ``accept`` (doccano keeps it as meta; it comes back when read here)."""
    original, meta = split_original_id(doc.meta)
    line: dict[str, Any] = {
        "id": doc.id if original is None else original,
        "text": doc.text,
        "label": [[s.start, s.end, s.label] for s in spans],
    }
    line.update(spread_meta(meta, _WRITTEN))
    if answer is not None and answer is not Answer.ACCEPT:
        line["answer"] = answer.value
    return line

"""Label Studio's JSON export (a list of tasks) and JSON-MIN, read; Label Studio tasks, written.

A task is ``{"id", "data": {"text": ...}, "annotations": [{"completed_by", "result": [...],
"was_cancelled", ...}], "predictions": [{"result": [...], "model_version", "score"}]}``; a text
span in a ``result`` is ``{"type": "labels", "value": {"start", "end", "text", "labels": [L]},
"from_name", "to_name", "id"}`` (label-studio-converter and Label Studio's docs). How it reads:

- **the text** is the ``data`` key ``text`` (or ``content``, ``sentence``...: see
  ``foreign.TEXT_FIELD_NAMES``; ``annotator import --text-column KEY`` names another); the
  other ``data`` keys become the document's meta, the task ``id`` is kept (``formats.foreign``);
- **each annotation** becomes one record with its own annotator: ``completed_by`` as a user id
  (``"7"``) or, when Label Studio wrote the user object, its email. A cancelled (skipped)
  annotation keeps that meaning: its answer is ``ignore``, as skipping is in Prodigy, and it
  never becomes accepted training data;
- **predictions** become suggestions to check (one record for the task, the importing
  annotator's), with the region's ``score`` (else the prediction's) and the ``model_version``
  as their source;
- offsets are code points, as Label Studio writes them since 1.0; when a region's ``text``
  matches only as UTF-16 offsets (what older versions wrote for text with emoji), those are
  converted. A region whose ``text`` matches neither way, a result of another type (choices,
  relations, HTML spans) and a region with several labels are bad records, never dropped.

JSON-MIN (one item per annotation: the ``data`` keys at the top, the regions under the labels
tag's name, ``annotator``, ``annotation_id``) and plain lists of ``data`` objects are read too.
Label Studio's bookkeeping (dates, lead times, counts, drafts, reviews) is not kept.

The export writes one task per document, with the chosen annotators' accepted spans as
``annotations`` (``completed_by`` = the annotator; ``was_cancelled`` for rejected and ignored
documents) and the suggestions nobody accepted as ``predictions`` (one per source, with their
scores), so the file pre-labels a Label Studio project whose config labels ``$text`` with
``<Labels name="label" toName="text">``, Label Studio's NER template.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.core.limits import MAX_ANNOTATOR_CHARS, clip
from annotator.core.model import Answer, Document, Span, SpanState, ValidationError
from annotator.core.store import Annotation
from annotator.formats.checks import check_string
from annotator.formats.foreign import (
    find_text_field,
    gather_meta,
    shown,
    split_original_id,
    spread_meta,
)
from annotator.formats.json_array import json_items
from annotator.formats.jsonl import parse_record
from annotator.formats.records import LineError, Record, display_path

__all__ = ["labelstudio_task", "read_labelstudio"]

FROM_NAME = "label"  # the labels tag and the text tag of Label Studio's NER template
TO_NAME = "text"
#: JSON-MIN keys that are Label Studio's bookkeeping, not task data.
_MIN_BOOKKEEPING = frozenset(
    {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"}
)


def read_labelstudio(path: Path, text_key: str | None = None) -> Iterator[Record | LineError]:
    """Records of a Label Studio JSON or JSON-MIN export; bad tasks come out as LineErrors.

    The file as a whole must be a JSON list (or one task object) within the size limit.
    """
    name = display_path(path)
    for number, (line, item) in enumerate(json_items(path, "a list of Label Studio tasks"), 1):
        try:
            records = _records(item, line, text_key)
        except ValidationError as exc:
            yield LineError(name, line, f"task {number}: {exc}")
            continue
        yield from records


def _records(item: Any, line: int, text_key: str | None) -> list[Record]:
    if not isinstance(item, dict):
        raise ValidationError(f"expected a task object, got {shown(item)}")
    if "data" in item:
        return _task_records(item, line, text_key)
    return _min_records(item, line, text_key)


def _text_and_meta(data: dict[str, Any], text_key: str | None) -> tuple[Any, dict[str, Any]]:
    key = find_text_field([k for k in data if isinstance(k, str)], text_key)
    if key is None:
        keys = ", ".join(clip(k, 30) for k in list(data)[:8]) or "none"
        asked = f"no key {clip(text_key)}" if text_key else "no text key"
        raise ValidationError(
            f"{asked} in the task's data (keys: {keys}); name it with --text-column"
        )
    return data[key], gather_meta({k: v for k, v in data.items() if k != key})


def _task_records(task: dict[str, Any], line: int, text_key: str | None) -> list[Record]:
    data = task["data"]
    if not isinstance(data, dict):
        raise ValidationError(f'"data" must be an object, got {shown(data)}')
    text, meta = _text_and_meta(data, text_key)
    base = {"text": text, "id": task.get("id"), "meta": meta}
    task_record = parse_record(base, line)  # the text, id and meta, checked once
    records: list[Record] = []
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise ValidationError(f'"annotations" must be a list, got {shown(annotations)}')
    for index, annotation in enumerate(annotations, start=1):
        what = f"annotation {index}"
        if not isinstance(annotation, dict):
            raise ValidationError(f"{what} is {shown(annotation)}, not an object")
        regions = _regions(annotation.get("result", []), text, what)
        cancelled = annotation.get("was_cancelled") is True or annotation.get("skipped") is True
        shaped = {
            **base,
            "spans": [span for span, _score in regions],
            "answer": (Answer.IGNORE if cancelled else Answer.ACCEPT).value,
            "_annotator_id": _annotator(annotation.get("completed_by"), what),
        }
        records.append(_parsed(shaped, line, what))
    suggestions = _predictions(task.get("predictions") or [], text)
    if suggestions:
        found = _parsed({**base, "spans": [r for r, _, _ in suggestions]}, line, "predictions")
        records.append(dataclasses.replace(found, spans=_suggested(found.spans, suggestions)))
    return records or [task_record]


def _parsed(shaped: dict[str, Any], line: int, what: str) -> Record:
    try:
        return parse_record(shaped, line)
    except ValidationError as exc:
        raise ValidationError(f"{what}: {exc}") from exc


def _min_records(item: dict[str, Any], line: int, text_key: str | None) -> list[Record]:
    """A JSON-MIN item (one annotation) or a bare ``data`` object."""
    region_keys = [k for k, v in item.items() if _is_region_list(v)]
    data = {k: v for k, v in item.items() if k not in region_keys and k not in _MIN_BOOKKEEPING}
    text, meta = _text_and_meta(data, text_key)
    base = {"text": text, "id": item.get("id"), "meta": meta}
    task_record = parse_record(base, line)
    if not region_keys and item.get("annotation_id") is None:
        return [task_record]
    regions = [
        region
        for key in region_keys
        for region in _regions([{"value": value} for value in item[key]], text, clip(key, 30))
    ]
    shaped = {
        **base,
        "spans": [span for span, _score in regions],
        "answer": Answer.ACCEPT.value,
        "_annotator_id": _annotator(item.get("annotator"), '"annotator"'),
    }
    return [_parsed(shaped, line, "the annotation")]


def _is_region_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "start" in v and "end" in v for v in value)
    )


def _annotator(value: Any, what: str) -> str | None:
    """``completed_by`` as our annotator id: a user id as text, or the user object's email."""
    if value is None:
        return None
    if type(value) is int:
        return str(value)
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        email, user = value.get("email"), value.get("id")
        if isinstance(email, str) and email:
            return email
        if type(user) is int:
            return str(user)
    raise ValidationError(f"{what}: completed_by {shown(value)} names no user")


def _regions(result: Any, text: Any, what: str) -> list[tuple[dict[str, Any], float | None]]:
    """(JSONL span, score) of each region of a ``result`` list."""
    if not isinstance(result, list):
        raise ValidationError(f'{what}: "result" must be a list, got {shown(result)}')
    regions = []
    for index, region in enumerate(result, start=1):
        where = f"{what}, region {index}"
        if not isinstance(region, dict):
            raise ValidationError(f"{where} is {shown(region)}, not an object")
        kind = region.get("type", "labels")
        if kind != "labels":
            raise ValidationError(
                f"{where} is of type {shown(kind)}; only text spans (type labels) are read"
            )
        value = region.get("value")
        if not isinstance(value, dict):
            raise ValidationError(f'{where} has no "value" object')
        labels = value.get("labels")
        if not isinstance(labels, list) or len(labels) != 1:
            raise ValidationError(
                f'{where} needs "labels" with exactly one label, got {shown(labels)}'
            )
        start, end = _offsets(text, value.get("start"), value.get("end"), value.get("text"), where)
        span = {"start": start, "end": end, "label": labels[0]}
        regions.append((span, _score(region.get("score"), where)))
    return regions


def _offsets(text: Any, start: Any, end: Any, shown: Any, where: str) -> tuple[Any, Any]:
    """The region's offsets as code points: as written, or converted from UTF-16 units when
    only those make ``text[start:end]`` equal to the region's own ``text``."""
    if not (isinstance(text, str) and type(start) is int and type(end) is int):
        return start, end  # the JSONL checks name what is wrong
    if not isinstance(shown, str) or text[start:end] == shown:
        return start, end
    if not text.isascii():
        points = _code_points_by_utf16(text)
        if start in points and end in points:
            converted = points[start], points[end]
            if text[converted[0] : converted[1]] == shown:
                return converted
    raise ValidationError(
        f"{where}: [{start}, {end}) is {clip(text[start:end])} in the text "
        f"but {clip(shown)} in the region"
    )


def _code_points_by_utf16(text: str) -> dict[int, int]:
    """UTF-16 offset -> code point offset, for each character boundary of ``text``."""
    points, unit = {}, 0
    for index, char in enumerate(text):
        points[unit] = index
        unit += 2 if ord(char) > 0xFFFF else 1
    points[unit] = len(text)
    return points


def _score(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if type(value) not in (int, float) or not math.isfinite(value) or not 0 <= value <= 1:
        raise ValidationError(f'{where}: "score" must be a number in [0, 1], got {shown(value)}')
    return float(value)


def _predictions(predictions: Any, text: Any) -> list[tuple[dict[str, Any], float | None, str]]:
    """(JSONL span, score, source) of every region of every prediction."""
    if not isinstance(predictions, list):
        raise ValidationError(f'"predictions" must be a list, got {shown(predictions)}')
    found = []
    for index, prediction in enumerate(predictions, start=1):
        what = f"prediction {index}"
        if not isinstance(prediction, dict):
            raise ValidationError(f"{what} is {shown(prediction)}, not an object")
        source = prediction.get("model_version") or "prediction"
        if not isinstance(source, str):
            raise ValidationError(f'{what}: "model_version" must be a string, got {shown(source)}')
        check_string(source, f'{what} "model_version"', limit=MAX_ANNOTATOR_CHARS, nul=False)
        overall = _score(prediction.get("score"), what)
        for region, score in _regions(prediction.get("result", []), text, what):
            found.append((region, score if score is not None else overall, source))
    return found


def _suggested(
    spans: Sequence[Span], regions: Sequence[tuple[dict[str, Any], float | None, str]]
) -> tuple[Span, ...]:
    """The checked spans as suggestions with their scores and sources; a span that several
    predictions hold is suggested once, with its best score."""
    best: dict[tuple[int, int, str], Span] = {}
    for span, (_region, score, source) in zip(spans, regions, strict=True):
        suggestion = span.with_(state=SpanState.SUGGESTED, source=source, score=score)
        known = best.get(span.key)
        if known is None or (score or 0.0) > (known.score or 0.0):
            best[span.key] = suggestion
    return tuple(best.values())


def _completed_by(annotator: str) -> int | str:
    """Our annotator id as Label Studio's ``completed_by``: a number when it is one."""
    return int(annotator) if annotator.isascii() and annotator.isdigit() else annotator


def _result(spans: Sequence[Span], text: str, with_scores: bool) -> list[dict[str, Any]]:
    result = []
    for number, span in enumerate(spans, start=1):
        region: dict[str, Any] = {
            "id": f"r{number}",
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "labels": [span.label],
            },
        }
        if with_scores and span.score is not None:
            region["score"] = span.score
        result.append(region)
    return result


def labelstudio_task(
    doc: Document,
    annotations: Sequence[tuple[Annotation, list[Span]]],
    suggestions: Sequence[Span] = (),
) -> dict[str, Any]:
    """One task of the Label Studio export: the document's ``data`` (text and meta), its
    annotations (accepted spans) and ``suggestions`` (nobody decided on them) as predictions,
    one prediction per source."""
    original, meta = split_original_id(doc.meta)
    data: dict[str, Any] = {TO_NAME: doc.text, **spread_meta(meta, {TO_NAME})}
    task: dict[str, Any] = {"id": doc.id if original is None else original, "data": data}
    task["annotations"] = [
        {
            "completed_by": _completed_by(annotation.annotator),
            "result": _result(spans, doc.text, with_scores=False),
            "was_cancelled": annotation.answer is not Answer.ACCEPT,
            "ground_truth": False,
        }
        for annotation, spans in annotations
        if annotation.answer is not None  # nobody's work yet: its suggestions are predictions
    ]
    suggested: dict[tuple[int, int, str], Span] = {}
    for span in suggestions:
        suggested.setdefault(span.key, span)
    by_source: dict[str, list[Span]] = {}
    for span in sorted(suggested.values()):
        by_source.setdefault(span.source, []).append(span)
    predictions = []
    for source, spans in by_source.items():
        prediction: dict[str, Any] = {
            "model_version": source,
            "result": _result(spans, doc.text, with_scores=True),
        }
        scores = [s.score for s in spans if s.score is not None]
        if scores:
            prediction["score"] = min(scores)
        predictions.append(prediction)
    task["predictions"] = predictions
    return task

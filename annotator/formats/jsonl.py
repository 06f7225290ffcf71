"""JSONL: one JSON object a line, the shape spaCy and Prodigy users already have.

Reading takes ``{"text", "id"?, "meta"?, "spans"?: [{"start","end","label"}], "answer"?}`` and
Prodigy's ``_view_id``, ``_input_hash`` and ``_task_hash`` (kept, see ``formats.prodigy``);
other extra keys such as ``tokens`` are accepted and ignored; the ``id`` is kept (see
``formats.foreign``), and the export's ``"suggestions"`` (same shape as spans) come back as
suggestions. A line in doccano's shape (``label``/``entities`` instead of ``spans``) goes to
the doccano reader, so its spans are read, never dropped; a key that holds annotations in a
shape no reader takes (``ner``, ``tags``...) is an error naming it (see ``foreign_keys``).
Writing produces the shape of Prodigy's ``db-out``: text, tokens, spans with token indices,
answer, meta, hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import srsly

from annotator.core.limits import MAX_SPANS
from annotator.core.model import Answer, Span, SpanState, ValidationError
from annotator.formats.checks import check_annotator, check_label, check_meta, check_text
from annotator.formats.doccano import from_doccano, is_doccano
from annotator.formats.foreign import shown as _shown
from annotator.formats.foreign import with_original_id
from annotator.formats.foreign_keys import check_no_foreign_annotations
from annotator.formats.records import FormatError, LineError, Record, display_path
from annotator.formats.sniff import check_text_file, text_lines

__all__ = [
    "input_hash",
    "jsonl_records",
    "looks_like_jsonl",
    "parse_record",
    "read_jsonl",
    "task_hash",
    "write_jsonl",
]

_ANSWERS = frozenset(answer.value for answer in Answer)


def read_jsonl(path: Path) -> Iterator[Record | LineError]:
    """Records of a JSONL file, streamed a line at a time; bad lines come out as LineErrors.

    A file that is binary, UTF-16/32, not a regular file, or ends in the middle of a record
    or a character raises FormatError (checked as a whole before the first record).
    """
    check_text_file(path)
    return jsonl_records(path)


def jsonl_records(path: Path) -> Iterator[Record | LineError]:
    """The records of a JSONL file ``check_text_file`` has passed."""
    name = display_path(path)
    for found in text_lines(path):
        number, raw, line = found.number, found.raw, found.text
        if line is None:
            yield LineError(name, number, found.problem)
            continue
        if not line.strip():
            continue
        try:
            data = srsly.json_loads(line)
        except ValueError as exc:
            if not raw.endswith(b"\n"):  # only the last line can lack one
                raise FormatError(
                    path,
                    f"line {number}: the file ends in the middle of a record "
                    "(truncated?); nothing was imported",
                ) from exc
            yield LineError(name, number, f"not valid JSON ({_json_reason(exc)})")
            continue
        try:
            yield parse_record(from_doccano(data) if is_doccano(data) else data, number)
        except ValidationError as exc:
            yield LineError(name, number, str(exc))


def _json_reason(exc: ValueError) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:120]


def _offset(item: dict[str, Any], key: str, index: int) -> int:
    value = item.get(key)
    if type(value) is not int:  # true and false are ints to Python, never offsets
        raise ValidationError(f'span {index} needs an integer "{key}", got {_shown(value)}')
    return value


def _spans(raw: Any, key: str = "spans", state: SpanState = SpanState.ACCEPTED) -> tuple[Span, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValidationError(f'"{key}" must be a list, got {_shown(raw)}')
    if len(raw) > MAX_SPANS:
        raise ValidationError(f"{len(raw):,} spans, above the limit of {MAX_SPANS:,} a record")
    spans = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ValidationError(f'span {index} of "{key}" is not an object')
        start, end = _offset(item, "start", index), _offset(item, "end", index)
        label = item.get("label")
        if not isinstance(label, str) or not label:
            raise ValidationError(f'span {index} needs a "label" string, got {_shown(label)}')
        check_label(label, f"span {index} label")
        spans.append(Span(start, end, label, state, source="import"))
    return tuple(spans)


def parse_record(data: Any, line: int) -> Record:
    """Check one decoded JSON value's structure and values and turn it into a Record.

    Values of the wrong type are errors, never read as something else (``"end": true`` is
    not 1, ``"spans": {}`` is not "no spans").
    """
    if not isinstance(data, dict):
        raise ValidationError(f"expected a JSON object, got {type(data).__name__}")
    text = data.get("text")
    if text is None:
        raise ValidationError('no "text" field')
    if not isinstance(text, str):
        raise ValidationError(f'"text" must be a string, got {type(text).__name__}')
    if not text.strip():
        raise ValidationError('"text" is empty')
    check_text(text)
    check_no_foreign_annotations(
        data, ("spans", "suggestions"), reads='"spans": [{"start", "end", "label"}]'
    )
    meta = data.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValidationError(f'"meta" must be an object, got {_shown(meta)}')
    check_meta(meta)
    meta = with_original_id(meta, data.get("id"))
    # Our export's suggestions nobody accepted come back as suggestions, never as spans.
    spans = _spans(data.get("spans")) + _spans(
        data.get("suggestions"), "suggestions", SpanState.SUGGESTED
    )
    answer = data.get("answer")
    if answer is not None:
        if not isinstance(answer, str) or answer not in _ANSWERS:
            raise ValidationError(
                f'"answer" must be accept, reject or ignore, got {_shown(answer)}'
            )
        answer = Answer(answer)
    annotator = _annotator(data)
    view_id = data.get("_view_id")
    if view_id is not None and not isinstance(view_id, str):
        raise ValidationError(f'"_view_id" must be a string, got {_shown(view_id)}')
    return Record(
        text=text,
        line=line,
        meta=meta,
        spans=spans,
        answer=answer,
        annotator=annotator or None,
        spans_given="spans" in data,
        view_id=view_id,
        input_hash=_prodigy_hash(data, "_input_hash"),
        task_hash=_prodigy_hash(data, "_task_hash"),
    )


#: Where a record names its annotator, first found wins: Prodigy's two keys, then ours.
ANNOTATOR_KEYS = ("_annotator_id", "_session_id", "annotator")


def _annotator(data: dict[str, Any]) -> str | None:
    """The annotator a record names (None: the import's ``--annotator`` or the user)."""
    for key in ANNOTATOR_KEYS:
        value = data.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise ValidationError(f'"{key}" must be a string, got {_shown(value)}')
        check_annotator(value, "the annotator id" + ("" if key == "_annotator_id" else f" ({key})"))
        return value
    return None


def _prodigy_hash(data: dict[str, Any], key: str) -> int | None:
    """Prodigy's ``_input_hash``/``_task_hash``: a signed 64-bit integer when present."""
    value = data.get(key)
    if value is None:
        return None
    if type(value) is not int or not -(2**63) <= value < 2**63:
        raise ValidationError(f'"{key}" must be an integer, got {_shown(value)}')
    return value


def looks_like_jsonl(head: bytes) -> bool:
    """Whether the start of a file is JSONL records: its first line is a JSON object with a
    ``"text"`` (for a .txt that holds JSONL), or an object cut off by the end of ``head``."""
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    first, newline, _rest = body.partition(b"\n")
    if not first.startswith(b"{"):
        return False
    try:
        data = srsly.json_loads(first.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError included
        return not newline and b'"text"' in first  # a first line longer than the head
    return isinstance(data, dict) and "text" in data


def _hash32(*parts: str) -> int:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "little", signed=True)


def input_hash(text: str) -> int:
    """A signed 32-bit hash of the input, as Prodigy's ``_input_hash`` (same type, own values)."""
    return _hash32(text)


def task_hash(text: str, spans: Iterable[dict[str, Any]]) -> int:
    """A signed 32-bit hash of the input together with its spans (``_task_hash``)."""
    keys = ";".join(f"{s['start']},{s['end']},{s['label']}" for s in spans)
    return _hash32(text, keys)


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """Write records through srsly, one line each (the caller makes the write atomic)."""
    srsly.write_jsonl(path, records)

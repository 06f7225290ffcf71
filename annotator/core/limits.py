"""The limits on what a file may bring in, in one place, and how values appear in messages.

Each limit keeps one hostile or broken record from exhausting memory, recursion or time (or
from failing later, at export); a record above a limit is refused with a message saying which
limit, never cut or changed. They are generous for news text: the longest article in the
corpora is about 30,000 characters.
"""

from __future__ import annotations

__all__ = [
    "MAX_ANNOTATOR_CHARS",
    "MAX_DOCBIN_BYTES",
    "MAX_DOCBIN_RATIO",
    "MAX_JSON_FILE_BYTES",
    "MAX_LABEL_CHARS",
    "MAX_LINE_BYTES",
    "MAX_META_CHARS",
    "MAX_META_DEPTH",
    "MAX_MODEL_BYTES",
    "MAX_MODEL_REPORT_CHARS",
    "MAX_ORIGINAL_ID_CHARS",
    "MAX_SPANS",
    "MAX_TEXT_CHARS",
    "clip",
]

#: Characters of one document's text. spaCy's ``nlp.max_length`` is set to it where a model
#: runs (the parser and NER need about 1 GB per 100,000 characters), so no text that import
#: accepted can fail later with spaCy's E088.
MAX_TEXT_CHARS = 1_000_000
#: Spans in one record.
MAX_SPANS = 100_000
#: Characters of a label name in a record (project labels are short names).
MAX_LABEL_CHARS = 64
#: Characters of an annotator id.
MAX_ANNOTATOR_CHARS = 128
#: Characters of a record's own top-level ``"id"`` kept with its document (doccano, Label
#: Studio, JSONL ids are numbers or short keys).
MAX_ORIGINAL_ID_CHARS = 256
#: Bytes of a whole-file JSON document (a Label Studio export), read at once before its first
#: task (a larger export can be split into several files).
MAX_JSON_FILE_BYTES = 256 * 1024 * 1024
#: Nesting of objects and lists in a record's ``meta`` (deeper meta broke every later export).
MAX_META_DEPTH = 32
#: Characters of a record's ``meta`` (keys and values, about its size as JSON).
MAX_META_CHARS = 100_000
#: Bytes of one JSONL line: the longest text escaped as JSON, its spans and meta fit easily.
MAX_LINE_BYTES = 64 * 1024 * 1024
#: Bytes a ``.spacy`` file may unpack to (a 2 MB file can hold gigabytes of zeros) ...
MAX_DOCBIN_BYTES = 1024 * 1024 * 1024
#: ... and at most this many times its own size (spaCy's DocBins unpack to 4-15 times).
MAX_DOCBIN_RATIO = 100

#: Bytes of a trained model stored in a project (en_core_web_sm's NER is about 7 MB); checked
#: before the bytes are read, since a project file from someone else is untrusted input.
MAX_MODEL_BYTES = 512 * 1024 * 1024
#: Characters of a stored model's report (scores, choice of sources; a few KB).
MAX_MODEL_REPORT_CHARS = 1_000_000

_CLIP = 60


def clip(value: object, limit: int = _CLIP) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for messages that quote input."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."

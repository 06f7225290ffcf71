"""``annotator suggest --input IN.jsonl --output OUT.jsonl``: suggestions without a project.

Each input line ``{"text": ..., "meta"?: ...}`` becomes one line in the JSONL export shape
(text, tokens, spans with token indices, meta, hashes) holding the suggested spans. Streamed:
only one batch of records is in memory; the output is written atomically.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import srsly

from annotator.core.model import Document, Span
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import Annotation
from annotator.formats.atomic import atomic_write
from annotator.formats.exporting import jsonl_record
from annotator.formats.jsonl import read_jsonl
from annotator.formats.records import (
    ExportReport,
    FormatError,
    LineError,
    Record,
    display_path,
)
from annotator.nlp.suggest import SpanSource

__all__ = ["suggest_file"]


def suggest_file(
    suggester: SpanSource,
    source: Path,
    out: Path,
    *,
    scores: Callable[[list[Span]], list[Span]] | None = None,
    n_process: int = 1,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[ExportReport, list[LineError]]:
    """Write suggestions for every good line of ``source``; bad lines are returned, not fatal.

    Each span carries its ``source`` and ``score``; ``scores`` re-scores them first (a
    project's history and calibration: ``core.confidence.rescore``).
    """
    if out.is_dir():
        raise FormatError(out, "is a folder; --output needs a file name")
    errors: list[LineError] = []
    pending: deque[Record] = deque()
    report = ExportReport(files=[out])
    name = display_path(source)

    def texts() -> Iterator[str]:
        for item in read_jsonl(source):
            if isinstance(item, LineError):
                errors.append(item)
                continue
            pending.append(item)
            yield item.text

    with atomic_write(out, "w") as handle:
        # The tokens come with the suggestions, from the same docs: no second tokenization.
        for found, tokens in suggester.suggest_indexed(texts(), n_process=n_process):
            spans = scores(found) if scores is not None else found
            record = pending.popleft()
            doc = Document(record.line, record.text, record.meta, name, record.line)
            annotation = Annotation(doc.id, "model", None, tuple(spans))
            line = jsonl_record(doc, annotation, tokens, list(spans))
            del line["answer"], line["_annotator_id"]
            handle.write(srsly.json_dumps(line) + "\n")
            report.documents += 1
            report.spans += len(spans)
            if report.documents % 50 == 0:
                if cancel is not None:
                    cancel.check()
                progress(report.documents, None, "documents")
    return report, errors

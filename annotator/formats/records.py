"""What importers yield and exporters report: records, per-line problems and fatal errors."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import Answer, Span
from annotator.core.team import AddResult

__all__ = ["ExportReport", "FormatError", "ImportReport", "LineError", "Record", "display_path"]


def display_path(path: Path | str | bytes) -> str:
    """``path`` as printable text: bytes that are not UTF-8 (``caf\\xe9.jsonl``) as escapes.

    Python keeps such bytes of a file name as lone surrogates, which cannot be printed,
    stored or written as JSON.
    """
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")


class FormatError(RuntimeError):
    """A whole file cannot be read (binary, truncated, wrong encoding); nothing of it is kept."""

    def __init__(self, path: Path | str, reason: str) -> None:
        shown = display_path(path)
        super().__init__(f"{shown}: {reason}")
        self.path = shown
        self.reason = reason

    def __reduce__(self) -> tuple[type[FormatError], tuple[str, str]]:
        # Rebuilt from (path, reason), not from the message: reports cross process borders.
        return FormatError, (self.path, self.reason)


@dataclass(frozen=True)
class LineError:
    """One bad record: which file, which line (1-based; for .spacy the document number), why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Record:
    """A document as read from a file, not yet checked against the project."""

    text: str
    line: int
    meta: dict[str, Any] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()
    answer: Answer | None = None
    annotator: str | None = None
    #: The record had a "spans" key (``"spans": []`` is "no entities here", not "not looked").
    spans_given: bool = False
    #: Prodigy's interface id ("ner": a binary task about one span; "ner_manual": a full one).
    view_id: str | None = None
    input_hash: int | None = None
    task_hash: int | None = None


@dataclass
class ImportReport:
    """Counts and problems of one import run.

    ``added`` counts new documents and ``duplicates`` records without an annotation whose text
    was already present (a duplicate adds nothing); ``annotations`` counts the annotations
    records brought: added (to new documents or beside other annotators' work on present
    ones), updated (``--update``) and skipped with the reason.
    """

    added: int = 0
    duplicates: int = 0
    errors: list[LineError] = field(default_factory=list)
    failed_files: list[FormatError] = field(default_factory=list)
    files: int = 0
    annotations: AddResult = field(default_factory=AddResult)
    binary_answers: int = 0  # one-span answers stored as such (core.span_answers)
    binary_duplicates: int = 0  # the same annotator's answer about the same span was stored
    binary_by_rule: int = 0  # of them, told binary by shared _input_hash (no _view_id)
    dropped_spans: dict[str, int] = field(default_factory=dict)  # label -> spans, --label-map
    renamed_spans: dict[str, int] = field(default_factory=dict)  # label -> spans, --label-map
    labels_added: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Records read: the good ones (full annotations each counted once in
        ``annotations``, binary answers stored or already there) and the bad."""
        return (
            self.annotations.records
            + self.binary_answers
            + self.binary_duplicates
            + len(self.errors)
        )

    def merge(self, other: ImportReport) -> None:
        """Add the counts of one committed file (``other``) to this run's."""
        self.added += other.added
        self.duplicates += other.duplicates
        self.errors.extend(other.errors)
        self.failed_files.extend(other.failed_files)
        self.binary_answers += other.binary_answers
        self.binary_duplicates += other.binary_duplicates
        self.binary_by_rule += other.binary_by_rule
        self.annotations.add(other.annotations)
        for mine, theirs in (
            (self.dropped_spans, other.dropped_spans),
            (self.renamed_spans, other.renamed_spans),
        ):
            for label, count in theirs.items():
                mine[label] = mine.get(label, 0) + count
        self.labels_added.extend(other.labels_added)

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.duplicates} duplicates skipped",
            f"{len(self.errors)} bad records",
        ]
        if self.failed_files:
            parts.append(f"{len(self.failed_files)} files not imported")
        notes = self.annotations
        lines = [
            f"{self.files} files: "
            + ", ".join(parts)
            + f"; annotations: {notes.annotations_added} added, {notes.annotations_updated} "
            f"updated, {sum(notes.skipped.values())} skipped"
        ]
        lines.extend(f"skipped {n}: {why}" for why, n in sorted(notes.skipped.items()))
        if self.binary_answers or self.binary_duplicates:
            rule = (
                f" ({self.binary_by_rule} of them without _view_id, told binary because several "
                "one-span tasks share their _input_hash; --manual reads them as full annotations)"
                if self.binary_by_rule
                else ""
            )
            lines.append(
                f"{self.binary_answers} binary answers (one span each, as ner.teach) stored as "
                f"such{rule}; {self.binary_duplicates} already stored"
            )
        for label, count in sorted(self.dropped_spans.items()):
            lines.append(f"DROPPED by --label-map: {count} {label} spans")
        for label, count in sorted(self.renamed_spans.items()):
            lines.append(f"renamed by --label-map: {count} {label} spans")
        if self.labels_added:
            lines.append(f"labels added to the project: {', '.join(self.labels_added)}")
        return "; ".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The report for scripts (``annotator import --json``)."""
        return {
            "files": self.files,
            "added": self.added,
            "duplicates": self.duplicates,
            **self.annotations.to_json(),
            "bad_records": [
                {"file": e.file, "line": e.line, "reason": e.reason} for e in self.errors
            ],
            "files_not_imported": [{"file": f.path, "reason": f.reason} for f in self.failed_files],
            "binary_answers": self.binary_answers,
            "binary_duplicates": self.binary_duplicates,
            "binary_by_rule": self.binary_by_rule,
            "dropped_spans": dict(self.dropped_spans),
            "renamed_spans": dict(self.renamed_spans),
            "labels_added": list(self.labels_added),
        }


@dataclass
class ExportReport:
    """What an export wrote."""

    documents: int = 0
    spans: int = 0
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: documents the default export left out: annotators disagree, nobody reviewed them
    undecided: int = 0
    binary_answers: int = 0  # one-span answers written (core.span_answers)

    def summary(self) -> str:
        written = ", ".join(display_path(p) for p in self.files)
        binary = f", {self.binary_answers} binary answers" if self.binary_answers else ""
        return f"{self.documents} documents, {self.spans} spans{binary} -> {written}"

    def to_json(self) -> dict[str, Any]:
        """The report for scripts (``annotator export --json``)."""
        return {
            "documents": self.documents,
            "spans": self.spans,
            "binary_answers": self.binary_answers,
            "files": [display_path(p) for p in self.files],
            "notes": list(self.notes),
            "left_out_undecided": self.undecided,
        }

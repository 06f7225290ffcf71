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

    @property
    def read(self) -> int:
        """Records read: the good ones (each counted once in ``annotations``) and the bad."""
        return self.annotations.records + len(self.errors)

    def summary(self) -> str:
        notes = self.annotations
        parts = [
            f"{self.added} added",
            f"{self.duplicates} duplicates skipped",
            f"{len(self.errors)} bad records",
        ]
        if self.failed_files:
            parts.append(f"{len(self.failed_files)} files not imported")
        annotations = (
            f"; annotations: {notes.annotations_added} added, {notes.annotations_updated} "
            f"updated, {sum(notes.skipped.values())} skipped"
        )
        reasons = "".join(f"\n  skipped {n}: {why}" for why, n in sorted(notes.skipped.items()))
        return f"{self.files} files: " + ", ".join(parts) + annotations + reasons

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

    def summary(self) -> str:
        written = ", ".join(display_path(p) for p in self.files)
        return f"{self.documents} documents, {self.spans} spans -> {written}"

    def to_json(self) -> dict[str, Any]:
        """The report for scripts (``annotator export --json``)."""
        return {
            "documents": self.documents,
            "spans": self.spans,
            "files": [display_path(p) for p in self.files],
            "notes": list(self.notes),
            "left_out_undecided": self.undecided,
        }

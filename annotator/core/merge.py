"""``annotator merge PROJECT OTHER...``: bring in copies of a project annotators worked on apart.

Documents are matched by their text; a document only OTHER holds is added. Every annotation of
OTHER (each annotator's, the reviewed one too) goes in beside the project's: one the project
lacks is added, an identical one changes nothing (merging twice changes nothing), and the same
annotator's different annotation of a document is a *conflict*. A conflict is resolved only by
an explicit choice: ``prefer="theirs"`` takes OTHER's, ``"newer"`` the one saved last,
``"ours"`` keeps the project's; without a choice the project's stays and the conflict is
reported. Labels and project patterns are unioned. Everything is one transaction: the project
gets all of it or, on any failure, none of it. OTHER files are only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import Label, LabelSet
from annotator.core.store import NewDocument, ProjectStore, StoreError
from annotator.core.team import same_annotation

__all__ = ["PREFER", "Conflict", "MergeReport", "merge_projects"]

PREFER = ("newer", "ours", "theirs")


@dataclass(frozen=True)
class Conflict:
    """The same annotator annotated the same document differently in the two copies."""

    other: str
    doc_id: int
    annotator: str
    resolved: str  # "ours", "theirs" or "unresolved"

    def __str__(self) -> str:
        how = {
            "ours": "kept the project's",
            "theirs": "took the other copy's",
            "unresolved": "kept the project's; choose with --prefer newer|ours|theirs",
        }[self.resolved]
        return f"{self.other}: document {self.doc_id}, annotator {self.annotator}: {how}"


@dataclass
class MergeReport:
    documents_added: int = 0
    annotations_added: int = 0
    annotations_same: int = 0
    labels_added: list[str] = field(default_factory=list)
    patterns_added: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.resolved == "unresolved"]

    def summary(self) -> str:
        taken = sum(c.resolved == "theirs" for c in self.conflicts)
        lines = [
            f"{self.documents_added} documents added, {self.annotations_added} annotations "
            f"added, {self.annotations_same} already the same, {len(self.conflicts)} conflicts "
            f"({taken} resolved with the other copy's, {len(self.unresolved)} unresolved), "
            f"{len(self.labels_added)} labels and {self.patterns_added} patterns added"
        ]
        lines += [f"  conflict: {c}" for c in self.conflicts]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents_added": self.documents_added,
            "annotations_added": self.annotations_added,
            "annotations_same": self.annotations_same,
            "labels_added": self.labels_added,
            "patterns_added": self.patterns_added,
            "conflicts": [
                {
                    "other": c.other,
                    "doc_id": c.doc_id,
                    "annotator": c.annotator,
                    "resolved": c.resolved,
                }
                for c in self.conflicts
            ],
        }


def _open_other(path: Path, project: ProjectStore) -> ProjectStore:
    """OTHER, read-only; the project itself and a project of a newer app are refused."""
    if not path.is_file():
        raise StoreError(f"{path}: no such project file")
    if path.resolve() == Path(project.path).resolve():
        raise StoreError(f"{path}: is the project itself; merge another copy into it")
    other = ProjectStore.open_reader(path)
    try:
        other.check_copy()  # before anything is merged
    except BaseException:
        other.close()
        raise
    return other


def merge_projects(
    project: ProjectStore, others: list[Path], prefer: str | None = None
) -> MergeReport:
    """Merge every OTHER into ``project`` in one transaction (see the module doc)."""
    if prefer is not None and prefer not in PREFER:
        raise StoreError(f"--prefer {prefer!r}: choose from {', '.join(PREFER)}")
    report = MergeReport()
    opened = [_open_other(Path(p), project) for p in others]
    try:
        with project.transaction():
            for other in opened:
                _merge_one(project, other, prefer, report)
    finally:
        for other in opened:
            other.close()
    return report


def _merge_one(
    project: ProjectStore, other: ProjectStore, prefer: str | None, report: MergeReport
) -> None:
    name = str(other.path)
    _union_labels(project, other.labels(), report)
    for pattern in other.project_patterns():
        report.patterns_added += project.add_project_pattern(pattern)
    incoming = [
        NewDocument(doc.text, doc.meta, doc.source, doc.line) for doc in other.iter_documents()
    ]
    report.documents_added += project.import_documents(incoming).documents_added
    ids: dict[str, int] = {}
    for digest, theirs in other.iter_all_annotations():
        if digest not in ids:
            ids[digest] = project.document_id_by_hash(digest)
        doc_id = ids[digest]
        ours = project.annotation(doc_id, theirs.annotator)
        take = False
        if ours is None or (ours.answer is None and not ours.accepted):
            take = True
            report.annotations_added += 1
        elif same_annotation(ours.answer, ours.spans, theirs.answer, theirs.spans):
            report.annotations_same += 1
        else:
            newer = theirs.updated > ours.updated
            take = prefer == "theirs" or (prefer == "newer" and newer)
            resolved = "unresolved" if prefer is None else "theirs" if take else "ours"
            report.conflicts.append(Conflict(name, doc_id, theirs.annotator, resolved))
        if take:
            project.put_annotation(
                doc_id, theirs.annotator, theirs.answer, theirs.spans, theirs.updated
            )


def _union_labels(project: ProjectStore, theirs: LabelSet, report: MergeReport) -> None:
    ours = project.labels()
    keys = {label.key for label in ours if label.key}
    added: list[Label] = []
    for label in theirs:
        if ours.get(label.name) is None:
            key = label.key if label.key and label.key not in keys else ""
            keys.add(key)
            added.append(Label(label.name, label.color, key))
            report.labels_added.append(label.name)
    if added:
        project.set_labels(LabelSet([*ours, *added]))

"""Fitting a project's calibration of model scores on its held-out accepted documents.

``annotator calibrate PROJECT`` (and the end of ``annotator train``) run what suggests in the
project over the documents of its fixed held-out part (``core.model_versions``: never trained
on), pair each model suggestion's probability with whether the annotators accepted
exactly that span, and fit ``core.confidence.Calibration`` (isotonic) to those pairs; it is
stored in the setting ``confidence_calibration`` and applied whenever suggestions are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.confidence import (
    Calibration,
    ReliabilityBin,
    expected_calibration_error,
    reliability,
)
from annotator.core.model import Span
from annotator.core.model_versions import HELDOUT
from annotator.core.suggestion_cache import CALIBRATION_SETTING, calibration_tag

if TYPE_CHECKING:
    from annotator.core.progress import CancelToken, ProgressCallback
    from annotator.core.store import ProjectStore
    from annotator.nlp.suggest import SpanSource

__all__ = ["CalibrateJob", "CalibrationReport", "calibrate_project", "model_pairs"]

#: Fewer model suggestions than this on the held-out part fit no calibration (too noisy).
MIN_PAIRS = 30


def model_pairs(
    predictions: Iterable[Sequence[Span]], gold: Iterable[Iterable[tuple[int, int, str]]]
) -> list[tuple[float, bool, str]]:
    """(score, exactly right, label) for every scored model suggestion."""
    found: list[tuple[float, bool, str]] = []
    for predicted, keys in zip(predictions, gold, strict=True):
        right = set(keys)
        found.extend(
            (float(s.score), s.key in right, s.label)
            for s in predicted
            if s.source == "model" and s.score is not None
        )
    return found


@dataclass
class CalibrationReport:
    documents: int = 0
    pairs: int = 0
    fitted: bool = False
    ece_before: float = 0.0
    ece_after: float = 0.0
    table_before: list[ReliabilityBin] = field(default_factory=list)
    table_after: list[ReliabilityBin] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        def rows(table: list[ReliabilityBin]) -> list[dict[str, float]]:
            return [b.__dict__ for b in table if b.count]

        return {
            "documents": self.documents,
            "pairs": self.pairs,
            "fitted": self.fitted,
            "ece_before": round(self.ece_before, 4),
            "ece_after": round(self.ece_after, 4),
            "before": rows(self.table_before),
            "after": rows(self.table_after),
            "note": self.note,
        }

    def summary(self) -> str:
        lines = [
            f"{self.pairs} model suggestions on {self.documents} held-out documents; "
            f"expected calibration error {self.ece_before:.3f} before, {self.ece_after:.3f} "
            "after (on the documents it was fitted on)"
        ]
        if self.note:
            lines.append(self.note)
        for name, table in (("before", self.table_before), ("after", self.table_after)):
            lines.append(f"  {name}: score bin   count  mean score  share correct")
            lines.extend(
                f"          {b.low:.1f}-{b.high:.1f}  {b.count:6d}  {b.confidence:10.2f}  "
                f"{b.correct:13.2f}"
                for b in table
                if b.count
            )
        return "\n".join(lines)


def calibrate_project(
    store: ProjectStore, suggester: SpanSource | None = None
) -> CalibrationReport:
    """Fit and store the project's calibration on its held-out accepted documents.

    With too few model suggestions there (``MIN_PAIRS``) the stored calibration is cleared
    (raw model probabilities are used) and the report says so.
    """
    from annotator.nlp.preannotate import suggester_for_project
    from annotator.nlp.train.accepted import accepted_documents

    parts = store.parts()
    gold = [
        g for g in accepted_documents(store, store.labels().names) if parts.get(g.doc_id) == HELDOUT
    ]
    report = CalibrationReport(documents=len(gold))
    if suggester is None:
        suggester = suggester_for_project(store)
    predictions = list(suggester.suggest([g.text for g in gold]))
    triples = model_pairs(predictions, (g.spans for g in gold))
    pairs = [(p, ok) for p, ok, _ in triples]
    report.pairs = len(pairs)
    report.ece_before = expected_calibration_error(pairs)
    report.table_before = reliability(pairs)
    if len(pairs) < MIN_PAIRS:
        calibration = Calibration()
        report.note = (
            f"too few model suggestions on the held-out part to fit (at least {MIN_PAIRS}); "
            "scores stay the model's probabilities (train first: it fixes the held-out part)"
        )
    else:
        calibration = Calibration.fit(triples, model=calibration_tag(store.active_model()))
        report.fitted = True
    store.set_setting(CALIBRATION_SETTING, calibration.to_json())
    after = [(calibration(p, label), ok) for p, ok, label in triples]
    report.ece_after = expected_calibration_error(after)
    report.table_after = reliability(after)
    return report


@dataclass(frozen=True)
class CalibrateJob:
    """Model › Calibrate confidence: ``calibrate_project`` as a job of the window's child
    process (``formats.task_process``), so the suggester never runs in the window."""

    what: str = "Calibration"

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any:
        progress(0, None, "suggesting the held-out documents")
        return calibrate_project(store)

    def cleanup(self, pid: int) -> None:
        """Nothing to remove: the calibration is one settings row, written at the end."""

"""The learning curve (Prodigy's train-curve): does more annotation still pay?

The same run as ``annotator train`` on 25, 50, 75 and 100 % of the training part, each scored
on the same held-out part; nothing is stored. A curve still rising at 100 % says that more
accepted documents will give a better model.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import ProjectStore
from annotator.nlp.train.project import TrainOptions, train_project

__all__ = ["FRACTIONS", "CurveJob", "CurvePoint", "LearningCurve", "learning_curve"]

FRACTIONS = (0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class CurvePoint:
    fraction: float
    documents: int
    f: float  # held-out F1 of the combination the run would choose
    labels: dict[str, float]


@dataclass
class LearningCurve:
    current_f: float = 0.0
    points: list[CurvePoint] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def summary(self) -> str:
        rows = [f"{'share':>6} {'docs':>5} {'held-out F1':>12}   (now: {self.current_f:.3f})"]
        previous = None
        for point in self.points:
            gain = "" if previous is None else f"  {point.f - previous:+.3f}"
            rows.append(f"{point.fraction:>6.0%} {point.documents:>5} {point.f:>12.3f}{gain}")
            previous = point.f
        return "\n".join(rows)


def learning_curve(
    store: ProjectStore,
    options: TrainOptions | None = None,
    *,
    fractions: tuple[float, ...] = FRACTIONS,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LearningCurve:
    """Train on growing shares of the training part; score each on the held-out part."""
    options = options or TrainOptions()
    curve = LearningCurve()
    for k, fraction in enumerate(fractions, 1):

        def step(
            done: int, total: int | None, text: str, k: int = k, share: float = fraction
        ) -> None:
            progress(done, total, f"{k}/{len(fractions)} ({share:.0%} of the data): {text}")

        # A point is scored on the held-out part alone: fold models would double its time.
        run = dataclasses.replace(
            options, train_fraction=fraction, keep=False, use="never", crossfit=False
        )
        report = train_project(store, run, progress=step, cancel=cancel)
        curve.current_f = report.current_f
        new = report.tables["new"]
        curve.points.append(
            CurvePoint(
                fraction,
                report.train_documents,
                float(new["overall"]["f"]),
                {label: float(new[label]["f"]) for label in report.labels},
            )
        )
    return curve


@dataclass(frozen=True)
class CurveJob:
    """The learning curve as a job of ``formats.task_process.TaskProcess``."""

    options: TrainOptions = field(default_factory=TrainOptions)

    @property
    def what(self) -> str:
        return "Learning curve"

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any:
        return learning_curve(store, self.options, progress=progress, cancel=cancel)

    def cleanup(self, pid: int) -> None:
        """Nothing to remove: the curve stores nothing."""

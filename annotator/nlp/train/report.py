"""What one training run reports: the sizes, the held-out tables side by side, the choices
made and why, in words (``summary``, the window's report dialog) and as JSON (``--json``,
stored with the model)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from annotator.nlp.rule_lifts import lifted_lines
from annotator.nlp.span_kinds import dropped_lines
from annotator.nlp.train import crossfit
from annotator.nlp.train.known_names import fallback_words
from annotator.nlp.train.scoring import difference_line
from annotator.nlp.train.sources import UNTRAINED
from annotator.nlp.train.start_rehearsal import (
    REHEARSAL_FROM_NEWS,
    REHEARSAL_FROM_START,
    rehearsal_line,
)

__all__ = ["TrainReport"]


@dataclass
class TrainReport:
    model_id: int | None = None
    used: bool = False
    documents: int = 0
    train_documents: int = 0
    heldout_documents: int = 0
    rehearsal_texts: int = 0
    binary_documents: int = 0  # known only through binary answers (trained, never held out)
    epochs: int = 0
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    labels: list[str] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)  # source -> per-label P/R/F
    choice: dict[str, str] = field(default_factory=dict)
    rank: dict[str, float] = field(default_factory=dict)
    current: str = UNTRAINED  # what suggested before this run
    skipped_texts: int = 0
    output: str | None = None
    kinds: dict[str, tuple[int, int]] = field(default_factory=dict)  # accepted, suggested
    dropped_kinds: list[str] = field(default_factory=list)
    kinds_only: bool = False  # the model lost; the untrained suggester minus the kinds won
    known_only: bool = False  # the model lost; the untrained suggester with known names won
    lifted_only: bool = False  # the model lost; the untrained suggester with the lifts won
    # pattern-served labels whose trained-model spans are used too (evidence.model_labels)
    model_labels: list[str] = field(default_factory=list)
    # rules lifted for the rules over the new model (``nlp.rule_lifts``), and what each lift
    # added and removed on the training part: name -> [accepted added, added, accepted
    # removed, removed]
    lift_counts: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    lifted: list[str] = field(default_factory=list)
    # new F1 minus now F1 on the held-out part, and the middle 90 % of a paired bootstrap
    # over its documents: [difference, low, high] (scoring.difference_interval)
    difference: list[float] = field(default_factory=list)
    start: str = ""  # what fine-tuning started from (``start.Start.description``)
    start_shipped: bool = False  # it was the shipped start model
    start_problem: str = ""  # why the shipped start model could not be used (installation)
    # what the untrained suggester ran over: the start model (start) or the pipeline (base)
    untrained_from: str = "base"
    # what was rehearsed: the start model's annotated documents (start) or shipped news texts
    # labelled by the untrained suggester (news); and why not the start model's, if it has any
    rehearsal_from: str = REHEARSAL_FROM_NEWS
    rehearsal_problem: str = ""
    # the names learned from the training part and the start model's documents, and the
    # labels they are suggested for (``known_names.KnownNames.to_json``); empty: none
    known_names: dict[str, Any] = field(default_factory=dict)
    # training documents scored by fold models (``crossfit``; 0: none), and every source's
    # table over them and the held-out part together, when that decided
    crossfit_documents: int = 0
    crossfit_tables: dict[str, Any] = field(default_factory=dict)

    @property
    def fallback(self) -> str:
        """What won with the untrained suggester when the model itself lost ("" if nothing)."""
        return fallback_words(self.kinds_only, self.known_only, self.lifted_only)

    @property
    def new_f(self) -> float:
        return float(self.tables.get("new", {}).get("overall", {}).get("f", 0.0))

    @property
    def current_f(self) -> float:
        return float(self.tables.get("current", {}).get("overall", {}).get("f", 0.0))

    @property
    def evidence(self) -> str:
        """What the choices were made on, in words."""
        if self.crossfit_documents:
            return "the held-out part and the cross-fitted training documents"
        return "the held-out part"

    def crossfit_line(self) -> str:
        """How the training part's documents served as evidence (``crossfit``)."""
        line = (
            f"Cross-fitted: each of the {self.crossfit_documents} training documents was also "
            f"scored by a model trained without it ({crossfit.FOLDS} folds), for the choices "
            "above"
        )
        pooled = self.crossfit_tables
        if not pooled:
            return line + "."
        total = self.crossfit_documents + self.heldout_documents
        return (
            f"{line}; on them and the held-out part ({total} documents) F1 is "
            f"{float(pooled['new']['overall']['f']):.3f} new against "
            f"{float(pooled['current']['overall']['f']):.3f} now, which decided whether the "
            "new model suggests."
        )

    def known_names_line(self) -> str:
        """The sentence on the known names this run learned (``known_names``)."""
        names = self.known_names.get("names", {})
        counts = ", ".join(f"{len(listed):,} {label}" for label, listed in names.items())
        source = (
            "the training part and the start model's documents"
            if self.rehearsal_from == REHEARSAL_FROM_START
            else "the training part"
        )
        filled = ", ".join(self.known_names.get("labels", [])) or "no label"
        return (
            f"Known names: {counts}, learned from {source}; suggested where they recur for "
            f"{filled}."
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        lines = [
            f"trained on {self.train_documents} documents "
            f"({self.rehearsal_texts} rehearsal texts, {self.epochs} epochs, "
            f"{self.seconds:.0f} s); held-out part: {self.heldout_documents} documents",
            *([f"started from {self.start}"] if self.start else []),
            rehearsal_line(self.rehearsal_from, self.rehearsal_texts, self.rehearsal_problem),
            _side_by_side(self.tables, self.labels),
        ]
        if self.difference:
            lines.append(difference_line(self.difference, self.heldout_documents))
        if self.crossfit_documents:
            lines.append(self.crossfit_line())
        lines.append("per label: " + ", ".join(f"{k} <- {v}" for k, v in self.choice.items()))
        lines.extend(
            f"{label}: the model's own spans join the gazetteer's (learned on {self.evidence})"
            for label in self.model_labels
        )
        lines.extend(
            f"not suggested: {line}" for line in dropped_lines(self.dropped_kinds, self.kinds)
        )
        lines.extend(f"rule lifted: {line}" for line in lifted_lines(self.lifted, self.lift_counts))
        if self.known_names:
            lines.append(self.known_names_line())
        verdict = f"model {self.model_id} stored; " + (
            "the model itself lost on the held-out part, but "
            f"{self.fallback} won: "
            "the untrained suggester suggests now with what this training learned besides it"
            if self.fallback
            else "it suggests now"
            if self.used
            else f"it does not suggest (held-out F1 {self.new_f:.3f} against "
            f"{self.current_f:.3f} now; `annotator models PROJECT --use {self.model_id}` "
            "makes it)"
        )
        lines.append(verdict)
        if self.output:
            lines.append(f"spaCy pipeline written to {self.output}")
        return "\n".join(lines)


def _side_by_side(tables: dict[str, Any], labels: Sequence[str]) -> str:
    if "new" not in tables:
        return ""
    rows = [f"{'label':<10} {'now P/R/F':>20}   {'new P/R/F':>20}   gold"]
    for label in [*labels, "overall"]:
        now, new = tables["current"][label], tables["new"][label]
        rows.append(
            f"{label:<10} {now['p']:6.3f} {now['r']:6.3f} {now['f']:6.3f}   "
            f"{new['p']:6.3f} {new['r']:6.3f} {new['f']:6.3f}   "
            f"{now.get('gold', '')}"
        )
    return "\n".join(rows)

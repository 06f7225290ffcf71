"""The project's suggester built from one of its stored models.

What a trained model suggests depends on more than its weights: the project's base pipeline
(for labels served by the untrained suggester), labels, label map, patterns, the per-label
choice of sources measured when it was trained, and the texts the annotators asked not to be
suggested. ``SuggesterRecipe`` gathers them, so the same suggester can be built from the
project file (``learned_suggester``) and from a pipeline folder written by
``annotator train --output`` (``nlp.train.exported``), with no second copy of the assembly.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.nlp.label_map_setting import project_label_map
from annotator.nlp.pipeline import PipelineInfo
from annotator.nlp.rule_lifts import checked_lifts
from annotator.nlp.suggest import SpanSource, Suggester
from annotator.nlp.train.default import BASE, checked_default, default_suggester
from annotator.nlp.train.known_names import KnownNames
from annotator.nlp.train.model_rules import rules_over_model
from annotator.nlp.train.sources import UNTRAINED, LearnedSuggester
from annotator.nlp.train.stored import StoredModelError, load_model

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.store import ProjectStore

__all__ = [
    "SuggesterRecipe",
    "learned_suggester",
    "project_rules",
    "recipe_for",
    "suggester_from_recipe",
]


@dataclass(frozen=True)
class SuggesterRecipe:
    """Everything but the weights that decides what a trained model suggests."""

    pipeline: str
    labels: tuple[str, ...]
    label_map: dict[str, str | None]
    patterns: tuple[dict[str, Any], ...]
    choice: dict[str, str]
    rank: dict[str, float]
    model_version: str
    model_name: str
    created: float
    suppressed: tuple[tuple[str, str], ...] = field(default=())
    dropped_kinds: tuple[str, ...] = field(default=())
    # Labels whose trained-model spans are used although patterns serve them (WEAPON): see
    # ``rules_over_model``; measured per project at training (``train.model_labels``).
    model_labels: tuple[str, ...] = field(default=())
    # Rules lifted for the rules over the trained model (``nlp.rule_lifts``), learned at training.
    lifted: tuple[str, ...] = field(default=())
    # What the untrained suggester ran over when this model was measured (``train.default``):
    # labels served by ``untrained`` are served by that one. Models of before: ``base``.
    untrained_from: str = BASE
    # The lifted rules are lifted for the untrained suggester too: a model that lost, whose
    # untrained suggester won with them (``TrainReport.lifted_only``). Models of before: no.
    untrained_lifted: bool = False
    # The names learned at training and the labels they are suggested for
    # (``known_names.KnownNames.to_json``); empty for models of before.
    known_names: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SuggesterRecipe:
        """The recipe written by ``to_json`` (ValueError when it is not one)."""
        try:
            return cls(
                pipeline=str(data["pipeline"]),
                labels=tuple(str(x) for x in data["labels"]),
                label_map={
                    str(k): (None if v is None else str(v)) for k, v in data["label_map"].items()
                },
                patterns=tuple(dict(p) for p in data["patterns"]),
                choice={str(k): str(v) for k, v in data["choice"].items()},
                rank={str(k): float(v) for k, v in data["rank"].items()},
                model_version=str(data["model_version"]),
                model_name=str(data["model_name"]),
                created=float(data["created"]),
                suppressed=tuple((str(t), str(lab)) for t, lab in data["suppressed"]),
                dropped_kinds=tuple(str(k) for k in data.get("dropped_kinds", ())),
                model_labels=tuple(str(k) for k in data.get("model_labels", ())),
                lifted=checked_lifts(data.get("lifted", ())),
                untrained_from=checked_default(data.get("untrained_from", BASE)),
                untrained_lifted=_flag(data.get("untrained_lifted", False), "untrained_lifted"),
                known_names=KnownNames.from_json(
                    data.get("known_names") or None, data["labels"]
                ).to_json(),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a suggester recipe ({exc!r})") from exc


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} is not true or false")
    return value


def recipe_for(store: ProjectStore, model_id: int) -> SuggesterRecipe:
    """The recipe of stored model ``model_id`` in ``store`` (KeyError when there is none,
    ValueError when its stored report is not what training writes: a crafted project)."""
    version = store.model(model_id)
    labels = tuple(store.labels().names)
    report = version.report
    try:
        choice = {label: str(report.get("choice", {}).get(label, UNTRAINED)) for label in labels}
        rank = {label: float(report.get("rank", {}).get(label, 0.0)) for label in labels}
        dropped = report.get("dropped_kinds", [])
        if not isinstance(dropped, list) or not all(isinstance(k, str) for k in dropped):
            raise TypeError("dropped_kinds is not a list of texts")
        own = report.get("model_labels", [])
        if not isinstance(own, list) or not all(isinstance(k, str) for k in own):
            raise TypeError("model_labels is not a list of texts")
        lifted_names = report.get("lifted", [])
        if not isinstance(lifted_names, list):
            raise TypeError("lifted is not a list")
        lifted = checked_lifts(lifted_names)
        untrained_from = checked_default(report.get("untrained_from", BASE))
        untrained_lifted = _flag(report.get("lifted_only", False), "lifted_only")
        known = KnownNames.from_json(report.get("known_names") or None, labels)
    except (AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"model {model_id} has a damaged report ({exc})") from exc
    return SuggesterRecipe(
        pipeline=store.pipeline,
        labels=labels,
        label_map=project_label_map(store),
        patterns=tuple(store.project_patterns()),
        choice=choice,
        rank=rank,
        model_version=version.version,
        model_name=f"model {model_id}",
        created=version.created,
        suppressed=tuple(sorted(store.suppressed())),
        dropped_kinds=tuple(dropped),
        model_labels=tuple(own),
        lifted=lifted,
        untrained_from=untrained_from,
        untrained_lifted=untrained_lifted,
        known_names=known.to_json() if known.labels else {},
    )


def project_rules(
    store: ProjectStore,
    labels: Sequence[str],
    nlp: Language,
    model_labels: Sequence[str] = (),
    lifted: Sequence[str] = (),
) -> Suggester:
    """``rules_over_model`` with the project's pipeline, label map and patterns."""
    return rules_over_model(
        store.pipeline,
        labels,
        project_label_map(store),
        store.project_patterns(),
        nlp,
        model_labels,
        lifted,
    )


def suggester_from_recipe(recipe: SuggesterRecipe, nlp: Language) -> SpanSource:
    """The suggester of ``recipe`` around the trained pipeline ``nlp`` (suppressions applied)."""
    from annotator.nlp.suppress import with_suppressions

    labels = list(recipe.labels)
    rules = rules_over_model(
        recipe.pipeline,
        labels,
        recipe.label_map,
        recipe.patterns,
        nlp,
        recipe.model_labels,
        recipe.lifted,
    )
    untrained = None
    if UNTRAINED in recipe.choice.values():
        untrained = default_suggester(
            recipe.pipeline,
            labels,
            recipe.label_map,
            recipe.patterns,
            recipe.untrained_from,
            lifted=recipe.lifted if recipe.untrained_lifted else (),
        )
    info = PipelineInfo(recipe.model_name, time_label(recipe.created), rules.info.lang, "project")
    learned = LearnedSuggester(
        rules,
        recipe.choice,
        recipe.rank,
        recipe.model_version,
        untrained,
        info,
        frozenset(recipe.dropped_kinds),
        KnownNames.from_json(recipe.known_names or None, labels),
    )
    return with_suppressions(learned, frozenset(recipe.suppressed))


def learned_suggester(store: ProjectStore, model_id: int) -> SpanSource:
    """The stored model ``model_id`` with the per-label choice recorded when it was trained,
    without the texts the project no longer suggests.

    Raises StoredModelError when the model is missing, damaged or not what it claims to be.
    """
    try:
        recipe = recipe_for(store, model_id)
        config, weights, sha256 = store.model_files(model_id)
    except (KeyError, ValueError) as exc:
        raise StoredModelError(f"{store.path}: {exc.args[0]}") from exc
    return suggester_from_recipe(recipe, load_model(config, weights, sha256))


def time_label(created: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(created))

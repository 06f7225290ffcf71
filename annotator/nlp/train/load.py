"""The project's suggester built from one of its stored models."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from annotator.nlp.pipeline import PipelineInfo
from annotator.nlp.suggest import Suggester
from annotator.nlp.train.sources import UNTRAINED, LearnedSuggester
from annotator.nlp.train.stored import StoredModelError, load_model

if TYPE_CHECKING:
    from annotator.core.store import ProjectStore

__all__ = ["learned_suggester"]


def learned_suggester(store: ProjectStore, model_id: int) -> LearnedSuggester:
    """The stored model ``model_id`` with the per-label choice recorded when it was trained.

    Raises StoredModelError when the model is missing, damaged or not what it claims to be.
    """
    from annotator.nlp.preannotate import untrained_suggester

    try:
        version = store.model(model_id)
        config, weights, sha256 = store.model_files(model_id)
    except KeyError as exc:
        raise StoredModelError(f"{store.path}: {exc.args[0]}") from exc
    nlp = load_model(config, weights, sha256)
    labels = store.labels().names
    raw_map = store.setting("label_map")
    rules = Suggester(
        store.pipeline,
        labels,
        label_map=json.loads(raw_map) if raw_map else None,
        extra_patterns=store.project_patterns(),
        nlp=nlp,
    )
    choice = {label: version.report.get("choice", {}).get(label, UNTRAINED) for label in labels}
    rank = {label: float(version.report.get("rank", {}).get(label, 0.0)) for label in labels}
    untrained = untrained_suggester(store) if UNTRAINED in choice.values() else None
    info = PipelineInfo(
        f"model {model_id}", time_label(version.created), rules.info.lang, "project"
    )
    return LearnedSuggester(rules, choice, rank, version.version, untrained, info)


def time_label(created: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.localtime(created))

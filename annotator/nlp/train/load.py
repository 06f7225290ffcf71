"""The project's suggester built from one of its stored models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.nlp.patterns import pattern_labels
from annotator.nlp.pipeline import PipelineInfo, pipeline_info
from annotator.nlp.suggest import Suggester
from annotator.nlp.train.sources import UNTRAINED, LearnedSuggester
from annotator.nlp.train.stored import StoredModelError, load_model

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.store import ProjectStore

__all__ = ["learned_suggester", "rules_over_model"]


def rules_over_model(store: ProjectStore, labels: Sequence[str], nlp: Language) -> Suggester:
    """The project's rule engine run over a trained model's entities (``model+rules``).

    A label the base pipeline never predicted (WEAPON for en_core_web_sm) and that patterns
    serve (the shipped weapon gazetteer) stays with the patterns and rules: the trained model's
    own entities of it are not used. Measured on four sets the model was not trained on
    (transcripts, unseen7, unseen8, reports), the model's WEAPON entities cost 0.025 to 0.06
    WEAPON F1 against the gazetteer and rules alone; a model trained on a dozen documents
    does not know more systems than a gazetteer of 6,600. A label without patterns (or a
    blank pipeline, which has no entities of its own) is served by the model.
    """
    from annotator.nlp.preannotate import project_label_map

    overrides = project_label_map(store)
    base = set(pipeline_info(store.pipeline).labels)
    if base:
        served = pattern_labels(store.project_patterns())
        for label in labels:
            if label not in base and label in served and label not in overrides:
                overrides[label] = None
    return Suggester(
        store.pipeline,
        labels,
        label_map=overrides,
        extra_patterns=store.project_patterns(),
        nlp=nlp,
    )


def learned_suggester(store: ProjectStore, model_id: int) -> LearnedSuggester:
    """The stored model ``model_id`` with the per-label choice recorded when it was trained.

    Raises StoredModelError when the model is missing, damaged or not what it claims to be.
    """
    from annotator.nlp.preannotate import untrained_suggester

    try:
        version = store.model(model_id)
        config, weights, sha256 = store.model_files(model_id)
    except (KeyError, ValueError) as exc:
        raise StoredModelError(f"{store.path}: {exc.args[0]}") from exc
    nlp = load_model(config, weights, sha256)
    labels = store.labels().names
    rules = rules_over_model(store, labels, nlp)
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

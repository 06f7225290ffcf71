"""The rule engine run over a trained model's entities (the ``model+rules`` source).

Used for a project's trained models (``train.load``) and for its default suggester over the
start model (``train.default``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annotator.nlp.patterns import pattern_labels
from annotator.nlp.pipeline import pipeline_info
from annotator.nlp.suggest import Suggester

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.nlp.train.known_names import KnownNames

__all__ = ["pattern_served", "rules_over_model"]


def rules_over_model(
    pipeline: str,
    labels: Sequence[str],
    label_map: dict[str, str | None],
    patterns: Sequence[dict[str, Any]],
    nlp: Language,
    model_labels: Sequence[str] = (),
    lifted: Sequence[str] = (),
    weights: str = "",
    known: KnownNames | None = None,
) -> Suggester:
    """The project's rule engine run over a trained model's entities (``model+rules``),
    without the rules the project's training lifted (``nlp.rule_lifts``). ``weights`` names
    the model when ``nlp`` is no project's own (``Suggester.weights``); ``known``: names filled
    in where the rules suggest nothing (the start model's, for the default).

    A label the base pipeline never predicted (WEAPON for en_core_web_sm) and that patterns
    serve (the shipped weapon gazetteer) stays with the patterns and rules unless it is one
    of ``model_labels``: the trained model's own entities of it are not used. Measured on four
    sets the model was not trained on (transcripts, unseen7, unseen8, reports), the model's
    WEAPON entities cost 0.025 to 0.06 WEAPON F1 against the gazetteer and rules alone; in
    fiction, which invents its weapons, they gained 0.16. So training measures it per project
    (``train.model_labels``). A label without patterns (or a blank pipeline, which has no
    entities of its own) is served by the model.
    """
    overrides = dict(label_map)
    for label in pattern_served(pipeline, labels, label_map, patterns):
        if label not in model_labels:
            overrides[label] = None
    return Suggester(
        pipeline,
        labels,
        label_map=overrides,
        extra_patterns=patterns,
        nlp=nlp,
        lifted=lifted,
        weights=weights,
        known=known,
    )


def pattern_served(
    pipeline: str,
    labels: Sequence[str],
    label_map: dict[str, str | None],
    patterns: Sequence[dict[str, Any]],
) -> list[str]:
    """The labels the base pipeline never predicted and patterns serve (see above)."""
    base = set(pipeline_info(pipeline).labels)
    if not base:
        return []
    served = pattern_labels(patterns)
    return [
        label
        for label in labels
        if label not in base and label in served and label not in label_map
    ]

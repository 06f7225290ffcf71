"""The rule engine run over a trained model's entities (the ``model+rules`` source).

Used for a project's trained models (``train.load``) and for its default suggester over the
start model (``train.default``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annotator.nlp.labelmap import LabelMap
from annotator.nlp.patterns import pattern_labels
from annotator.nlp.pipeline import pipeline_info
from annotator.nlp.suggest import Suggester

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.nlp.train.known_names import KnownNames

__all__ = ["pattern_served", "reads_quantities", "rules_over_model"]


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
    mapping = LabelMap(tuple(labels), overrides)
    return Suggester(
        pipeline,
        labels,
        label_map=mapping,
        extra_patterns=patterns,
        nlp=nlp,
        lifted=lifted,
        weights=weights,
        known=known,
        quantities_by_model=reads_quantities(nlp, mapping.quantity_label),
    )


def reads_quantities(nlp: Language, quantity: str | None) -> bool:
    """True when ``nlp``'s entity recognizer outputs the project's ``quantity`` label itself (a
    model trained on the project's, or the start model's, annotations).

    Then its QUANTITY entities decide which numbers are quantities, and the rules only draw
    their bounds (``Suggester(quantities_by_model=True)``). What counts is a habit of each kind
    of text the model learns from its annotations: section, page and paragraph numbers in
    reports and legal text, a year in a history, a like count in a forum; the rules' QUANTITY
    grammar, written for the base model's CARDINAL and MONEY, counts them all. Measured on
    kinds of text the start model never saw (``tests/bench/default_choice.py``), the default's
    QUANTITY F1 rose in legal text 0.717 -> 0.859 and reports 0.790 -> 0.847, and fell on news
    0.969 -> 0.957; after training, in 34 of 48 simulated projects (``learning_grid.py``, grid
    ``s20R``) F1 rose, in 10 it fell (README, "Suggestion quality").
    """
    if quantity is None or "ner" not in nlp.pipe_names:
        return False
    return quantity in getattr(nlp.get_pipe("ner"), "labels", ())


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

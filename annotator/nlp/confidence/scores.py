"""Model spans' probabilities: which scorer takes the entity recognizer's place in a pipeline,
and a span's probability read from what it left in the document.

Two scorers give each model entity a probability, and either replaces the recognizer in the
pipeline (it is disabled, kept loaded) while leaving its greedy entities exactly as they are:

``greedy`` (the default, ``confidence.greedy``)
    the probability of the greedy parse's own actions that make the entity: one pass;
``beam`` (``confidence.beam``)
    the summed probability of the parses of a beam search (width 4) that hold the entity: a
    second search beside the greedy one.

Both leave ``[[start token, end token, label, probability]]`` in ``doc.user_data`` under
``SCORES_KEY``. ``scorer_tag`` names the scorer and its settings: it enters the suggester's
version, so suggestions cached with one scorer's scores are never read as another's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from annotator.core.confidence import MODEL_SCORES

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "DEFAULT_SCORER",
    "SCORERS",
    "SCORES_KEY",
    "ScoredEntities",
    "add_model_scores",
    "scorer_tag",
    "without_model_scores",
]

#: ``doc.user_data`` key of the scored candidates.
SCORES_KEY = "annotator_scores"
SCORERS = ("greedy", "beam")
#: Chosen by measurement (see ``confidence.greedy``). A project's calibration records the
#: scorer it was fitted to (``core.confidence.MODEL_SCORES``, the same name).
DEFAULT_SCORER = MODEL_SCORES


def _factory(scorer: str) -> str:
    if scorer == "greedy":
        from annotator.nlp.confidence import greedy

        greedy.register()
        return greedy.FACTORY
    if scorer == "beam":
        from annotator.nlp.confidence import beam

        beam.register()
        return beam.FACTORY
    raise ValueError(f"unknown scorer {scorer!r}: choose from {', '.join(SCORERS)}")


def scorer_tag(scorer: str, width: int, temperature: float) -> str:
    """The scorer and the settings it uses, as it enters the suggester's version."""
    if scorer == "beam":
        return f"beam{width}t{temperature:g}"
    return scorer  # the greedy scorer has no settings


def _scorer_names(nlp: Language) -> list[str]:
    from annotator.nlp.confidence import beam, greedy

    factories = {beam.FACTORY, greedy.FACTORY}
    return [name for name in nlp.component_names if nlp.get_pipe_meta(name).factory in factories]


def add_model_scores(
    nlp: Language, scorer: str = DEFAULT_SCORER, width: int = 4, temperature: float = 1.0
) -> bool:
    """Put the scorer in the place of ``nlp``'s entity recognizer (which is disabled, not
    removed); False when it has none (a blank pipeline: no model spans to score)."""
    factory = _factory(scorer)
    if _scorer_names(nlp):
        return True
    recognizers = [
        name
        for name, pipe in nlp.pipeline
        if hasattr(pipe, "transition_states") and hasattr(pipe, "scored_ents")
    ]
    if not recognizers:
        return False
    name = recognizers[-1]
    config: dict[str, object] = {"ner": name}
    if scorer == "beam":
        config.update(width=width, temperature=float(temperature))
    nlp.add_pipe(factory, config=config, after=name)
    nlp.disable_pipe(name)
    return True


@contextmanager
def without_model_scores(nlp: Language) -> Iterator[Language]:
    """``nlp`` with its entity recognizer back in place of the scorer, for as long as it is
    written to disk or bytes: a pipeline folder must load with spaCy alone."""
    from annotator.nlp.confidence import beam

    names = _scorer_names(nlp)
    if not names:
        yield nlp
        return
    name = names[0]
    factory = nlp.get_pipe_meta(name).factory
    config = dict(nlp.get_pipe_config(name))
    nlp.remove_pipe(name)
    nlp.enable_pipe(config["ner"])
    try:
        yield nlp
    finally:
        if factory == beam.FACTORY:
            add_model_scores(nlp, "beam", int(config["width"]), float(config["temperature"]))
        else:
            add_model_scores(nlp, "greedy")


class ScoredEntities:
    """The scored candidates of one document, indexed by token, and a span's probability."""

    def __init__(self, doc: Doc, target: Callable[[str], str | None]) -> None:
        self.scored = SCORES_KEY in doc.user_data
        # (number, start, end, project label, probability): the number keeps two candidates
        # whose labels map to one project label apart.
        self._by_token: dict[int, list[tuple[int, int, int, str, float]]] = {}
        for number, (start, end, label, p) in enumerate(doc.user_data.get(SCORES_KEY, ())):
            entry = (number, int(start), int(end), target(label) or label, float(p))
            for k in range(entry[1], entry[2]):
                self._by_token.setdefault(k, []).append(entry)

    def probability(self, start: int, end: int, label: str) -> float | None:
        """How likely the scorer finds this span (token offsets) with this (project) label.

        The summed probability of the candidates holding exactly this span with this label;
        for a span the rules reshaped ("[UK Ministry of Defence]" from "Ministry of Defence")
        or relabelled, the likeliest candidate it overlaps with its label, else with any label.
        None when the document was not scored.
        """
        if not self.scored:
            return None
        overlapping = {e for k in range(start, end) for e in self._by_token.get(k, ())}
        exact = sum(p for _, s, e, lab, p in overlapping if (s, e, lab) == (start, end, label))
        if exact > 0:
            return round(min(exact, 1.0), 4)
        same = [p for *_, lab, p in overlapping if lab == label]
        if same:
            return max(same)
        return max((p for *_, p in overlapping), default=0.0)

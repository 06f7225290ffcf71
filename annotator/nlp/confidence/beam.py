"""The probability of each model span under the entity recognizer's beam (``scorer="beam"``;
not the default: ``confidence.greedy`` scores from the greedy parse alone, at a fraction of
the cost, and ranks right and wrong spans apart where the beam does not; the figures are in
its docstring).

The suggested entities stay the greedy recognizer's; their confidence is what a beam search
over the same weights says of them. spaCy's ``EntityRecognizer.beam_parse`` plus
``scored_ents`` gives, for each (start, end, label), the summed probability of the final beam
parses that contain it. Run beside the greedy ``ner`` that doubles the recognizer's cost, as
both compute the same token vectors and hidden-layer features (``ner.model.predict``): two
thirds of the greedy parse. So the component ``annotator_beam_scores`` takes the recognizer's
place in the pipeline (the ``ner`` itself is disabled, kept loaded): it runs
``ner.model.predict`` once per batch and then both searches over its output, the greedy one
through the recognizer's own ``transition_states`` (the same C transition code
``greedy_parse`` runs: the entities are the same, which tests/nlp/test_confidence.py checks
on every gold text) and the beam through spaCy's ``BeamBatch`` (what ``beam_parse`` runs).

The candidates ride in ``doc.user_data`` as plain lists, so they cross ``nlp.pipe``'s worker
processes with the document.

Width 4 was chosen by measurement: suggesting with it costs 1.15x suggesting without
confidence, width 8 1.72x, width 16 2.88x (tests/bench/bench_confidence.py --widths 4 8 16),
and after a project's calibration its scores are as reliable as width 8's
(tests/bench/calibration.py --scorers beam --widths 4 8).
A temperature on the parse scores (3 against 1) changed neither. The beam's probabilities of
this greedy-trained recognizer are nearly all 0.99-1.0, right or wrong; what makes the scores
mean something is the project's calibration per label (``core.confidence.Calibration``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.nlp.confidence.component import BatchComponent
from annotator.nlp.confidence.scores import SCORES_KEY

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["BEAM_TEMPERATURE", "BEAM_WIDTH", "FACTORY", "BeamScorer", "register"]

BEAM_WIDTH = 4
#: The beam's parse scores are divided by this before they become probabilities (see the
#: module's docstring); chosen by measurement.
BEAM_TEMPERATURE = 1.0
FACTORY = "annotator_beam_scores"
# Candidates below this probability are not kept (a long document has thousands).
_MIN_PROBABILITY = 0.001


class BeamScorer(BatchComponent):
    """The pipeline component in the recognizer's place: its greedy entities, and the beam
    candidates with their probabilities."""

    def __init__(self, ner: Any, width: int, temperature: float = 1.0) -> None:
        super().__init__(ner)
        self.width = width
        self.temperature = temperature

    def _score(self, todo: list[Doc]) -> None:
        from spacy.pipeline._parser_internals._beam_utils import BeamBatch

        ner = self.ner
        model = ner.model.predict(todo)  # token vectors and features, shared by both searches
        try:
            states = ner.moves.init_batch(todo)
            unfinished = [state for state in states if not state.is_final()]
            while unfinished:
                unfinished = ner.transition_states(unfinished, model.predict(unfinished))
            # The beam only scores entities: a document the greedy parse found none in has
            # nothing to score. Its initial states must be taken before any entity is set, as
            # the recognizer keeps to entities already in a document.
            first = ner.moves.init_batch(todo)
            todo, states, first = _with_entities(ner, todo, states, first)
            if not todo:
                return
            beams = BeamBatch(ner.moves, first, None, self.width, density=0.0)
            while not beams.is_done:
                found = beams.get_unfinished_states()
                if not found:
                    break
                scores = model.predict(found)
                if self.temperature != 1.0:
                    scores = (scores / self.temperature).astype("float32")
                beams.advance(scores)
        finally:
            model.clear_memory()
        ner.set_annotations(todo, states)
        for doc, scores in zip(todo, ner.scored_ents(list(beams)), strict=True):
            doc.user_data[SCORES_KEY] = [
                [start, end, label, round(min(float(p), 1.0), 4)]
                for (start, end, label), p in sorted(scores.items())
                if p >= _MIN_PROBABILITY
            ]


def _with_entities(
    ner: Any, docs: list[Doc], states: list[Any], first: list[Any]
) -> tuple[list[Doc], list[Any], list[Any]]:
    """The documents the greedy ``states`` give an entity, with their states and initial
    states; the others are annotated now (with no entity, or with those they came with).

    Each document is annotated to see, then given back the entity tags it had before, so
    that the beam over it runs under the same constraints as the greedy parse did.
    """
    from spacy.attrs import ENT_IOB, ENT_TYPE

    before: list[Any] = [doc.to_array([ENT_IOB, ENT_TYPE]) for doc in docs]
    ner.set_annotations(docs, states)
    keep = [i for i, doc in enumerate(docs) if doc.ents]
    for i in keep:
        docs[i].from_array([ENT_IOB, ENT_TYPE], before[i])
    return [docs[i] for i in keep], [states[i] for i in keep], [first[i] for i in keep]


def register() -> None:
    """Register the factory with spaCy, once: on first use, not at import (the window's
    process imports this module's users but must never import spaCy)."""
    from spacy.language import Language

    if Language.has_factory(FACTORY):
        return

    @Language.factory(
        FACTORY, default_config={"width": BEAM_WIDTH, "temperature": 1.0, "ner": "ner"}
    )
    def make_beam_scorer(
        nlp: Language, name: str, width: int, temperature: float, ner: str
    ) -> BeamScorer:
        return BeamScorer(nlp.get_pipe(ner), width, temperature)

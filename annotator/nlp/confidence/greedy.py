"""The probability of each model span under the entity recognizer's own greedy parse.

The recognizer is a transition system: one action per token (``B-``, ``I-``, ``L-``, ``U-``
with a label, or ``O``), each chosen greedily as the best-scoring action of those allowed in
the state reached so far. The component ``annotator_greedy_scores`` takes the recognizer's
place in the pipeline (the ``ner`` itself is disabled, kept loaded) and runs that same parse
with the scores of every step in hand: ``ner.model.predict`` once per batch, then
``model.predict`` on the unfinished states and the recognizer's own ``transition_states`` at
each step (the same C transition code ``greedy_parse`` runs: the entities are the same, which
tests/nlp/test_confidence.py checks on every gold text). At each step the scores of the
allowed actions are turned into probabilities (a softmax over them alone); an entity's
probability is the product of the probabilities of its own actions (``U-X``, or ``B-X``,
``I-X``..., ``L-X``). No second search is run.

The allowed actions are worked out here from the action taken before (an entity open or
not, its label), the token (whitespace opens no entity), whether it is the last one and
whether the next starts a sentence: what spaCy's ``BiluoPushDown`` allows in a document
without preset entities. The action this takes as the best allowed is checked against the
entity the recognizer set: a document where they differ (or one that came with entities
already set) is left unscored, never scored wrongly.

The candidates ride in ``doc.user_data`` as plain lists, so they cross ``nlp.pipe``'s worker
processes with the document.

Measured against the width-4 beam it replaced as the default (``confidence.beam``, still
there as ``scorer="beam"``), on a shared 2-core machine with ``nice``:

* Speed: a whole ``annotator suggest --input IN --output OUT [--project P]`` process over 400
  texts costs 0.90x a process that loads the same model and only runs ``nlp.pipe`` with the
  untrained suggester and 0.93x with a trained model (40 accepted documents of
  ``tests/bench/bench_train.py prepare 40``, trained, every label from model+rules); with
  the beam, 1.45x and 1.31x in the same session (CPU seconds, median of 3 alternating pairs;
  ``tests/bench/bench_suggest_process.py [--project P]`` runs the same pair: 0.96x and 0.87x
  in a second run). Suggesting with the greedy scores costs 0.80x suggesting without
  confidence (spaCy's own ``ner``), the beam 1.15x (``tests/bench/bench_confidence.py
  --widths 4 --rounds 3 --docs 100``): the parse stepped here, each step's scores computed
  for every unfinished document at once, is faster than spaCy's ``greedy_parse``.
* Calibration (``tests/bench/calibration.py --scorers greedy beam``; "within": fitted on a
  seeded half of a kind of text, measured on the other, median of 5 splits; unseen5-8,
  transcripts, reports). After the project's calibration, the model spans' ECE is 0.040,
  0.077, 0.101 (beam 0.030, 0.061, 0.087; the splits range 0.022-0.086, 0.066-0.105,
  0.088-0.115 against 0.019-0.082, 0.054-0.110, 0.036-0.109), and every suggestion's
  0.013, 0.041, 0.053 (beam 0.005, 0.033, 0.053). The ECE favours a score that is the same
  for every span: the beam's are, nearly all 0.99-1.0, right or wrong. The Brier score, which
  weighs calibration and usefulness together, is lower (better) for the greedy scores on
  every set, model spans 0.067, 0.152, 0.224 (beam 0.069, 0.168, 0.242), every suggestion
  0.036, 0.098, 0.129 (beam 0.037, 0.104, 0.143); and they rank: the chance that a right
  model span scores above a wrong one (AUC) is 0.79, 0.76, 0.70 raw and 0.75, 0.82, 0.71
  calibrated (beam 0.52, 0.51, 0.49 raw, 0.68, 0.75, 0.56 calibrated). Raw, before any
  calibration, the greedy scores are closer to the truth too (model spans' ECE 0.061,
  0.135, 0.338 against 0.092, 0.282, 0.502).
* Other ways of making a span's probability from the same actions (the weakest action, the
  geometric mean, the product with the actions just before and after the span) did not do
  clearly better after calibration than the product: each was better on one set and worse
  on another, within the spread of the splits (a one-off experiment on the same splits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.nlp.confidence.component import BatchComponent
from annotator.nlp.confidence.scores import SCORES_KEY

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["FACTORY", "GreedyScorer", "register"]

FACTORY = "annotator_greedy_scores"


class _Moves:
    """The recognizer's actions as arrays: what each one is and which label it carries."""

    def __init__(self, moves: Any) -> None:
        import numpy as np

        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        kinds = [name.split("-", 1)[0] for name in names]
        labels = [name.split("-", 1)[1] if "-" in name else "" for name in names]
        self.names = sorted({label for label in labels if label})
        number = {label: i for i, label in enumerate(self.names)}
        self.label = np.array([number.get(label, -1) for label in labels], dtype=np.int64)
        labelled = self.label >= 0
        self.begin = np.array([k == "B" for k in kinds]) & labelled
        self.inside = np.array([k == "I" for k in kinds]) & labelled
        self.last = np.array([k == "L" for k in kinds]) & labelled
        self.unit = np.array([k == "U" for k in kinds]) & labelled
        self.out = np.array([k == "O" for k in kinds])
        self.count = len(names)


class GreedyScorer(BatchComponent):
    """The pipeline component in the recognizer's place: its greedy entities, each with the
    probability of the actions that made it."""

    def __init__(self, ner: Any) -> None:
        super().__init__(ner)
        self._moves: _Moves | None = None

    def _score(self, todo: list[Doc]) -> None:
        import numpy as np
        from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START

        ner = self.ner
        moves = self._moves
        if moves is None or moves.count != ner.moves.n_moves:
            moves = self._moves = _Moves(ner.moves)
        lengths = np.array([len(doc) for doc in todo], dtype=np.int64)
        width = int(lengths.max())
        # Per token: whitespace (opens no entity), and whether an entity may run on into the
        # next token (it exists and starts no sentence). Preset entities: scored by no one.
        space = np.ones((len(todo), width), dtype=bool)
        runs_on = np.zeros((len(todo), width), dtype=bool)
        preset = np.zeros(len(todo), dtype=bool)
        for i, doc in enumerate(todo):
            attrs = doc.to_array([IS_SPACE, SENT_START, ENT_IOB])
            n = len(doc)
            space[i, :n] = attrs[:, 0] != 0
            runs_on[i, : n - 1] = attrs[1:, 1] != 1
            preset[i] = bool(attrs[:, 2].any())
        chosen = np.full((len(todo), width), -1, dtype=np.int64)
        logp = np.zeros((len(todo), width), dtype=np.float64)
        open_label = np.full(len(todo), -1, dtype=np.int64)
        model = ner.model.predict(todo)
        try:
            states = ner.moves.init_batch(todo)
            unfinished = [state for state in states if not state.is_final()]
            step = 0
            while unfinished:
                scores = model.predict(unfinished)
                active = np.flatnonzero(lengths > step)
                if len(active) == len(unfinished):  # one action a token: always, but check
                    self._step(
                        moves, scores, active, step, space, runs_on, open_label, chosen, logp
                    )
                else:
                    preset[:] = True  # not the parse this models: score nothing
                unfinished = ner.transition_states(unfinished, scores)
                step += 1
        finally:
            model.clear_memory()
        ner.set_annotations(todo, states)
        for i, doc in enumerate(todo):
            if preset[i]:
                del doc.user_data[SCORES_KEY]  # unscored: its spans get no probability
                continue
            found = _entities(moves, chosen[i, : lengths[i]], logp[i, : lengths[i]])
            if [(s, e, label) for s, e, label, _ in found] != [
                (e.start, e.end, e.label_) for e in doc.ents
            ]:
                del doc.user_data[SCORES_KEY]
                continue
            doc.user_data[SCORES_KEY] = [[s, e, label, round(p, 4)] for s, e, label, p in found]

    @staticmethod
    def _step(
        moves: _Moves,
        scores: Any,
        active: Any,
        step: int,
        space: Any,
        runs_on: Any,
        open_label: Any,
        chosen: Any,
        logp: Any,
    ) -> None:
        """One step of every unfinished document: the best allowed action (the one the
        recognizer takes) and the log of its probability among the allowed ones."""
        import numpy as np

        is_space = space[active, step][:, None]
        runs = runs_on[active, step][:, None]
        label = open_label[active]
        closed = (label < 0)[:, None]
        allowed_closed = (
            moves.out[None, :]
            | (moves.unit[None, :] & ~is_space)
            | (moves.begin[None, :] & ~is_space & runs)
        )
        same = moves.label[None, :] == label[:, None]
        allowed_open = same & (moves.last[None, :] | (moves.inside[None, :] & runs))
        allowed = np.where(closed, allowed_closed, allowed_open)
        masked = np.where(allowed, np.asarray(scores, dtype=np.float64), -np.inf)
        best = masked.argmax(axis=1)
        top = masked[np.arange(len(active)), best]
        logp[active, step] = -np.log(np.exp(masked - top[:, None]).sum(axis=1))
        chosen[active, step] = best
        opened = moves.begin[best] | moves.inside[best]
        open_label[active] = np.where(opened, moves.label[best], -1)


def _entities(moves: _Moves, chosen: Any, logp: Any) -> list[tuple[int, int, str, float]]:
    """(start, end, label, probability) of the entities a document's actions make."""
    import math

    found: list[tuple[int, int, str, float]] = []
    start, total = -1, 0.0
    for k, move in enumerate(chosen.tolist()):
        if moves.unit[move]:
            found.append((k, k + 1, moves.names[moves.label[move]], math.exp(logp[k])))
        elif moves.begin[move]:
            start, total = k, float(logp[k])
        elif moves.inside[move]:
            total += float(logp[k])
        elif moves.last[move] and start >= 0:
            total += float(logp[k])
            found.append((start, k + 1, moves.names[moves.label[move]], math.exp(total)))
            start = -1
    return found


def register() -> None:
    """Register the factory with spaCy, once: on first use, not at import (the window's
    process imports this module's users but must never import spaCy)."""
    from spacy.language import Language

    if Language.has_factory(FACTORY):
        return

    @Language.factory(FACTORY, default_config={"ner": "ner"})
    def make_greedy_scorer(nlp: Language, name: str, ner: str) -> GreedyScorer:
        return GreedyScorer(nlp.get_pipe(ner))

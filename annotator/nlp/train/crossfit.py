"""Cross-fitting: evidence from every accepted document, not only the held-out part.

A small project holds out two or three documents, and every choice made on them alone (use the
new model or not, which source serves each label, whether the model's own weapons join the
gazetteer's) is mostly noise: over 48 simulated projects the choice of source per label never
moved, and the use of the model was a coin toss where its gain was small. So while the
held-out part has fewer than ``scoring.MIN_DOCUMENTS`` documents, the training part is split
into ``FOLDS`` folds, a model is trained on all folds but one and scores the one left out,
and those scores join the held-out part's for the choices. Each fold's model is trained the
same way as the new model (the same start, rehearsal and epochs), on fewer documents: its
scores are, if anything, a cautious guess of the new model's. The held-out part stays what it
was: the fixed yardstick whose table the report shows for every version.
"""

from __future__ import annotations

import random

from annotator.nlp.train.scoring import MIN_DOCUMENTS

__all__ = ["FOLDS", "folds", "wanted"]

#: Folds of the training part. Two folds cost about one more training on all of it.
FOLDS = 2
#: Documents a fold needs at least, to train on and to be scored.
_MIN_FOLD = 2


def wanted(heldout: int, train: int) -> bool:
    """Cross-fit when the held-out part is too small to choose on and the training part can
    be split into folds of at least two documents."""
    return heldout < MIN_DOCUMENTS and train >= FOLDS * _MIN_FOLD


def folds(count: int, seed: int) -> list[list[int]]:
    """``FOLDS`` disjoint lists of the indices 0..count-1 covering all of them, sizes within
    one of each other, the same for the same count and seed."""
    order = list(range(count))
    random.Random(f"crossfit-{seed}").shuffle(order)
    return [sorted(order[k::FOLDS]) for k in range(FOLDS)]

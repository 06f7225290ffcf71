"""Training by itself: a new model after every so many newly accepted documents.

INCEpTION's recommenders retrain as annotators work; here the window does the same when the
project asks for it (Model › Train automatically): once ``every`` documents were accepted
since the newest model was trained (and enough to train at all), it trains in the
background, as Model › Train does, and the new model suggests only if it beats what suggests
now on the held-out part. The choice is the project's own (a setting), so every window and
annotator of the project sees it; in a shared project only one place should train, so the
window leaves it to ``annotator train`` there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from annotator.core.store import ProjectStore

__all__ = [
    "AUTO_TRAIN_EVERY",
    "DEFAULT_EVERY",
    "MIN_EVERY",
    "Due",
    "auto_train_due",
    "auto_train_every",
]

#: The project setting: newly accepted documents between automatic trainings (0 or none: off).
AUTO_TRAIN_EVERY = "auto_train_every"
DEFAULT_EVERY = 10
#: The shortest interval honoured: a project file from someone else saying "1" would have the
#: window train after every answer.
MIN_EVERY = 5


class Due(NamedTuple):
    """An automatic training due now: documents accepted since the newest model, all of them
    accepted, and whether no model was trained before."""

    new: int
    accepted: int
    first: bool


def auto_train_every(store: ProjectStore) -> int:
    """The project's interval in accepted documents (at least ``MIN_EVERY``); 0 when it does
    not train by itself."""
    value = store.setting(AUTO_TRAIN_EVERY)
    every = int(value) if value.isdigit() else 0
    return max(every, MIN_EVERY) if every > 0 else 0


def auto_train_due(store: ProjectStore, since: int = 0) -> Due | None:
    """What is due when an automatic training is due now, else None (off, a shared project,
    too few new or too few to train at all). ``since``: the accepted count at an earlier
    attempt that stored no model (a failed or cancelled run is not retried at every
    answer)."""
    from annotator.nlp.train.project import MIN_HELDOUT, MIN_TRAIN

    every = auto_train_every(store)
    if every <= 0 or store.shared:
        return None
    accepted = store.count_accepted_documents()
    last = store.accepted_at_last_training()
    new = accepted - max(last, since)
    if accepted < MIN_TRAIN + MIN_HELDOUT or new < every:
        return None
    return Due(new, accepted, last == 0)

"""What a trained model's evidence decides: the source of each label, the names the project
knows, whether the new model suggests, and what else training learned when it does not.

The evidence is one or more groups of texts with their accepted spans (``evidence.Group``):
the held-out part scored by the new model, and with cross-fitting each fold of the training
part scored by a model trained without it (``crossfit``). Every source's spans are taken as the
project would see them suggested (without its suppressed texts and the kinds training left
out). The held-out part's own tables stay the yardstick shown for every version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.model import Span
from annotator.nlp.span_kinds import MIN_SUGGESTED
from annotator.nlp.train.data import LabelledText
from annotator.nlp.train.evidence import Group, Outputs, as_suggested
from annotator.nlp.train.known_names import KnownNames, learn_known_names
from annotator.nlp.train.scoring import (
    Counts,
    choose_sources,
    doc_counts,
    score_table,
    scores_of,
    surely_better,
    untrained_without_kinds,
)
from annotator.nlp.train.sources import UNTRAINED, combine

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "Evidence",
    "Fallback",
    "Fill",
    "Named",
    "fallback",
    "known_names",
    "pooled_tables",
    "table",
]

PerText = list[list[Span]]  # one span list per text
Fill = Callable[[PerText, bool], PerText]


@dataclass
class Evidence:
    """The groups the choices are made on, the held-out part first, with every source's
    spans as the project would see them (``seen``)."""

    groups: list[Group]
    suppressed: frozenset[tuple[str, str]]
    dropped: frozenset[str]

    def __post_init__(self) -> None:
        self.seen: list[Outputs] = [
            as_suggested(g.outputs, g.texts, self.suppressed, self.dropped) for g in self.groups
        ]

    @property
    def heldout(self) -> Group:
        return self.groups[0]

    def as_seen(self, texts: Sequence[str], spans: PerText, kinds: bool = True) -> PerText:
        """``spans`` of ``texts`` without the suppressed texts (and the dropped kinds)."""
        dropped = self.dropped if kinds else frozenset()
        return as_suggested({"": spans}, texts, self.suppressed, dropped)[""]

    def seen_on(self, texts: Sequence[str]) -> Callable[[PerText], PerText]:
        """``as_seen`` for the spans of ``texts``."""

        def seen(spans: PerText) -> PerText:
            return self.as_seen(texts, spans)

        return seen

    def choose(self, labels: Sequence[str]) -> tuple[dict[str, str], dict[str, float]]:
        """Each label's source and rank, on every group's documents together."""
        counts = {
            source: [
                c
                for group, seen in zip(self.groups, self.seen, strict=True)
                for c in doc_counts(group.gold, seen[source], labels)
            ]
            for source in self.seen[0]
        }
        return choose_sources(counts, labels)

    def combined(self, choice: dict[str, str], rank: dict[str, float]) -> list[PerText]:
        """Per group, the spans the choice suggests."""
        return [
            [
                combine({source: seen[source][j] for source in seen}, choice, rank)
                for j in range(len(group.texts))
            ]
            for group, seen in zip(self.groups, self.seen, strict=True)
        ]

    def pooled(self, predicted: Sequence[PerText], labels: Sequence[str]) -> dict[str, Any]:
        """The per-label table over the texts of every group together."""
        gold = [keys for group in self.groups for keys in group.gold]
        spans = [per_text for outputs in predicted for per_text in outputs]
        return score_table(scores_of(gold, spans, labels), labels)


def table(group: Group, predicted: PerText, labels: Sequence[str]) -> dict[str, Any]:
    """The per-label table of ``predicted`` on ``group``."""
    return score_table(scores_of(group.gold, predicted, labels), labels)


def pooled_tables(
    evidence: Evidence, news: Sequence[PerText], nows: Sequence[PerText], labels: Sequence[str]
) -> dict[str, Any]:
    """The new suggestions, what suggests now, and every source over every group."""
    return {
        "new": evidence.pooled(news, labels),
        "current": evidence.pooled(nows, labels),
        **{
            source: evidence.pooled([seen[source] for seen in evidence.seen], labels)
            for source in evidence.seen[0]
        },
    }


@dataclass
class Named:
    """The names the held-out part's model knows (``known_names``), every group's
    suggestions with them, and what fills other held-out suggestions with them."""

    known: KnownNames
    combined: list[PerText]
    fill: Fill


def _filler(
    nlp: Language,
    texts: Sequence[str],
    labels: Sequence[str],
    as_seen: Callable[[PerText], PerText],
) -> Callable[[KnownNames], Fill]:
    """What fills suggestions of ``texts`` with known names: on the trained model's docs
    (its entities veto names), or on the tokens alone (as the untrained suggester is filled:
    no model pass); ``as_seen``: as the project would see them."""
    docs = list(nlp.pipe(texts))

    def filler(known: KnownNames) -> Fill:
        matcher = known.matcher(nlp)

        def fill(outputs: PerText, with_model: bool = True) -> PerText:
            on = docs if with_model else [nlp.make_doc(text) for text in texts]
            pairs = zip(on, outputs, strict=True)
            return as_seen([known.fill(doc, spans, matcher, labels) for doc, spans in pairs])

        return fill

    return filler


def known_names(
    evidence: Evidence,
    labels: Sequence[str],
    documents: Sequence[Sequence[LabelledText]],
    combined: Sequence[PerText],
) -> Named:
    """The names each group's ``documents`` teach (its model's, learned without its own
    texts), filled for each label of ``labels`` unless every group's documents together
    surely show that label worse with them (``scoring.surely_better``), as every other
    choice is made; the suggestions ``combined`` of each group with them."""
    groups = evidence.groups
    learned = [
        learn_known_names(((d.text, d.spans) for d in docs), labels, g.nlp)
        for g, docs in zip(groups, documents, strict=True)
    ]
    fillers = [_filler(g.nlp, g.texts, labels, evidence.seen_on(g.texts)) for g in groups]
    candidates = sorted({label for names in learned for label in names.counts()})

    def filled(keep: Sequence[str]) -> list[PerText]:
        if not keep:
            return list(combined)
        return [
            filler(names.with_labels(keep))(spans, True)
            for names, filler, spans in zip(learned, fillers, combined, strict=True)
        ]

    def named(keep: Sequence[str], suggested: list[PerText]) -> Named:
        own = [label for label in keep if label in learned[0].counts()]
        known = learned[0].with_labels(own)
        return Named(known, suggested, fillers[0](known))

    if not candidates:
        return named(candidates, list(combined))
    with_names = filled(candidates)
    counts_with, counts_without = [], []
    for group, new, old in zip(groups, with_names, combined, strict=True):
        counts_with += doc_counts(group.gold, new, labels)
        counts_without += doc_counts(group.gold, old, labels)
    keep = [
        x
        for x in candidates
        if not surely_better(counts_with, counts_without, x)
        and not _never_accepted(counts_with, counts_without, x)
    ]
    return named(keep, with_names if keep == candidates else filled(keep))


def _never_accepted(
    counts_with: Sequence[dict[str, Counts]],
    counts_without: Sequence[dict[str, Counts]],
    label: str,
) -> bool:
    """True when the evidence has no span of ``label`` at all and the names suggest it at
    least ``span_kinds.MIN_SUGGESTED`` times: all wrong, which the label's F1 (nought either
    way) cannot show. A project whose texts have no weapons gets no weapon names of the start
    model's documents ("Tiger", "Hawk")."""
    gold = sum(c[label][0] + c[label][2] for c in counts_without)
    added = sum(c[label][1] for c in counts_with) - sum(c[label][1] for c in counts_without)
    return gold == 0 and added >= MIN_SUGGESTED


@dataclass
class Fallback:
    """The untrained suggester with what training learned besides the model, when that won."""

    choice: dict[str, str]
    rank: dict[str, float]
    table: dict[str, Any]
    suggested: PerText
    names: bool  # with the known names
    lifts: bool  # with the lifted rules


def fallback(
    labels: Sequence[str],
    heldout: Group,
    bases: Sequence[tuple[PerText, bool]],
    dropped: bool,
    fill_known: Fill | None,
    current_f: float,
) -> Fallback | None:
    """The best of the untrained suggester's variants on the held-out part, when it beats
    what suggests now: ``bases`` are its suggestions as they are (the kinds the project
    does not accept left out) and, marked True, with the lifted rules; each also with the
    known names (``fill_known``). None when none is worth a version."""
    candidates: list[tuple[PerText, bool, bool]] = []
    for spans, lifts in bases:
        if dropped or lifts:
            candidates.append((spans, False, lifts))
        if fill_known is not None:
            candidates.append((fill_known(spans, False), True, lifts))
    if not candidates:
        return None
    scored = [
        (table(heldout, spans, labels), spans, names, lifts) for spans, names, lifts in candidates
    ]
    best, spans, names, lifts = max(scored, key=lambda c: float(c[0]["overall"]["f"]))
    won = untrained_without_kinds({UNTRAINED: best}, labels, current_f)
    if won is None:
        return None
    choice, rank = won
    return Fallback(choice, rank, best, spans, names, lifts)

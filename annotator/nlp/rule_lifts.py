"""Rules a project's accepted documents show to be wrong for its kind of text, lifted for the
model trained on them.

Some rules of the untrained suggester repair habits of the base model on news. The clearest:
a one-word name the model calls a person stands only as part of a full name found in the text
or after a title (``rules_people.single_word_persons``). News gives a person's full name
first and the surname after, so a lone capitalised word the model calls a person is mostly a
place, a people or a sentence-opening noun ("Galilee", "Tuareg", "Sirens"). Fiction names its
characters by first name ("Mara checked the gauge"), forum posters write "Shoigu" and "Rutte"
bare: there the rule drops right answers, and it drops them from a trained model that learned
exactly those names from the project's documents. A rule written to repair the base model's
label scheme must not fight a model that already outputs the project's labels, but where the
rule is right (news, reports, transcripts) lifting it costs precision.

So training measures it, the mirror of ``span_kinds``: on the training part, the untrained
suggester's suggestions with the rule and without it are compared with what the annotators
accepted. Adding spans of precision p raises a label's F1 exactly when p is above half of that
F1, so the rule is lifted when the spans lifting it adds are surely that precise: the lower end
of their one-sided 90 % Wilson interval is above half the label's F1 on the same documents,
after at least ``span_kinds.MIN_SUGGESTED`` added spans (accepted spans that lifting removes count
against it). The lift then applies to the rules run over the trained model (``model+rules``);
the untrained suggester is changed only in a version where it serves every label because the
trained model lost, and where it won on the held-out part with the lift (``train.project``).

Two more rules are lifted the same way: a model ORG holding a comma is a list on news
("Lesbos, Chios") but a company with its legal form in a legal text ("Caldera Optronics,
Inc."), and a lone "Army" or "Navy" names no particular body in news but the U.S. Army in a
contract report (``rules_places.is_no_body``, ``is_place_by_context``).

Measured (``tests/bench/learning_grid.py``, both halves of six kinds of text, three held-out
seeds, from start models that never saw the kind scored): fiction lifts the one-word-person
rule in every run (mean gain +0.062 -> +0.105 and +0.050 -> +0.072), forum threads in some
(+-0.001); history, reports, transcripts and legal text keep it, as news does. README,
"Suggestion quality".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from annotator.core.model import Span
from annotator.nlp.span_kinds import surely_worth_adding

__all__ = [
    "COMMA_ORG",
    "LIFTS",
    "LONE_BODY",
    "LONE_PERSON",
    "LiftCounts",
    "checked_lifts",
    "lift_tally",
    "lifted_lines",
    "wanted_lifts",
]

LONE_PERSON = "lone-person"
# name -> (the label its spans have, what lifting it keeps, for people)
COMMA_ORG = "comma-org"
LONE_BODY = "lone-body"
LIFTS: dict[str, tuple[str, str]] = {
    LONE_PERSON: (
        "PERSON",
        "one-word names the model calls a person, without a full name in the text or a title",
    ),
    COMMA_ORG: (
        "ORG",
        'organisations the model reads with a comma inside ("Caldera Optronics, Inc.")',
    ),
    LONE_BODY: (
        "ORG",
        'a lone "Army", "Navy", "Government" or "Police" the model calls an organisation',
    ),
}

# name -> (accepted spans lifting adds, spans it adds, accepted spans it removes, spans removed)
LiftCounts = dict[str, tuple[int, int, int, int]]

SpanKey = tuple[int, int, str]


def checked_lifts(names: Iterable[object]) -> tuple[str, ...]:
    """``names`` as a sorted tuple of known lifts; ValueError for anything else (a stored
    report is untrusted input)."""
    out = []
    for name in names:
        if not isinstance(name, str) or name not in LIFTS:
            raise ValueError(f"unknown rule to lift: {name!r}")
        out.append(name)
    return tuple(sorted(set(out)))


def lift_tally(
    gold: Sequence[Iterable[SpanKey]],
    suggested: Sequence[Sequence[Span]],
    lifted: Mapping[str, Sequence[Sequence[Span]]],
) -> LiftCounts:
    """Per lift: what it adds to and removes from ``suggested`` (one list per text, the
    untrained suggester as it is), against the accepted spans ``gold`` of the same texts;
    ``lifted[name]`` is the same suggester's output with that rule lifted."""
    counts: LiftCounts = {}
    for name, per_text in lifted.items():
        right_added = added = right_removed = removed = 0
        for keys, before, after in zip(gold, suggested, per_text, strict=True):
            accepted = set(keys)
            old = {s.key for s in before}
            new = {s.key for s in after}
            right_added += len((new - old) & accepted)
            added += len(new - old)
            right_removed += len((old - new) & accepted)
            removed += len(old - new)
        counts[name] = (right_added, added, right_removed, removed)
    return counts


def wanted_lifts(
    counts: Mapping[str, tuple[int, int, int, int]],
    half_f1: Mapping[str, float],
) -> tuple[str, ...]:
    """The lifts worth making (sorted): the spans they add surely precise enough (see the
    module docstring); ``half_f1`` is half each label's F1 on the same documents."""
    wanted = []
    for name, (right_added, added, right_removed, _) in sorted(counts.items()):
        label = LIFTS[name][0]
        net = max(0, right_added - right_removed)
        if surely_worth_adding(net, added, half_f1.get(label, 0.0)):
            wanted.append(name)
    return tuple(wanted)


def lifted_lines(lifted: Iterable[str], counts: Mapping[str, Sequence[int]]) -> list[str]:
    """'PERSON: one-word names ... now suggested (22 of 47 accepted)' for each lift made."""
    lines = []
    for name in lifted:
        label, what = LIFTS.get(name, ("?", name))
        right, added = [*counts.get(name, ()), 0, 0][:2]
        lines.append(f"{label}: {what}, now suggested ({right} of {added} accepted)")
    return lines

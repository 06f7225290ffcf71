"""Suggestion rules for the names of bodies and systems.

Runs of capitalised words ending in a body's or a weapon's word ("[Asia Maritime Transparency
Initiative]", "[Next Generation Interceptor]"), names going on through hyphens, the staff in an
office's title, and the one-letter platform ("on X").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.nlp.labelmap import extend_org_name
from annotator.nlp.rules_words import (
    BODY_HEADS,
    COMMON_OPENERS,
    DAYS_AND_MONTHS,
    PLACE_LABELS,
    WEAPON_MODIFIERS,
    sentence_start_word,
    split_words,
    token_list,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "hyphen_continuation",
    "is_staff_in_office_title",
    "named_bodies",
    "named_systems",
    "platform_context",
]


def named_bodies(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """ORG for a run of capitalised words ending in a body's word that no span covers, and an
    ORG the model cut short before such words grown to them ("[Asia Maritime] Transparency
    Initiative" -> "[Asia Maritime Transparency Initiative]"); see ``_capitalised_runs``."""
    return _capitalised_runs(doc, entities, BODY_HEADS, "ORG")


# Capitalised last words that make a run of capitalised words a weapon's name: "[Glide Phase
# Interceptor]", "[Precision Strike Missile]", "[Tomahawk Land Attack Missile]".
_SYSTEM_NAME_HEADS = split_words(
    """Missile Missiles Interceptor Interceptors Bomb Bombs Rocket Rockets Torpedo Torpedoes
    Howitzer Howitzers Launcher Launchers"""
)

# Capitalised words that open no name: determiners, days, months, number words.
_RUN_STOPPERS = (
    split_words(
        """The A An This That These Those Its Their His Her Our Some Many Several Both All Most No
    Two Three Four Five Six Seven Eight Nine Ten Dozens Hundreds"""
    )
    | DAYS_AND_MONTHS
)


def named_systems(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """WEAPON for a run of capitalised words ending in a weapon's word ("[Next Generation
    Interceptor]"), unless every word before it is generic ("a Cruise Missile")."""
    return _capitalised_runs(doc, entities, _SYSTEM_NAME_HEADS, "WEAPON")


def _capitalised_runs(
    doc: Doc,
    entities: list[tuple[int, int, str, str]],
    heads: frozenset[str],
    label: str,
) -> list[tuple[int, int, str, str]]:
    """``label`` for a run of capitalised words ending in one of ``heads`` that no span
    covers; a span of the same label right before the run grows to its end.

    The run may hold "of"/"for" between capitalised words ("[Republic of Korea Army]"); a
    place or nationality of one or two words may open it ("[Kosovo Police]"); it needs two
    words or more, its first neither a title, a determiner nor a sentence's common opener.
    A WEAPON run of two words needs a word that is not a generic weapon word.
    """
    tokens = token_list(doc)
    from annotator.nlp.labelmap import is_title_word

    n = len(doc)
    owner = [-1] * n
    for index, (start, end, _, _) in enumerate(entities):
        for k in range(start, end):
            owner[k] = index
    out = list(entities)
    for k in range(1, n):
        if tokens[k].text not in heads:
            continue
        if owner[k] != -1:
            start, end, other_label, source = out[owner[k]]
            if (
                source == "model"
                and end == k + 1
                and other_label != label
                and other_label in {"PERSON", "ORG"}
                and k > start
            ):
                # The model's "ORG" [Next Generation Interceptor] ends in a weapon's word.
                out[owner[k]] = (start, end, label, source)
            continue
        if k + 1 < n and tokens[k + 1].text[:1].isupper() and tokens[k + 1].is_alpha:
            continue  # the name goes on: judge it at its last word
        j = k
        while j > 0:
            before = tokens[j - 1]
            if owner[j - 1] != -1:
                other = out[owner[j - 1]]
                if other[2] in PLACE_LABELS | {"NORP"} and other[1] - other[0] <= 2:
                    j = other[0]  # "[Kosovo Police]", "[Caribbean Community]": a place opens it
                break
            name_word = (
                before.text[:1].isupper()
                and before.text.replace("-", "").isalpha()
                and before.text not in _RUN_STOPPERS
            )
            link = (
                before.lower_ in {"of", "for"}
                and j >= 2
                and tokens[j - 2].is_title
                and owner[j - 2] == -1
                and j < k
            )
            if not (name_word or link):
                break
            j -= 1
        while j < k and not tokens[j].text[:1].isupper():
            j += 1  # never start on "of"
        # A span of the same label right before the run: grow it.
        if j > 0 and owner[j - 1] != -1 and out[owner[j - 1]][2] == label:
            start, _, _, source = out[owner[j - 1]]
            out[owner[j - 1]] = (start, k + 1, label, source)
            for m in range(j, k + 1):
                owner[m] = owner[j - 1]
            continue
        end = k + 1
        if label == "ORG":
            end = extend_org_name(doc, j, end)  # "[Department of National Defence]"
        if (k - j < 1 and end == k + 1) or is_title_word(tokens[j].text):
            continue
        if sentence_start_word(doc, j) and tokens[j].lower_ in COMMON_OPENERS:
            continue
        if (
            label == "WEAPON"
            and k - j < 2
            and all(t.lower_ in WEAPON_MODIFIERS for t in doc[j:k] if t.is_alpha)
        ):
            continue  # "a Cruise Missile": generic words in capitals
        if any(
            owner[m] != -1 and out[owner[m]][2] not in PLACE_LABELS | {"NORP"}
            for m in range(j, end)
        ):
            continue
        for m in range(j, end):
            if owner[m] != -1:
                out[owner[m]] = (0, 0, "", "")  # the place inside gives way
        out.append((j, end, label, "rule"))
        for m in range(j, end):
            owner[m] = len(out) - 1
    return [e for e in out if e[2]]


def hyphen_continuation(doc: Doc, end: int) -> int:
    """Where a name ends that goes on through hyphens without spaces: "[Sudan People's
    Liberation Army-in-Opposition]"; the last word must be capitalised."""
    n = len(doc)
    k, last = end, end
    while k + 1 < n and doc[k].text == "-" and not doc[k - 1].whitespace_:
        if doc[k].whitespace_ or not doc[k + 1].is_alpha:
            break
        k += 2
        if doc[k - 1].text[:1].isupper():
            last = k
        if doc[k - 1].whitespace_:
            break
    return last


_STAFF_NAMES = frozenset({"General Staff", "Defence Staff", "Defense Staff", "Naval Staff"})


def is_staff_in_office_title(doc: Doc, start: int, end: int) -> bool:
    """ "Chief of the [General Staff]": the body's name is part of an office's title."""
    if doc[start:end].text not in _STAFF_NAMES:
        return False
    k = start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    return k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in {"chief", "chiefs"}


def platform_context(doc: Doc, i: int) -> bool:
    """A one-letter name stands where a platform does: "on X", "X's", "X, formerly"."""
    before = doc[i - 1].lower_ if i > 0 else ""
    after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    return before in {"on", "via"} or after in {"'s", "’s", "(", "formerly", "corp", "corp."}

"""Context checks that show a name to be a place, a ship or no body at all.

"Arauca province", "near Chipwi", "Kurram and Bajaur", "USS Gravely", "Misawa Air Base",
"KHARTOUM —": ``Suggester.spans_from_doc`` drops the model's PERSON/ORG spans these find.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.nlp.labelmap import is_company_form_after_comma, opens_line
from annotator.nlp.rules_words import ORG_WORDS_LOWER, PLACE_NOUNS, split_words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "is_dateline",
    "is_no_body",
    "is_place_by_company",
    "is_place_by_context",
    "is_ship_name",
]

# Prefixes of a named ship: "USS Gravely", "HMS Diamond", "INS Vikrant", "BRP Sierra Madre".
_SHIP_PREFIXES = split_words(
    """USS USNS HMS HMAS HMCS HMNZS INS FS ORP KRI BRP JS TCG HNLMS HDMS HNoMS HSwMS ROKS PNS RFS
    ITS ESPS SPS NRP HS KD RSS ARA BAP ARC CNS FGS MV MT RV KRI ENS INS"""
)


def is_dateline(doc: Doc, start: int, end: int) -> bool:
    """A capitalised place opening a paragraph before a dash ("KHARTOUM —"), or opening the
    text before a comma ("KYIV, Ukraine (Reuters) -"); "MBDA, the missile maker" opening a
    later paragraph is no dateline."""
    line_start = opens_line(doc, start)
    marks = {"—", "–", "-", "--", ","} if start == 0 else {"—", "–", "-", "--"}
    return (
        line_start
        and end < len(doc)
        and doc[end].text in marks
        and all(t.is_upper or not t.is_alpha for t in doc[start:end])
    )


# Prepositions after which a lone capitalised word is a place far more often than a body.
_PLACE_PREPOSITIONS = frozenset({"near", "off", "outside", "around", "towards", "toward"})
_IN_PREPOSITIONS = frozenset({"in", "at", "over", "into", "inside", "across", "throughout"})

# Capitalised common nouns the model calls ORG when they stand alone ("Army chief ...").
_GENERIC_BODIES = frozenset(
    {"Army", "Navy", "Military", "Cabinet", "Government", "Police", "Junta", "Parliament"}
)


def _is_place_word(token: Token) -> bool:
    """A word written as a place's name: "Pituffik", "Al-Watiya"; not "NATO", "ExxonMobil"."""
    parts = [p for p in re.split(r"[-'’]", token.text) if p]
    return (
        token.text[:1].isupper()
        and bool(parts)
        and all(p.isalpha() and (p.istitle() or p.islower()) for p in parts)
    )


def is_place_by_context(doc: Doc, start: int, end: int, label: str, generic: bool = True) -> bool:
    """A model PERSON/ORG that its context shows to be a place, or a bare generic body.

    One or two capitalised words followed by a place noun ("[Rakhine] state", "Batanes
    islands") or, for one word, right after "near"/"off"/"outside" ("near [Chipwi]"); a lone
    "Army" or "Cabinet" names no body (``generic``; a project's training lifts that where its
    annotators accept "the Army" as the body the text is about, ``rule_lifts``). One word in
    title case after "in"/"at"/"over" is a place too ("at [Pituffik]"), and so is a name
    before "air base" ("[Jufra] air bases").
    """
    words = doc[start:end]
    if generic and label == "ORG" and end - start == 1 and words[0].text in _GENERIC_BODIES:
        return True
    # A hyphenated name is one word: "Al-Watiya" is three tokens.
    names = [t for t in words if not (t.text == "-" and not t.whitespace_)]
    n_words = 1 + sum(1 for t in words[:-1] if t.whitespace_)
    if n_words > 2 or not all(_is_place_word(t) for t in names):
        return False
    if (
        end + 1 < len(doc)
        and doc[end].lower_ in {"air", "naval", "military", "army", "oil", "gas", "power"}
        and doc[end + 1].lower_
        in {"base", "bases", "station", "field", "fields", "refinery", "plant", "terminal", "depot"}
    ):
        return True
    if end < len(doc) and doc[end].is_lower and doc[end].lower_ in PLACE_NOUNS:
        # "[Chipwi] township", but not "Hamas border units"-like bodies' words inside.
        return not any(t.lower_ in ORG_WORDS_LOWER for t in words)
    if n_words != 1 or start == 0:
        return False
    before = doc[start - 1].lower_
    # "in Ilulissat", "at Pituffik", "over Leposavic": one word in title case (not an acronym,
    # not "ExxonMobil") after a preposition of place is a town far more often than a body;
    # the bodies that do stand there ("in Congress", "at Google") are in the patterns.
    return before in _PLACE_PREPOSITIONS or (
        before in _IN_PREPOSITIONS and all(p.istitle() for p in doc[start:end].text.split("-"))
    )


# Nouns for places a name can be the place "of" ("the state of Sinaloa", "the hub of Chipwi"),
# or be described as after a comma ("Kastellorizo, a tiny island").
_PLACE_OF_NOUNS = PLACE_NOUNS | split_words(
    """hub capital outskirts enclave exclave suburb suburbs neighbourhood neighborhood base
    stronghold garrison"""
)

# Prepositions of place before a one- or two-word name that, when a place name follows it
# ("at Amari in Estonia", "at Dunai, near Vladivostok"), make the name a place too.
_AT_PREPOSITIONS = frozenset({"at", "in", "to", "from", "on", "over", "into"})

# Last words of a base or airfield name: a place, no body ("Misawa Air Base").
_BASE_WORDS = frozenset({"Base", "Airbase", "Airfield", "Air Station", "Station"})

# Lone words the model calls ORG that name no body.
_NOT_BODIES = frozenset(
    {"Central", "Western", "Eastern", "Northern", "Southern", "North", "South", "East", "West"}
)


def is_place_by_company(doc: Doc, start: int, end: int, places: Sequence[bool]) -> bool:
    """A model PERSON/ORG of one or two capitalised words that the company it keeps shows to be
    a place: joined by "and"/"or" to a place ("Kurram and [Bajaur]", "[Leposavic] and
    Zubin Potok"), the place "of" a place noun ("the state of [Sinaloa]"), described as one
    ("[Kastellorizo], a tiny island"), or after "at"/"in" with a place after it ("at [Amari] in
    Estonia", "at [Dunai], near Vladivostok"). Acronyms and all-caps words are left alone.
    """
    words = doc[start:end]
    if end - start > 2 or not all(t.is_title and t.is_alpha for t in words):
        return False
    n = len(doc)
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < n else None
    # Coordination with a place, on either side.
    joins = {"and", "or"}  # not a comma: "the envoy to Sudan, [Tom Perriello]" is apposition
    if before is not None and before.lower_ in joins and start >= 2 and places[start - 2]:
        return True
    if (
        after is not None
        and after.lower_ in joins
        and end + 1 < n
        and places[end + 1]
        and doc[end + 1].is_title
    ):
        return True
    # "the state of X", "the mining hub of X".
    if (
        before is not None
        and before.lower_ == "of"
        and start >= 2
        and doc[start - 2].is_lower
        and doc[start - 2].lower_ in _PLACE_OF_NOUNS
    ):
        return True
    # "X, a tiny island ...", "X, the port town ...".
    if after is not None and after.text == ",":
        for k in range(end + 1, min(end + 6, n)):
            token = doc[k]
            if k == end + 1 and token.lower_ not in {"a", "an", "the"}:
                break
            if token.is_lower and token.lower_ in _PLACE_OF_NOUNS:
                return True
            if token.is_punct:
                break
    # "from Tumangang to X".
    if before is not None and before.lower_ == "to":
        for k in range(max(0, start - 5), start - 1):
            if doc[k].lower_ == "from" and places[k + 1]:
                return True
    # "at X in Estonia", "at X, near Vladivostok".
    if before is not None and before.lower_ in _AT_PREPOSITIONS:
        k = end + 1 if after is not None and after.text == "," else end
        if k + 1 < n and doc[k].lower_ in {"in", "near"} and places[k + 1]:
            return True
    return False


def is_no_body(doc: Doc, start: int, end: int, commas: bool = True) -> bool:
    """A model ORG that names no body: a base ("Misawa Air Base"), a list ("Lesbos, Chios"),
    a lone direction adjective ("Western"). ``commas``: a comma inside makes a list (news), but
    for the one before a company's legal form ("Caldera Optronics, Inc."); a project's training
    lifts that where its organisations hold commas ("Vickers, Sons & Maxim", ``rule_lifts``)."""
    words = doc[start:end]
    if end - start == 1 and words[0].text in _NOT_BODIES:
        return True
    if commas and any(t.text == "," and not is_company_form_after_comma(doc, t.i) for t in words):
        return True
    last = words[-1].text
    return end - start >= 2 and (last in _BASE_WORDS or f"{words[-2].text} {last}" in _BASE_WORDS)


def is_ship_name(doc: Doc, start: int, end: int) -> bool:
    """A span that is or follows a ship prefix: "[USS Gravely]", "HMS [Diamond]"."""
    return doc[start].text in _SHIP_PREFIXES or (
        start > 0 and doc[start - 1].text in _SHIP_PREFIXES
    )

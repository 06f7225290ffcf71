"""Suggestion rules for weapons: designations, names before a weapon noun, and their variants.

"Su-30MK2", "[K-8] jet", "[Spike] missiles", "[Virginia-class]", "[F-16 Block 70]",
"[P-8 Poseidon]", "Fatah" before "rockets".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annotator.nlp.rules_words import (
    ORG_WORDS_LOWER,
    WEAPON_HEADS,
    WEAPON_MODIFIERS,
    sentence_start_word,
    split_words,
    token_list,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "designation_prefixes",
    "designations",
    "dual_weapon_names",
    "extend_weapon_names",
    "merge_adjacent_weapons",
    "named_before_weapon_noun",
]

# "KN-23", "PL-15", "Su-30MK2", "MiG-15", "F-35s": letters, a hyphen, a number, a short suffix.
_LETTERS = r"[A-Z]{1,4}|[A-Z][a-z]{1,2}|[A-Z][a-z][A-Z]"  # "PL", "Su", "MiG"
_DESIGNATION = re.compile(rf"(?<![\w-])({_LETTERS})-(\d{{1,4}})([A-Z][A-Z0-9]{{0,3}})?s?(?![\w-])")
_PREFIX = re.compile(rf"^({_LETTERS})-\d")
# Letter prefixes that make no weapon designation: "G-7", "COVID-19", "H-1B".
_NOT_DESIGNATIONS = frozenset({"G", "COVID", "H", "I", "MH", "SARS", "COP", "P", "N"})
# Nouns for a system that name a weapon only after a weapon word ("missile system").
_SYSTEM_HEADS = frozenset({"system", "systems", "vehicle", "vehicles", "gun", "radar"})
_WEAPON_WORDS = split_words(
    """missile rocket artillery defence defense launch weapon weapons air armoured armored
    fighting infantry combat anti-ship anti-tank radar guided interceptor"""
)

# Capitalised words that open a phrase before a weapon noun without naming a system.
_NOT_WEAPON_NAMES = split_words(
    """The A An This That These Those Its Their His Her Our Some Many Several Both All Most No
    Western Soviet Allied Enemy Army Navy Air Force Marine Marines Coast Guard Defence Defense
    Military Naval Combat Attack Ballistic Cruise Hypersonic Nuclear Strategic Tactical Heavy
    Light New Old Modern Advanced Mobile Armed Special Two Three Four Five Six Seven Eight Nine
    Ten Dozens Hundreds January February March April May June July August September October
    November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Iranian Russian
    Chinese Ukrainian American Israeli British French German Turkish Indian Pakistani Korean
    North South East West Japanese US UK EU NATO U.S. Another Only Nearly About Around Over
    Almost Just Roughly Each Every Other More Fewer"""
)


def designation_prefixes(patterns: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Letter prefixes of the gazetteer's weapon designations ("F" of F-35, "Su" of Su-35)."""
    prefixes = set()
    for pattern in patterns:
        phrase = pattern.get("pattern")
        if pattern.get("label") == "WEAPON" and isinstance(phrase, str):
            match = _PREFIX.match(phrase)
            if match:
                prefixes.add(match.group(1))
    return frozenset(prefixes - _NOT_DESIGNATIONS)


def _weapon_noun_follows(doc: Doc, end: int, reach: int = 4) -> bool:
    """True when a weapon noun ("missiles", "jets", "air defence systems") follows ``end``."""
    return _weapon_head(doc, end, reach) is not None


def _weapon_head(doc: Doc, end: int, reach: int = 6) -> int | None:
    """Index of the weapon noun that the words from ``end`` lead to, or None.

    Lower-case modifiers and hyphens may come between ("[Almas] anti-tank guided missiles");
    "system(s)" counts only after a weapon word ("[Typhon] mid-range missile system").
    """
    n = len(doc)
    weaponish = False
    for k in range(end, min(n, end + reach + 1)):
        token = doc[k]
        lower = token.lower_
        if token.text in {"-", "/"}:
            continue
        if not token.is_alpha or not token.is_lower:
            return None
        if lower in WEAPON_HEADS or (lower in _SYSTEM_HEADS and weaponish):
            return k
        if lower not in WEAPON_MODIFIERS:
            return None
        weaponish = weaponish or lower in _WEAPON_WORDS
    return None


def designations(
    doc: Doc, text: str, known: frozenset[str] = frozenset()
) -> list[tuple[int, int, str]]:
    """WEAPON spans for model designations the gazetteer lacks ("PL-15", "Su-30MK2").

    A designation needs a prefix that the gazetteer's own designations use ("F", "Su",
    "MiG"...) or a weapon noun right after it ("[K-8] jet"): "H-1B visas" and "A-4 paper"
    have neither.
    """
    found = []
    for match in _DESIGNATION.finditer(text):
        if match.group(1) in _NOT_DESIGNATIONS:
            continue
        span = doc.char_span(match.start(), match.end())
        if span is None:
            continue
        before = doc[span.start - 1].lower_ if span.start else ""
        if before in {"article", "flight", "resolution", "route", "highway", "section"}:
            continue
        if match.group(1) not in known and not _weapon_noun_follows(doc, span.end):
            continue
        found.append((span.start, span.end, "WEAPON"))
    return found


def _is_name_word(token: Any) -> bool:
    text = token.text
    if token.is_title and token.is_alpha:
        return True
    if text.isupper() and token.is_alpha and len(text) >= 2:
        return True
    return any(c.isdigit() for c in text) and text[:1].isalnum() and not token.like_num


def named_before_weapon_noun(doc: Doc, covered: Sequence[bool]) -> list[tuple[int, int, str]]:
    """WEAPON spans for a name right before a weapon noun: "[Spike] missiles", "the [Boxer]
    armoured vehicle", "[Type 052D] destroyers", and ship classes "[Jose Rizal-class]".

    The name is up to three capitalised words (numbers may follow a word: "[Hermes 900]");
    nationality words, bodies and common capitalised words are left out ("Russian drones",
    "Army helicopters"); patterns and the model's NORP/GPE still win over it.
    """
    tokens = token_list(doc)
    found: list[tuple[int, int, str]] = []
    n = len(doc)
    k = 0
    while k < n:
        token = tokens[k]
        # Ship classes: "Virginia-class", "Arleigh Burke-class".
        if (
            token.lower_ == "class"
            and k >= 2
            and tokens[k - 1].text == "-"
            and not tokens[k - 2].whitespace_
            and not tokens[k - 1].whitespace_
            and _is_name_word(tokens[k - 2])
        ):
            start = k - 2
            while (
                start > 0
                and k - start < 5
                and _is_name_word(tokens[start - 1])
                and (tokens[start - 1].text not in _NOT_WEAPON_NAMES)
            ):
                start -= 1
            if tokens[start].text not in _NOT_WEAPON_NAMES and not sentence_start_word(doc, start):
                found.append((start, k + 1, "WEAPON"))
            k += 1
            continue
        if not token.is_lower or token.lower_ not in WEAPON_HEADS | _SYSTEM_HEADS:
            k += 1
            continue
        # Walk back over modifiers to the name.
        j = k - 1
        while j >= 0 and j > k - 6 and (tokens[j].is_lower or tokens[j].text in {"-", "/"}):
            if tokens[j].is_lower and tokens[j].lower_ not in WEAPON_MODIFIERS:
                break
            j -= 1
        if j < 0 or tokens[j].is_lower or _weapon_head(doc, j + 1) != k:
            k += 1
            continue
        end = j + 1
        start = end
        while (
            start > 0
            and end - start < 3
            and _is_name_word(tokens[start - 1])
            and tokens[start - 1].text not in _NOT_WEAPON_NAMES
            and not covered[start - 1]
            and tokens[start - 1].ent_type_ not in {"NORP", "GPE", "LOC", "DATE", "TIME"}
            and not (start - 1 > 0 and tokens[start - 2].text in {"-", "’s", "'s"})
        ):
            if start < end and not tokens[start - 1].whitespace_ and tokens[start].text == "-":
                break
            start -= 1
        if (
            start == end
            and end >= 2
            and _MODEL_NUMBER.match(tokens[end - 1].text)
            and tokens[end - 2].is_title
            and tokens[end - 2].is_alpha
            and tokens[end - 2].text not in _NOT_WEAPON_NAMES
            and tokens[end - 2].text not in _VERSION_WORDS
            and not covered[end - 2]
            and not covered[end - 1]
            and tokens[end - 2].ent_type_ not in {"NORP", "GPE", "LOC", "DATE", "TIME"}
        ):
            start = end - 2  # a maker's name and a model number: "[Dornier 228] planes"
        while start < end and sentence_start_word(doc, start) and end - start == 1:
            start += 1
        words = doc[start:end]
        if (
            start < end
            and (words[0].is_alpha or _ONE_LETTER_MODEL.match(words[0].text))
            and not any(t.lower_ in ORG_WORDS_LOWER for t in words)
            and not (words[-1].text.isupper() and words[-1].is_alpha and end - start > 1)
            # A lone acronym before a weapon noun is mostly a body used as a modifier: "ELN
            # drones", "RSF jets"; weapon acronyms come from the gazetteer (HIMARS, NASAMS).
            and not (end - start == 1 and words[0].text.isupper() and words[0].is_alpha)
        ):
            found.append((start, end, "WEAPON"))
        k += 1
    return found


# Names shared by a body and a weapon: "Fatah" is a party and a rocket, "Qassam" a brigade and
# a rocket, "Quds" a force and a missile; with a weapon noun after them they are the weapon.
_DUAL_WEAPON_NAMES = frozenset(
    {
        "Fatah",
        "Fateh",
        "Qassam",
        "Quds",
        "Badr",
        "Zelzal",
        "Ababil",
        "Burkan",
        "Shahab",
        "Nasr",
        "Raad",
        "Hatf",
        "Toufan",
        "Sejjil",
        "Khaibar",
        "Kheibar",
        "Zolfaghar",
        "Samad",
        "Qaher",
    }
)


def dual_weapon_names(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Relabel a one-word entity in ``_DUAL_WEAPON_NAMES`` WEAPON before a weapon noun."""
    tokens = token_list(doc)
    out = []
    for start, end, label, source in entities:
        if (
            label != "WEAPON"
            and end - start == 1
            and tokens[start].text in _DUAL_WEAPON_NAMES
            and _weapon_noun_follows(doc, end)
        ):
            label = "WEAPON"
        out.append((start, end, label, source))
    inside = [False] * len(doc)  # tokens of the entities above
    for start, end, _, _ in out:
        for k in range(start, end):
            inside[k] = True
    for k in range(len(doc) - 1):
        if (
            tokens[k].text in _DUAL_WEAPON_NAMES
            and not inside[k]
            and _weapon_noun_follows(doc, k + 1)
        ):
            out.append((k, k + 1, "WEAPON", "rule"))
    return out


# What a weapon's name goes on through: "[T-6C Texan II]", "[F-16 Block 70]", "[UH-60M]".
_ROMAN = frozenset({"II", "III", "IV", "V"})
_VERSION_WORDS = frozenset({"Block", "Mk", "Mk.", "Mark", "Batch", "Increment"})
_VARIANT_SUFFIX = re.compile(r"^[A-Z]{1,2}\d?$")
# A model number after a maker's name: 2 to 4 digits, not a year.
_MODEL_NUMBER = re.compile(r"^(?!1[5-9]\d\d$|20\d\d$)\d{2,4}$")
# A model name of one letter and a number: "[M4] carbines", "[K2] tanks", "[A400M] aircraft"
# (two letters and digits are mostly flights: "MH17 plane").
_ONE_LETTER_MODEL = re.compile(r"^[A-Z]\d{1,3}[A-Z]?\d?$")


def extend_weapon_names(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """A WEAPON name goes on through a block or mark number and a Roman numeral: "[F-16
    Block 70]", "[Merkava Mk 4]", "[T-6C Texan II]" (a capitalised name word before the
    numeral is taken too)."""
    taken = [False] * len(doc)
    for start, end, _, _ in entities:
        for k in range(start, end):
            taken[k] = True
    n = len(doc)
    out: list[tuple[int, int, str, str]] = []
    for start, end, label, source in entities:
        if label == "WEAPON":
            if (
                end + 1 < n
                and doc[end].text in _VERSION_WORDS
                and doc[end + 1].text[:1].isdigit()
                and not taken[end]
                and not taken[end + 1]
            ):
                end += 2
            elif (
                end + 1 < n
                and doc[end].text == "-"
                and not doc[end - 1].whitespace_
                and not doc[end].whitespace_
                and doc[end + 1].text[:1].isupper()
                and not taken[end + 1]
            ):
                end += 2  # a variant: "[Buk-M2E]", "[Hisar-O]"
            elif end < n and doc[end].text in _ROMAN and not taken[end]:
                end += 1
            elif (
                end + 1 < n
                and doc[end].text == "/"
                and not doc[end - 1].whitespace_
                and not doc[end].whitespace_
                and _VARIANT_SUFFIX.match(doc[end + 1].text)
                and not taken[end + 1]
            ):
                end += 2  # "[F-16AM/BM]"
            elif (
                end < n
                and not doc[end - 1].whitespace_
                and _VARIANT_SUFFIX.match(doc[end].text)
                and not taken[end]
            ):
                end += 1  # "[UH-60M]": the tokenizer cuts the variant letter off
            elif (
                end < n
                and doc[end].is_digit
                and len(doc[end].text) <= 2
                and doc[end - 1].is_alpha
                and not taken[end]
                and not (end + 1 < n and _counts_after(doc[end + 1]))
            ):
                end += 1  # "[Mistral 3]", "[Lazar 3]"
            elif (
                end + 1 < n
                and doc[end].is_title
                and doc[end].is_alpha
                and doc[end + 1].text in _ROMAN
                and not taken[end]
                and not taken[end + 1]
            ):
                end += 2
            else:
                # Model names after a designation, before a weapon noun: "[A-29 Super
                # Tucano] light attack aircraft".
                k = end
                while (
                    k < n
                    and k - end < 2
                    and doc[k].is_title
                    and doc[k].is_alpha
                    and not taken[k]
                    and doc[k].text not in _NOT_WEAPON_NAMES
                ):
                    k += 1
                if k > end and _weapon_head(doc, k) is not None:
                    end = k
        out.append((start, end, label, source))
    return out


# Sources from the most to the least trusted.
_SOURCE_RANK = ("pattern", "rule", "model")


def merge_adjacent_weapons(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Two WEAPON spans side by side are one name: "[P-8] [Poseidon]" -> "[P-8 Poseidon]"."""
    ordered = sorted(entities)
    out: list[tuple[int, int, str, str]] = []
    for entity in ordered:
        if (
            out
            and entity[2] == "WEAPON"
            and out[-1][2] == "WEAPON"
            and out[-1][1] == entity[0]
            and doc[entity[0] - 1].whitespace_ == " "
        ):
            first = out.pop()
            source = min(first[3], entity[3], key=_SOURCE_RANK.index)
            out.append((first[0], entity[1], "WEAPON", source))
            continue
        out.append(entity)
    return out


def _counts_after(token: Token) -> bool:
    """A word after a small number that makes it a count or time, not a model number."""
    lower = token.lower_
    return lower in {"percent", "%", "per", "of"} or lower.rstrip("s") in {
        "year",
        "month",
        "week",
        "day",
        "hour",
        "minute",
        "time",
        "km",
        "kilometre",
        "kilometer",
        "mile",
    }

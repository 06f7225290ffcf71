"""Word lists and sentence checks shared by the suggestion rules (``rules_*`` modules).

Lists used by one rule module only live in that module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "BODY_HEADS",
    "COMMON_OPENERS",
    "DAYS_AND_MONTHS",
    "ORG_WORDS_LOWER",
    "PLACE_LABELS",
    "PLACE_NOUNS",
    "WEAPON_HEADS",
    "WEAPON_MODIFIERS",
    "opens_sentence",
    "sentence_start_word",
    "split_words",
    "token_list",
]


def split_words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set."""
    return frozenset(text.split())


# Nouns that name a kind of weapon; a capitalised name right before one names the system.
WEAPON_HEADS = split_words(
    """missile missiles rocket rockets drone drones tank tanks howitzer howitzers launcher
    launchers interceptor interceptors helicopter helicopters gunship gunships jet jets bomber
    bombers aircraft trainers warplane warplanes submarine submarines frigate frigates destroyer
    destroyers corvette corvettes torpedo torpedoes guns rifle rifles bombs shells munitions
    mortars planes carbine carbines pistol pistols"""
)

# Words that may stand between a system's name and its noun: "[Almas] anti-tank guided
# missiles", "[Boxer] armoured vehicle"; any other word ("said", "the") breaks the link.
WEAPON_MODIFIERS = split_words(
    """heavy light medium long short mid intermediate range anti ship tank aircraft air surface
    to ground sea guided cruise ballistic hypersonic supersonic subsonic attack fighter combat
    armoured armored infantry fighting personnel defence defense missile rocket surveillance
    reconnaissance transport utility helicopter stealth multirole multi role strike unmanned
    kamikaze loitering self propelled main battle tactical precision artillery naval patrol
    bomber trainer jet interceptor launch mobile towed wheeled tracked amphibious assault
    shoulder fired portable laser radar powered diesel electric nuclear submarine launched
    guard gun way one"""
)

# Lower-case words that only open a sentence capitalised ("Missiles hit ..."): no name.
COMMON_OPENERS = split_words(
    """missiles rockets drones tanks jets helicopters sirens troops fighters such both"""
)

# Words of a body's name, lower-cased: a phrase holding one is no person, place or weapon.
ORG_WORDS_LOWER = split_words(
    """ministry council service agency command force forces army navy department office
    committee group corps institute university company bank fleet brigade division regiment
    battalion staff guard guards headquarters court parliament assembly union commission
    industries systems aerospace dynamics"""
)

# Lower-case nouns that make the capitalised word before them a place: "Arauca province".
PLACE_NOUNS = split_words(
    """island islands islet islets archipelago province provinces region regions state city
    town township townships district districts county governorate oblast village villages
    peninsula valley coast coastline border frontier port harbour harbor airport river
    mountains mountain hills desert strait sea municipality prefecture base bases airbase
    airfield temple crossing checkpoint refinery terminal depot"""
)

# Model and pattern labels of places.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

# Capitalised words of dates, never part of a name.
DAYS_AND_MONTHS = split_words(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December"""
)

# Capitalised last words that make a run of capitalised words a body's name: "[Sirius Dog
# Sled Patrol]", "[Gang Suppression Force]", "[Sinaloa Cartel]", "[Kosovo Police]".
BODY_HEADS = split_words(
    """Force Forces Police Army Navy Patrol Cartel Command Agency Ministry Council Party Front
    Brigade Brigades Battalion Regiment Division Corps Fleet Guard Guards Institute University
    Initiative Group Company Corporation Authority Commission Committee Office Bureau Service
    Directorate Secretariat Network Movement Alliance Coalition Union Federation Association
    Foundation Centre Center Court Assembly Parliament Community Organisation Organization
    Bank Fund Mission Industries Systems Aerospace Shipyard Shipbuilding Airlines Gendarmerie
    Militia Cabinet Senate Congress Legion Squadron Wing Gas Oil Energy Petroleum Motors
    Airways Electric Steel Shipping Telecom Labs Technologies Robotics Aviation"""
)


def opens_sentence(doc: Doc, i: int) -> bool:
    """True when token ``i`` is the first of a sentence or a line."""
    return (
        i == 0
        or doc[i - 1].is_sent_end
        or doc[i - 1].text in {".", "\n", "\n\n", '"', "“"}
        or "\n" in doc[i - 1].text_with_ws
    )


def sentence_start_word(doc: Doc, i: int) -> bool:
    """A capitalised common word only because it opens a sentence ("Missiles hit ...")."""
    return opens_sentence(doc, i) and doc[i].lower_ in COMMON_OPENERS


# The last doc's token list: (doc, tokens), replaced in one assignment so that threads each
# with their own Suggester never see a doc paired with another doc's tokens.
_LAST_TOKENS: tuple[object, list[Token]] = (None, [])


def token_list(doc: Doc) -> list[Token]:
    """The doc's tokens as a list, made once per doc: the rules index tokens in loops, and
    ``Doc.__getitem__``/``Doc.__iter__`` build a new Token object on every call."""
    global _LAST_TOKENS
    cached = _LAST_TOKENS
    if cached[0] is doc and len(cached[1]) == len(doc):
        return cached[1]
    tokens = list(doc)
    _LAST_TOKENS = (doc, tokens)
    return tokens

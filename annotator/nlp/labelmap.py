"""From the pipeline's entity labels to the project's, and the guideline fix-ups on the way.

Three things happen here, all Qt-free and all general rules (no rule names a sentence):

1. **Label mapping.** ``LabelMap`` turns a pipeline label into a project label or drops it.
   Defaults: PERSON, ORG, GPE, LOC, FAC, EVENT, ... keep their name *if the project has that
   label*; NORP, DATE, TIME, ORDINAL, PRODUCT, LAW, LANGUAGE, WORK_OF_ART are dropped (a
   nationality is not GPE; PRODUCT is mostly not a weapon). A project overrides any of it with
   a dict (``{"PRODUCT": "WEAPON", "FAC": None}``).
2. **QUANTITY.** The pipeline's CARDINAL, QUANTITY, MONEY and PERCENT are not copied; they seed
   ``quantity_span``, which follows the guidelines: hedges ("about", "more than", "up to") stay
   out, the counted noun or unit is attached ("2,000 Russian troops", "400 km", "$1.3 billion"),
   ranges are one span ("15 to 20 kilometers", "between [500 and 5,500 kilometers]"), and dates,
   years, durations ("30 years"), ordinals and vague amounts ("thousands of") give nothing. A
   bare number counts only when written in digits ("climb to [30,000]"). When the counted thing
   is an entity ("16 HIMARS") there is no QUANTITY: the entity wins. Percentages count as a
   number with its unit ("[20 percent]", "[38 per cent]"). Between number and noun may stand
   "more", "such", "new" and adjectives ("[1,500 more personnel]"); the noun may be irregular
   ("[30 gunmen]", "[14.6 billion kroner]"), a plural nationality ("[50,000 Serbs]") or a
   people adjective ("[1,300 wounded]"); a hyphenated number-word adjective counts nothing ("a
   one-man show", "two-thirds", "a 5,000-strong force") unless its word is a unit ("[500-pound]
   bombs").
3. **Span fix-ups** for PERSON and ORG: titles and honorifics leave PERSON ("President [Joe
   Biden]"), a leading "the" leaves any span, a trailing possessive "'s"/"’s" or lone apostrophe
   leaves any span, and spans written all in lower case ("the foreign ministry") are dropped,
   since the guidelines only want named things. An ORG of two or three capitalised words
   after a role ("analyst [Ulf Laessing]") is a PERSON; a bare rank is a given name when only
   a surname would be left after a title ("Defence Minister [Gen Nakatani]"); a body's name
   runs on through "of"/"for" ("[Strategic Framework for the Defence of the People of ...]").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "COMPANY_SUFFIXES",
    "DEFAULT_MAPPING",
    "NUMERIC_LABELS",
    "LabelMap",
    "extend_org_name",
    "first_number",
    "fix_span",
    "is_company_form_after_comma",
    "is_rate",
    "is_title_word",
    "opens_line",
    "quantity_span",
]

#: Pipeline labels whose numbers become QUANTITY spans through ``quantity_span``.
NUMERIC_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
#: Pipeline labels never suggested unless a project maps them explicitly.
DEFAULT_MAPPING: dict[str, str | None] = {
    "NORP": None,
    "DATE": None,
    "TIME": None,
    "ORDINAL": None,
    "PRODUCT": None,
    "LAW": None,
    "LANGUAGE": None,
    "WORK_OF_ART": None,
}

# ---- word lists (lower case) ---------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = _words(
    "rear vice-admiral air chief-of-staff "
    "president vice prime minister ministers secretary secretary-general general gen gen. lt "
    "lt. lieutenant col col. colonel maj maj. major capt capt. captain sgt sgt. sergeant "
    "admiral adm adm. commander cmdr chancellor king queen prince princess pope sheikh emir "
    "sir dame lord lady mr mr. mrs mrs. ms ms. dr dr. prof prof. professor senator sen sen. "
    "rep rep. representative congressman congresswoman governor gov gov. mayor ambassador "
    "envoy spokesman spokeswoman spokesperson chief deputy foreign defence defense interior "
    "supreme leader premier marshal field brigadier ayatollah rev rev. reverend father "
    "minister-president state crown brig brig. radm radm. vadm vadm. rdml - "
)
_HEDGES = _words(
    "between from "
    "about around approximately roughly nearly almost some over under more less fewer than up "
    "to at least most as many much just only another additional extra further estimated an a "
    "the some close to upwards of well below above "
)
_TIME_UNITS = _words(
    "year years yr yrs month months week weeks day days hour hours hr hrs minute minutes min "
    "mins second seconds decade decades century centuries night nights morning mornings "
    "weekend weekends a.m. p.m. am pm o'clock bc ad "
)
_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
)
_SCALES = _words("hundred thousand million billion trillion bn mn m k b tn ")
_CURRENCY = _words(
    "$ us$ € £ ¥ ₹ ₽ ₩ ₴ c$ a$ usd eur gbp chf jpy cny rmb inr rub krw sek nok dkk pln czk huf "
    "cad aud nzd try ils sar aed qar egp zar ngn kes uah brl mxn ars cop clp idr myr php thb "
    "vnd pkr bdt rs rs. "
)
_UNITS = _words(
    "km kms kilometre kilometres kilometer kilometers mile miles mm millimetre millimetres "
    "millimeter millimeters cm centimetre centimetres centimeters m metre metres meter meters "
    "ft feet foot inch inches kg kilogram kilograms tonne tonnes ton tons lb lbs kt kiloton "
    "kilotons megaton megatons knots mph kph km/h percent % barrels litres liters gallons "
    "hectares acres mw gw megawatts gigawatts dollars euros pounds rubles roubles hryvnias "
    "yuan yen rupees shekels lira francs pound kroner kronor krone crowns drams dinars dirhams "
    "euro dollar rupee ruble rouble shekel franc dram dinar dirham riyal rial peso shilling "
    "riyals rials won rand reais pesos naira shillings zloty zlotys forint lei tenge lari manat "
    "baht ringgit rupiah taka afghanis hryvnia rubles "
)
# Words that sit between a number and its noun without being the noun: "[1,500 more
# personnel]", "[115 such attacks]", "[three new Arctic ships]".
_COUNT_MODIFIERS = _words("more additional new such extra further other fresh")
# Nouns used as the first part of a compound after a number: "100 armoured [personnel
# carriers]"; a regular plural ("people", "troops") ends the noun.
_MASS_MODIFIERS = _words(
    "personnel artillery ammunition equipment infantry aircraft police militia crew staff "
    "cattle livestock"
)
# Adjectives used as nouns for people after a number: "[1,300 wounded]", "[40 dead]".
_PEOPLE_ADJECTIVES = _words("dead wounded injured missing displaced")
# Plural-looking words that are not counted nouns.
_NOT_NOUNS = _words(
    "is was has does this its his hers ours yours theirs us as thus was was always perhaps "
    "whereas besides unless plus less across towards afterwards upwards downwards sometimes "
    "says has was its is "
)
_IRREGULAR_NOUNS = _words(
    "people personnel police staff aircraft artillery men women children crew ammunition "
    "equipment cattle livestock infantry militia people kroner "
)
# Words that end a noun phrase search: function words and common verbs after a number.
_STOP = _words(
    "the a an of in on at to for from by with and or but as than that which who whom whose "
    "this these those it its is are was were be been being will would shall should can could "
    "may might must have has had do does did not no more most less fewer other others each "
    "per so such very too also already still yet just only even again about over under into "
    "onto between among against during before after since until while when where how what why "
    "if then there here their them they he she we you i his her our your my me him said says "
    "say told according percent "
)
_VAGUE = _words("dozens hundreds thousands millions billions tens scores several many ")
# Words before a bare scale that make it vague: "several hundred", "a few thousand".
_VAGUE_SCALES = _words("several few many some hundreds thousands tens")
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.IGNORECASE)
_ORDINAL_WORDS = _words(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "hundredth thousandth millionth "
)
_DIGITS = re.compile(r"^[+-]?\d[\d,.]*$")
_RANGE_TOKEN = re.compile(r"^\d[\d,.]*[-–—]\d[\d,.]*$")
_CURRENCY_NUMBER = re.compile(r"^(?:[A-Z]{1,3})?[$€£¥]\d[\d,.]*$")
_SHORT_SCALE = re.compile(r"^\d[\d,.]*(bn|mn|m|k|tn)$", re.IGNORECASE)
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)s?$")
_RANGE_WORDS = _words("to - – — or ")
# Country abbreviations that sit inside a QUANTITY like a nationality word.
_COUNTRY_ABBREVIATIONS = frozenset({"U.S.", "U.K.", "US", "UK", "EU", "U.N.", "UN", "NATO"})
# "six of its drones": a number word whose noun follows "of" and a determiner.
_PARTITIVE_DETERMINERS = _words("its their the his her our these those")


@dataclass(frozen=True)
class LabelMap:
    """How pipeline labels become project labels; see the module docstring for the rules.

    ``overrides`` maps a pipeline label to a project label or to None (drop it); it wins over
    the defaults. ``quantity_label`` is the project label numbers go to (None: no numbers).
    """

    project_labels: tuple[str, ...]
    overrides: Mapping[str, str | None] = field(default_factory=dict)
    quantity_label: str | None = "QUANTITY"

    def __post_init__(self) -> None:
        object.__setattr__(self, "project_labels", tuple(self.project_labels))
        object.__setattr__(self, "overrides", dict(self.overrides))
        if self.quantity_label not in self.project_labels:
            object.__setattr__(self, "quantity_label", None)

    def target(self, pipeline_label: str) -> str | None:
        """The project label for a non-numeric pipeline label, or None to drop the span."""
        if pipeline_label in self.overrides:
            mapped = self.overrides[pipeline_label]
        elif pipeline_label in NUMERIC_LABELS or pipeline_label in DEFAULT_MAPPING:
            return None
        else:
            mapped = pipeline_label
        return mapped if mapped in self.project_labels else None

    def is_quantity_seed(self, pipeline_label: str) -> bool:
        """True when spans of this pipeline label feed the QUANTITY rule."""
        if pipeline_label in self.overrides:
            return False
        return self.quantity_label is not None and pipeline_label in NUMERIC_LABELS

    def describe(self) -> str:
        """A stable text of the mapping, part of the suggester's version string."""
        items = sorted((k, v or "-") for k, v in self.overrides.items())
        return (
            f"labels={','.join(self.project_labels)};quantity={self.quantity_label};"
            f"map={';'.join(f'{k}>{v}' for k, v in items)}"
        )


# ---- PERSON / ORG fix-ups ---------------------------------------------------------------------


_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "du", "da", "dos", "al", "el", "bin", "ibn"}
)


def fix_span(doc: Doc, start: int, end: int, label: str) -> tuple[int, int, str] | None:
    """``(start, end, label)`` trimmed to what the guidelines call the name, or None to drop.

    Besides trimming: an ORG right after a person's title is a person ("Chancellor [Olaf
    Scholz]"), a PERSON cut off after a name particle is completed ("Ursula von der [Leyen]"),
    and an ORG ending in a title ("Supreme Allied Commander") is a post, not a body.
    """
    if (
        label == "ORG"
        and start > 0
        and (
            (doc[start - 1].lower_.rstrip(".") in _TITLES and doc[start - 1].is_title)
            or doc[start - 1].lower_ in _ROLES
        )
        and 2 <= end - start <= 3
        and all(t.is_title and t.is_alpha for t in doc[start:end])
    ):
        label = "PERSON"
    if label == "ORG":
        label = _rank_then_name(doc, start, end, label)
    if label == "ORG":
        name_start = _office_then_name(doc, start, end)
        if name_start is not None:
            start, label = name_start, "PERSON"  # "Indian National Security Adviser [Ajit Doval]"
    if label == "ORG":
        end = extend_org_name(doc, start, end)
    if label == "PERSON":
        while end < len(doc) - 1 and doc[end - 1].lower_ in _PARTICLES and doc[end].is_title:
            end += 1
        # A first name left out between a title and the surname: "Minister Rustem [Umerov]".
        if (
            end - start == 1
            and start >= 2
            and doc[start - 1].is_title
            and doc[start - 1].is_alpha
            and doc[start - 1].ent_iob_ == "O"
            and doc[start - 1].lower_ not in _TITLES
            and doc[start - 2].lower_.rstrip(".") in _TITLES
            and not doc[start - 2].is_lower
        ):
            start -= 1
    if label == "ORG":
        end = _org_end(doc, start, end)
    # Possessive and stray apostrophes at the end: "NATO's" -> "NATO".
    while end > start and doc[end - 1].lower_ in {"'s", "’s", "'", "’"}:
        end -= 1
    # Leading determiners: "the Pentagon" -> "Pentagon".
    while start < end and doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    if label == "PERSON":
        while start < end - 1 and (
            doc[start].lower_ in _TITLES or doc[start].lower_.rstrip(".") in _TITLES
        ):
            if _given_name_like_rank(doc, start, end):
                break
            start += 1
        while start < end and not doc[start].text[:1].isalnum():
            start += 1
    while start < end and doc[end - 1].is_punct and doc[end - 1].text not in {".", ")"}:
        end -= 1
    if start >= end:
        return None
    if label in {"PERSON", "ORG"}:
        words = [t.text for t in doc[start:end] if t.is_alpha]
        if not words or all(w.islower() for w in words):
            return None
        if label == "PERSON" and end - start == 1 and doc[start].lower_ in _TITLES:
            return None
        if (
            label == "ORG"
            and doc[end - 1].lower_ in _TITLES
            and (
                all(t.lower_.rstrip(".") in _TITLES or not t.is_alpha for t in doc[start:end])
                or (end < len(doc) and doc[end].lower_.rstrip(".") in _TITLES)
            )
        ):
            # "Defence" cut out of "Defence Minister ...", "Rear Admiral"; but "[Department of
            # National Defence]" is a body.
            return None
    return start, end, label


# Titles that only a person carries (not "Defence", "Foreign", "State"...).
_RANKS = _words(
    "president minister secretary general gen lt lieutenant col colonel maj major capt captain "
    "sgt sergeant admiral adm commander cmdr marshal brigadier chancellor senator sen governor "
    "ambassador mayor spokesman spokeswoman mr mrs ms dr prof sheikh emir king queen prince"
)
# Words that make a capitalised phrase a body, not a person.
_ORG_WORDS = _words(
    "ministry council service agency command force forces army navy department office committee "
    "group corps institute university company bank fleet brigade division regiment battalion "
    "staff guard guards headquarters court parliament assembly union commission"
)


# Words for what a person does that precede a name without being a title to strip
# ("analyst [Ulf Laessing]"); an ORG of two or three capitalised words after one is a person.
_ROLES = _words(
    "analyst analysts researcher economist correspondent commentator scholar fellow negotiator "
    "expert lawmaker activist journalist reporter historian strategist"
)
# Bodies whose full name goes on with "of"/"for"/"in": "[Strategic Framework for the Defence
# of the People of Azawad]", "[United Nations Verification Mission in Colombia]".
_ORG_HEADS = _words(
    "framework mission council organization organisation institute institution centre center "
    "commission commissioner committee agency front movement alliance forces army union "
    "ministry office court bank fund programme program party association federation league "
    "coalition command service department foundation society academy authority secretariat "
    "directorate bureau"
)
_NAME_LINKS = _words("of for in and the on")
# Ranks written without a period: a given name when nothing else would be left ("Defence
# Minister [Gen Nakatani]"); "Gen [Valery Gerasimov]" keeps its title out.
_BARE_RANKS = frozenset({"Gen", "Col", "Maj", "Capt", "Sgt", "Lt"})


def _given_name_like_rank(doc: Doc, start: int, end: int) -> bool:
    """True when ``doc[start]`` looks like a rank but is the given name of a one-word rest."""
    return (
        end - start == 2
        and doc[start].text in _BARE_RANKS
        and start > 0
        and doc[start - 1].lower_.rstrip(".") in _TITLES
        and doc[start - 1].lower_ not in {"-", "state"}
        and not doc[start - 1].is_lower
    )


def extend_org_name(doc: Doc, start: int, end: int) -> int:
    """Where an ORG ending in a body's head word ends once its "of the X" part is added."""
    n = len(doc)
    if end >= n or doc[end - 1].lower_ not in _ORG_HEADS:
        return end
    link = doc[end].lower_
    if not (link in {"of", "for"} or (link == "in" and doc[end - 1].lower_ == "mission")):
        return end  # "[Rapid Support Forces] in Darfur", but "[... Mission in Colombia]"
    k, last = end, end
    while k < n and (doc[k].lower_ in _NAME_LINKS or (doc[k].is_title and doc[k].is_alpha)):
        if doc[k].lower_ in _NAME_LINKS and doc[k].is_lower:
            k += 1
            continue
        k += 1
        last = k
    if last > end and last - end <= 10:
        return last
    return end


# Company forms written after a company's name: "[General Dynamics Corp.]", "[Planet Labs PBC]".
COMPANY_SUFFIXES = frozenset(
    [
        "Inc",
        "Inc.",
        "Corp",
        "Corp.",
        "Corporation",
        "Co",
        "Co.",
        "Ltd",
        "Ltd.",
        "plc",
        "PLC",
        "PBC",
        "LLC",
        "LLP",
        "AG",
        "SA",
        "S.A.",
        "SpA",
        "S.p.A.",
        "NV",
        "N.V.",
        "BV",
        "AB",
        "ASA",
        "Oy",
        "Oyj",
        "GmbH",
        "KG",
        "KGaA",
        "SE",
        "A/S",
        "Pty",
        "Holdings",
        "Limited",
        "SARL",
        "SAL",
        "FZE",
        "FZCO",
        "JSC",
        "INC",
        "INC.",
        "CORP.",
        "LTD",
        "LTD.",
        "LIMITED",
    ]
)


def is_company_form_after_comma(doc: Doc, comma: int) -> bool:
    """Whether the comma at token ``comma`` only introduces the company's legal form
    ("Caldera Optronics[,] Inc.", "Hanwha Aerospace Co.[,] Ltd."): it makes no list."""
    return (
        doc[comma].text == ","
        and comma + 1 < len(doc)
        and doc[comma + 1].text in COMPANY_SUFFIXES
        and (
            bool(doc[comma + 1].whitespace_) or comma + 2 == len(doc) or doc[comma + 2].text != "-"
        )
    )


def _org_end(doc: Doc, start: int, end: int) -> int:
    """Where an ORG ends once a bracket it ran into is cut off ("Campaign Against Arms Trade
    (CAAT" -> before the bracket), a trailing "in <Place>" is cut off ("Policy Center for the
    New South in Rabat"). Company forms after it ("Planet Labs PBC") are taken in later, for
    every ORG alike, by the Suggester."""
    for k in range(start + 1, end):
        if doc[k].text == "(" and not any(doc[m].text == ")" for m in range(k, end)):
            end = k
            break
    for k in range(end - 2, start, -1):
        if (
            doc[k].lower_ == "in"
            and doc[end - 1].ent_type_ in {"GPE", "LOC"}
            and all(doc[m].ent_type_ in {"GPE", "LOC"} for m in range(k + 1, end))
            and doc[k - 1].lower_ != "mission"
        ):
            end = k
            break
    return end


def is_title_word(text: str) -> bool:
    """True for a title or honorific ("Gen.", "MAJ.", "President"), any case."""
    lower = text.lower()
    return lower in _TITLES or lower.rstrip(".") in _TITLES


# Offices that end a body's name and are followed by the holder's name.
_OFFICES = _words(
    "adviser advisor minister secretary president chief commander director spokesman "
    "spokeswoman ambassador envoy chairman chairwoman governor general"
)


def _office_then_name(doc: Doc, start: int, end: int) -> int | None:
    """Where the holder's name starts in a model ORG that runs on from a body through an
    office into a name ("Indian National Security Adviser [Ajit Doval]"), or None."""
    for m in range(end - 2, max(start, end - 4), -1):
        office = doc[m - 1]
        rest = doc[m:end]
        if (
            office.is_title
            and office.lower_ in _OFFICES
            and 2 <= len(rest) <= 3
            and all(t.is_title and t.is_alpha for t in rest)
            and not any(t.lower_ in _ORG_WORDS or t.lower_.rstrip(".") in _TITLES for t in rest)
        ):
            return m
    return None


def _rank_then_name(doc: Doc, start: int, end: int, label: str) -> str:
    """ORG "Air Marshal A.K. Bharti" is a person: capitalised titles with a rank, then a name."""
    if doc[start].lower_.rstrip(".") not in _TITLES:
        return label
    k = start
    ranked = False
    while k < end and not doc[k].is_lower and doc[k].lower_.rstrip(".") in _TITLES:
        ranked = ranked or doc[k].lower_.rstrip(".") in _RANKS
        k += 1
    rest = doc[k:end]
    if (
        ranked
        and k > start
        and 2 <= len(rest) <= 3
        and all(not t.is_lower and t.text[:1].isalpha() for t in rest)
        and not any(t.lower_ in _ORG_WORDS or t.lower_.rstrip(".") in _TITLES for t in rest)
    ):
        return "PERSON"
    return label


# ---- QUANTITY ---------------------------------------------------------------------------------


def _is_number(token_text: str, like_num: bool) -> bool:
    lower = token_text.lower()
    if _ORDINAL.match(token_text) or lower in _ORDINAL_WORDS:
        return False
    return like_num or bool(
        _RANGE_TOKEN.match(token_text)
        or _SHORT_SCALE.match(token_text)
        or _CURRENCY_NUMBER.match(token_text)
    )


def first_number(doc: Doc, start: int, end: int) -> int:
    """The first token of ``doc[start:end]`` that opens a number ("a record [NT$606.8] ...")."""
    for k in range(start, end):
        if doc[k].lower_ in _CURRENCY or _is_number(doc[k].text, doc[k].like_num):
            return k
    return start


def _is_digits(text: str) -> bool:
    return bool(_DIGITS.match(text) or _RANGE_TOKEN.match(text) or _SHORT_SCALE.match(text))


def _number_core(doc: Doc, i: int) -> tuple[int, int] | None:
    """The number starting at or just before token ``i``: currency, digits, scale, range."""
    n = len(doc)
    start = i
    if doc[i].lower_ in _CURRENCY:
        if i + 1 >= n or not _is_number(doc[i + 1].text, doc[i + 1].like_num):
            return None
        i += 1
    elif i > 0 and doc[i - 1].lower_ in _CURRENCY:
        start = i - 1
    if not _is_number(doc[i].text, doc[i].like_num):
        return None
    end = i + 1
    while end < n and doc[end].lower_ in _SCALES:
        if doc[end].lower_ in {"m", "b", "k"} and doc[end - 1].whitespace_:
            break  # "5 m" is metres, not million
        end += 1
    # A range joins two numbers: "15 to 20", "15-20", "two or three", "between 500 and 5,500".
    between = start > 0 and doc[start - 1].lower_ == "between"
    # "raise troops by 80,000 to 260,000": a change and a total, no range.
    change = start > 0 and doc[start - 1].lower_ == "by" and end < n and doc[end].lower_ == "to"
    if (
        end + 1 < n
        and not change
        and (doc[end].lower_ in _RANGE_WORDS or (between and doc[end].lower_ == "and"))
    ):
        j = end + 1
        if j < n and doc[j].lower_ in _CURRENCY:
            j += 1
        if j < n and _is_number(doc[j].text, doc[j].like_num) and not _YEAR.match(doc[j].text):
            end = j + 1
            while end < n and doc[end].lower_ in _SCALES and doc[end].lower_ not in {"m", "b", "k"}:
                end += 1
    return start, end


def _is_head(token: Token) -> bool:
    """A lower-case word that can be the counted noun: a plural or a mass noun of troops."""
    lower = token.lower_
    if not token.is_alpha or not token.is_lower or lower in _STOP or lower in _TIME_UNITS:
        return False
    return (
        lower in _IRREGULAR_NOUNS
        or (
            len(lower) > 3
            and lower.endswith("s")
            and not lower.endswith("ss")
            and lower not in _NOT_NOUNS
        )
        or (len(lower) > 4 and lower.endswith("men") and lower not in _MEN_SINGULARS)
    )


# Words ending in "men" that are no plural of "-man" ("gunmen", "militiamen" are).
_MEN_SINGULARS = _words("specimen abdomen regimen acumen stamen omen")


def _extend_head(doc: Doc, end: int) -> int:
    """Grow past a compound's last noun: "100 armoured personnel [carriers]".

    Only a mass noun opens a compound ("personnel carriers", "artillery shells"); after a
    plural ("3.5 million people keeps") the noun has ended.
    """
    n = len(doc)
    if doc[end - 1].lower_ not in _MASS_MODIFIERS:
        return end
    for k in (end, end + 1):
        if k >= n:
            break
        token = doc[k]
        if not token.is_alpha or not token.is_lower or token.lower_ in _STOP:
            break
        if _is_head(token):
            return _extend_head(doc, k + 1)
    return end


def _noun_end(doc: Doc, end: int, blocked: Sequence[bool], singular: bool) -> int | str | None:
    """Where the counted noun after a number ends (exclusive).

    Returns None when no noun follows (a bare number), "entity" when the counted thing is an
    entity, "time" when it is a time unit (a duration or a date).
    """
    n = len(doc)
    j = end
    hyphenated = False
    if j < n and doc[j].text in {"-", "–"} and j + 1 < n and not doc[j].whitespace_:
        j += 1  # "105-mm", "30-year"
        hyphenated = True
    modifiers = 0
    while j < n and modifiers <= 3:
        token = doc[j]
        lower = token.lower_
        if blocked[j]:
            return "entity"
        if lower in _TIME_UNITS or lower in _MONTHS or lower.rstrip("s") in _TIME_UNITS:
            return "time" if modifiers == 0 else None
        if lower in _UNITS and (modifiers == 0 or lower not in {"m", "per", "pounds"}):
            return j + 1
        if lower == "per" and modifiers == 0 and j + 1 < n and doc[j + 1].lower_ == "cent":
            return j + 2  # "[38 per cent]": "percent" spelled in two words
        if hyphenated and j == end + 1:
            # "a one-man show", "two-thirds", "a 5,000-strong force": an adjective made of a
            # number and a word that is no unit counts nothing.
            return "adjective"
        if token.like_num and j + 1 < n and doc[j + 1].text == "-":
            j += 2  # "one-way attack drones"
            continue
        if lower in _COUNT_MODIFIERS and modifiers == 0 and token.is_lower:
            modifiers += 1  # "[1,500 more personnel]", "[115 such attacks]"
            j += 1
            continue
        if lower in _PEOPLE_ADJECTIVES and token.is_lower:
            if j + 1 < n and _is_head(doc[j + 1]):
                modifiers += 1  # "[20 injured soldiers]"
                j += 1
                continue
            return j + 1  # "[1,300 wounded]"
        if (
            (token.ent_type_ == "NORP" or _continues_number(token))
            and token.is_title
            and token.is_alpha
            and lower.endswith("s")
            and not (j + 1 < n and (_is_head(doc[j + 1]) or doc[j + 1].is_title))
        ):
            return j + 1  # "[50,000 Serbs]", "[100,000 ethnic Armenians]"
        if lower in _STOP or (token.is_punct and token.text != "-") or token.like_num:
            return None
        if token.text == "-":
            j += 1
            continue
        if token.text in _COUNTRY_ABBREVIATIONS or token.text == "CFA":
            modifiers += 1  # "1,000 [U.S.] troops", as "2,000 Russian troops"
            j += 1
            continue
        if not token.is_alpha:
            return None
        capitalised = not token.is_lower
        if _is_head(token):
            return _extend_head(doc, j + 1)
        if singular and not capitalised:
            return j + 1
        if (
            capitalised
            and token.ent_type_ not in {"NORP", "GPE", "LOC", ""}
            and not _continues_number(token)
        ):
            # "20 Turkish Kaan jets" where the model took "Turkish Kaan" for a body: the
            # counted thing is still the entity right after.
            return "entity" if j + 1 < n and blocked[j + 1] else None
        modifiers += 1
        j += 1
    return None


_SPEECH_VERBS = _words("said says told added asked wrote recalled explained")


def _continues_number(token: Token) -> bool:
    """Whether the model's own numeric entity runs on through ``token``: a model that outputs
    the project's QUANTITY ("[323 Argentine sailors]") tags the nationality inside it as part
    of the amount, where the base model tagged it NORP; either way it is no other entity."""
    return token.ent_iob_ == "I" and token.ent_type_ in NUMERIC_LABELS


def _is_one_as_a_word(doc: Doc, start: int, end: int) -> bool:
    """ "one" that counts nothing: "in one case", "said one mother", "one official said"."""
    n = len(doc)
    if start > 0 and doc[start - 1].lower_ in {"in", "at", "on"}:
        return True  # "in one strike", "at one point"
    if start > 0 and doc[start - 1].lower_ in _SPEECH_VERBS:
        return True
    return end < n and doc[end].lower_ in _SPEECH_VERBS


def is_rate(doc: Doc, start: int, end: int) -> bool:
    """A number followed by "a"/"per" and a time unit: "build [six] a month", "made [20] a
    month"."""
    return (
        doc[start].like_num
        and doc[start].lower_ not in {"one", "a"}
        and end + 1 < len(doc)
        and doc[end].lower_ in {"a", "an", "per", "each", "every"}
        and doc[end + 1].lower_ in _TIME_UNITS
    )


def opens_line(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is the first of a line (or of the text)."""
    return i == 0 or "\n" in doc[i - 1].text_with_ws


def _list_number(doc: Doc, start: int, end: int) -> bool:
    """A number that opens a line as a list's or a paragraph's number: "2. Nordvik...",
    "3) The...", "(4) The entities..." (with the bracket in front)."""
    if end >= len(doc):
        return False
    if doc[end].text in {".", ")"} and opens_line(doc, start):
        return True
    return (
        doc[end].text == ")"
        and start > 0
        and doc[start - 1].text == "("
        and opens_line(doc, start - 1)
    )


def quantity_span(
    doc: Doc, seed: int, blocked: Sequence[bool], *, allow_bare: bool = True
) -> tuple[int, int] | None:
    """The guideline QUANTITY span (token range) grown from the number at or after ``seed``.

    ``blocked[i]`` is True for tokens inside an entity that wins over numbers (a weapon, an
    organisation...). ``seed`` may point at a hedge ("about 2,000"): the span starts at the
    number. Returns None for dates, years, durations, ordinals, vague amounts, numbers that
    count an entity, and (unless ``allow_bare``) numbers without a noun.
    """
    n = len(doc)
    i = seed
    while i < n and (doc[i].lower_ in _HEDGES or doc[i].text in {"~", "+"}):
        i += 1
    # The second number of a range: start from the first ("between 500 and [5,500] km").
    while (
        i >= 2
        and doc[i - 1].lower_ in _RANGE_WORDS | {"and"}
        and _is_number(doc[i - 2].text, doc[i - 2].like_num)
        and not _YEAR.match(doc[i - 2].text)
    ):
        i -= 2
    if i >= n or blocked[i]:
        return None
    core = _number_core(doc, i)
    if core is None:
        return None
    start, end = core
    if doc[start].lower_ in _SCALES and start > 0 and doc[start - 1].lower_ in _VAGUE_SCALES:
        return None  # "several hundred interceptors", "a few thousand dollars": vague
    if doc[start].lower_ in _SCALES and start > 0 and doc[start - 1].lower_ in {"a", "an"}:
        start -= 1  # "[a million shells]": "a" is the number
    first = doc[start + 1] if doc[start].lower_ in _CURRENCY else doc[start]
    if is_rate(doc, start, end):
        return start, end  # "could build [six] a month": a rate, its noun implied
    if first.ent_type_ in {"DATE", "TIME", "ORDINAL"} and doc[start].lower_ not in _CURRENCY:
        # The model saw a date; believe it unless a counted noun or unit follows.
        follow = _noun_end(doc, end, blocked, singular=False)
        if not isinstance(follow, int):
            return None
    if (start > 0 and doc[start - 1].lower_ in _MONTHS) or (end < n and doc[end].lower_ in _MONTHS):
        return None  # "24 February", "February 10-20"
    money_or_scaled = bool(
        doc[start].lower_ in _CURRENCY
        or _CURRENCY_NUMBER.match(doc[start].text)
        or any(doc[k].lower_ in _SCALES for k in range(start, end))
    )
    if doc[end - 1].lower_ in {"%"} or (end < n and doc[end].text == "%"):
        return (start, end + 1) if end < n and doc[end].text == "%" else (start, end)
    if (
        end + 2 < n
        and first.is_alpha
        and first.lower_ != "one"
        and doc[end].lower_ == "of"
        and doc[end + 1].lower_ in _PARTITIVE_DETERMINERS
        and not (start > 0 and doc[start - 1].lower_ in _PARTITIVE_DETERMINERS)
    ):
        return start, end  # "at least [six] of its drones": the noun is implied
    if (
        start > 0
        and doc[start - 1].lower_ in {"the", "these", "those", "its", "their", "our", "his", "her"}
        and not _is_digits(first.text)
    ):
        return None  # "the two sides": a reference, not an amount
    if (
        start > 0
        and _is_digits(first.text)
        and doc[start - 1].is_title
        and doc[start - 1].lower_ not in _HEDGES
        and doc[start - 1].lower_ not in _STOP
        and (start == 1 or not doc[start - 2].is_punct or doc[start - 2].text in {"(", ","})
    ):
        return None  # a name's number: "Article 5", "Resolution 2231"
    singular = first.lower_ in {"one", "1"}
    noun = _noun_end(doc, end, blocked, singular=singular)
    if noun in {"entity", "time", "adjective"}:
        return None
    if isinstance(noun, int):
        if any(blocked[k] for k in range(end, noun)):
            return None
        if singular and _is_one_as_a_word(doc, start, noun):
            return None
        if _YEAR.match(first.text) and doc[noun - 1].lower_ not in _UNITS:
            return None  # "the 2023 lawmakers' report": a year, not 2,023 people
        return start, noun
    if money_or_scaled and (
        doc[start].lower_ in _CURRENCY or _CURRENCY_NUMBER.match(doc[start].text)
    ):
        return start, end
    # A bare number: only digits, not a year, not a name's number ("Article 5", "Flight 17").
    text = first.text
    if not allow_bare or not _is_digits(text) or _YEAR.match(text):
        return None
    if text.lower() in {"0", "1"} or first.ent_type_ not in NUMERIC_LABELS | {""}:
        return None
    if end < n and doc[end].lower_ in _VAGUE:
        return None
    if start > 0 and doc[start - 1].lower_ in {"number", "no.", "#", "code", "hull"}:
        return None  # "hull number 5205": a label, no amount
    if _list_number(doc, start, end):
        return None  # "2. Nordvik was never registered...", "(3) The entities": a list's number
    if (
        end < n
        and doc[end].lower_ in {"more", "additional", "other", "further"}
        and _noun_end(doc, end + 1, blocked, singular=False) == "entity"
    ):
        return None  # "26 more [Patriot] batteries": the entity wins
    if (
        start >= 2
        and doc[start - 1].lower_ == "to"
        and doc[start - 2].lower_.rstrip("s") in _TIME_UNITS | {"year", "month", "day"}
    ):
        return None  # "from 30 months to 15": a duration, its unit implied
    return start, end

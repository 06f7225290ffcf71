"""The suggestion engine: a spaCy pipeline plus match patterns, mapped onto a project's labels.

``Suggester(pipeline, labels, label_map, extra_patterns)`` loads its own ``nlp`` (only what
NER needs, see ``pipeline.load_for_ner``) and adds a ``span_ruler`` holding the patterns, so
patterns run inside ``nlp.pipe`` (and in its worker processes with ``n_process > 1``) and the
model's entities stay apart from the pattern matches in ``doc.spans``.

**When model and patterns disagree, the pattern wins.** Every pattern span (after overlapping
pattern spans are reduced to the longest, earliest first) is kept; a model span that overlaps
any kept pattern span is dropped, whatever either label is. Patterns are curated facts about
names ("S-400" is a weapon, whatever the model thinks it is); the model generalises where no
pattern exists. Patterns whose label the project does not have (the shipped GPE list) are
never suggested but still overrule the model ("Kyiv" is no PERSON), except that a model span
strictly containing such a pattern stands ("[U.S. European Command]"). The QUANTITY rule
applies the guidelines' own tie-break after that: a number that counts an entity gives no
QUANTITY ("16 [HIMARS]"), and a QUANTITY never overlaps an entity.
QUANTITY spans seeded by a quantity pattern win over those seeded by the model.

Shape and context rules rank with the patterns (below them, above the model): speaker labels,
weapon designations (with a prefix the gazetteer's own designations use, or a weapon noun
after them: "Su-30MK2", "[K-8] jet", never "H-1B visas"), ship classes ("[Virginia-class]"),
and a capitalised name right before a weapon noun ("[Spike] missiles", "the [Boxer] armoured
vehicle"; nationality words, bodies' words and lone acronyms excluded). After the model: a
span that is or follows a ship prefix is dropped ("USS Gravely" is a vessel); a one-word model
PERSON stands only as part of a full name found in the text or after a title ("Sirens",
"Galilee" go); two or three capitalised words after a rank the model left bare are a PERSON
("Lieutenant Colonel [Nadav Shoshani]"). The shipped NORP list (demonyms.jsonl) vetoes
"Houthi", "Tuareg" and the like the same way the place lists do (places.jsonl and the
generated world_places.jsonl). Context rules (v4): a model PERSON/ORG of one or two capitalised
words before a place noun ("Arauca province") or of one word after "near"/"off" is a place and
dropped, as is a lone "Army"/"Cabinet"; pattern ORG matches written all in lower case ("coast
guard") are dropped; a name both a body and a weapon ("Fatah", "Qassam") is the weapon before a
weapon noun; a WEAPON runs on through "Block 70", a "-M2E" variant, a Roman numeral or
capitalised words before a weapon noun ("A-29 Super Tucano"); a maker and a model number before
a weapon noun are a WEAPON ("Dornier 228"); an acronym in brackets after an ORG is that ORG
wherever it recurs. v5: a one- or two-word model PERSON/ORG kept in a place's company is a
place ("Kurram and [Bajaur]", "the state of [Sinaloa]", "[Kastellorizo], a tiny island", "at
[Amari] in Estonia", "from Tumangang to [Khasan]"), and then so is every model PERSON/ORG of
the same text in the document; a model ORG that is a base ("Misawa Air Base"), holds a comma or
is a lone direction word ("Western") is dropped.

Sources and scores: ``source="pattern"`` with ``score=1.0`` for gazetteer matches;
``source="rule"`` with ``score=None`` for the shape and context rules above (heuristics, not
facts); ``source="model"`` with ``score=None`` for model spans, because spaCy's greedy
``ner`` exposes no confidences (a beam parser could, at several times the cost, which the app
cannot spend).

A ``Suggester`` owns its ``nlp``; never share one between threads: make one per worker.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annotator.core.model import Span, SpanState
from annotator.nlp.labelmap import (
    COMPANY_SUFFIXES,
    LabelMap,
    extend_org_name,
    first_number,
    fix_span,
    is_rate,
    quantity_span,
)
from annotator.nlp.names import GivenNames, given_names
from annotator.nlp.patterns import Pattern, load_patterns, patterns_fingerprint, validate_pattern
from annotator.nlp.pipeline import AUTO, load_for_ner, pipeline_info

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

__all__ = ["PATTERNS_KEY", "RULES_VERSION", "Suggester", "suggest_everywhere_pattern"]

#: ``doc.spans`` key under which the pattern matches are stored.
PATTERNS_KEY = "annotator_patterns"
#: Bump when the rules in labelmap.py or here change what is suggested (it enters ``version``).
RULES_VERSION = "6.1"
# Labels whose tokens may sit inside a QUANTITY ("2,000 [US] troops"): nationality-like words.
_INSIDE_QUANTITY_OK = frozenset({"GPE", "LOC", "NORP"})


class Suggester:
    """Suggested spans for texts, from one pipeline, one label set, one label map, patterns.

    ``version`` identifies the output: it changes when the pipeline's name or version, the
    patterns, the label map or the rules change, so a cache keyed on it is never stale.
    """

    def __init__(
        self,
        pipeline: str = AUTO,
        labels: Sequence[str] = ("PERSON", "ORG", "WEAPON", "QUANTITY"),
        label_map: LabelMap | Mapping[str, str | None] | None = None,
        extra_patterns: Iterable[Mapping[str, Any]] = (),
        *,
        pattern_files: Iterable[str] = (),
        include_shipped_patterns: bool = True,
        nlp: Language | None = None,
    ) -> None:
        self.labels = tuple(labels)
        if isinstance(label_map, LabelMap):
            self.label_map = label_map
        else:
            self.label_map = LabelMap(self.labels, label_map or {})
        # Patterns of labels the project lacks are kept: they veto model mistakes ("Kyiv" is
        # no PERSON) and are never suggested themselves.
        self.patterns: list[Pattern] = load_patterns(
            pattern_files, extra_patterns, include_shipped=include_shipped_patterns
        )
        self.info = pipeline_info(pipeline)
        self.nlp = nlp if nlp is not None else load_for_ner(pipeline)
        self._quantity_label = self.label_map.quantity_label
        self._weapon_prefixes = _designation_prefixes(self.patterns)
        self._given_names = given_names() if include_shipped_patterns else GivenNames(frozenset())
        self._add_ruler()
        digest = hashlib.sha1(
            "\n".join(
                (
                    patterns_fingerprint(self.patterns),
                    self._given_names.fingerprint,
                    self.label_map.describe(),
                    RULES_VERSION,
                )
            ).encode("utf-8")
        ).hexdigest()
        self.version = f"{self.info.name}-{self.info.version}+{digest[:8]}"

    def _add_ruler(self) -> None:
        """Two span rulers: case-insensitive phrases plus token patterns, exact-case words.

        A one-token ``[{"ORTH": "Patriot"}]`` pattern goes to a phrase matcher on ORTH: the
        token Matcher checks every pattern at every token and costs as much as NER itself
        with a few hundred of them, a phrase matcher is a hash lookup.
        """
        exact, other = [], []
        for pattern in self.patterns:
            tokens = pattern["pattern"]
            if isinstance(tokens, list) and all(
                set(token) == {"ORTH"} and isinstance(token["ORTH"], str) for token in tokens
            ):
                words = [token["ORTH"] for token in tokens]
                phrase = " ".join(words)
                # Several exact words go to the phrase matcher too when the tokenizer splits
                # their text the same way ("Defence Ministry", never "defence ministry").
                if len(words) == 1 or [t.text for t in self.nlp.make_doc(phrase)] == words:
                    exact.append({**pattern, "pattern": phrase})
                    continue
            other.append(pattern)
        for name, attr, chunk, overwrite in (
            (PATTERNS_KEY, "LOWER", other, True),
            (PATTERNS_KEY + "_exact", "ORTH", exact, False),
        ):
            if name in self.nlp.pipe_names:
                self.nlp.remove_pipe(name)
            if not chunk:
                continue  # an empty ruler only warns (W036) on every text
            ruler = self.nlp.add_pipe(
                "span_ruler",
                name=name,
                config={
                    "spans_key": PATTERNS_KEY,
                    "annotate_ents": False,
                    "overwrite": overwrite,
                    "phrase_matcher_attr": attr,
                    "validate": False,
                },
            )
            # Phrase patterns are made into docs by running the pipeline over them: with
            # every component off that is the tokenizer alone (1.9 s -> 0.03 s for ~6,000).
            with self.nlp.select_pipes(disable=self.nlp.pipe_names):
                ruler.add_patterns(chunk)  # type: ignore[attr-defined]

    # ---- running ----------------------------------------------------------------------------

    def suggest(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Span]]:
        """One list of suggested spans per text, in order; lazily, batch by batch."""
        pairs = ((text, text) for text in texts)  # the text rides along: doc.text is slow
        for doc, text in self.nlp.pipe(
            pairs, batch_size=batch_size, n_process=n_process, as_tuples=True
        ):
            yield self.spans_from_doc(doc, text)

    def suggest_one(self, text: str) -> list[Span]:
        """Suggestions for a single text."""
        return self.spans_from_doc(self.nlp(text), text)

    def spans_from_doc(self, doc: Doc, text: str | None = None) -> list[Span]:
        """Combine the model's entities and the pattern matches of a processed ``doc``.

        ``text`` is ``doc.text`` when the caller has it at hand (rebuilding it costs).
        """
        quantity = self._quantity_label
        label_map = self.label_map
        # 1. Pattern spans: entity patterns (longest first) and QUANTITY seeds.
        pattern_spans: list[tuple[int, int, str]] = []
        quantity_seeds: list[tuple[int, str]] = []
        for span in doc.spans.get(PATTERNS_KEY, ()):
            if span.label_ == quantity:
                quantity_seeds.append((span.start, "pattern"))
            elif span.label_ in {"PERSON", "ORG"} and not any(c.isupper() for c in span.text):
                continue  # "coast guard" matched by "Coast Guard": a description, no name
            elif len(span.text) == 1 and not _platform_context(doc, span.start):
                continue  # "X" is the platform in "posted on X", not in "Generation X"
            else:
                pattern_spans.append((span.start, span.end, span.label_))
        entities = _longest_first(pattern_spans, "pattern")
        # Shape rules, below the patterns: speaker labels and weapon designations.
        if text is None:
            text = doc.text
        covered = [False] * len(doc)
        for start, end, _, _ in entities:
            for k in range(start, end):
                covered[k] = True
        rule_spans = [
            *_speaker_labels(doc, text),
            *_designations(doc, text, self._weapon_prefixes),
            *_named_before_weapon_noun(doc, covered),
        ]
        entities.extend(
            (start, end, label, "rule")
            for start, end, label in rule_spans
            if all(end <= e[0] or start >= e[1] for e in entities)
        )
        project = set(self.labels)
        # Tokens of places (model GPE/LOC, place patterns): context for the model's PERSON/ORG.
        places = [False] * len(doc)
        for start, end, label in (
            *((e.start, e.end, e.label_) for e in doc.ents),
            *((e[0], e[1], e[2]) for e in entities),
        ):
            if label in _PLACE_LABELS:
                for k in range(start, end):
                    places[k] = True
        # 2. Model spans: mapped, fixed up, dropped where a pattern span overlaps them.
        place_names: set[str] = set()
        for ent in doc.ents:
            label = ent.label_
            if label == "DATE" and quantity is not None and is_rate(doc, ent.start, ent.start + 1):
                quantity_seeds.append((ent.start, "model"))  # "six a month" is no date
                continue
            if label_map.is_quantity_seed(label):
                # The seed is the number, past words the model took in ("a record NT$6 bn").
                quantity_seeds.append((first_number(doc, ent.start, ent.end), "model"))
                continue
            target = label_map.target(label)
            if target is None:
                continue
            if target in {"PERSON", "ORG"} and _is_ship_name(doc, ent.start, ent.end):
                continue  # "USS Gravely", "HMS Diamond": one vessel, neither a person nor a body
            if target in {"PERSON", "ORG"} and (
                _is_place_by_context(doc, ent.start, ent.end, target)
                or _is_place_by_company(doc, ent.start, ent.end, places)
            ):
                place_names.add(ent.text)
                continue  # "Arauca province", "near Chipwi", "Kurram and Bajaur", "the Army"
            if target == "ORG" and _is_no_body(doc, ent.start, ent.end):
                continue  # "Misawa Air Base", "Lesbos, Chios", a lone "North"
            if target in {"PERSON", "ORG"}:
                target = _apposition_label(doc, ent.start, ent.end) or target
            fixed = fix_span(doc, ent.start, ent.end, target)
            if fixed is not None:
                fixed = _against_patterns(doc, fixed, entities, project)
            if fixed is not None:
                # Pattern spans inside a model span that stands give way to it.
                entities = [
                    e for e in entities if e[3] == "model" or e[1] <= fixed[0] or e[0] >= fixed[1]
                ]
                entities.append((*fixed, "model"))
        if place_names:
            # A name its context showed to be a place once is that place everywhere in the text.
            entities = [
                e
                for e in entities
                if e[3] != "model"
                or e[2] not in {"PERSON", "ORG"}
                or doc[e[0] : e[1]].text not in place_names
            ]
        entities = _single_word_persons(doc, _complete_persons(doc, entities))
        entities = _surname_mentions(doc, _given_name_persons(doc, entities, self._given_names))
        entities = _dual_weapon_names(doc, entities)
        entities = _merge_adjacent_weapons(doc, _extend_weapon_names(doc, entities))
        entities.extend(_ranked_names(doc, entities))
        entities = _known_as(doc, entities)
        entities = _named_systems(doc, _named_bodies(doc, entities))
        entities = _defined_acronyms(doc, entities)
        # 3. QUANTITY: grown from the seeds; an entity it would count or overlap wins.
        if quantity is not None and quantity_seeds:
            blocked = [False] * len(doc)
            for start, end, label, _ in entities:
                if label not in _INSIDE_QUANTITY_OK:
                    for k in range(start, end):
                        blocked[k] = True
            quantities: list[tuple[int, int, str, str]] = []
            for seed, source in sorted(quantity_seeds, key=lambda s: s[1] != "pattern"):
                found = quantity_span(doc, seed, blocked)
                if found is not None:
                    quantities.append((found[0], found[1], quantity, source))
            kept = _longest_first_keep_order(quantities)
            # A QUANTITY swallows a nationality-like entity inside it ("2,000 [US] troops").
            entities = [e for e in entities if not any(e[0] < q[1] and q[0] < e[1] for q in kept)]
            entities.extend(kept)
        result = []
        starts = {e[0] for e in entities}
        for start, end, label, source in sorted(entities):
            if label not in project:
                continue
            if start > 0 and label == "ORG" and doc[start - 1].text in _ORG_PREFIXES:
                start -= 1  # "[UK Ministry of Defence]", "[U.S. Army]"
            elif start > 0 and label == "ORG" and doc[start - 1].text in _ORG_ADJECTIVES:
                start -= 1  # "[Federal Ministry of Defence]", "[Royal Navy]"
            if label == "ORG":
                while (
                    end < len(doc)
                    and doc[end].text in COMPANY_SUFFIXES
                    and doc[end - 1].whitespace_
                    and end not in starts
                ):
                    end += 1  # "[General Dynamics Corp.]", "[BAE Systems plc]"
                end = _hyphen_continuation(doc, end)
                if _is_staff_in_office_title(doc, start, end):
                    continue  # "Chief of the General Staff" is an office, no body
            if _is_dateline(doc, start, end):
                continue
            if (
                label in {"PERSON", "ORG"}
                and end - start > 1
                and doc[end - 1].is_lower
                and doc[end - 1].is_alpha
                and doc[end - 1].text not in COMPANY_SUFFIXES
                and not (doc[end - 2].text == "-" and not doc[end - 2].whitespace_)
            ):
                continue  # "Indian army": a description ("Lai Ching-te" is a name)
            span = doc[start:end]
            result.append(
                Span(
                    span.start_char,
                    span.end_char,
                    label,
                    state=SpanState.SUGGESTED,
                    source=source,
                    score=1.0 if source == "pattern" else None,
                )
            )
        return result


# "JOHN F. KIRBY:", "MAJ. GEN. PAT RYDER:" or "PISTORIUS:" opening a line of a transcript.
_SPEAKER = re.compile(r"(?m)^[ \t]*((?:[A-Z][A-Z'’\-]*\.?[ \t]+){0,5}[A-Z][A-Z'’\-]+):")
_NOT_SPEAKERS = frozenset(
    [
        "BREAKING",
        "NEWS",
        "UPDATE",
        "UPDATED",
        "EDITOR'S",
        "NOTE",
        "CORRECTION",
        "WARNING",
        "ANALYSIS",
        "OPINION",
        "VIDEO",
        "PHOTOS",
        "LIVE",
        "QUESTION",
        "ANSWER",
        "MODERATOR",
        "OPERATOR",
        "PRESS",
        "BRIEFING",
        "TRANSCRIPT",
        "REPORTER",
        "REPORTERS",
        "VOICE",
        "VOICES",
        "AUDIENCE",
        "ANNOUNCER",
        "NARRATOR",
        "INTERPRETER",
        "TRANSLATOR",
        "UNIDENTIFIED",
        "PARTICIPANT",
        "SPEAKER",
        "ALL",
        "NOTE",
        "SOURCE",
        "SOURCES",
    ]
)
# "KN-23", "PL-15", "Su-30MK2", "F-35s": letters, a hyphen, a number, a short suffix.
_NOT_DESIGNATIONS = frozenset({"G", "COVID", "H", "I", "MH", "SARS", "COP", "P", "N"})


def _split(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DESIGNATION = re.compile(
    r"(?<![\w-])([A-Z]{1,4}|[A-Z][a-z]{1,2})-(\d{1,4})([A-Z][A-Z0-9]{0,3})?s?(?![\w-])"
)
_PREFIX = re.compile(r"^([A-Z]{1,4}|[A-Z][a-z]{1,2})-\d")
# Nouns that name a kind of weapon; a capitalised name right before one names the system.
_WEAPON_HEADS = _split(
    """missile missiles rocket rockets drone drones tank tanks howitzer howitzers launcher
    launchers interceptor interceptors helicopter helicopters gunship gunships jet jets bomber
    bombers aircraft trainers warplane warplanes submarine submarines frigate frigates destroyer
    destroyers corvette corvettes torpedo torpedoes guns rifle rifles bombs shells munitions
    mortars planes carbine carbines pistol pistols"""
)
_SYSTEM_HEADS = frozenset({"system", "systems", "vehicle", "vehicles", "gun", "radar"})
_WEAPON_WORDS = _split(
    """missile rocket artillery defence defense launch weapon weapons air armoured armored
    fighting infantry combat anti-ship anti-tank radar guided interceptor"""
)
# Words that may stand between a system's name and its noun: "[Almas] anti-tank guided
# missiles", "[Boxer] armoured vehicle"; any other word ("said", "the") breaks the link.
_WEAPON_MODIFIERS = _split(
    """heavy light medium long short mid intermediate range anti ship tank aircraft air surface
    to ground sea guided cruise ballistic hypersonic supersonic subsonic attack fighter combat
    armoured armored infantry fighting personnel defence defense missile rocket surveillance
    reconnaissance transport utility helicopter stealth multirole multi role strike unmanned
    kamikaze loitering self propelled main battle tactical precision artillery naval patrol
    bomber trainer jet interceptor launch mobile towed wheeled tracked amphibious assault
    shoulder fired portable laser radar powered diesel electric nuclear submarine launched
    guard gun way one"""
)
# Capitalised words that open a phrase before a weapon noun without naming a system.
_NOT_WEAPON_NAMES = _split(
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
_COMMON_OPENERS = _split(
    """missiles rockets drones tanks jets helicopters sirens troops fighters such both"""
)
_ORG_WORDS_LOWER = _split(
    """ministry council service agency command force forces army navy department office
    committee group corps institute university company bank fleet brigade division regiment
    battalion staff guard guards headquarters court parliament assembly union commission
    industries systems aerospace dynamics"""
)
# Prefixes of a named ship: "USS Gravely", "HMS Diamond", "INS Vikrant", "BRP Sierra Madre".
_SHIP_PREFIXES = _split(
    """USS USNS HMS HMAS HMCS HMNZS INS FS ORP KRI BRP JS TCG HNLMS HDMS HNoMS HSwMS ROKS PNS RFS
    ITS ESPS SPS NRP HS KD RSS ARA BAP ARC CNS FGS MV MT RV KRI ENS INS"""
)
# Ranks and offices that only a person holds, for a name the model missed after them.
_PERSON_RANKS = _split(
    """president minister secretary general gen lt lieutenant col colonel maj major capt
    captain sgt sergeant admiral adm commander cmdr marshal brigadier chancellor senator sen
    governor ambassador commodore"""
)

# Capitalised adjectives that belong to the name of the body after them.
_ORG_ADJECTIVES = frozenset({"Federal", "Royal", "Imperial", "Presidential", "Joint"})
# Country abbreviations that belong to the name of the body after them.
_ORG_PREFIXES = frozenset({"US", "U.S.", "UK", "U.K.", "UN", "U.N."})


def _is_dateline(doc: Doc, start: int, end: int) -> bool:
    """A capitalised place opening a paragraph before a dash ("KHARTOUM —"), or opening the
    text before a comma ("KYIV, Ukraine (Reuters) -"); "MBDA, the missile maker" opening a
    later paragraph is no dateline."""
    line_start = start == 0 or "\n" in doc[start - 1].text_with_ws
    marks = {"—", "–", "-", "--", ","} if start == 0 else {"—", "–", "-", "--"}
    return (
        line_start
        and end < len(doc)
        and doc[end].text in marks
        and all(t.is_upper or not t.is_alpha for t in doc[start:end])
    )


def _speaker_labels(doc: Doc, text: str) -> list[tuple[int, int, str]]:
    """PERSON spans for capitalised speaker labels at the start of a line, titles left out.

    A label of two words or more is a name ("JOHN F. KIRBY:"), and so is one word after a
    title ("GEN. GUETLEIN:"). One word alone ("PISTORIUS:") is a name when the text names that
    person elsewhere ("Boris Pistorius", "GEN. MICHAEL GUETLEIN:") or uses the label twice;
    "UPDATE:" and "QUESTION:" are no names.
    """
    from annotator.nlp.labelmap import is_title_word

    candidates: list[tuple[int, int, bool]] = []
    for match in _SPEAKER.finditer(text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is None:
            continue
        start, end = span.start, span.end
        while start < end and (
            is_title_word(doc[start].text) or (start > span.start and doc[start].text == ".")
        ):
            start += 1  # "GEN." may come as "GEN" and "."
        words = [t.text for t in doc[start:end] if any(c.isalpha() for c in t.text)]
        if not words or any(w.rstrip(".") in _NOT_SPEAKERS for w in words):
            continue
        if not all(w.isupper() for w in words):
            continue
        candidates.append((start, end, start > span.start))
    named = {doc[end - 1].lower_ for start, end, _ in candidates if end - start > 1}
    named |= {ent[-1].lower_ for ent in doc.ents if ent.label_ == "PERSON"}
    counts: dict[str, int] = {}
    for start, end, _ in candidates:
        if end - start == 1:
            counts[doc[start].lower_] = counts.get(doc[start].lower_, 0) + 1
    found = []
    for start, end, titled in candidates:
        if end - start == 1 and not titled:
            word = doc[start].lower_
            if len(word) < 3 or (word not in named and counts[word] < 2):
                continue
        found.append((start, end, "PERSON"))
    return found


def _designation_prefixes(patterns: Iterable[Mapping[str, Any]]) -> frozenset[str]:
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
        if lower in _WEAPON_HEADS or (lower in _SYSTEM_HEADS and weaponish):
            return k
        if lower not in _WEAPON_MODIFIERS:
            return None
        weaponish = weaponish or lower in _WEAPON_WORDS
    return None


def _designations(
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


def _named_before_weapon_noun(doc: Doc, covered: Sequence[bool]) -> list[tuple[int, int, str]]:
    """WEAPON spans for a name right before a weapon noun: "[Spike] missiles", "the [Boxer]
    armoured vehicle", "[Type 052D] destroyers", and ship classes "[Jose Rizal-class]".

    The name is up to three capitalised words (numbers may follow a word: "[Hermes 900]");
    nationality words, bodies and common capitalised words are left out ("Russian drones",
    "Army helicopters"); patterns and the model's NORP/GPE still win over it.
    """
    tokens = list(doc)  # indexing a list is far cheaper than Doc.__getitem__
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
            if tokens[start].text not in _NOT_WEAPON_NAMES and not _sentence_start_word(doc, start):
                found.append((start, k + 1, "WEAPON"))
            k += 1
            continue
        if not token.is_lower or token.lower_ not in _WEAPON_HEADS | _SYSTEM_HEADS:
            k += 1
            continue
        # Walk back over modifiers to the name.
        j = k - 1
        while j >= 0 and j > k - 6 and (tokens[j].is_lower or tokens[j].text in {"-", "/"}):
            if tokens[j].is_lower and tokens[j].lower_ not in _WEAPON_MODIFIERS:
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
        while start < end and _sentence_start_word(doc, start) and end - start == 1:
            start += 1
        words = doc[start:end]
        if (
            start < end
            and (words[0].is_alpha or _ONE_LETTER_MODEL.match(words[0].text))
            and not any(t.lower_ in _ORG_WORDS_LOWER for t in words)
            and not (words[-1].text.isupper() and words[-1].is_alpha and end - start > 1)
            # A lone acronym before a weapon noun is mostly a body used as a modifier: "ELN
            # drones", "RSF jets"; weapon acronyms come from the gazetteer (HIMARS, NASAMS).
            and not (end - start == 1 and words[0].text.isupper() and words[0].is_alpha)
        ):
            found.append((start, end, "WEAPON"))
        k += 1
    return found


def _opens_sentence(doc: Doc, i: int) -> bool:
    """True when token ``i`` is the first of a sentence or a line."""
    return (
        i == 0
        or doc[i - 1].is_sent_end
        or doc[i - 1].text in {".", "\n", "\n\n", '"', "“"}
        or "\n" in doc[i - 1].text_with_ws
    )


def _sentence_start_word(doc: Doc, i: int) -> bool:
    """A capitalised common word only because it opens a sentence ("Missiles hit ...")."""
    return _opens_sentence(doc, i) and doc[i].lower_ in _COMMON_OPENERS


# Lower-case nouns that make the capitalised word before them a place: "Arauca province".
_PLACE_NOUNS = _split(
    """island islands islet islets archipelago province provinces region regions state city
    town township townships district districts county governorate oblast village villages
    peninsula valley coast coastline border frontier port harbour harbor airport river
    mountains mountain hills desert strait sea municipality prefecture base bases airbase
    airfield temple crossing checkpoint refinery terminal depot"""
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


def _is_place_by_context(doc: Doc, start: int, end: int, label: str) -> bool:
    """A model PERSON/ORG that its context shows to be a place, or a bare generic body.

    One or two capitalised words followed by a place noun ("[Rakhine] state", "Batanes
    islands") or, for one word, right after "near"/"off"/"outside" ("near [Chipwi]"); a lone
    "Army" or "Cabinet" names no body. One word in title case after "in"/"at"/"over" is a
    place too ("at [Pituffik]"), and so is a name before "air base" ("[Jufra] air bases").
    """
    words = doc[start:end]
    if label == "ORG" and end - start == 1 and words[0].text in _GENERIC_BODIES:
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
    if end < len(doc) and doc[end].is_lower and doc[end].lower_ in _PLACE_NOUNS:
        # "[Chipwi] township", but not "Hamas border units"-like bodies' words inside.
        return not any(t.lower_ in _ORG_WORDS_LOWER for t in words)
    if n_words != 1 or start == 0:
        return False
    before = doc[start - 1].lower_
    # "in Ilulissat", "at Pituffik", "over Leposavic": one word in title case (not an acronym,
    # not "ExxonMobil") after a preposition of place is a town far more often than a body;
    # the bodies that do stand there ("in Congress", "at Google") are in the patterns.
    return before in _PLACE_PREPOSITIONS or (
        before in _IN_PREPOSITIONS and all(p.istitle() for p in doc[start:end].text.split("-"))
    )


_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Nouns for places a name can be the place "of" ("the state of Sinaloa", "the hub of Chipwi"),
# or be described as after a comma ("Kastellorizo, a tiny island").
_PLACE_OF_NOUNS = _PLACE_NOUNS | _split(
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


def _is_place_by_company(doc: Doc, start: int, end: int, places: Sequence[bool]) -> bool:
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


def _is_no_body(doc: Doc, start: int, end: int) -> bool:
    """A model ORG that names no body: a base ("Misawa Air Base"), a list ("Lesbos, Chios"),
    a lone direction adjective ("Western")."""
    words = doc[start:end]
    if end - start == 1 and words[0].text in _NOT_BODIES:
        return True
    if any(t.text == "," for t in words):
        return True
    last = words[-1].text
    return end - start >= 2 and (last in _BASE_WORDS or f"{words[-2].text} {last}" in _BASE_WORDS)


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


def _dual_weapon_names(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Relabel a one-word entity in ``_DUAL_WEAPON_NAMES`` WEAPON before a weapon noun."""
    tokens = list(doc)  # indexing a list is far cheaper than Doc.__getitem__
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
    present = {(e[0], e[1]) for e in out}
    for k in range(len(doc) - 1):
        if (
            tokens[k].text in _DUAL_WEAPON_NAMES
            and not any(s <= k < e for s, e in present)
            and _weapon_noun_follows(doc, k + 1)
        ):
            out.append((k, k + 1, "WEAPON", "rule"))
    return out


# What an apposition calls a name: "An army spokesman, [Sylvain Ekenge], said", "[Myanmar
# Witness], a project of ...". The noun decides between a person and a body.
_PERSON_NOUNS = _split(
    """spokesman spokeswoman spokesperson minister envoy ambassador commander analyst official
    leader chief president director researcher secretary lawmaker senator general colonel
    officer adviser advisor expert professor economist journalist reporter correspondent
    negotiator diplomat activist founder ceo chairman chairwoman executive governor mayor premier
    lieutenant captain admiral marshal sergeant fellow scholar historian strategist son daughter
    wife husband brother sister father mother widow deputy prosecutor judge warlord"""
)
_BODY_NOUNS = _split(
    """group project organisation organization coalition militia company agency firm party
    alliance network gang movement faction unit brigade battalion regiment division institute
    university newspaper broadcaster outlet bank fund foundation charity association union
    council committee commission ministry department body bloc consortium contractor
    manufacturer maker startup operator tank"""
)


def _apposition_label(doc: Doc, start: int, end: int) -> str | None:
    """PERSON, ORG or WEAPON when an apposition says which the name is, else None.

    "An army [spokesman], NAME," and "NAME, a senior [analyst] at" make a person; "The largest
    [coalition], NAME," and "NAME, a [project] of" make a body. Only names of up to four
    capitalised words are judged; the noun must be the first lower-case noun of the phrase.
    """
    n = len(doc)
    if end - start > 4 or not all(t.text[:1].isupper() or t.text == "-" for t in doc[start:end]):
        return None

    def kind(word: str) -> str | None:
        if word in _PERSON_NOUNS:
            return "PERSON"
        if word in _BODY_NOUNS:
            return "ORG"
        if word in _WEAPON_HEADS:
            return "WEAPON"  # "the [Molniya], a cheap fixed-wing drone"
        return None

    # "<noun>, NAME," (the name between commas, or ending the sentence).
    if (
        start >= 2
        and doc[start - 1].text == ","
        and doc[start - 2].is_lower
        and (end == n or doc[end].text in {",", ".", ";"})
    ):
        found = kind(doc[start - 2].lower_)
        if found:
            return found
    # "NAME, a senior analyst at ...".
    if end + 2 < n and doc[end].text == "," and doc[end + 1].lower_ in {"a", "an", "the"}:
        for k in range(end + 2, min(end + 8, n)):
            token = doc[k]
            if token.lower_ in {"'s", "’s"} or token.text == "-":
                continue  # "the alliance's", "fixed-wing"
            if not token.is_lower or token.is_punct:
                break
            if k + 1 < n and doc[k + 1].lower_ in {"'s", "’s"}:
                continue  # "the alliance's commander": the possessor is not the noun
            found = kind(token.lower_)
            if found:
                return found
    return None


_ROMAN = frozenset({"II", "III", "IV", "V"})
_VERSION_WORDS = frozenset({"Block", "Mk", "Mk.", "Mark", "Batch", "Increment"})
# A model number after a maker's name: 2 to 4 digits, not a year.
_MODEL_NUMBER = re.compile(r"^(?!1[5-9]\d\d$|20\d\d$)\d{2,4}$")


def _extend_weapon_names(
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


def _hyphen_continuation(doc: Doc, end: int) -> int:
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


def _is_staff_in_office_title(doc: Doc, start: int, end: int) -> bool:
    """ "Chief of the [General Staff]": the body's name is part of an office's title."""
    if doc[start:end].text not in _STAFF_NAMES:
        return False
    k = start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    return k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in {"chief", "chiefs"}


def _platform_context(doc: Doc, i: int) -> bool:
    """A one-letter name stands where a platform does: "on X", "X's", "X, formerly"."""
    before = doc[i - 1].lower_ if i > 0 else ""
    after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    return before in {"on", "via"} or after in {"'s", "’s", "(", "formerly", "corp", "corp."}


def _merge_adjacent_weapons(
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


# A model name of one letter and a number: "[M4] carbines", "[K2] tanks", "[A400M] aircraft"
# (two letters and digits are mostly flights: "MH17 plane").
_ONE_LETTER_MODEL = re.compile(r"^[A-Z]\d{1,3}[A-Z]?\d?$")
_VARIANT_SUFFIX = re.compile(r"^[A-Z]{1,2}\d?$")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]{1,6}$")


def _defined_acronyms(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """An acronym defined in brackets after an ORG or a WEAPON is that name wherever it
    stands in the text.

    "the [National Liberation Army] ([ELN])", "[Lightweight Multirole Missiles] ([LMM])": the
    bracketed word, two to seven letters with at least two capitals, gets the name's label,
    and so does each later bare "ELN"; a model span that is exactly the acronym with another
    label is relabelled, other spans there are left alone.
    """
    n = len(doc)
    names: dict[str, str] = {}
    for _start, end, label, _ in entities:
        if (
            label in {"ORG", "WEAPON"}
            and end + 2 < n
            and doc[end].text == "("
            and doc[end + 2].text == ")"
            and _ACRONYM.match(doc[end + 1].text)
            and sum(c.isupper() for c in doc[end + 1].text) >= 2
        ):
            names.setdefault(doc[end + 1].text, label)
    if not names:
        return entities
    taken = [False] * n
    out = []
    for start, end, label, source in entities:
        if end - start == 1 and source == "model" and doc[start].text in names:
            label = names[doc[start].text]
        out.append((start, end, label, source))
        for k in range(start, end):
            taken[k] = True
    return out + [
        (k, k + 1, names[doc[k].text], "rule")
        for k in range(n)
        if doc[k].text in names and not taken[k]
    ]


def _is_ship_name(doc: Doc, start: int, end: int) -> bool:
    """A span that is or follows a ship prefix: "[USS Gravely]", "HMS [Diamond]"."""
    return doc[start].text in _SHIP_PREFIXES or (
        start > 0 and doc[start - 1].text in _SHIP_PREFIXES
    )


_DAYS_AND_MONTHS = _split(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December"""
)


def _complete_persons(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Model PERSON spans fixed at their ends: a surname the model left out is taken in
    ("[Maria Corina] Machado" -> "[Maria Corina Machado]"), a given name it called a body
    joins ("[Mahamat]ORG [Idriss Deby]" -> "[Mahamat Idriss Deby]"), a "person" holding a
    number is dropped ("Xue Long 2" is a ship) and one opening with a foreign article is a
    title of the press ("La Nación", "Le Monde")."""
    from annotator.nlp.labelmap import is_title_word

    n = len(doc)
    taken = [False] * (n + 1)
    single_before: dict[int, int] = {}
    for index, (start, end, label, source) in enumerate(entities):
        for k in range(start, end):
            taken[k] = True
        if end - start == 1 and source == "model" and label == "ORG" and doc[start].is_title:
            single_before[end] = index
    dropped: set[int] = set()
    out = []
    for start, end, label, source in entities:
        if label == "PERSON" and source == "model":
            if any(t.like_num for t in doc[start:end]):
                continue
            if end - start == 2 and doc[start].text in _FOREIGN_ARTICLES:
                label = "ORG"
            joined = single_before.get(start)
            if joined is not None and doc[start - 1].whitespace_ and end - start >= 2:
                dropped.add(joined)
                start -= 1
            if (
                end < n
                and doc[end].is_title
                and doc[end].is_alpha
                and not taken[end]
                and doc[end - 1].whitespace_
                and not is_title_word(doc[end].text)
                and doc[end].text not in _DAYS_AND_MONTHS
                and doc[end].text not in _BODY_HEADS
                and doc[end].lower_ not in _ORG_WORDS_LOWER
                and not (end + 1 < n and doc[end + 1].is_title)
            ):
                end += 1
        out.append((start, end, label, source))
    if dropped:
        kept = [e for i, e in enumerate(entities) if i in dropped]
        out = [e for e in out if e not in kept]
    return out


def _given_name_persons(
    doc: Doc, entities: list[tuple[int, int, str, str]], given: GivenNames
) -> list[tuple[int, int, str, str]]:
    """PERSON for a capitalised two- or three-word name that opens with a given name.

    A model ORG that is such a name becomes a PERSON ("[Gareth Davies]", "[Oleksandr
    Syrskyi]"); a model ORG that runs into one keeps its body and loses the name ("State for
    Defence Procurement [Stephen Fuhr]"); and such a name no span covers is a PERSON
    ("Chief of the General Staff [Valery Gerasimov]"). Names with a body's word in them or
    before a place noun are left alone ("Jean Monnet Foundation").
    """
    if not len(given):
        return entities
    tokens = list(doc)
    n = len(tokens)

    def name_end(k: int) -> int:
        """End of the name opening with a given name at ``k``, or ``k`` when there is none."""
        if k >= n or tokens[k].text not in given:
            return k
        end = k + 1
        while end < n and end - k < 3 and tokens[end].is_title and tokens[end].is_alpha:
            end += 1
        if end - k < 2 or (end < n and tokens[end].is_title and tokens[end].is_alpha):
            return k
        words = tokens[k:end]
        if any(
            t.text in _BODY_HEADS
            or t.lower_ in _ORG_WORDS_LOWER
            or t.text in _DAYS_AND_MONTHS
            or t.text in _PLACE_WORDS
            for t in words
        ):
            return k  # "Jean Monnet Foundation", "Khalid Air Base"
        if end < n and tokens[end].is_lower and tokens[end].lower_ in _PLACE_NOUNS:
            return k
        return end

    owner = [-1] * n
    out = list(entities)
    for index, (start, end, _, _) in enumerate(out):
        for k in range(start, end):
            owner[k] = index
    found: list[tuple[int, int, str, str]] = []
    for index, (start, end, label, source) in enumerate(entities):
        if label != "ORG" or source != "model":
            continue
        if name_end(start) == end:
            out[index] = (start, end, "PERSON", source)
        elif end - start >= 4 and name_end(end - 2) == end:
            out[index] = (start, end - 2, label, source)
            found.append((end - 2, end, "PERSON", source))
    k = 0
    while k < n:
        end = name_end(k)
        if end > k and all(owner[m] == -1 for m in range(k, end)):
            found.append((k, end, "PERSON", "rule"))
            k = end
        else:
            k += 1
    return out + found


# Capitalised words that make a name a place: "Khalid Air Base", "Bandar Abbas Port".
_PLACE_WORDS = _split(
    """Base Airbase Airfield Station Airport Street Square Bridge Port Island Islands Valley
    River Mountain Mountains Province Region District City Town Village Camp Prison Stadium
    Hospital Palace Hotel Tower Road Avenue Park Lake Bay Sea Gulf Strait Canal Dam Air"""
)
_FOREIGN_ARTICLES = frozenset({"La", "Le", "Les", "El", "Los", "Las", "Il", "Die", "Der", "Das"})
_NAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "du", "da", "dos", "al", "el", "bin", "ibn", "la", "le"}
)


def _surname_mentions(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """PERSON for each later mention of a full name's surname: "[Javier Milei] ... [Milei]
    said", "[Sophie Van den Broeck] ... [Van den Broeck]". A one-word model span of another
    label there is relabelled (the model often calls a lone surname ORG); gazetteer and rule
    spans are left alone."""
    tokens = list(doc)
    n = len(tokens)
    surnames: set[tuple[str, ...]] = set()
    for start, end, label, _ in entities:
        if label != "PERSON" or end - start < 2:
            continue
        first = end - 1
        while first - 1 > start and (
            tokens[first - 1].lower_ in _NAME_PARTICLES
            or (tokens[first - 1].text == "-" and not tokens[first - 1].whitespace_)
        ):
            first -= 1
        words = tuple(t.text for t in tokens[first:end])
        if words[-1][:1].isupper() and words[-1].isalpha() and len(words[-1]) > 2:
            surnames.add(words)
            if len(words) > 1:
                surnames.add(words[-1:])
    if not surnames:
        return entities
    owner = [-1] * n
    for index, (start, end, _, _) in enumerate(entities):
        for k in range(start, end):
            owner[k] = index
    out = list(entities)
    found: list[tuple[int, int, str, str]] = []
    longest = max(len(words) for words in surnames)
    k = 0
    while k < n:
        for size in range(longest, 0, -1):
            words = tuple(t.text for t in tokens[k : k + size])
            if len(words) != size or words not in surnames:
                continue
            if (
                k > 0
                and tokens[k - 1].is_title
                and tokens[k - 1].is_alpha
                and owner[k - 1] == -1
                and not _opens_sentence(doc, k - 1)
            ):
                break  # part of a longer name the model missed: leave it
            owners = {owner[m] for m in range(k, k + size)}
            inside = owners - {-1}
            if owners == {-1}:
                found.append((k, k + size, "PERSON", "rule"))
            elif size > 1 and all(
                out[i][2] == "PERSON"
                and out[i][3] == "model"
                and k <= out[i][0]
                and out[i][1] <= k + size
                for i in inside
            ):
                for i in inside:  # "Van den [Broeck]" -> "[Van den Broeck]"
                    out[i] = (0, 0, "", "")
                found.append((k, k + size, "PERSON", "rule"))
            elif len(owners) == 1:
                index = owners.pop()
                start, end, label, source = out[index]
                if (start, end) == (k, k + size) and source == "model" and label != "PERSON":
                    out[index] = (start, end, "PERSON", "model")
            k += size - 1
            break
        k += 1
    return [e for e in out if e[2]] + found


def _single_word_persons(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Drop one-word model PERSONs that are neither a known name's part nor after a title.

    News gives a person's full name first and the surname after ("[Shoigu] met ..."); a lone
    capitalised word the model calls a person with neither is mostly a place, a people or a
    sentence-opening noun ("Galilee", "Tuareg", "Sirens").
    """
    from annotator.nlp.labelmap import is_title_word

    names = {
        doc[k].lower_
        for start, end, label, _ in entities
        if label == "PERSON" and end - start > 1
        for k in range(start, end)
    }
    kept = []
    for entity in entities:
        start, end, label, source = entity
        if (
            label == "PERSON"
            and source == "model"
            and end - start == 1
            and doc[start].lower_ not in names
            and not (start > 0 and is_title_word(doc[start - 1].text))
        ):
            continue
        kept.append(entity)
    return kept


# Capitalised last words that make a run of capitalised words a body's name: "[Sirius Dog
# Sled Patrol]", "[Gang Suppression Force]", "[Sinaloa Cartel]", "[Kosovo Police]".
_BODY_HEADS = _split(
    """Force Forces Police Army Navy Patrol Cartel Command Agency Ministry Council Party Front
    Brigade Brigades Battalion Regiment Division Corps Fleet Guard Guards Institute University
    Initiative Group Company Corporation Authority Commission Committee Office Bureau Service
    Directorate Secretariat Network Movement Alliance Coalition Union Federation Association
    Foundation Centre Center Court Assembly Parliament Community Organisation Organization
    Bank Fund Mission Industries Systems Aerospace Shipyard Shipbuilding Airlines Gendarmerie
    Militia Cabinet Senate Congress Legion Squadron Wing Gas Oil Energy Petroleum Motors
    Airways Electric Steel Shipping Telecom Labs Technologies Robotics Aviation"""
)


def _named_bodies(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """ORG for a run of capitalised words ending in a body's word that no span covers, and an
    ORG the model cut short before such words grown to them ("[Asia Maritime] Transparency
    Initiative" -> "[Asia Maritime Transparency Initiative]"); see ``_capitalised_runs``."""
    return _capitalised_runs(doc, entities, _BODY_HEADS, "ORG")


# Capitalised last words that make a run of capitalised words a weapon's name: "[Glide Phase
# Interceptor]", "[Precision Strike Missile]", "[Tomahawk Land Attack Missile]".
_SYSTEM_NAME_HEADS = _split(
    """Missile Missiles Interceptor Interceptors Bomb Bombs Rocket Rockets Torpedo Torpedoes
    Howitzer Howitzers Launcher Launchers"""
)
# Capitalised words that open no name: determiners, days, months, number words.
_RUN_STOPPERS = (
    _split(
        """The A An This That These Those Its Their His Her Our Some Many Several Both All Most No
    Two Three Four Five Six Seven Eight Nine Ten Dozens Hundreds"""
    )
    | _DAYS_AND_MONTHS
)


def _named_systems(
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
    tokens = list(doc)  # indexing a list is far cheaper than Doc.__getitem__
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
                if other[2] in _PLACE_LABELS | {"NORP"} and other[1] - other[0] <= 2:
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
        if _sentence_start_word(doc, j) and tokens[j].lower_ in _COMMON_OPENERS:
            continue
        if (
            label == "WEAPON"
            and k - j < 2
            and all(t.lower_ in _WEAPON_MODIFIERS for t in doc[j:k] if t.is_alpha)
        ):
            continue  # "a Cruise Missile": generic words in capitals
        if any(
            owner[m] != -1 and out[owner[m]][2] not in _PLACE_LABELS | {"NORP"}
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


def _known_as(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """A name after "known as" takes the label of the entity it renames: "[Mohamed Hamdan
    Dagalo], known as [Hemedti]"; "the [GRU], also known as [APT28] or [Fancy Bear]". A model
    PERSON/ORG that is exactly the alias is relabelled; other spans there are left alone."""
    tokens = list(doc)  # indexing a list is far cheaper than Doc.__getitem__
    n = len(doc)
    taken = [False] * n
    ends: dict[int, str] = {}
    exact: dict[tuple[int, int], int] = {}
    for index, (start, end, label, source) in enumerate(entities):
        ends[end] = label
        if source == "model" and label in {"PERSON", "ORG"}:
            exact[(start, end)] = index
        for k in range(start, end):
            taken[k] = True
    out = list(entities)
    found: list[tuple[int, int, str, str]] = []
    for k in range(1, n - 1):
        if tokens[k].lower_ != "known" or tokens[k + 1].lower_ != "as":
            continue
        before = k - 1
        while before > 0 and tokens[before].lower_ in {",", "also", "(", "widely", "better"}:
            before -= 1
        renamed = ends.get(before + 1)
        if renamed not in {"PERSON", "ORG"}:
            continue
        j = k + 2
        while j < n:  # one name, or several joined by "or"/"and"
            end = j
            while end < n and end - j < 4 and _is_alias_word(tokens[end]):
                end += 1
            if end == j:
                break
            plural = tokens[j].text in {"Los", "Las", "Les", "The"}  # "the sons of X, known as
            # Los Chapitos" renames a group, not the person
            if renamed == "PERSON" and plural:
                pass
            elif (j, end) in exact:
                out[exact[(j, end)]] = (j, end, renamed, "model")
            elif not any(taken[m] for m in range(j, end)):
                found.append((j, end, renamed, "rule"))
            if end + 1 < n and tokens[end].lower_ in {"or", "and"}:
                j = end + 1
                continue
            break
    return out + found


def _is_alias_word(token: Token) -> bool:
    """A word of a name or alias: "Hemedti", "APT28", "Fancy", not "the" or a comma."""
    return token.text[:1].isupper() and (token.is_alpha or token.text.isalnum())


def _ranked_names(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """PERSON for two or three capitalised words after a rank the model left unlabelled.

    "Lieutenant Colonel [Nadav Shoshani] said": capitalised titles holding a rank, then a
    name of two or three words that no entity covers, none of them a body's word. A role
    written in lower case does as well as a rank: "chief executive [Mehmet Demiroglu]".
    """
    tokens = list(doc)  # indexing a list is far cheaper than Doc.__getitem__
    from annotator.nlp.labelmap import is_title_word

    taken = [False] * (len(doc) + 1)
    for start, end, _, _ in entities:
        for k in range(start, end):
            taken[k] = True
    found: list[tuple[int, int, str, str]] = []
    n = len(doc)
    k = 0
    while k < n:
        ranked = tokens[k].is_title and tokens[k].lower_.rstrip(".") in _PERSON_RANKS
        role = tokens[k].is_lower and tokens[k].lower_ in _PERSON_NOUNS
        if not (ranked or role):
            k += 1
            continue
        j = k + 1 if role else k
        while j < n and not tokens[j].is_lower and is_title_word(tokens[j].text):
            j += 1
        end = j
        while end < n and end - j < 3 and tokens[end].is_title and tokens[end].is_alpha:
            end += 1
        words = doc[j:end]
        if (
            2 <= end - j <= 3
            and not any(taken[m] for m in range(j, end))
            and not any(t.lower_ in _ORG_WORDS_LOWER or is_title_word(t.text) for t in words)
            and (end == n or not tokens[end].is_title)
        ):
            found.append((j, end, "PERSON", "rule"))
        k = max(end, k + 1)
    return found


def _against_patterns(
    doc: Doc,
    model: tuple[int, int, str],
    patterns: list[tuple[int, int, str, str]],
    project: set[str],
) -> tuple[int, int, str] | None:
    """The model span as the pattern-wins rule leaves it, or None when it is dropped.

    A model span strictly containing a pattern span of its own label, or of a label the
    project lacks, stands ("[U.S. European Command]", "[Hanwha Aerospace]"). A model span
    with a pattern of another project label inside is cut back before it ("[Royal Air Force]
    Typhoon"). Any other overlap drops the model span.
    """
    start, end, label = model
    for p_start, p_end, p_label, _ in patterns:
        if p_end <= start or p_start >= end:
            continue
        inside = start <= p_start and p_end <= end and (p_start, p_end) != (start, end)
        if inside and (p_label == label or p_label not in project):
            continue
        if (
            inside
            and label == "PERSON"
            and p_label == "WEAPON"
            and p_end == end
            and p_end - p_start == 1
            and all(t.is_title and t.is_alpha for t in doc[start:end])
        ):
            continue  # "[Selcuk Bayraktar]": a family name that is also a drone's
        if inside and p_start > start:
            fixed = fix_span(doc, start, p_start, label)
            if fixed is None:
                return None
            start, end, label = fixed
            continue
        return None
    if any(
        (p_start, p_end) == (start, end) and p_label not in project
        for p_start, p_end, p_label, _ in patterns
    ):
        return None  # cut back to a nationality or a place: "[Turkish] Kaan fighter jets"
    return start, end, label


def _longest_first(
    spans: Iterable[tuple[int, int, str]], source: str
) -> list[tuple[int, int, str, str]]:
    """Non-overlapping subset: longest first, then earliest (spaCy's ``filter_spans`` rule)."""
    kept: list[tuple[int, int, str, str]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= k[0] or start >= k[1] for k in kept):
            kept.append((start, end, label, source))
    return kept


def _longest_first_keep_order(
    spans: list[tuple[int, int, str, str]],
) -> list[tuple[int, int, str, str]]:
    """Like ``_longest_first`` but an earlier entry (pattern-seeded) beats a later one."""
    kept: list[tuple[int, int, str, str]] = []
    order = {id(s): i for i, s in enumerate(spans)}
    for span in sorted(spans, key=lambda s: (order[id(s)] > 0 and s[3] != "pattern", s[0] - s[1])):
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return kept


def suggest_everywhere_pattern(text: str, label: str) -> dict[str, Any]:
    """A pattern that suggests ``label`` wherever ``text`` occurs (case-insensitive phrase).

    Whitespace inside the text is normalised to single spaces, as the tokenizer ignores it.
    Raises PatternError for an empty text or label.
    """
    phrase = " ".join(text.split())
    slug = re.sub(r"[^0-9a-z]+", "-", phrase.lower()).strip("-") or "pattern"
    return validate_pattern(
        {"label": label, "pattern": phrase, "id": f"project:{slug}"}, f"pattern for {text!r}"
    )

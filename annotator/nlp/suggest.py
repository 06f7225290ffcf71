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
weapon designations (with a prefix the gazetteer's own designations use, or a weapon noun after
them: "Su-30MK2", "[K-8] jet", never "H-1B visas"), ship classes ("[Virginia-class]"), and a
capitalised name right before a weapon noun ("[Spike] missiles", "the [Boxer] armoured vehicle";
nationality words, bodies' words and lone acronyms excluded). After the model: a span that is or
follows a ship prefix is dropped ("USS Gravely" is a vessel); a one-word model PERSON stands
only as part of a full name found in the text or after a title ("Sirens", "Galilee" go; a
project whose accepted documents show this wrong for its text lifts it for its trained model:
``rule_lifts``); two or three capitalised words after a rank the model left bare are a PERSON
("Lieutenant Colonel [Nadav Shoshani]"). The shipped NORP list (demonyms.jsonl) vetoes "Houthi",
"Tuareg" and the like the same way the place lists do (places.jsonl and the generated
world_places.jsonl). Context rules (v4): a model PERSON/ORG of one or two capitalised words
before a place noun ("Arauca province") or of one word after "near"/"off" is a place and
dropped, as is a lone "Army"/"Cabinet"; pattern ORG matches written all in lower case ("coast
guard") are dropped; a name both a body and a weapon ("Fatah", "Qassam") is the weapon before a
weapon noun; a WEAPON runs on through "Block 70", a "-M2E" variant, a Roman numeral or
capitalised words before a weapon noun ("A-29 Super Tucano"); a maker and a model number before
a weapon noun are a WEAPON ("Dornier 228"). v5: a one- or two-word model PERSON/ORG kept in a
place's company is a place ("Kurram and [Bajaur]", "the state of [Sinaloa]", "[Kastellorizo], a
tiny island", "at [Amari] in Estonia", "from Tumangang to [Khasan]"), and then so is every
model PERSON/ORG of the same text in the document; a model ORG that is a base ("Misawa Air
Base"), holds a comma or is a lone direction word ("Western") is dropped.

The rules live in their own modules, and ``spans_from_doc`` here runs them in order:
``rules_people`` (speakers, appositions, full names, surnames, ranks, aliases),
``rules_places`` (places, datelines, ships, names of no body), ``rules_names`` (bodies' and
systems' names), ``rules_weapons`` (designations, names before a weapon noun,
variants), with the word lists they share in ``rules_words``. Last come the known names
(``train.known_names``) and the short names the text defines for its names, "Caldera Optronics,
Inc. ("Caldera")" and "the Serious Fraud Office (SFO)" (``defined_names``), wherever they recur.

Sources and scores: ``source="pattern"`` for gazetteer matches, ``source="rule"`` for the
shape and context rules above, both scored with their prior precision
(``core.confidence.PRIORS``; a project replaces it with the precision its annotators' answers
show when suggestions are read); ``source="model"`` for model spans, scored with the span's
probability under the entity recognizer's own greedy parse (``nlp.confidence.greedy``;
``scorer="beam"``: under a beam search, ``nlp.confidence.beam``; see
``nlp.confidence.scores``; the entities themselves stay the greedy recognizer's).
``confidence=False`` leaves the scorer out (model scores None).

A ``Suggester`` owns its ``nlp``; never share one between threads: make one per worker.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from annotator.core.bulk import gc_paused
from annotator.core.confidence import SourcePrecision
from annotator.core.limits import MAX_TEXT_CHARS
from annotator.core.model import Span, SpanState
from annotator.nlp.confidence.beam import BEAM_TEMPERATURE, BEAM_WIDTH
from annotator.nlp.confidence.scores import (
    DEFAULT_SCORER,
    ScoredEntities,
    add_model_scores,
    scorer_tag,
)
from annotator.nlp.defined_names import defined_names
from annotator.nlp.entity_edges import trimmed_entities
from annotator.nlp.labelmap import (
    COMPANY_SUFFIXES,
    LabelMap,
    first_number,
    fix_span,
    is_company_form_after_comma,
    is_rate,
    quantity_span,
)
from annotator.nlp.names import GivenNames, given_names
from annotator.nlp.overlaps import SpanIndex
from annotator.nlp.patterns import (
    Pattern,
    load_patterns,
    patterns_fingerprint,
    validate_pattern,
    with_weapon_plurals,
)
from annotator.nlp.pipeline import AUTO, PipelineInfo, load_for_ner, pipeline_info
from annotator.nlp.rule_lifts import COMMA_ORG, LONE_BODY, LONE_PERSON, checked_lifts
from annotator.nlp.rules_names import (
    hyphen_continuation,
    is_staff_in_office_title,
    named_bodies,
    named_systems,
    platform_context,
)
from annotator.nlp.rules_people import (
    apposition_label,
    complete_persons,
    given_name_persons,
    known_as,
    ranked_names,
    single_word_persons,
    speaker_labels,
    surname_mentions,
)
from annotator.nlp.rules_places import (
    is_dateline,
    is_no_body,
    is_place_by_company,
    is_place_by_context,
    is_ship_name,
)
from annotator.nlp.rules_weapons import (
    designation_prefixes,
    designations,
    dual_weapon_names,
    extend_weapon_names,
    merge_adjacent_weapons,
    named_before_weapon_noun,
)
from annotator.nlp.rules_words import PLACE_LABELS
from annotator.nlp.tokens import TokenIndex

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from annotator.nlp.train.known_names import KnownNames

__all__ = [
    "PATTERNS_KEY",
    "RULES_VERSION",
    "SpanSource",
    "Suggester",
    "fitting",
    "pipe_texts",
    "suggest_everywhere_pattern",
    "token_index",
]

#: ``doc.spans`` key under which the pattern matches are stored.
PATTERNS_KEY = "annotator_patterns"
#: The pattern rulers a pipeline holds: their names and the fingerprint of their patterns. A
#: second suggester over the same pipeline with the same patterns keeps them instead of
#: tokenizing and indexing ~17,000 patterns again (training builds two per model it scores:
#: with and without the model's own weapons).
_RULERS_BUILT: weakref.WeakKeyDictionary[Language, tuple[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)
#: Bump when the rules in labelmap.py, rules_*.py, entity_edges.py or here change what is
#: suggested (it enters ``version``).
RULES_VERSION = "6.14"
# Labels whose tokens may sit inside a QUANTITY ("2,000 [US] troops"): nationality-like words.
_INSIDE_QUANTITY_OK = frozenset({"GPE", "LOC", "NORP"})
# Capitalised adjectives that belong to the name of the body after them.
_ORG_ADJECTIVES = frozenset({"Federal", "Royal", "Imperial", "Presidential", "Joint"})
# Country abbreviations that belong to the name of the body after them.
_ORG_PREFIXES = frozenset({"US", "U.S.", "UK", "U.K.", "UN", "U.N."})
# Rule and pattern spans are scored with their prior precision (no history here).
_PRIOR_PRECISION = SourcePrecision()


def fitting(nlp: Language, text: str) -> str:
    """``text``, or "" (no suggestions) when it is longer than the model takes: a document an
    older version imported above today's limit gets none rather than failing every batch
    (spaCy's E088)."""
    return text if len(text) <= nlp.max_length else ""


def pipe_texts(
    nlp: Language, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
) -> Iterator[tuple[Doc, str]]:
    """``nlp.pipe`` over the texts (each as ``fitting`` leaves it), each doc with its text;
    lazily, batch by batch. The text rides along: ``doc.text`` is slow to rebuild."""
    pairs = ((fitting(nlp, text), text) for text in texts)
    yield from nlp.pipe(pairs, batch_size=batch_size, n_process=n_process, as_tuples=True)


def token_index(nlp: Language, doc: Doc, text: str) -> TokenIndex:
    """The tokens of ``text`` read from its processed ``doc``, with no second tokenization
    (a text too long for the model, whose doc is empty, is tokenized on its own)."""
    return TokenIndex.from_doc(doc if fitting(nlp, text) else nlp.tokenizer(text), text)


class SpanSource(Protocol):
    """What suggests for a project: the untrained ``Suggester`` or a trained model's
    ``train.sources.LearnedSuggester``."""

    version: str
    labels: tuple[str, ...]
    nlp: Language
    info: PipelineInfo
    skipped_patterns: list[str]  # invalid project patterns left out, as messages

    def suggest(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Span]]: ...

    def suggest_one(self, text: str) -> list[Span]: ...

    def suggest_indexed(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[tuple[list[Span], TokenIndex]]: ...


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
        confidence: bool = True,
        scorer: str = DEFAULT_SCORER,
        beam_width: int = BEAM_WIDTH,
        beam_temperature: float = BEAM_TEMPERATURE,
        lifted: Iterable[str] = (),
        weights: str = "",
        known: KnownNames | None = None,
        quantities_by_model: bool = False,
    ) -> None:
        self.labels = tuple(labels)
        # A trained model's own QUANTITY entities decide which numbers are quantities (the
        # rules still draw their bounds): ``train.model_rules``.
        self.quantities_by_model = quantities_by_model
        # Whose entity weights ``nlp`` holds when they are not the pipeline's own (the start
        # model's, ``train.default``): part of ``version``, so caches follow them.
        self.weights = weights
        # Rules a project's accepted documents showed wrong for its text (``rule_lifts``).
        self.lifted = frozenset(checked_lifts(lifted))
        if isinstance(label_map, LabelMap):
            self.label_map = label_map
        else:
            self.label_map = LabelMap(self.labels, label_map or {})
        # Patterns of labels the project lacks are kept: they veto model mistakes ("Kyiv" is
        # no PERSON) and are never suggested themselves.
        # Invalid project patterns (stored before they were checked at entry) are skipped and
        # listed here: one bad pattern must not stop every suggestion.
        self.skipped_patterns: list[str] = []
        self.patterns: list[Pattern] = load_patterns(
            pattern_files,
            extra_patterns,
            include_shipped=include_shipped_patterns,
            skipped=self.skipped_patterns,
        )
        self.info = pipeline_info(pipeline)
        self.nlp = nlp if nlp is not None else load_for_ner(pipeline)
        # Deliberately the import limit: every text a project or an input file can hold runs.
        self.nlp.max_length = max(self.nlp.max_length, MAX_TEXT_CHARS)
        self._quantity_label = self.label_map.quantity_label
        self._weapon_prefixes = designation_prefixes(self.patterns)
        self._given_names = given_names() if include_shipped_patterns else GivenNames(frozenset())
        patterns_digest = patterns_fingerprint(self.patterns)
        self._add_ruler(patterns_digest)
        self.scored = (
            add_model_scores(self.nlp, scorer, beam_width, beam_temperature)
            if confidence
            else False
        )
        # Names known before any training (the start model's, ``train.start_names``), filled
        # in where the rules suggest nothing; part of ``version``.
        self.known = known if known is not None and known.labels else None
        self._known_matcher = self.known.matcher(self.nlp) if self.known is not None else None
        digest = hashlib.sha1(
            "\n".join(
                (
                    patterns_digest,
                    self._given_names.fingerprint,
                    self.label_map.describe(),
                    RULES_VERSION,
                    scorer_tag(scorer, beam_width, beam_temperature) if self.scored else "",
                    *(["lifted " + " ".join(sorted(self.lifted))] if self.lifted else []),
                    *(["weights " + weights] if weights else []),
                    *([self.known.fingerprint()] if self.known is not None else []),
                    *(["quantities by model"] if quantities_by_model else []),
                )
            ).encode("utf-8")
        ).hexdigest()
        self.version = f"{self.info.name}-{self.info.version}+{digest[:8]}"

    def _add_ruler(self, patterns_digest: str) -> None:
        """Two span rulers: case-insensitive phrases plus token patterns, exact-case words.

        A one-token ``[{"ORTH": "Patriot"}]`` pattern goes to a phrase matcher on ORTH: the
        token Matcher checks every pattern at every token and costs as much as NER itself
        with a few hundred of them, a phrase matcher is a hash lookup. Rulers this pipeline
        already holds for the same patterns (``patterns_digest``) are kept.
        """
        built = _RULERS_BUILT.get(self.nlp)
        if (
            built is not None
            and built[0] == patterns_digest
            and all(name in self.nlp.pipe_names for name in built[1])
        ):
            return
        exact, other = [], []
        for pattern in with_weapon_plurals(self.patterns):
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
        added: list[str] = []
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
            added.append(name)
        _RULERS_BUILT[self.nlp] = (patterns_digest, tuple(added))

    # ---- running ----------------------------------------------------------------------------

    def suggest(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Span]]:
        """One list of suggested spans per text, in order; lazily, batch by batch. A text too
        long for the model gets none."""
        for doc, text in pipe_texts(self.nlp, texts, batch_size, n_process):
            yield self.spans_from_doc(doc, fitting(self.nlp, text))

    def suggest_indexed(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[tuple[list[Span], TokenIndex]]:
        """``suggest``, each list with its text's tokens."""
        for doc, text in pipe_texts(self.nlp, texts, batch_size, n_process):
            yield (
                self.spans_from_doc(doc, fitting(self.nlp, text)),
                token_index(self.nlp, doc, text),
            )

    def suggest_one(self, text: str) -> list[Span]:
        """Suggestions for a single text."""
        text = fitting(self.nlp, text)
        return self.spans_from_doc(self.nlp(text), text)

    def spans_from_doc(
        self, doc: Doc, text: str | None = None, *, lifted: frozenset[str] | None = None
    ) -> list[Span]:
        """Combine the model's entities and the pattern matches of a processed ``doc``.

        ``text`` is ``doc.text`` when the caller has it at hand (rebuilding it costs).
        ``lifted``: the rules to lift for this call instead of the suggester's own
        (``rule_lifts``; training weighs them).
        The rules make many short-lived tuples and no cycles: the cyclic collector, paused,
        would only walk them (a fifth of the time on a document with 10,000 mentions).
        """
        with gc_paused():
            spans = self._spans_from_doc(doc, text, self.lifted if lifted is None else lifted)
        if self.known is not None and self._known_matcher is not None:
            spans = self.known.fill(doc, spans, self._known_matcher, self.labels)
        return defined_names(doc, spans, self.labels, self._quantity_label)

    def _spans_from_doc(self, doc: Doc, text: str | None, lifted: frozenset[str]) -> list[Span]:
        quantity = self._quantity_label
        ents = trimmed_entities(doc, doc.ents)  # each doc.ents builds every entity Span anew
        scores = ScoredEntities(doc, self.scored_label)
        label_map = self.label_map
        # 1. Pattern spans: entity patterns (longest first) and QUANTITY seeds.
        pattern_spans: list[tuple[int, int, str]] = []
        quantity_seeds: list[tuple[int, str]] = []
        for span in doc.spans.get(PATTERNS_KEY, ()):
            if span.label_ == quantity:
                quantity_seeds.append((span.start, "pattern"))
            elif span.label_ in {"PERSON", "ORG"} and not any(c.isupper() for c in span.text):
                continue  # "coast guard" matched by "Coast Guard": a description, no name
            elif len(span.text) == 1 and not platform_context(doc, span.start):
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
            *speaker_labels(doc, text),
            *designations(doc, text, self._weapon_prefixes),
            *named_before_weapon_noun(doc, covered),
        ]
        # A rule span stands where no pattern span nor an earlier rule span is.
        standing = SpanIndex(entities)
        for start, end, label in rule_spans:
            if not standing.overlaps(start, end):
                standing.add((start, end, label, "rule"))
        entities = list(standing)
        project = set(self.labels)
        # Tokens of places (model GPE/LOC, place patterns): context for the model's PERSON/ORG.
        places = [False] * len(doc)
        for start, end, label in (
            *((e.start, e.end, e.label_) for e in ents),
            *((e[0], e[1], e[2]) for e in entities),
        ):
            if label in PLACE_LABELS:
                for k in range(start, end):
                    places[k] = True
        # 2. Model spans: mapped, fixed up, dropped where a pattern span overlaps them.
        place_names: set[str] = set()
        index = SpanIndex(entities)
        for ent in ents:
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
            if target in {"PERSON", "ORG"} and is_ship_name(doc, ent.start, ent.end):
                continue  # "USS Gravely", "HMS Diamond": one vessel, neither a person nor a body
            if target in {"PERSON", "ORG"} and (
                is_place_by_context(doc, ent.start, ent.end, target, LONE_BODY not in lifted)
                or is_place_by_company(doc, ent.start, ent.end, places)
            ):
                place_names.add(ent.text)
                continue  # "Arauca province", "near Chipwi", "Kurram and Bajaur", "the Army"
            if target == "ORG" and is_no_body(doc, ent.start, ent.end, COMMA_ORG not in lifted):
                continue  # "Misawa Air Base", "Lesbos, Chios", a lone "North"
            if target in {"PERSON", "ORG"}:
                target = apposition_label(doc, ent.start, ent.end) or target
            fixed = fix_span(doc, ent.start, ent.end, target)
            if fixed is not None:
                fixed = _against_patterns(doc, fixed, index, project)
            if fixed is not None:
                # Pattern spans inside a model span that stands give way to it.
                for n in index.overlapping(fixed[0], fixed[1]):
                    if index[n][3] != "model":
                        index.remove(n)
                index.add((*fixed, "model"))
        entities = list(index)
        if place_names:
            # A name its context showed to be a place once is that place everywhere in the text.
            entities = [
                e
                for e in entities
                if e[3] != "model"
                or e[2] not in {"PERSON", "ORG"}
                or doc[e[0] : e[1]].text not in place_names
            ]
        entities = complete_persons(doc, entities)
        if LONE_PERSON not in lifted:
            entities = single_word_persons(doc, entities, self._given_names)
        entities = surname_mentions(doc, given_name_persons(doc, entities, self._given_names))
        entities = dual_weapon_names(doc, entities)
        entities = merge_adjacent_weapons(doc, extend_weapon_names(doc, entities))
        entities.extend(ranked_names(doc, entities))
        entities = known_as(doc, entities)
        entities = named_systems(doc, named_bodies(doc, entities))
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
            if self.quantities_by_model:
                read = SpanIndex(
                    [(e.start, e.end, quantity, "model") for e in ents if e.label_ == quantity]
                )
                kept = [k for k in kept if read.overlaps(k[0], k[1])]
            # A QUANTITY swallows a nationality-like entity inside it ("2,000 [US] troops").
            swallowing = SpanIndex(kept)
            entities = [e for e in entities if not swallowing.overlaps(e[0], e[1])]
            entities.extend(kept)
        result = []
        starts = {e[0] for e in entities}
        # A company form the model read as a name of its own ("Halcyon Systems, [LLC]")
        # belongs to the name before it.
        forms = {
            e[0]
            for e in entities
            if e[1] == e[0] + 1 and e[0] > 0 and is_company_form_after_comma(doc, e[0] - 1)
        }
        starts -= forms
        for start, end, label, source in sorted(entities):
            if label not in project or (start in forms and end == start + 1):
                continue
            if start > 0 and label == "ORG" and doc[start - 1].text in _ORG_PREFIXES:
                start -= 1  # "[UK Ministry of Defence]", "[U.S. Army]"
            elif start > 0 and label == "ORG" and doc[start - 1].text in _ORG_ADJECTIVES:
                start -= 1  # "[Federal Ministry of Defence]", "[Royal Navy]"
            if label == "ORG":
                while end < len(doc) and end not in starts:
                    if doc[end].text in COMPANY_SUFFIXES and doc[end - 1].whitespace_:
                        end += 1  # "[General Dynamics Corp.]", "[BAE Systems plc]"
                    elif is_company_form_after_comma(doc, end) and end + 1 not in starts:
                        end += 2  # "[Halcyon Systems, LLC]", "[Hanwha Aerospace Co., Ltd.]"
                    else:
                        break
                end = hyphen_continuation(doc, end)
                if is_staff_in_office_title(doc, start, end):
                    continue  # "Chief of the General Staff" is an office, no body
            if is_dateline(doc, start, end):
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
            if source == "model":
                score = scores.probability(start, end, label)
            else:
                score = _PRIOR_PRECISION.of(source, label)
            result.append(
                Span(
                    span.start_char,
                    span.end_char,
                    label,
                    state=SpanState.SUGGESTED,
                    source=source,
                    score=score,
                )
            )
        return result

    def scored_label(self, pipeline_label: str) -> str | None:
        """The project label a scored candidate's pipeline label stands for (None: its own)."""
        return self.label_map.target(pipeline_label)


def _against_patterns(
    doc: Doc,
    model: tuple[int, int, str],
    patterns: SpanIndex[tuple[int, int, str, str]],
    project: set[str],
) -> tuple[int, int, str] | None:
    """The model span as the pattern-wins rule leaves it, or None when it is dropped.

    A model span strictly containing a pattern span of its own label, or of a label the
    project lacks, stands ("[U.S. European Command]", "[Hanwha Aerospace]"). A model span
    with a pattern of another project label inside is cut back before it ("[Royal Air Force]
    Typhoon"). Any other overlap drops the model span. Spans are taken in their order, and
    after a cut back only those after the one that cut it are looked at.
    """
    start, end, label = model
    candidates = patterns.overlapping(start, end)
    i = 0
    while i < len(candidates):
        number = candidates[i]
        i += 1
        p_start, p_end, p_label, _ = patterns[number]
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
            candidates, i = patterns.overlapping(start, end, after=number), 0
            continue
        return None
    if any(
        (patterns[n][0], patterns[n][1]) == (start, end) and patterns[n][2] not in project
        for n in patterns.overlapping(start, end)
    ):
        return None  # cut back to a nationality or a place: "[Turkish] Kaan fighter jets"
    return start, end, label


def _longest_first(
    spans: Iterable[tuple[int, int, str]], source: str
) -> list[tuple[int, int, str, str]]:
    """Non-overlapping subset: longest first, then earliest (spaCy's ``filter_spans`` rule)."""
    kept: SpanIndex[tuple[int, int, str, str]] = SpanIndex()
    for start, end, label in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if not kept.overlaps(start, end):
            kept.add((start, end, label, source))
    return list(kept)


def _longest_first_keep_order(
    spans: list[tuple[int, int, str, str]],
) -> list[tuple[int, int, str, str]]:
    """Like ``_longest_first`` but an earlier entry (pattern-seeded) beats a later one."""
    kept: SpanIndex[tuple[int, int, str, str]] = SpanIndex()
    order = {id(s): i for i, s in enumerate(spans)}
    for span in sorted(spans, key=lambda s: (order[id(s)] > 0 and s[3] != "pattern", s[0] - s[1])):
        if not kept.overlaps(span[0], span[1]):
            kept.add(span)
    return list(kept)


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

"""Names a project already knows: learned at training, suggested wherever they recur.

A trained model generalises from context, and ten accepted documents teach it little context.
What they do teach for certain is names: "Shoigu" is a PERSON in every text of a forum about
the war, a novel's hero is a PERSON on every page. The small model misses such names where the
context is unlike what it learned from ("Zelensky has been asking for..." in a chat log), so the
names themselves are kept.

**Learning** (``learn_known_names``) reads the documents whose spans are known to be right: the
project's accepted documents of the training part and the start model's own annotated
documents (``start_rehearsal``). A name is known for a label when, where the name stands on its
own in those texts (not inside a longer span of the label), it is a span of that label at least
``KNOWN_SHARE`` of the time: "Patriot" is known as WEAPON only if it is rarely left unlabelled
("Patriot Act"), "Said" never becomes a PERSON because of one "Mohammed Said". Parts of names
are learned the same way, and only where the data shows they stand for the whole: for each
label and end (first or last word), the parts of its multi-word spans found standing on their
own are counted, and when at least ``PART_SHARE`` of those are spans of the label themselves,
that end's parts become names too. In our documents that holds for the last word of a PERSON
(61-70 %: "Pistorius" for "Boris Pistorius") and for no end of ORG, WEAPON or QUANTITY (5-49 %);
a project whose organisations go by one word learns that end as well.

**Suggesting** (``KnownNames.fill``): a known name found in a text (exact tokens, case kept) is
suggested with its label where nothing was suggested and the model sees no entity of another
kind (it stays away from "St. Louis" when the model reads a place; where the untrained
suggester serves every label the model does not run, and the tokens alone decide); a
suggestion with exactly its bounds and another label takes the known label ("Pistorius" ORG
becomes PERSON).

Which labels are filled is measured on the project's held-out part at training (``filled_labels``);
the quantity label is never learned (its spans are built from numbers, not names). The names
are stored with the model version and read back as untrusted input (``from_json``).
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.confidence import SourcePrecision
from annotator.core.model import Span, SpanState

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

__all__ = [
    "KNOWN_SOURCE",
    "KnownNames",
    "KnownNamesError",
    "fallback_words",
    "learn_known_names",
]

KNOWN_SOURCE = "known"
_PRIOR_PRECISION = SourcePrecision()
#: Where a name stands on its own, how often it must be a span of its label to be known.
KNOWN_SHARE = 0.8
#: How often the parts of a label's names (at one end) must be spans of it where they stand
#: alone for that end's parts to be learned as names.
PART_SHARE = 0.6
#: A stored list longer than this, or a name longer than ``MAX_NAME_CHARS``, is refused: the
#: start model's documents and a large project give a few thousand names.
MAX_NAMES = 200_000
MAX_NAME_CHARS = 200

Annotated = tuple[str, Sequence[tuple[int, int, str]]]


class KnownNamesError(ValueError):
    """The stored names are not what training writes."""


@dataclass(frozen=True)
class KnownNames:
    """Known names (exact text) with their label, and the labels they are suggested for."""

    names: Mapping[str, str]
    labels: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for name, label in sorted(self.names.items()):
            by_label[label].append(name)
        return {"names": dict(sorted(by_label.items())), "labels": sorted(self.labels)}

    @classmethod
    def from_json(cls, data: Any, project_labels: Iterable[str]) -> KnownNames:
        """The names ``to_json`` wrote; KnownNamesError for anything else (a crafted project).

        Names of a label the project no longer has (renamed or removed in the Labels dialog
        since the training) are dropped: they cannot be suggested, and the model they came
        with still serves the other labels."""
        allowed = set(project_labels)
        if data is None:
            return cls({})
        if not isinstance(data, dict) or not isinstance(data.get("names"), dict):
            raise KnownNamesError("known names are not an object of label: [names]")
        labels = data.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise KnownNamesError("the labels known names are filled for are not a list of texts")
        names: dict[str, str] = {}
        read = 0
        for label, listed in data["names"].items():
            if not isinstance(listed, list):
                raise KnownNamesError(f"known names of {label!r}: not a list")
            read += len(listed)
            if read > MAX_NAMES:
                raise KnownNamesError(f"more than {MAX_NAMES} known names")
            for name in listed:
                if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
                    raise KnownNamesError(f"known name {str(name)[:40]!r} of {label}: not a name")
                if label in allowed:
                    names[name] = label
        return cls(names, frozenset(x for x in labels if x in allowed))

    def fingerprint(self) -> str:
        """A short digest of the names and filled labels, for a suggester's version."""
        data = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return "known " + hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]

    def with_labels(self, labels: Iterable[str]) -> KnownNames:
        return KnownNames(self.names, frozenset(labels))

    def counts(self) -> dict[str, int]:
        """How many names each label has."""
        return dict(sorted(Counter(self.names.values()).items()))

    def matcher(self, nlp: Language) -> PhraseMatcher:
        """A matcher of the names of the filled labels on ``nlp``'s tokens (exact text)."""
        from spacy.matcher import PhraseMatcher

        matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        wanted = sorted(name for name, label in self.names.items() if label in self.labels)
        for name, doc in zip(wanted, map(nlp.make_doc, wanted), strict=True):
            matcher.add(self.names[name], [doc])
        return matcher

    def fill(
        self, doc: Doc, spans: Sequence[Span], matcher: PhraseMatcher, project: Iterable[str]
    ) -> list[Span]:
        """``spans`` with the known names of ``doc`` added (see the module docstring)."""
        if not self.labels:
            return list(spans)
        project = set(project)
        found = sorted(matcher(doc), key=lambda m: (m[1] - m[2], m[1]))
        if not found:
            return list(spans)
        kept = list(spans)
        # Characters a name may not touch: the model's entities of other kinds (places, dates,
        # nationalities...) and names already placed; and those of the suggestions, which a
        # name may only take over with exactly their bounds. Linear in the text's length.
        blocked = bytearray(len(doc.text) + 1)
        for ent in doc.ents:
            if ent.label_ not in project:
                blocked[ent.start_char : ent.end_char] = b"\x01" * (ent.end_char - ent.start_char)
        suggested = bytearray(len(doc.text) + 1)
        exact: dict[tuple[int, int], int] = {}
        for i, span in enumerate(kept):
            suggested[span.start : span.end] = b"\x01" * (span.end - span.start)
            exact[(span.start, span.end)] = i
        # A name right beside a span of its label (one space between) is part of a longer name
        # or a title ("Maj" of "Maj D. Okafor", the last word of "Piotr Maj"): no gold PERSON,
        # WEAPON or QUANTITY span of the corpora stands one space from another of its label,
        # and 3 of 3,767 ORG spans do ("USARMY JMC").
        ends = {(span.end, span.label) for span in kept}
        starts = {(span.start, span.label) for span in kept}
        text = doc.text
        for key, start, end in found:
            label = doc.vocab.strings[key]
            a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
            if any(blocked[a:b]):
                continue
            if (text[a - 1 : a] == " " and (a - 1, label) in ends) or (
                text[b : b + 1] == " " and (b + 1, label) in starts
            ):
                continue
            same = exact.get((a, b))
            if same is not None:
                if kept[same].label != label:
                    kept[same] = _known(a, b, label)
            elif any(suggested[a:b]):
                continue
            else:
                kept.append(_known(a, b, label))
                ends.add((b, label))
                starts.add((a, label))
            blocked[a:b] = b"\x01" * (b - a)
        return sorted(kept, key=lambda s: s.start)


def _known(start: int, end: int, label: str) -> Span:
    """A known name's suggestion, scored with the prior precision of known names (a project's
    answers replace it, ``core.confidence``)."""
    score = round(_PRIOR_PRECISION.of(KNOWN_SOURCE, label), 4)
    return Span(start, end, label, SpanState.SUGGESTED, KNOWN_SOURCE, score)


def _parts(name: str) -> tuple[str | None, str | None]:
    """The first and last word of a multi-word name, where they can be names themselves."""
    words = name.split()
    if len(words) < 2:
        return None, None

    def usable(word: str) -> str | None:
        return word if len(word) >= 3 and word[:1].isupper() and "." not in word else None

    return usable(words[0]), usable(words[-1])


def _standing(
    docs: Sequence[Doc],
    spans: Sequence[Sequence[tuple[int, int, str]]],
    nlp: Language,
    candidates: Mapping[str, set[str]],
) -> dict[tuple[str, str], list[int]]:
    """For each (name, label): [times it stands alone in the texts, times it is a span of it].

    "Alone" means not inside a longer span of that label.
    """
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    names = sorted(candidates)
    for name, doc in zip(names, map(nlp.make_doc, names), strict=True):
        matcher.add(name, [doc])
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for doc, doc_spans in zip(docs, spans, strict=True):
        ordered = sorted(doc_spans)  # disjoint: at most one span covers a position
        starts = [a for a, _, _ in ordered]
        for key, start, end in matcher(doc):
            name = doc.vocab.strings[key]
            a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
            i = bisect_right(starts, a) - 1
            covering = ordered[i] if i >= 0 and ordered[i][1] >= b else None
            for label in candidates[name]:
                if covering is not None and covering[2] == label and covering[:2] != (a, b):
                    continue  # inside a longer span of the label: not standing alone
                count = tally[(name, label)]
                count[0] += 1
                count[1] += covering is not None and covering == (a, b, label)
    return tally


def learn_known_names(
    documents: Iterable[Annotated], labels: Iterable[str], nlp: Language
) -> KnownNames:
    """The names ``documents`` show are reliably of one of ``labels`` (module docstring).

    ``documents`` are (text, [(start, end, label)]) with every span of ``labels`` marked;
    ``nlp`` gives the tokenizer. The result fills no label yet (``with_labels``).
    """
    wanted = set(labels)
    texts: list[str] = []
    spans: list[list[tuple[int, int, str]]] = []
    for text, doc_spans in documents:
        texts.append(text)
        spans.append([(a, b, label) for a, b, label in doc_spans if label in wanted])
    whole: dict[str, set[str]] = defaultdict(set)
    ends: dict[tuple[str, int], set[str]] = defaultdict(set)  # (label, 0 first / 1 last)
    for text, doc_spans in zip(texts, spans, strict=True):
        for a, b, label in doc_spans:
            name = text[a:b]
            if not name.strip() or len(name) > MAX_NAME_CHARS or "\n" in name:
                continue
            whole[name].add(label)
            for end, part in enumerate(_parts(name)):
                if part is not None:
                    ends[(label, end)].add(part)
    candidates: dict[str, set[str]] = defaultdict(set)
    for name, name_labels in whole.items():
        candidates[name] |= name_labels
    for (label, _), parts in ends.items():
        for part in parts:
            candidates[part].add(label)
    docs = [nlp.make_doc(text) for text in texts]
    tally = _standing(docs, spans, nlp, candidates)
    # Which ends of which labels stand for the whole name, counted over all their parts.
    part_ends: set[tuple[str, int]] = set()
    for (label, end), parts in ends.items():
        alone = sum(tally[(p, label)][0] for p in parts if (p, label) in tally)
        right = sum(tally[(p, label)][1] for p in parts if (p, label) in tally)
        if alone and right / alone >= PART_SHARE:
            part_ends.add((label, end))
    names: dict[str, str] = {}
    best: dict[str, float] = {}
    for (name, label), (alone, right) in tally.items():
        is_whole = label in whole.get(name, ())
        is_part = any(name in ends[(label, end)] for end in (0, 1) if (label, end) in part_ends)
        if not (is_whole or is_part):
            continue
        # A part never seen alone borrows the evidence of its end; a name must earn its own.
        share = right / alone if alone else (1.0 if is_part and not is_whole else 0.0)
        if share >= KNOWN_SHARE and share > best.get(name, -1.0):
            names[name], best[name] = label, share
    for label, end in sorted(part_ends):  # parts only ever seen inside their names
        for part in ends[(label, end)]:
            if (part, label) not in tally and part not in names:
                names[part] = label
    if len(names) > MAX_NAMES:  # what loading accepts: the names seen right most often
        ranked = sorted(names, key=lambda n: (-tally.get((n, names[n]), [0, 0])[1], n))
        names = {name: names[name] for name in ranked[:MAX_NAMES]}
    return KnownNames(names)


def fallback_words(kinds_only: bool, known_only: bool, lifted_only: bool = False) -> str:
    """What won when a trained model lost and the untrained suggester took over with what the
    training learned besides it: "leaving those kinds out", "the known names", "the lifted
    rules", or several ("" when none did)."""
    parts = ["leaving those kinds out"] if kinds_only else []
    if known_only:
        parts.append("the known names")
    if lifted_only:
        parts.append("the lifted rules")
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]

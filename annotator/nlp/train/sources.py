"""The ways a trained model can suggest, and their combination per label.

How model and rules combine is measured, not assumed. Four sources are scored per label on
the project's held-out part, and each label is served by the best one:

================  =============================================================================
``untrained``     the untrained suggester: the base model, the gazetteers and the rules
``model``         the trained model's entities alone
``model+patterns``  the trained model's entities, the gazetteer (and project) patterns winning
                  where they overlap (a curated name beats a guess)
``model+rules``   the whole rule engine run on the trained model's entities instead of the
                  base model's (the rules' QUANTITY rebuild, name completion, place vetoes...)
================  =============================================================================

``model``, ``model+patterns`` and ``model+rules`` come from one pass of the trained model
(the pattern matchers ride in its pipeline); ``untrained`` needs a second pass of the base
model and runs only when some label is served by it. Where spans of different labels overlap,
the label whose source scored higher on the held-out part wins.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from annotator.core.confidence import SourcePrecision
from annotator.core.model import Span, SpanState
from annotator.nlp.confidence.scores import ScoredEntities
from annotator.nlp.entity_edges import trimmed_entities
from annotator.nlp.span_kinds import drop_kinds
from annotator.nlp.suggest import PATTERNS_KEY, Suggester, fitting, pipe_texts, token_index
from annotator.nlp.train.known_names import KnownNames

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from annotator.nlp.pipeline import PipelineInfo
    from annotator.nlp.tokens import TokenIndex

__all__ = ["MODEL_SOURCES", "SOURCES", "UNTRAINED", "LearnedSuggester", "combine", "model_spans"]

UNTRAINED = "untrained"
MODEL_SOURCES = ("model+rules", "model+patterns", "model")
SOURCES = (UNTRAINED, *MODEL_SOURCES)


_PRIOR_PRECISION = SourcePrecision()


def _span(doc: Doc, start: int, end: int, label: str, source: str, scores: ScoredEntities) -> Span:
    """A suggestion scored as ``Suggester`` scores: model probability or prior precision."""
    first, last = doc[start], doc[end - 1]
    if source == "model":
        score = scores.probability(start, end, label)
    else:
        score = _PRIOR_PRECISION.of(source, label)
    return Span(first.idx, last.idx + len(last), label, SpanState.SUGGESTED, source, score)


def model_spans(doc: Doc, labels: Sequence[str], quantity: str | None) -> dict[str, list[Span]]:
    """The ``model`` and ``model+patterns`` spans of a doc the trained pipeline processed."""
    project = set(labels)
    scores = ScoredEntities(doc, lambda label: None)  # the trained model's labels are the project's
    ents = trimmed_entities(doc, doc.ents)
    model = [(e.start, e.end, e.label_) for e in ents if e.label_ in project]
    kept: list[tuple[int, int, str]] = []
    vetoes: set[tuple[int, int]] = set()
    found = sorted(doc.spans.get(PATTERNS_KEY, ()), key=lambda s: (s.start - s.end, s.start))
    for span in found:
        if span.label_ == quantity:
            continue  # quantity patterns are seeds of the rules, not spans
        if span.label_ not in project:
            vetoes.add((span.start, span.end))  # "Kyiv" is no PERSON
            continue
        if span.label_ in {"PERSON", "ORG"} and not any(c.isupper() for c in span.text):
            continue  # "coast guard": a description
        if len(span.text) == 1:
            continue
        if all(span.end <= k[0] or span.start >= k[1] for k in kept):
            kept.append((span.start, span.end, span.label_))
    with_patterns = [_span(doc, s, e, label, "pattern", scores) for s, e, label in kept]
    with_patterns.extend(
        _span(doc, s, e, label, "model", scores)
        for s, e, label in model
        if (s, e) not in vetoes and all(e <= k[0] or s >= k[1] for k in kept)
    )
    return {
        "model": [_span(doc, s, e, label, "model", scores) for s, e, label in model],
        "model+patterns": sorted(with_patterns, key=lambda span: span.start),
    }


def combine(
    by_source: Mapping[str, Sequence[Span]],
    choice: Mapping[str, str],
    rank: Mapping[str, float],
) -> list[Span]:
    """Each label's spans from its chosen source; overlaps go to the better-ranked label."""
    picked = [
        span
        for source, spans in by_source.items()
        for span in spans
        if choice.get(span.label) == source
    ]
    picked.sort(key=lambda s: (-rank.get(s.label, 0.0), s.start - s.end, s.start))
    kept: list[Span] = []
    for span in picked:
        if all(not span.overlaps(k) for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


class LearnedSuggester:
    """Suggestions of a trained model combined with the rules per label, as measured,
    without the kinds of suggestion the project's annotators do not accept (``span_kinds``).

    Offers what callers use of a ``Suggester``: ``suggest``, ``suggest_one``, ``version``,
    ``labels``, ``nlp`` (the trained pipeline), ``patterns`` and ``info``.
    """

    def __init__(
        self,
        rules: Suggester,
        choice: Mapping[str, str],
        rank: Mapping[str, float],
        model_version: str,
        untrained: Suggester | None = None,
        info: PipelineInfo | None = None,
        dropped_kinds: frozenset[str] = frozenset(),
        known: KnownNames | None = None,
    ) -> None:
        needs_untrained = UNTRAINED in choice.values()
        if needs_untrained and untrained is None:
            raise ValueError("a label is served by the untrained suggester: pass it")
        self.rules = rules
        self.untrained = untrained if needs_untrained else None
        self.choice = dict(choice)
        self.rank = dict(rank)
        self.labels = rules.labels
        self.nlp = rules.nlp
        self.patterns = rules.patterns
        self.skipped_patterns = rules.skipped_patterns
        self.info = info or rules.info
        self.dropped_kinds = frozenset(dropped_kinds)  # span_kinds: what the project rejects
        # Names learned at training, suggested where they recur (``known_names``); the
        # trained model's entities of other kinds veto them where it runs.
        self.known = known if known is not None and known.labels else None
        self._known_matcher = self.known.matcher(self.nlp) if self.known is not None else None
        # Only the sources some label is served by are computed when suggesting; with every
        # label served by the untrained suggester, the trained model is not run at all (known
        # names then need only the tokens: no model entities to veto them).
        self._served = set(self.choice.values())
        self._untrained_only = self.untrained is not None and self._served == {UNTRAINED}
        parts = [model_version, rules.version, json.dumps(self.choice, sort_keys=True)]
        if self.known is not None:
            parts.append(json.dumps(self.known.to_json(), sort_keys=True))
        if self.dropped_kinds:
            parts.append(json.dumps(sorted(self.dropped_kinds)))
        if self.untrained is not None:
            parts.append(self.untrained.version)
        digest = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:8]
        self.version = f"{model_version}+{digest}"

    def _by_source(self, doc: Doc, text: str, every: bool = False) -> dict[str, list[Span]]:
        found: dict[str, list[Span]] = {}
        if every or not self._served.isdisjoint(("model", "model+patterns")):
            found.update(model_spans(doc, self.labels, self.rules.label_map.quantity_label))
        if every or "model+rules" in self._served:
            found["model+rules"] = self.rules.spans_from_doc(doc, text)
        return found

    def _combined(
        self, texts: Iterable[str], batch_size: int, n_process: int
    ) -> Iterator[tuple[list[Span], Doc, str]]:
        texts = list(texts)
        base: Iterator[list[Span]] | None = None
        if self.untrained is not None:
            base = self.untrained.suggest(texts, batch_size=batch_size, n_process=n_process)
        for doc, text in pipe_texts(self.nlp, texts, batch_size, n_process):
            fitted = fitting(self.nlp, text)
            found = self._by_source(doc, fitted)
            if base is not None:
                found[UNTRAINED] = next(base)
            spans = combine(found, self.choice, self.rank)
            if self.known is not None and self._known_matcher is not None:
                spans = self.known.fill(doc, spans, self._known_matcher, self.labels)
            yield drop_kinds(fitted, spans, self.dropped_kinds), doc, text

    def suggest(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Span]]:
        """One list of suggested spans per text, in order."""
        if self._untrained_only:
            texts = list(texts)
            found = self._untrained().suggest(texts, batch_size=batch_size, n_process=n_process)
            for text, spans in zip(texts, found, strict=True):
                yield drop_kinds(text, self._known_on_tokens(text, spans), self.dropped_kinds)
            return
        for spans, _, _ in self._combined(texts, batch_size, n_process):
            yield spans

    def suggest_indexed(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[tuple[list[Span], TokenIndex]]:
        """``suggest``, each list with its text's tokens."""
        if self._untrained_only:
            texts = list(texts)
            found = self._untrained().suggest_indexed(
                texts, batch_size=batch_size, n_process=n_process
            )
            for text, (spans, index) in zip(texts, found, strict=True):
                spans = self._known_on_tokens(text, spans)
                yield drop_kinds(text, spans, self.dropped_kinds), index
            return
        for spans, doc, text in self._combined(texts, batch_size, n_process):
            yield spans, token_index(self.nlp, doc, text)

    def _known_on_tokens(self, text: str, spans: list[Span]) -> list[Span]:
        """``spans`` with the known names of ``text`` found on its tokens alone."""
        if self.known is None or self._known_matcher is None:
            return spans
        return self.known.fill(self.nlp.make_doc(text), spans, self._known_matcher, self.labels)

    def _untrained(self) -> Suggester:
        assert self.untrained is not None  # checked in __init__
        return self.untrained

    def suggest_one(self, text: str) -> list[Span]:
        return next(self.suggest([text]))

    def by_source(self, texts: Sequence[str]) -> list[dict[str, list[Span]]]:
        """Every model source's spans for each text (for scoring, not for suggesting)."""
        out = []
        for doc, text in pipe_texts(self.nlp, texts, batch_size=32):
            out.append(self._by_source(doc, fitting(self.nlp, text), every=True))
        return out

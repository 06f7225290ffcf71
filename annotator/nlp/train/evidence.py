"""Every source's spans on the held-out texts: what a model is scored and chosen on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.core.model import Span
from annotator.nlp.span_kinds import drop_kinds
from annotator.nlp.train.load import project_rules
from annotator.nlp.train.sources import MODEL_SOURCES, LearnedSuggester

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.store import ProjectStore

__all__ = ["Outputs", "as_suggested", "model_outputs"]

Outputs = dict[str, list[list[Span]]]  # source -> one span list per text


def model_outputs(
    store: ProjectStore, labels: Sequence[str], nlp: Language, texts: Sequence[str]
) -> Outputs:
    """The spans of every model source (``sources.MODEL_SOURCES``) of ``nlp`` on ``texts``.

    Adds the pattern matchers to ``nlp`` (serialise it before).
    """
    rules = project_rules(store, labels, nlp)
    per_text = LearnedSuggester(rules, {}, {}, "candidate").by_source(texts)
    return {source: [found[source] for found in per_text] for source in MODEL_SOURCES}


def as_suggested(
    outputs: Outputs,
    texts: Sequence[str],
    suppressed: frozenset[tuple[str, str]],
    dropped_kinds: frozenset[str],
) -> Outputs:
    """Every source's spans as the project would see them suggested: without its suppressed
    texts and without the kinds the new model leaves out (``nlp.span_kinds``); so is
    evidence."""
    if not suppressed and not dropped_kinds:
        return outputs
    return {
        source: [
            [
                s
                for s in drop_kinds(text, spans, dropped_kinds)
                if (text[s.start : s.end], s.label) not in suppressed
            ]
            for text, spans in zip(texts, per_text, strict=True)
        ]
        for source, per_text in outputs.items()
    }

"""Every source's spans on the held-out texts: what a model is scored and chosen on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.core.model import Span
from annotator.nlp.span_kinds import drop_kinds, surely_worth_adding
from annotator.nlp.train.load import project_rules
from annotator.nlp.train.model_rules import pattern_served
from annotator.nlp.train.scoring import doc_counts, f1_of
from annotator.nlp.train.sources import MODEL_SOURCES, LearnedSuggester

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.store import ProjectStore

__all__ = ["Outputs", "as_suggested", "model_labels", "model_outputs"]

Outputs = dict[str, list[list[Span]]]  # source -> one span list per text


def model_outputs(
    store: ProjectStore,
    labels: Sequence[str],
    nlp: Language,
    texts: Sequence[str],
    model_labels: Sequence[str] = (),
    lifted: Sequence[str] = (),
) -> Outputs:
    """The spans of every model source (``sources.MODEL_SOURCES``) of ``nlp`` on ``texts``.

    Adds the pattern matchers to ``nlp`` (serialise it before).
    """
    rules = project_rules(store, labels, nlp, model_labels, lifted)
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


def model_labels(
    store: ProjectStore,
    labels: Sequence[str],
    nlp: Language,
    texts: Sequence[str],
    gold: Sequence[Sequence[tuple[int, int, str]]],
    outputs: Outputs,
    lifted: Sequence[str] = (),
) -> tuple[list[str], Outputs]:
    """The pattern-served labels (WEAPON) whose trained-model spans join ``model+rules``, and
    the model sources' outputs with them, measured on the held-out ``texts``.

    Spans the model adds to a label are worth suggesting when their precision is surely above
    half the label's F1 (``span_kinds.surely_worth_adding``) and the label's F1 does not fall.
    In news the model's weapons were mostly wrong where the gazetteer had none; in fiction,
    which invents its weapons, mostly right.
    """
    from annotator.nlp.preannotate import project_label_map

    chosen: list[str] = []
    candidates = pattern_served(
        store.pipeline, labels, project_label_map(store), store.project_patterns()
    )
    for label in candidates:
        trial = model_outputs(store, labels, nlp, texts, (*chosen, label), lifted)
        added = right = 0
        for keys, old, new in zip(gold, outputs["model+rules"], trial["model+rules"], strict=True):
            extra = {sp.key for sp in new if sp.label == label} - {sp.key for sp in old}
            added += len(extra)
            right += len(extra & set(keys))
        before = f1_of(c[label] for c in doc_counts(gold, outputs["model+rules"], labels))
        after = f1_of(c[label] for c in doc_counts(gold, trial["model+rules"], labels))
        surely = surely_worth_adding(right, added, before / 2)
        if surely and after >= before:
            chosen.append(label)
            outputs = trial
    return chosen, outputs

"""Every source's spans on the held-out texts: what a model is scored and chosen on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.model import Span
from annotator.nlp.label_map_setting import project_label_map
from annotator.nlp.span_kinds import drop_kinds, surely_worth_adding
from annotator.nlp.train.load import project_rules
from annotator.nlp.train.model_rules import pattern_served
from annotator.nlp.train.scoring import doc_counts, f1_of
from annotator.nlp.train.sources import MODEL_SOURCES, LearnedSuggester

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.store import ProjectStore

__all__ = ["Group", "Outputs", "as_suggested", "model_labels", "model_outputs"]

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


@dataclass
class Group:
    """Texts scored with one model: the held-out part with the new model, or one fold of the
    training part with the model trained on the other folds (``crossfit``)."""

    nlp: Language
    texts: list[str]
    gold: list[list[tuple[int, int, str]]]
    outputs: Outputs  # every source's spans on the texts


def model_labels(
    store: ProjectStore,
    labels: Sequence[str],
    groups: Sequence[Group],
    lifted: Sequence[str] = (),
) -> list[str]:
    """The pattern-served labels (WEAPON) whose trained-model spans join ``model+rules``,
    measured on the texts of ``groups``, whose outputs then have them.

    Spans the model adds to a label are worth suggesting when their precision is surely above
    half the label's F1 (``span_kinds.surely_worth_adding``) and the label's F1 does not fall.
    In news the model's weapons were mostly wrong where the gazetteer had none; in fiction,
    which invents its weapons, mostly right.
    """
    chosen: list[str] = []
    candidates = pattern_served(
        store.pipeline, labels, project_label_map(store), store.project_patterns()
    )
    for label in candidates:
        trials = [
            model_outputs(store, labels, g.nlp, g.texts, (*chosen, label), lifted) for g in groups
        ]
        added = right = 0
        before_counts, after_counts = [], []
        for group, trial in zip(groups, trials, strict=True):
            old_spans, new_spans = group.outputs["model+rules"], trial["model+rules"]
            for keys, old, new in zip(group.gold, old_spans, new_spans, strict=True):
                extra = {sp.key for sp in new if sp.label == label} - {sp.key for sp in old}
                added += len(extra)
                right += len(extra & set(keys))
            before_counts += doc_counts(group.gold, old_spans, labels)
            after_counts += doc_counts(group.gold, new_spans, labels)
        before = f1_of(c[label] for c in before_counts)
        after = f1_of(c[label] for c in after_counts)
        if surely_worth_adding(right, added, before / 2) and after >= before:
            chosen.append(label)
            for group, trial in zip(groups, trials, strict=True):
                group.outputs = {**group.outputs, **trial}
    return chosen

"""What the choice of sources is made on: every source's spans on texts the model never saw.

The held-out part is the honest score of a model, but a small project holds out two or three
documents, too few to tell one source from another (a choice made on 2 held-out transcripts
lost 0.07 on news). So when the held-out part has fewer than ``MIN_DOCUMENTS`` documents, the
training part is *cross-checked* as well: two models, each fine-tuned on one half of it with
half the epochs, suggest for the other half. Those out-of-fold suggestions are evidence of how
each source does on text it was not trained on; they are added to the held-out documents when
sources are chosen (never when the model is scored: its report stays on the held-out part).
Half the data and half the epochs make the fold models weaker than the final one, so the
evidence leans towards the untrained suggester: a source wins only when it wins anyway.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.core.model import Span
from annotator.core.progress import CancelToken, ProgressCallback
from annotator.nlp.train.data import LabelledText, make_examples
from annotator.nlp.train.finetune import FineTuneOptions, fine_tune
from annotator.nlp.train.sources import MODEL_SOURCES, LearnedSuggester

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.training import Example

    from annotator.core.store import ProjectStore

__all__ = ["Outputs", "cross_check", "model_outputs", "without_suppressed"]

Outputs = dict[str, list[list[Span]]]  # source -> one span list per text


def model_outputs(
    store: ProjectStore, labels: Sequence[str], nlp: Language, texts: Sequence[str]
) -> Outputs:
    """The spans of every model source (``sources.MODEL_SOURCES``) of ``nlp`` on ``texts``.

    Adds the pattern matchers to ``nlp`` (serialise it before).
    """
    from annotator.nlp.suggest import Suggester

    raw_map = store.setting("label_map")
    rules = Suggester(
        store.pipeline,
        labels,
        label_map=json.loads(raw_map) if raw_map else None,
        extra_patterns=store.project_patterns(),
        nlp=nlp,
    )
    per_text = LearnedSuggester(rules, {}, {}, "candidate").by_source(texts)
    return {source: [found[source] for found in per_text] for source in MODEL_SOURCES}


def without_suppressed(
    outputs: Outputs, texts: Sequence[str], suppressed: frozenset[tuple[str, str]]
) -> Outputs:
    """What suggests is filtered by the project's list of suppressed texts; so is evidence."""
    if not suppressed:
        return outputs
    return {
        source: [
            [s for s in spans if (text[s.start : s.end], s.label) not in suppressed]
            for text, spans in zip(texts, per_text, strict=True)
        ]
        for source, per_text in outputs.items()
    }


def _fold_of(seed: int, text_hash: str) -> int:
    return int(hashlib.sha256(f"fold:{seed}:{text_hash}".encode()).hexdigest(), 16) % 2


def cross_check(
    store: ProjectStore,
    labels: Sequence[str],
    train_hashes: Sequence[str],
    labelled: Sequence[LabelledText],
    rehearsal: Sequence[Example],
    options: FineTuneOptions,
    *,
    progress: ProgressCallback,
    cancel: CancelToken | None = None,
) -> Outputs:
    """Out-of-fold spans of every model source for each training text (in the same order)."""
    from annotator.nlp.pipeline import load_for_ner

    folds = [_fold_of(options.seed, h) for h in train_hashes]
    found: dict[int, dict[str, list[Span]]] = {}
    for fold in (0, 1):
        fit = [item for item, f in zip(labelled, folds, strict=True) if f != fold]
        check = [i for i, f in enumerate(folds) if f == fold]
        if not fit or not check:
            continue
        nlp = load_for_ner(store.pipeline)
        gold, _ = make_examples(nlp, fit)

        def on_epoch(epoch: int, epochs: int, loss: float, fold: int = fold) -> None:
            progress(epoch, epochs, f"cross-check {fold + 1}/2: epoch {epoch}/{epochs}")

        half = FineTuneOptions(
            epochs=max(2, (options.epochs or 8) // 2),
            rehearsal_ratio=options.rehearsal_ratio,
            seed=options.seed + fold + 1,
        )
        fine_tune(nlp, labels, gold, rehearsal, half, on_epoch=on_epoch, cancel=cancel)
        texts = [labelled[i].text for i in check]
        outputs = model_outputs(store, labels, nlp, texts)
        for k, i in enumerate(check):
            found[i] = {source: outputs[source][k] for source in outputs}
    order = sorted(found)
    return {source: [found[i][source] for i in order] for source in MODEL_SOURCES}


def checked_indices(train_hashes: Sequence[str], seed: int) -> list[int]:
    """The training texts ``cross_check`` returns spans for, in its order (both folds need a
    text, else that fold is skipped)."""
    folds = [_fold_of(seed, h) for h in train_hashes]
    if len(set(folds)) < 2:
        return []
    return list(range(len(train_hashes)))

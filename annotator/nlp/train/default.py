"""The suggester of a project before its own training: learned from our gold, too.

Issue 9, item 12 ("learn the default too"): the machinery of the learning loop, run on every
gold set we ship, gives the *start model* (``train.start``); where the rules over its
entities measure better than the rules over the installed pipeline's on kinds of text it never
saw, it becomes the default. Measured with start models built without the kind scored
(``tests/bench/default_choice.py``, start models built reproducibly in session 16), every
kind gained overall: news +0.010, transcripts +0.041, reports +0.026, forum threads +0.002,
history +0.019, fiction +0.038, legal +0.031 (README, "Suggestion quality"; PERSON fell on
history, −0.038, and forums, −0.014). It costs nothing at run time: the same rules over one pass of
a recognizer of the same size.

So a project whose pipeline the shipped start model fits (``choose_start``: built from the
very weights of the project's pipeline, knowing at least one of its labels) gets the rules
over the start model's entities, WEAPON left to the gazetteer and rules as for any trained
model (``rules_over_model``). Otherwise (another pipeline, no label the start model learned, a
start model that is missing or does not load), or with the project setting
``default_suggester`` = ``base``, the rules run over the installed pipeline's entities as they
always did. Neither changes what an annotator accepted; suggestions of untouched documents
follow the suggester's version like after any switch.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from annotator.nlp.pipeline import PipelineError, load_for_ner
from annotator.nlp.suggest import Suggester
from annotator.nlp.train.known_names import KnownNames, KnownNamesError
from annotator.nlp.train.model_rules import rules_over_model
from annotator.nlp.train.start import choose_start, ner_weights_sha256, read_record
from annotator.nlp.train.start_names import read_start_names

__all__ = [
    "BASE",
    "DEFAULTS",
    "SETTING",
    "START",
    "checked_default",
    "default_of",
    "default_suggester",
]

log = logging.getLogger(__name__)

START, BASE = "start", "base"
#: What a project's untrained suggester runs the rules over: the start model's entities when
#: it fits, or the installed pipeline's.
DEFAULTS = (START, BASE)
#: The project setting naming one of ``DEFAULTS``; absent means ``START``.
SETTING = "default_suggester"


def checked_default(value: object) -> str:
    """``value`` when it is one of ``DEFAULTS`` (absent: ``START``); ValueError otherwise, as a
    project file is untrusted input."""
    if value is None or value == "":
        return START
    if value not in DEFAULTS:
        raise ValueError(f"default suggester {value!r} is none of {', '.join(DEFAULTS)}")
    return str(value)


def default_of(suggester: Suggester) -> str:
    """Which default ``suggester`` is: ``START`` when it runs over the start model."""
    return START if suggester.weights.startswith(START) else BASE


def _start_names(folder: Path | None, labels: Sequence[str]) -> KnownNames | None:
    """The start model's known names (``start_names``), or None (logged) when they cannot
    be used: the default then suggests without them."""
    if folder is None:
        return None
    try:
        return read_start_names(folder, read_record(folder), labels)
    except (KnownNamesError, ValueError) as exc:
        log.warning("the start model's known names are not used: %s", exc)
        return None


def default_suggester(
    pipeline: str,
    labels: Sequence[str],
    label_map: Mapping[str, str | None],
    patterns: Sequence[Mapping[str, Any]],
    wanted: str = START,
    lifted: Sequence[str] = (),
) -> Suggester:
    """The untrained suggester of a project of ``pipeline`` and ``labels``: the rules over the
    start model's entities when ``wanted`` is ``START`` and it fits, else over the pipeline's;
    without the rules ``lifted`` (a trained model's fallback, ``train.load``)."""
    if checked_default(wanted) == START:
        start = choose_start(pipeline, labels)
        if start.shipped:
            try:
                nlp = load_for_ner(start.spec)
            except PipelineError as exc:
                log.warning("start model not loaded (%s); the installed pipeline suggests", exc)
            else:
                sha = ner_weights_sha256(start.spec) or "?"
                return rules_over_model(
                    pipeline,
                    labels,
                    dict(label_map),
                    [dict(p) for p in patterns],
                    nlp,
                    lifted=lifted,
                    weights=f"{START} {sha[:12]}",
                    known=_start_names(start.folder, labels),
                )
    return Suggester(
        pipeline,
        labels,
        label_map=dict(label_map) or None,
        extra_patterns=patterns,
        lifted=lifted,
    )

"""Loading spaCy pipelines, installed or on disk; never downloading one, never importing one.

A project names its pipeline: ``auto`` (the installed English pipeline), an installed pipeline
package, a path to a pipeline folder, or ``blank:LANG`` (tokenizer only, for tests and for
projects without a model). ``pipeline_spec`` decides what a name may mean (a project file is
data, never code); here the pipeline is loaded from its data folder. Each caller loads its own
``Language``: a ``nlp`` object is never shared between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.nlp.pipeline_spec import AUTO, ENGLISH_PACKAGES, PipelineError, locate_pipeline

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.vocab import Vocab

__all__ = [
    "AUTO",
    "ENGLISH_PACKAGES",
    "PipelineError",
    "PipelineInfo",
    "load_for_ner",
    "load_tokenizer_only",
    "pipeline_info",
    "resolve_pipeline",
]

# Components that named-entity output can depend on.
_NER_FACTORIES = {"ner", "beam_ner", "entity_ruler", "span_ruler", "entity_linker"}


@dataclass(frozen=True)
class PipelineInfo:
    """What identifies a pipeline's output: cache keys use ``name`` and ``version``."""

    name: str
    version: str
    lang: str
    location: str  # package name, folder path or "blank:xx"
    labels: tuple[str, ...] = ()


def resolve_pipeline(spec: str = AUTO) -> str:
    """What ``spacy.load`` is given for a project's pipeline setting: ``blank:LANG`` or the
    pipeline's data folder, never a module name (PipelineError for anything else)."""
    return locate_pipeline(spec).load_target


@lru_cache(maxsize=16)
def _config_and_meta(folder: str) -> tuple[dict[str, Any], dict[str, Any]]:
    import spacy.util
    import srsly

    data = Path(folder)
    try:
        config = spacy.util.load_config(data / "config.cfg", interpolate=False)
        meta_path = data / "meta.json"
        meta = dict(srsly.read_json(meta_path)) if meta_path.exists() else {}
    except (OSError, ValueError) as exc:
        raise PipelineError(f"{data}: cannot read the spaCy pipeline's config ({exc})") from exc
    return dict(config), meta


def pipeline_info(spec: str = AUTO) -> PipelineInfo:
    """Name and version of a pipeline, read from its files without loading weights."""
    found = locate_pipeline(spec)
    if found.kind == "blank":
        import spacy

        return PipelineInfo(f"blank_{found.lang}", spacy.__version__, found.lang, found.name)
    config, meta = _config_and_meta(found.load_target)
    lang = meta.get("lang") or config.get("nlp", {}).get("lang", "xx")
    name = f"{lang}_{meta['name']}" if "name" in meta else Path(found.name).name
    labels = tuple(meta.get("labels", {}).get("ner", ()))
    return PipelineInfo(name, str(meta.get("version", "0")), lang, found.name, labels)


def _components_not_needed_for_ner(config: dict[str, Any]) -> list[str]:
    """Pipe names whose weights NER output does not depend on (``exclude=`` skips loading them)."""
    pipeline: list[str] = list(config.get("nlp", {}).get("pipeline", []))
    components: dict[str, Any] = config.get("components", {})
    keep: set[str] = set()
    for name in pipeline:
        block = components.get(name, {})
        factory = block.get("factory", name)
        if factory in _NER_FACTORIES:
            keep.add(name)
            # A listener means the entity recognizer reads an upstream tok2vec's output.
            tok2vec = block.get("model", {}).get("tok2vec", {})
            if "Listener" in str(tok2vec.get("@architectures", "")):
                upstream = tok2vec.get("upstream", "*")
                keep.update(
                    other
                    for other in pipeline
                    if components.get(other, {}).get("factory") in {"tok2vec", "transformer"}
                    and (upstream == "*" or upstream == other)
                )
    return [name for name in pipeline if name not in keep]


_load_lock = threading.Lock()


def _load(
    spec: str, leave_out: Callable[[dict[str, Any]], list[str]], vocab: Vocab | None = None
) -> Language:
    """``spacy.load`` on the pipeline's data folder, without the components ``leave_out`` names;
    into ``vocab`` when given (a vocabulary of the same pipeline, shared)."""
    import spacy

    found = locate_pipeline(spec)
    shared: Vocab | bool = vocab if vocab is not None else True
    if found.kind == "blank":
        return spacy.blank(found.lang, vocab=shared)
    config, _ = _config_and_meta(found.load_target)
    try:
        with _load_lock:  # spaCy's registry is not safe to populate from two threads at once
            return spacy.load(found.load_target, exclude=leave_out(config), vocab=shared)
    except (OSError, ValueError, KeyError) as exc:
        raise PipelineError(f"cannot load spaCy pipeline {found.name!r}: {exc}") from exc


def load_for_ner(spec: str = AUTO, like: Language | None = None) -> Language:
    """A fresh ``Language`` with only what named-entity output needs.

    ``like``: an earlier load of the same ``spec`` whose vocabulary and tokenizer the new one
    shares (its components are its own). Lexemes are then made, and texts and patterns split
    into tokens, once for every pipeline loaded so (training loads its start three times); a
    vocabulary only gains lexemes and strings and the tokenizer only caches, so sharing
    them changes no output.
    """
    nlp = _load(spec, _components_not_needed_for_ner, like.vocab if like is not None else None)
    if like is not None:
        nlp.tokenizer = like.tokenizer
    return nlp


def load_tokenizer_only(spec: str = AUTO) -> Language:
    """A fresh ``Language`` with the pipeline's tokenizer and no components at all."""
    return _load(spec, lambda config: list(config.get("nlp", {}).get("pipeline", [])))

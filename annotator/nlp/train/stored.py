"""A trained model as data in the project file, loaded through spaCy's serialisation only.

A project file may come from someone else, so a stored model is untrusted input. It is kept
as ``Language.to_bytes()`` (msgpack, never pickle) plus the config it was built from, and
loaded only after these checks: the SHA-256 of the bytes matches the one stored beside them
(a damaged blob is refused whole, never loaded half); the config builds a pipeline of
entity-recognizer components (``ner``, ``tok2vec``, ``span_ruler``) whose every registered
function is one of spaCy's own (``spacy.*``), for a language spaCy ships; and the bytes are
below a size limit. Nothing in the config names a module to import.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from annotator.core.limits import MAX_MODEL_BYTES, clip
from annotator.nlp.pipeline import PipelineError
from annotator.nlp.pipeline_spec import language_problem

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["StoredModelError", "check_stored", "load_model", "model_to_bytes"]

_ALLOWED_FACTORIES = frozenset({"ner", "tok2vec"})


class StoredModelError(PipelineError):
    """A stored model is damaged or is not what it claims to be; it is not loaded."""


def model_to_bytes(nlp: Language) -> tuple[str, bytes]:
    """(config text, weights) of a trained pipeline, its pattern matchers left out."""
    from annotator.nlp.confidence.scores import without_model_scores

    with without_model_scores(nlp):  # the recognizer itself, never the scorer around it
        return _model_to_bytes(nlp)


def _model_to_bytes(nlp: Language) -> tuple[str, bytes]:
    from thinc.api import Config

    keep = [name for name in nlp.pipe_names if nlp.get_pipe_meta(name).factory != "span_ruler"]
    removed = [name for name in nlp.pipe_names if name not in keep]
    with nlp.select_pipes(enable=keep):
        config = nlp.config.copy()
    pipeline = [name for name in config["nlp"]["pipeline"] if name not in removed]
    config["nlp"]["pipeline"] = pipeline
    config["nlp"]["disabled"] = []
    config["components"] = {name: config["components"][name] for name in pipeline}
    # Training settings are not needed to load a model, and would only widen what is read.
    kept = {key: config[key] for key in ("paths", "system", "nlp", "components") if key in config}
    return Config(kept).to_str(), nlp.to_bytes(exclude=removed)


def _registered_names(block: Any) -> list[str]:
    names = []
    if isinstance(block, dict):
        for key, value in block.items():
            if key.startswith("@") and isinstance(value, str):
                names.append(value)
            else:
                names.extend(_registered_names(value))
    elif isinstance(block, list):
        for value in block:
            names.extend(_registered_names(value))
    return names


def _check_config(config: Any) -> None:
    nlp_block = config.get("nlp", {})
    lang = nlp_block.get("lang", "")
    problem = language_problem(lang)
    if problem is not None:
        raise StoredModelError(f"the stored model's language {clip(lang)}: {problem}")
    pipeline = nlp_block.get("pipeline", [])
    components = config.get("components", {})
    if not pipeline or set(pipeline) != set(components):
        raise StoredModelError("the stored model's pipeline does not match its components")
    for name in pipeline:
        factory = components[name].get("factory")
        if factory not in _ALLOWED_FACTORIES:
            raise StoredModelError(
                f"the stored model has a component {name!r} of kind {factory!r}; "
                "only entity recognizers are loaded"
            )
    unexpected = set(config) - {"paths", "system", "nlp", "components"}
    if unexpected:
        raise StoredModelError(
            f"the stored model's config has sections {sorted(unexpected)}; they are not loaded"
        )
    for registered in _registered_names({"nlp": nlp_block, "components": components}):
        if not registered.startswith("spacy."):
            raise StoredModelError(
                f"the stored model refers to {registered!r}, which is not part of spaCy"
            )


def check_stored(config_text: str, weights: bytes, sha256: str) -> Any:
    """The stored model's config when every check before spaCy reads the weights passes (size,
    checksum, config), else StoredModelError saying why it is refused. Hashes megabytes: never
    on the GUI thread (the window runs it in a child process, ``CheckModelJob``)."""
    from thinc.api import Config

    if len(weights) > MAX_MODEL_BYTES:
        raise StoredModelError(f"the stored model is too large ({len(weights)} bytes)")
    if hashlib.sha256(weights).hexdigest() != sha256:
        raise StoredModelError(
            "the stored model is damaged (its checksum does not match); train again or "
            "use another version"
        )
    try:
        config = Config().from_str(config_text, interpolate=False)
    except Exception as exc:
        raise StoredModelError(f"the stored model's config cannot be read ({exc})") from exc
    _check_config(config)
    return config


def load_model(config_text: str, weights: bytes, sha256: str) -> Language:
    """The stored pipeline, or StoredModelError saying why it is refused."""
    import spacy.util

    config = check_stored(config_text, weights, sha256)
    try:
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
        nlp.from_bytes(weights)
    except Exception as exc:
        raise StoredModelError(f"the stored model cannot be loaded ({exc})") from exc
    return nlp

"""A ready-to-run spaCy training config for an NER pipeline, made by spaCy's own generator."""

from __future__ import annotations

from annotator.nlp.train.binary_spans import INCORRECT_SPANS_KEY

__all__ = ["ner_training_config"]


def ner_training_config(
    lang: str = "en",
    train: str = "train.spacy",
    dev: str = "dev.spacy",
    source: str | None = None,
) -> str:
    """The text of a config.cfg that `spacy train` runs as it is.

    It comes from ``spacy init config`` (CPU, efficiency) with the data paths filled in, so
    ``python -m spacy train config.cfg --paths.train train.spacy --paths.dev dev.spacy`` works
    with or without the overrides. With ``source`` (an installed pipeline package or folder),
    the ``ner`` component is sourced from it: ``spacy train`` fine-tunes that pipeline's
    entity recognizer (the project's new labels are added from the data) instead of training
    one from scratch, as the app's own ``annotator train`` does. A new ``ner`` reads the
    known-wrong spans of rejected binary answers (``incorrect_spans_key``); spaCy keeps a
    sourced one's own settings, so there they are not used.
    """
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = train
    config["paths"]["dev"] = dev
    # Rejected binary answers are known-wrong spans under this key (nlp.train.binary_spans).
    config["components"]["ner"]["incorrect_spans_key"] = INCORRECT_SPANS_KEY
    if source:
        config["components"]["ner"] = {"source": source}
        # A sourced ner keeps its own tok2vec; the generated shared one is not needed.
        config["nlp"]["pipeline"] = ["ner"]
        config["components"].pop("tok2vec", None)
    return str(config.to_str())

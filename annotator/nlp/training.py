"""A ready-to-run spaCy training config for an NER pipeline, made by spaCy's own generator."""

from __future__ import annotations

__all__ = ["ner_training_config"]


def ner_training_config(
    lang: str = "en", train: str = "train.spacy", dev: str = "dev.spacy"
) -> str:
    """The text of a config.cfg that `spacy train` runs as it is.

    It comes from ``spacy init config`` (CPU, efficiency) with the data paths filled in, so
    ``python -m spacy train config.cfg --paths.train train.spacy --paths.dev dev.spacy`` works
    with or without the overrides.
    """
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = train
    config["paths"]["dev"] = dev
    return str(config.to_str())

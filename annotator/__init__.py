"""The annotator: a desktop tool for building named-entity training corpora with spaCy."""

__version__ = "0.1.0"

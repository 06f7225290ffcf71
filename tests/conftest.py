"""Shared test setup: Qt runs offscreen so UI tests need no display; a project fixture."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.model import DEFAULT_LABELS
from annotator.core.store import ProjectStore

# Set before any test module imports PySide6 (annotator.core never does).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "corpora" / "seed" / "article-2022-02-04.txt"
SEED_GOLD = REPO / "corpora" / "seed" / "article-2022-02-04.gold.jsonl"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[ProjectStore]:
    """A new project with the default labels and spaCy's blank English tokenizer."""
    store = ProjectStore.create(tmp_path / "project.annot", DEFAULT_LABELS, pipeline="blank:en")
    yield store
    store.close()

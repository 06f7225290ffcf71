"""The import and export tests run on both back ends: ``project`` is a SQLite file, then a
PostgreSQL database on the session's throwaway server (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotator.core.model import DEFAULT_LABELS
from annotator.core.store import ProjectStore


@pytest.fixture
def project(project_location: str) -> Iterator[ProjectStore]:
    """A new project with the default labels and spaCy's blank English tokenizer."""
    store = ProjectStore.create(project_location, DEFAULT_LABELS, pipeline="blank:en")
    yield store
    store.close()

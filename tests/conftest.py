"""Shared test setup: Qt runs offscreen so UI tests need no display; a project fixture; a
throwaway PostgreSQL cluster for the tests that run on a server (``postgres_url``)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pg_cluster
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


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[pg_cluster.PostgresCluster]:
    """A PostgreSQL server for the whole session, removed at its end. Where the server is not
    installed the tests that need it are skipped, saying why; with
    ANNOTATOR_REQUIRE_POSTGRES=1 (CI) that is a failure instead."""
    reason = pg_cluster.missing_reason()
    if reason is not None:
        if pg_cluster.required():
            pytest.fail(f"{pg_cluster.REQUIRE_ENV} is set, but {reason}")
        pytest.skip(reason)
    cluster = pg_cluster.PostgresCluster().start()
    yield cluster
    cluster.stop()


_databases = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_cluster: pg_cluster.PostgresCluster) -> Iterator[str]:
    """The URL (with its password) of a new, empty database, dropped after the test."""
    name = f"test_{os.getpid()}_{next(_databases)}"
    yield postgres_cluster.create_database(name)
    postgres_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The store's back end: a test using it (through ``new_project``) runs on both."""
    return str(request.param)


@pytest.fixture
def project_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a new project goes on this back end: a file path or a database URL."""
    if backend == "sqlite":
        return str(tmp_path / "project.annot")
    return str(request.getfixturevalue("postgres_url"))

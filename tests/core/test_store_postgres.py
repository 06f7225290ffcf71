"""What only a project on a PostgreSQL server has: an empty database to create it in,
credentials that are never kept, and a connection that can be lost mid-answer."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pg_cluster
import psycopg
import pytest

from annotator.cli import main
from annotator.core import locations
from annotator.core.locations import redact, split_password
from annotator.core.model import DEFAULT_LABELS, Answer, Span
from annotator.core.store import NewDocument, ProjectStore, ServerGoneError, StoreError

TEXT = "Joe Biden met NATO leaders in Brussels."


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def test_new_refuses_a_database_that_is_not_empty_and_changes_nothing(postgres_url: str) -> None:
    _rows(postgres_url, "CREATE TABLE theirs (x integer)")
    with pytest.raises(StoreError, match="not empty"):
        ProjectStore.create(postgres_url, DEFAULT_LABELS)
    tables = _rows(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("theirs",)]
    with pytest.raises(StoreError, match="not an annotator project"):
        ProjectStore.open(postgres_url)


def test_new_twice_is_refused_and_the_project_kept(postgres_url: str) -> None:
    ProjectStore.create(postgres_url, DEFAULT_LABELS).close()
    with pytest.raises(StoreError, match="already holds a project"):
        ProjectStore.create(postgres_url, ["ORG"])
    with ProjectStore.open(postgres_url) as store:
        assert store.labels().names == list(DEFAULT_LABELS)


def test_the_password_is_never_stored_or_shown(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare, password = split_password(postgres_url)
    assert password and password not in bare
    assert main(["new", postgres_url, "--pipeline", "blank:en"]) == 0
    doc = tmp_path / "docs.jsonl"
    doc.write_text('{"text": "Joe Biden met NATO leaders."}\n')
    assert main(["import", postgres_url, str(doc)]) == 0
    assert main(["stats", postgres_url, "--json"]) == 0
    out = capsys.readouterr()
    assert password not in out.out + out.err
    with ProjectStore.open(postgres_url) as store:
        assert store.location == bare and password not in str(store.path)
    # Not in any row of any table of the project.
    tables = _rows(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    for (table,) in tables:
        dumped = _rows(postgres_url, f"SELECT string_agg(t::text, ' ') FROM {table} t")
        assert password not in str(dumped), table


def test_a_missing_password_is_asked_for_or_explained(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ProjectStore.create(postgres_url, DEFAULT_LABELS).close()
    bare, password = split_password(postgres_url)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    locations.set_password_prompt(None)
    with pytest.raises(StoreError, match="PGPASSWORD"):
        ProjectStore.open(bare)
    asked: list[str] = []

    def prompt(url: str) -> str | None:
        asked.append(url)
        return password

    locations.set_password_prompt(prompt)
    try:
        with ProjectStore.open(bare) as store:
            assert store.labels().names == list(DEFAULT_LABELS)
    finally:
        locations.set_password_prompt(None)
    assert asked == [bare]
    assert os.environ["PGPASSWORD"] == password  # for the child processes, in memory only


def test_redact_strips_only_the_password() -> None:
    url = f"postgresql://ann:{quote('p@ss:w/rd', safe='')}@db.example:5433/news?sslmode=require"
    assert redact(url) == "postgresql://ann@db.example:5433/news?sslmode=require"
    assert split_password(url)[1] == "p@ss:w/rd"
    assert redact("/tmp/x.annot") == "/tmp/x.annot"


def test_a_lost_connection_mid_answer_keeps_no_part_of_it_and_reconnects(
    postgres_url: str, postgres_cluster: pg_cluster.PostgresCluster
) -> None:
    store = ProjectStore.create(postgres_url, DEFAULT_LABELS)
    store.add_documents([NewDocument(TEXT, {})])
    (doc,) = store.document_ids()
    (pid,) = store._conn.execute("SELECT pg_backend_pid()").fetchone()
    lost = pytest.raises(ServerGoneError, match="connection to the database server was lost")
    with lost, store.transaction():
        store.add_span(doc, "ann", Span(0, 9, "PERSON"))
        # Another session (an administrator, a restart) ends this connection mid-answer.
        _rows(postgres_cluster.url("postgres"), f"SELECT pg_terminate_backend({pid})")
        store.set_answer(doc, "ann", Answer.ACCEPT)
    assert _rows(postgres_url, "SELECT count(*) FROM spans") == [(0,)]
    assert _rows(postgres_url, "SELECT count(*) FROM annotations") == [(0,)]
    # The next call connects again: the answer given again is stored whole.
    store.add_span(doc, "ann", Span(0, 9, "PERSON"))
    store.set_answer(doc, "ann", Answer.ACCEPT)
    assert store.annotation_or_empty(doc, "ann").answer is Answer.ACCEPT
    store.close()

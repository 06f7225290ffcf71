"""Honest words (issue 13): a newer schema leaves the file truly unchanged, a read-only project
is called read-only (not damaged), and a locked one names the file and what to do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.schema import SCHEMA_VERSION, SchemaError
from annotator.core.store import ProjectStore, StoreError


def test_newer_schema_leaves_a_rollback_journal_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "newer.annot"
    ProjectStore.create(path, ["ORG"], pipeline="blank:en").close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaError, match="not changed"):
        ProjectStore.open(path)
    assert path.read_bytes() == before  # bytes 18-19 say "rollback journal", not WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.annot"]


@contextmanager
def _read_only(*paths: Path) -> Iterator[None]:
    """Make files or folders read-only for this process: chmod, or for root (whom chmod does
    not stop) the immutable attribute, which stops root too."""
    if os.geteuid() != 0:
        modes = [p.stat().st_mode for p in paths]
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in zip(paths, modes, strict=True):
                p.chmod(mode)
        return
    chattr = shutil.which("chattr")
    done: list[Path] = []
    try:
        for p in paths:
            if chattr is None or subprocess.run([chattr, "+i", str(p)]).returncode != 0:
                pytest.skip("running as root without chattr +i: nothing is read-only to root")
            done.append(p)
        yield
    finally:
        for p in done:
            subprocess.run([chattr, "-i", str(p)], check=True)


@pytest.fixture
def closed_project(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "p.annot"
    ProjectStore.create(path, ["ORG"], pipeline="blank:en").close()
    return path


def test_a_read_only_folder_is_called_read_only_not_damaged(
    closed_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _read_only(closed_project.parent):
        assert main(["stats", str(closed_project)]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err and str(closed_project) in err
    assert "damaged" not in err and "backup" not in err


def test_a_read_only_file_is_called_read_only_when_written(closed_project: Path) -> None:
    with _read_only(closed_project):
        try:
            store = ProjectStore.open(closed_project)
        except StoreError as exc:
            message = str(exc)
        else:
            with store, pytest.raises(StoreError) as caught:
                store.set_setting("x", "y")
            message = str(caught.value)
    assert "read-only" in message and "damaged" not in message
    assert str(closed_project) in message


def test_locked_names_the_file_and_what_to_do(
    closed_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ProjectStore, "busy_timeout", 0.2, raising=False)
    other = sqlite3.connect(closed_project, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another window in the middle of a write
    try:
        with ProjectStore.open(closed_project) as store, pytest.raises(StoreError) as caught:
            store.set_setting("x", "y")
        message = str(caught.value)
        assert str(closed_project) in message and "locked" in message
        assert "another annotator window or command" in message and "wait" in message
        data = closed_project.parent / "in.jsonl"
        data.write_text('{"text": "NATO met."}\n', encoding="utf-8")
        assert main(["import", str(closed_project), str(data)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {closed_project}: the project is locked")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with ProjectStore.open(closed_project) as store:  # usable again once the other is done
        store.set_setting("x", "y")
        assert store.setting("x") == "y"

"""What a failing SQLite call on a project file means, in words that say what to do.

A project that another window or command is writing to is *locked*, one the user may not write
to is *read-only*; neither is *damaged*, and the messages say so and name the file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

__all__ = ["ServerGoneError", "StoreError", "explain", "open_error"]


class StoreError(RuntimeError):
    """The project file cannot be opened or used; the message names the file."""


class ServerGoneError(StoreError):
    """The database server of a shared project cannot be reached, or the connection was lost
    (a restart, a network failure, an administrator ending it). What was not committed was not
    saved; the next statement connects again, so the caller may retry."""


def _code(exc: sqlite3.Error) -> str:
    """SQLite's error name (Python 3.11+), else a stand-in read from the message."""
    name = getattr(exc, "sqlite_errorname", None)
    if name:
        return str(name)
    text = str(exc).lower()
    for words, code in (
        ("locked", "SQLITE_BUSY"),
        ("readonly", "SQLITE_READONLY"),
        ("unable to open", "SQLITE_CANTOPEN"),
    ):
        if words in text:
            return code
    return ""


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def explain(exc: BaseException, path: Path, waited: float) -> StoreError | None:
    """A StoreError for a locked or read-only project, or None when ``exc`` is neither."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = _code(exc)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(
            f"{path}: the project is locked (waited {waited:g} s): another annotator window or "
            "command is writing to it. Close that window or wait for the command to finish, "
            "then try again; nothing was changed"
        )
    if not code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return None
    if code.startswith(("SQLITE_READONLY", "SQLITE_PERM")) and not _writable(path):
        return StoreError(
            f"{path}: the project file is read-only, so it cannot be opened for annotation; "
            "nothing was changed. Make it writable, or copy it to a folder you can write to"
        )
    if not _writable(path.parent):
        return StoreError(
            f"{path}: its folder {path.parent} is read-only, and SQLite keeps the project's "
            "journal files beside it; nothing was changed. Copy the project to a folder you "
            "can write to, or make the folder writable"
        )
    if code.startswith("SQLITE_READONLY"):
        return StoreError(
            f"{path}: the project cannot be written (read-only: {exc}); nothing was changed. "
            "Check that the file and its folder are writable and the disk is not mounted "
            "read-only"
        )
    return None


def open_error(exc: sqlite3.Error, path: Path, waited: float) -> StoreError:
    """The error for a project that could not be opened: locked, read-only or damaged."""
    return explain(exc, path, waited) or StoreError(
        f"{path}: the project file is damaged or not a project ({exc}); "
        "nothing was changed. Restore it from a backup or an export."
    )

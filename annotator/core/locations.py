"""Where a project lives: a SQLite file (a path) or a PostgreSQL database (a ``postgresql://``
URL), and the password that a URL may need.

A password is never written anywhere: not into the project, the settings, the recent-projects
list or a message. ``redact`` takes it out of every URL that is kept or shown; the password
itself (from the URL, ``PGPASSWORD``, ``~/.pgpass`` through libpq, or a prompt) stays in this
process's memory and its environment (``PGPASSWORD``), which the child processes that compute
suggestions, import and train inherit, so that they connect with the redacted URL alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = [
    "DATABASE_SCHEMES",
    "PasswordPrompt",
    "ask_password",
    "database_name",
    "display_name",
    "is_database_url",
    "redact",
    "remember_password",
    "set_password_prompt",
    "split_password",
]

DATABASE_SCHEMES = ("postgresql://", "postgres://")

#: Asks the user for the password of a redacted URL; None when the user declines.
PasswordPrompt = Callable[[str], "str | None"]

_prompt: PasswordPrompt | None = None


def is_database_url(location: str | Path) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL, False for a file path."""
    return isinstance(location, str) and location.lower().startswith(DATABASE_SCHEMES)


def split_password(url: str) -> tuple[str, str | None]:
    """(the URL without its password, the password or None)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{user}@{host}" if user else host
    return urlunsplit(parts._replace(netloc=netloc)), unquote(parts.password)


def redact(location: str | Path) -> str:
    """The location to keep or show: a URL without its password, a path as it is."""
    text = str(location)
    return split_password(text)[0] if is_database_url(text) else text


def database_name(url: str) -> str:
    """The database a URL names (``postgres`` when it names none, as libpq defaults)."""
    return urlsplit(redact(url)).path.lstrip("/") or "postgres"


def display_name(location: str | Path) -> str:
    """A short name for titles: the file name, or ``database@host`` for a URL."""
    text = str(location)
    if not is_database_url(text):
        return Path(text).name
    return f"{database_name(text)}@{urlsplit(redact(text)).hostname or 'local'}"


def remember_password(password: str) -> None:
    """Keep a password for this process and its children (never on disk): libpq reads
    ``PGPASSWORD`` when a URL has none."""
    os.environ["PGPASSWORD"] = password


def set_password_prompt(prompt: PasswordPrompt | None) -> None:
    """Who asks for a missing password: the command line (getpass on a terminal) or the
    window (a password dialog); None: nobody, a missing password is an error."""
    global _prompt
    _prompt = prompt


def ask_password(redacted_url: str) -> str | None:
    """The password typed by the user for ``redacted_url``, or None (no prompt, declined)."""
    return None if _prompt is None else _prompt(redacted_url)

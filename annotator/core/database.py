"""One database layer for the project store: a SQLite file or a PostgreSQL database.

The store's code is written once, as plain SQL with ``?`` placeholders, against ``Database``;
``SQLiteDatabase`` and ``PostgresDatabase`` translate the few differences in this one place.

Why psycopg 3 and not SQLAlchemy Core: the store's queries are DB-API SQL (placeholders,
cursors, ``executemany``) and nearly all of them are portable already. A thin connection object
keeps one copy of every query and adds one small dependency; SQLAlchemy Core would mean
rewriting each query as an expression (or as ``text()`` with named parameters) and shipping a
large library in the frozen build for two dialects. What differs, and where it is handled:

- placeholders: ``?`` becomes ``%s`` (a literal ``%`` becomes ``%%``) for psycopg;
- writers: SQLite serialises them with ``BEGIN IMMEDIATE``; on PostgreSQL every write
  transaction takes one transaction-level advisory lock first, so writers are serialised just
  as on SQLite (read-then-write code such as "create the annotation unless it is there" stays
  correct under READ COMMITTED) while readers never wait. The wait is bounded by
  ``lock_timeout``, as SQLite's by its busy timeout;
- ids: ``new_ids`` hands out ids for rows inserted with explicit ids (SQLite: after the
  largest, under the write lock; PostgreSQL: from the identity column's sequence), and
  ``INSERT ... RETURNING id`` works on both for one row;
- the schema version: ``PRAGMA user_version`` vs the one-row table ``annotator_project``;
- errors: ``IntegrityError``/``DataError`` of either driver are in ``RECORD_ERRORS``; a lost
  PostgreSQL connection is a ``ServerGoneError``, and the next statement reconnects.

SQL written for the store must run on both: ``?`` placeholders; ``INSERT ... ON CONFLICT (...)
DO NOTHING | DO UPDATE SET x = excluded.x`` (never ``INSERT OR IGNORE/REPLACE``); booleans as
``x = 1``; a parameter only compared with NULL is cast (``CAST(? AS TEXT) IS NULL``); the
SQLite functions ``instr`` and ``json_array_length(text)`` exist on PostgreSQL too
(``POSTGRES_FUNCTIONS``). The DDL's types are translated in ``core.schema``.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from annotator.core.locations import ask_password, redact, remember_password, split_password
from annotator.core.store_errors import ServerGoneError, StoreError, explain

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "POSTGRES_FUNCTIONS",
    "Database",
    "PostgresDatabase",
    "Rows",
    "SQLiteDatabase",
    "record_errors",
]

#: The advisory lock every PostgreSQL write transaction takes ("ANNO", as SQLite's app id).
WRITE_LOCK_KEY = 0x414E4E4F

#: SQLite functions the store uses, defined on PostgreSQL when a project is created there.
POSTGRES_FUNCTIONS = (
    "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer "
    "LANGUAGE sql IMMUTABLE STRICT AS 'SELECT strpos($1, $2)'",
    "CREATE OR REPLACE FUNCTION json_array_length(text) RETURNS integer "
    "LANGUAGE sql IMMUTABLE STRICT AS 'SELECT json_array_length($1::json)'",
)


class Rows(Protocol):
    """What a query returns, on either back end (a DB-API cursor)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def record_errors() -> tuple[type[BaseException], ...]:
    """The drivers' errors for a row the database refuses (a constraint, a bad value).

    psycopg's classes are included once psycopg is loaded: before that no PostgreSQL
    connection exists, so none of its errors can be raised (and the window starts without
    importing it)."""
    errors: list[type[BaseException]] = [sqlite3.IntegrityError, sqlite3.DataError]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        errors += [psycopg.IntegrityError, psycopg.DataError]
    return tuple(errors)


@functools.lru_cache(maxsize=1024)
def to_format_placeholders(sql: str) -> str:
    """``?`` -> ``%s`` and ``%`` -> ``%%`` outside quoted literals and identifiers."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        if ch == "%":
            out.append("%%")
            continue
        out.append(ch)
    return "".join(out)


class Database(ABC):
    """One connection to a project's database, with nested write transactions."""

    #: "sqlite" or "postgresql".
    dialect: str = ""

    def __init__(self, name: str) -> None:
        self.name = name  # the file or the redacted URL, for messages
        self._depth = 0

    # -------------------------------------------------------------- statements
    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @property
    @abstractmethod
    def in_transaction(self) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...

    # ------------------------------------------------------------ transactions
    @abstractmethod
    def _begin_write(self) -> None:
        """Start a transaction that holds the project's write lock."""

    def _rollback(self) -> None:
        """Roll back unless the database already did (a full disk, a lost connection): a
        failing ROLLBACK must not hide the error that caused it."""
        if self.in_transaction:
            with contextlib.suppress(Exception):
                self.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One committed write transaction; nested uses join the outermost one."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        try:
            self._begin_write()
            self._depth = 1
            try:
                yield self
            finally:
                self._depth = 0
            self.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    # ------------------------------------------------------------ differences
    @abstractmethod
    def new_ids(self, table: str, count: int) -> list[int]:
        """``count`` unused ids for rows of ``table`` inserted with explicit ids (inside a
        write transaction)."""

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def set_schema_version(self, version: int) -> None: ...

    @abstractmethod
    def explain(self, exc: BaseException, waited: float) -> StoreError | None:
        """A StoreError saying what to do (locked, read-only, server gone), or None."""

    def checkpoint(self) -> None:
        """Fold a write-ahead log into the main file (SQLite); nothing elsewhere."""
        return None


class SQLiteDatabase(Database):
    """A project file (WAL mode), through the standard library's sqlite3."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        super().__init__(str(path))
        self.raw = conn
        self.path = path

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.raw.executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def close(self) -> None:
        self.raw.close()

    def _begin_write(self) -> None:
        self.raw.execute("BEGIN IMMEDIATE")

    def new_ids(self, table: str, count: int) -> list[int]:
        (last,) = self.raw.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        return list(range(int(last) + 1, int(last) + 1 + count))

    def schema_version(self) -> int:
        return int(self.raw.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self.raw.execute(f"PRAGMA user_version = {int(version)}")

    def explain(self, exc: BaseException, waited: float) -> StoreError | None:
        return explain(exc, self.path, waited)

    def checkpoint(self) -> None:
        self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _password_missing(exc: Exception) -> bool:
    text = str(exc).lower()
    return "no password supplied" in text or "password authentication failed" in text


class PostgresDatabase(Database):
    """A project in a PostgreSQL database, through psycopg 3 (autocommit; explicit BEGIN)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, lock_timeout: float, read_only: bool = False) -> None:
        super().__init__(redact(url))
        self._url = redact(url)
        self._lock_timeout = lock_timeout
        self._read_only = read_only
        self.raw: psycopg.Connection[Any] = self._connect(url)

    # ------------------------------------------------------------- connecting
    def _connect(self, url: str) -> psycopg.Connection[Any]:
        """Connect with the URL's password, else libpq's (PGPASSWORD, ~/.pgpass), else the
        user's answer to the password prompt; the password that worked is remembered for this
        process and its children only."""
        import psycopg

        bare, password = split_password(url)
        for _attempt in range(3):
            try:
                conn = psycopg.connect(
                    bare,
                    autocommit=True,
                    application_name="annotator",
                    connect_timeout=10,
                    # A server that vanished (a cable, a kill) is noticed within a minute.
                    keepalives=1,
                    keepalives_idle=15,
                    keepalives_interval=5,
                    keepalives_count=3,
                    password=password,  # None: libpq's own (PGPASSWORD, ~/.pgpass)
                )
            except psycopg.OperationalError as exc:
                if not _password_missing(exc):
                    raise ServerGoneError(
                        f"{self.name}: cannot connect to the database server ({_first_line(exc)})"
                    ) from exc
                password = ask_password(self.name)
                if password is None:
                    raise StoreError(
                        f"{self.name}: the server wants a password: put it in PGPASSWORD or "
                        "~/.pgpass, or run the command on a terminal to be asked for it"
                    ) from exc
                continue
            if password is not None:
                remember_password(password)
            conn.execute(f"SET lock_timeout = '{int(self._lock_timeout * 1000)}ms'")
            if self._read_only:
                conn.execute("SET default_transaction_read_only = on")
            return conn
        raise StoreError(f"{self.name}: the password was refused three times")

    def _usable(self) -> None:
        """Reconnect a lost connection between transactions (the server came back)."""
        if (self.raw.closed or self.raw.broken) and not self._depth:
            self.raw = self._connect(self._url)

    # -------------------------------------------------------------- statements
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        import psycopg

        self._usable()
        try:
            return self.raw.execute(to_format_placeholders(sql), params)  # type: ignore[call-overload]
        except psycopg.OperationalError as exc:
            if self.raw.broken or self.raw.closed:
                raise self._gone(exc) from exc
            raise

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        import psycopg

        rows = list(rows)
        if not rows:
            return
        self._usable()
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(to_format_placeholders(sql), rows)  # type: ignore[call-overload]
        except psycopg.OperationalError as exc:
            if self.raw.broken or self.raw.closed:
                raise self._gone(exc) from exc
            raise

    def _gone(self, exc: Exception) -> ServerGoneError:
        return ServerGoneError(
            f"{self.name}: the connection to the database server was lost "
            f"({_first_line(exc)}); what was not committed was not saved"
        )

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        if self.raw.closed or self.raw.broken:
            return False
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()

    def _begin_write(self) -> None:
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))

    # ------------------------------------------------------------ differences
    def new_ids(self, table: str, count: int) -> list[int]:
        if count <= 0:
            return []
        rows = self.execute(
            "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)",
            (table, count),
        )
        return [int(r[0]) for r in rows]

    def schema_version(self) -> int:
        (table,) = self.execute("SELECT to_regclass('annotator_project')").fetchone()
        if table is None:
            return 0
        row = self.execute("SELECT schema_version FROM annotator_project").fetchone()
        return int(row[0]) if row else 0

    def set_schema_version(self, version: int) -> None:
        self.execute("UPDATE annotator_project SET schema_version = ?", (version,))

    def explain(self, exc: BaseException, waited: float) -> StoreError | None:
        import psycopg.errors

        if isinstance(exc, psycopg.errors.LockNotAvailable):
            return StoreError(
                f"{self.name}: the project is locked (waited {waited:g} s): another annotator "
                "is writing to it. Try again; nothing was changed"
            )
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            return StoreError(f"{self.name}: this connection is read-only; nothing was changed")
        if isinstance(exc, psycopg.OperationalError) and (self.raw.broken or self.raw.closed):
            return self._gone(exc)
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__

"""The project store: one SQLite file per project (WAL, foreign keys, versioned schema), or a
PostgreSQL database shared by a team (``postgresql://`` URL), through one database layer
(``core.database``): every query below is written once and runs on both.

Every public method that changes data is its own committed transaction (or joins the caller's
``transaction()``), so whatever the UI shows as saved is on disk (or on the server). Several
connections, in one process or several, may use a project at once: the writers are serialised
(SQLite's write lock, a PostgreSQL advisory lock), and edits touch only the rows they change.
Each thread opens its own ``ProjectStore``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from annotator.core.assignment import NEEDS_REVIEW, AssignmentMixin
from annotator.core.database import (
    POSTGRES_FUNCTIONS,
    Database,
    PostgresDatabase,
    SQLiteDatabase,
)
from annotator.core.locations import database_name, is_database_url, redact
from annotator.core.model import (
    Answer,
    Document,
    Label,
    LabelSet,
    Span,
    SpanState,
    ValidationError,
)
from annotator.core.model_versions import ModelVersionsMixin
from annotator.core.project_stats import StatsMixin
from annotator.core.safe_files import create_temp_file, fsync_folder, remove_stale_temporaries
from annotator.core.schema import SchemaError, check_version, migrate
from annotator.core.span_answers import SpanAnswersMixin
from annotator.core.store_errors import ServerGoneError, StoreError, open_error
from annotator.core.suggestion_cache import SuggestionCacheMixin
from annotator.core.suppressions import SuppressionsMixin
from annotator.core.team import REVIEWED, is_reserved
from annotator.core.team_store import TeamMixin
from annotator.core.work_order import WorkOrderMixin

__all__ = [
    "APPLICATION_ID",
    "Annotation",
    "DocumentRow",
    "NewDocument",
    "ProjectStore",
    "ServerGoneError",
    "StoreError",
    "current_annotator",
    "text_hash",
]

APPLICATION_ID = 0x414E4E4F  # "ANNO": marks a SQLite file as an annotator project


def current_annotator() -> str:
    """Who is annotating: $ANNOTATOR_NAME, else the login name, else 'annotator'.

    A name starting with '@' is the app's own (the reviewed annotation): never a person's."""
    name = os.environ.get("ANNOTATOR_NAME", "").strip()
    if name and not is_reserved(name):
        return name
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):
        return "annotator"


def text_hash(text: str) -> str:
    """The hash that finds duplicate documents (exact text, UTF-8)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class NewDocument:
    """A document on its way into the store, with the spans and answer it arrives with."""

    text: str
    meta: dict[str, Any]
    source: str = ""
    line: int = 0
    spans: tuple[Span, ...] = ()
    answer: Answer | None = None
    annotator: str | None = None


@dataclass(frozen=True)
class Annotation:
    """One annotator's work on one document."""

    doc_id: int
    annotator: str
    answer: Answer | None
    spans: tuple[Span, ...]
    updated: float = 0.0

    @property
    def accepted(self) -> list[Span]:
        return [s for s in self.spans if s.state is SpanState.ACCEPTED]

    @property
    def suggested(self) -> list[Span]:
        return [s for s in self.spans if s.state is SpanState.SUGGESTED]


class DocumentRow(NamedTuple):
    """A line of the document list: enough to show, not the whole text (a NamedTuple: a
    100,000-document list builds them several times faster than frozen dataclasses)."""

    id: int
    preview: str
    answer: Answer | None
    span_count: int
    source: str


_INSERT_SPAN = (
    'INSERT INTO spans(annotation_id, start, "end", label, state, source, score) '
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _publish(tmp: Path, path: Path) -> None:
    """Give the complete file ``tmp`` the name ``path``, never replacing a file there."""
    try:
        os.link(tmp, path)  # fails if ``path`` exists, even if it appeared a moment ago
    except FileExistsError:
        raise StoreError(f"{path}: already exists; open it instead of creating it") from None
    except OSError:  # a file system without hard links
        if os.path.lexists(path):
            raise StoreError(f"{path}: already exists; open it instead of creating it") from None
        os.rename(tmp, path)
    fsync_folder(path.parent)


def _span_from_row(row: Sequence[Any]) -> Span:
    start, end, label, state, source, score = row
    return Span(start, end, label, SpanState(state), source, score)


class ProjectStore(
    SuggestionCacheMixin,
    StatsMixin,
    ModelVersionsMixin,
    SuppressionsMixin,
    AssignmentMixin,
    TeamMixin,
    SpanAnswersMixin,
    WorkOrderMixin,
):
    """A connection to one project (a file or a PostgreSQL database).

    ``location`` names the project for reopening it (child processes, recent projects): the
    file's path, or the URL without its password. ``path`` is the file; for a database it is a
    stand-in (the database's name, relative: file dialogs start in the working folder, a
    trained model is named after it); nothing copies or opens it as a file.
    """

    #: Seconds a write waits for another connection's write to end before "locked".
    busy_timeout = 10.0

    def __init__(self, db: Database, path: Path, location: str | None = None) -> None:
        self._conn = db
        self.path = path
        self.location = location if location is not None else str(path)

    @property
    def shared(self) -> bool:
        """True for a project on a database server (several annotators at once)."""
        return self._conn.dialect == "postgresql"

    # ----------------------------------------------------------------- opening
    @classmethod
    def create(
        cls, path: str | Path, labels: LabelSet | Iterable[str], pipeline: str = "auto"
    ) -> ProjectStore:
        """Create a new project file (or a project in an empty PostgreSQL database, given a
        ``postgresql://`` URL); refuses to overwrite an existing file or a non-empty database.

        The file is built under a temporary name beside ``path`` and linked into place once
        complete, so a failure (a full disk) leaves no file behind; in a database, the whole
        schema is one transaction.
        """
        label_set = labels if isinstance(labels, LabelSet) else LabelSet.from_names(labels)
        if is_database_url(path):
            return cls._create_in_database(str(path), label_set, pipeline)
        path = Path(path)
        if os.path.lexists(path):
            raise StoreError(f"{path}: already exists; open it instead of creating it")
        if not path.parent.exists():
            raise StoreError(f"{path.parent}: folder does not exist")
        remove_stale_temporaries(path)
        tmp: Path | None = None
        try:
            fd, tmp = create_temp_file(path)
            os.close(fd)
            cls._build(tmp, label_set, pipeline)
            _publish(tmp, path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"{path}: cannot create the project ({exc}); no file was left behind"
            ) from exc
        finally:
            if tmp is not None:
                for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                    leftover.unlink(missing_ok=True)
        return cls.open(path)

    @classmethod
    def _build(cls, tmp: Path, labels: LabelSet, pipeline: str) -> None:
        """The whole new project in file ``tmp`` (rollback journal: complete once closed)."""
        store = cls(SQLiteDatabase(sqlite3.connect(tmp, isolation_level=None), tmp), tmp)
        try:
            migrate(store._conn, str(tmp))
            with store.transaction():
                store._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                store._fill_new(labels, pipeline)
        finally:
            store.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())

    def _fill_new(self, labels: LabelSet, pipeline: str) -> None:
        self.set_setting("pipeline", pipeline)
        self.set_setting("created", str(time.time()))
        self._write_labels(labels)

    @classmethod
    def _create_in_database(cls, url: str, labels: LabelSet, pipeline: str) -> ProjectStore:
        """A new project in an empty PostgreSQL database (created beforehand, e.g. with
        ``createdb``): the schema, the settings and the labels in one transaction. A database
        that holds any table is refused untouched (it may be another program's)."""
        import psycopg

        db = PostgresDatabase(url, lock_timeout=cls.busy_timeout)
        name = db.name
        store = cls(db, Path(database_name(url)), redact(url))
        try:
            with store.transaction():
                (tables,) = db.execute(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                ).fetchone()
                if tables:
                    if db.schema_version():
                        raise StoreError(f"{name}: already holds a project; open it instead")
                    raise StoreError(
                        f"{name}: the database is not empty ({tables} tables of another "
                        "program); a project is created only in an empty database "
                        "(createdb NAME makes one); nothing was changed"
                    )
                db.execute(
                    "CREATE TABLE annotator_project "
                    "(application_id BIGINT NOT NULL, schema_version INTEGER NOT NULL)"
                )
                db.execute("INSERT INTO annotator_project VALUES (?, 0)", (APPLICATION_ID,))
                for function in POSTGRES_FUNCTIONS:
                    db.execute(function)
                migrate(db, name)
                store._fill_new(labels, pipeline)
        except psycopg.Error as exc:
            db.close()
            raise StoreError(
                f"{name}: cannot create the project ({exc}); nothing was kept"
            ) from exc
        except BaseException:
            db.close()
            raise
        return store

    @classmethod
    def open(cls, path: str | Path) -> ProjectStore:
        """Open an existing project, migrating an older schema; never creates a file."""
        if is_database_url(path):
            return cls._open_database(str(path), read_only=False)
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such project file")
        return cls._connect(path)

    @classmethod
    def _open_database(cls, url: str, *, read_only: bool) -> ProjectStore:
        """A project in a PostgreSQL database: checked to be one, migrated unless read-only."""
        import psycopg

        db = PostgresDatabase(url, lock_timeout=cls.busy_timeout, read_only=read_only)
        try:
            version = db.schema_version()
            if version == 0:
                raise StoreError(
                    f"{db.name}: not an annotator project (the database holds no project; "
                    "annotator new URL creates one in an empty database)"
                )
            (app_id,) = db.execute("SELECT application_id FROM annotator_project").fetchone()
            if app_id != APPLICATION_ID:
                raise StoreError(f"{db.name}: not an annotator project")
            check_version(version, db.name)
            if not read_only:
                migrate(db, db.name)
        except psycopg.Error as exc:
            db.close()
            raise StoreError(f"{db.name}: cannot open the project ({exc})") from exc
        except BaseException:
            db.close()
            raise
        return cls(db, Path(database_name(url)), redact(url))

    @classmethod
    def open_reader(cls, path: str | Path) -> ProjectStore:
        """A second, read-only connection to an open project (the file is in WAL mode, so it
        reads the last committed state while another connection writes); for background
        readers such as the statistics. Never migrates, never writes."""
        if is_database_url(path):
            return cls._open_database(str(path), read_only=True)
        path = Path(path)
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                timeout=cls.busy_timeout,
                check_same_thread=False,
            )
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open project ({exc})") from exc
        return cls(SQLiteDatabase(conn, path), path)

    @classmethod
    def _connect(cls, path: Path) -> ProjectStore:
        uri = f"{path.resolve().as_uri()}?mode=rw"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=cls.busy_timeout)
        except sqlite3.Error as exc:
            raise open_error(exc, path, cls.busy_timeout) from exc
        try:
            (app_id,) = conn.execute("PRAGMA application_id").fetchone()
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            if app_id != APPLICATION_ID or version == 0:
                raise StoreError(
                    f"{path}: not an annotator project (a SQLite file of another program?)"
                )
            check_version(version, str(path))  # before the first PRAGMA that writes
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            # 64 MB of page cache: a 100,000-document import stays in memory until its commit.
            conn.execute("PRAGMA cache_size = -65536")
            migrate(SQLiteDatabase(conn, path), str(path))
        except sqlite3.Error as exc:
            conn.close()
            raise open_error(exc, path, cls.busy_timeout) from exc
        except (SchemaError, StoreError):
            conn.close()
            raise
        return cls(SQLiteDatabase(conn, path), path)

    def close(self) -> None:
        self._conn.close()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the project file (after a bulk import: other
        connections then read the new rows from the file rather than from a large log)."""
        self._conn.checkpoint()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One committed transaction; nested uses join the outermost one.

        A project that is locked (another window or command is writing), read-only, or whose
        server went away raises a StoreError that names the project and says what to do, not
        the driver's bare words.
        """
        try:
            with self._conn.transaction() as db:
                yield db
        except BaseException as exc:
            explained = self._conn.explain(exc, self.busy_timeout)
            if explained is not None:
                raise explained from exc
            raise

    # ---------------------------------------------------------------- settings
    def setting(self, key: str, default: str = "") -> str:
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def pipeline(self) -> str:
        return self.setting("pipeline", "auto")

    # ------------------------------------------------------------------ labels
    def labels(self) -> LabelSet:
        rows = self._conn.execute("SELECT name, color, key FROM labels ORDER BY position")
        return LabelSet(Label(name, color, key) for name, color, key in rows)

    def _write_labels(self, labels: LabelSet) -> None:
        self._conn.execute("DELETE FROM labels")
        self._conn.executemany(
            "INSERT INTO labels(name, color, key, position) VALUES (?, ?, ?, ?)",
            [(label.name, label.color, label.key, i) for i, label in enumerate(labels)],
        )

    def set_labels(self, labels: LabelSet, renames: dict[str, str] | None = None) -> None:
        """Replace the label set; ``renames`` (old -> new, all at once) carries spans along.

        A label that disappears without a rename keeps its spans (they show as unknown) so
        that nothing annotated is lost by a slip in the label dialog.
        """
        changed = {old: new for old, new in (renames or {}).items() if old != new}
        with self.transaction() as conn:
            if changed:
                # One statement, so that every rename applies at once: a swap (A -> B and
                # B -> A) or a chain (A -> B, B -> C) must not rename a span twice.
                cases = " ".join("WHEN ? THEN ?" for _ in changed)
                for table in ("spans", "span_answers"):
                    conn.execute(
                        f"UPDATE {table} SET label = CASE label {cases} END "
                        f"WHERE label IN ({','.join('?' * len(changed))})",
                        [*(x for pair in changed.items() for x in pair), *changed],
                    )
            self._write_labels(labels)

    def add_labels(self, names: Iterable[str]) -> list[str]:
        """Append labels the project lacks (colour and key as the Labels dialog picks them,
        ``LabelSet.with_added``); returns the names added. Joins the caller's transaction."""
        current = self.labels()
        fresh = [name for name in dict.fromkeys(names) if current.get(name) is None]
        if fresh:
            with self.transaction():
                self._write_labels(current.with_added(fresh))
        return fresh

    # --------------------------------------------------------------- documents
    def add_documents(
        self, documents: Iterable[NewDocument], default_annotator: str | None = None
    ) -> tuple[int, int]:
        """Insert documents (and the annotations they bring); returns (documents added,
        records that added no document). See ``import_documents`` for what happens to the
        annotation of a record whose text is already present.

        Joins the caller's transaction. Answers that arrive with documents are not logged as
        events: the answer history charts the annotators' work in the app, not bulk imports.
        """
        batch = list(documents)
        result = self.import_documents(batch, default_annotator)
        return result.documents_added, len(batch) - result.documents_added

    def existing_hashes(self, hashes: list[str]) -> set[str]:
        """Which of these text hashes the project holds."""
        found: set[str] = set()
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self._conn.execute(
                    f"SELECT text_hash FROM documents WHERE text_hash IN ({marks})", chunk
                )
            )
        return found

    def _insert_annotation(
        self,
        doc_id: int,
        annotator: str,
        answer: Answer | None,
        spans: Iterable[Span],
        now: float,
    ) -> int:
        (annotation_id,) = self._conn.execute(
            "INSERT INTO annotations(doc_id, annotator, answer, seeded, created, updated) "
            "VALUES (?, ?, ?, 0, ?, ?) RETURNING id",
            (doc_id, annotator, answer.value if answer else None, now, now),
        ).fetchone()
        annotation_id = int(annotation_id)
        self._conn.executemany(
            _INSERT_SPAN,
            [
                (annotation_id, s.start, s.end, s.label, s.state.value, s.source, s.score)
                for s in spans
            ],
        )
        if answer is not None:
            self._log(annotator, doc_id, answer.value, now)
        return annotation_id

    def document(self, doc_id: int) -> Document:
        row = self._conn.execute(
            "SELECT id, text, meta, source, line, text_hash FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id}")
        return Document(row[0], row[1], json.loads(row[2]), row[3], row[4], row[5])

    def count_documents(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def count_accepted_documents(self) -> int:
        """Documents some annotator accepted (what training learns from)."""
        return int(
            self._conn.execute(
                "SELECT count(DISTINCT doc_id) FROM annotations WHERE answer = ?",
                (Answer.ACCEPT.value,),
            ).fetchone()[0]
        )

    def document_ids(self) -> list[int]:
        return [row[0] for row in self._conn.execute("SELECT id FROM documents ORDER BY id")]

    def iter_documents(self, batch_size: int = 1000) -> Iterator[Document]:
        """All documents in id order, fetched in batches (never all at once)."""
        last = 0
        while True:
            rows = self._conn.execute(
                "SELECT id, text, meta, source, line, text_hash FROM documents "
                "WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield Document(row[0], row[1], json.loads(row[2]), row[3], row[4], row[5])
            last = rows[-1][0]

    def document_states(
        self,
        annotator: str,
        answer: Answer | str | None = "all",
        search: str = "",
        after: int = 0,
        through: int | None = None,
        limit: int | None = None,
        version: str | None = None,
    ) -> list[tuple[int, Answer | None, int]]:
        """(id, answer, span count) of the document list for one annotator, filtered by answer
        ('all', 'todo' or an Answer) and by a case-insensitive text search. No text is read
        (unless searching), so the list of a 100,000-document project refreshes quickly.

        ``after``, ``through`` and ``limit`` read a part of the list: ids in (after, through],
        at most ``limit`` of them, so that a window can read a long list in short steps.

        With a suggester ``version``, an unanswered document whose suggestions of that version
        are computed but not yet put into the annotation (they are when it is first shown)
        counts them too: after "suggest for all" the list showed 0 everywhere."""
        where = ["d.id > ?"]
        params: list[Any] = [version, version, annotator, after]
        if through is not None:
            where.append("d.id <= ?")
            params.append(through)
        if answer == "todo":
            where.append("a.answer IS NULL")
            if annotator == REVIEWED:
                where.append(NEEDS_REVIEW)
        elif isinstance(answer, Answer):
            # coalesce: keeps SQLite walking the documents by id (a range costs its size)
            # instead of the answer index, which reads every accepted document of the project.
            where.append("coalesce(a.answer, '') = ?")
            params.append(answer.value)
        if search:
            where.append("instr(lower(d.text), lower(?)) > 0")
            params.append(search)
        if limit is not None:
            params.append(limit)
        # The span count is looked up per listed document (the spans' primary key starts with
        # the annotation id): a part of the list costs what it shows, not the whole project.
        rows = self._conn.execute(
            "SELECT d.id, a.answer, (SELECT count(*) FROM spans s WHERE s.annotation_id = a.id) "
            "+ CASE WHEN CAST(? AS TEXT) IS NULL OR a.answer IS NOT NULL "
            "OR coalesce(a.seeded, 0) = 1 THEN 0 ELSE "
            "coalesce((SELECT json_array_length(g.spans) FROM suggestions g "
            "WHERE g.doc_id = d.id AND g.version = ?), 0) END "
            "FROM documents d "
            "LEFT JOIN annotations a ON a.doc_id = d.id AND a.annotator = ? "
            f"WHERE {' AND '.join(where)} ORDER BY d.id"
            + (" LIMIT ?" if limit is not None else ""),
            params,
        )
        answers = {a.value: a for a in Answer}
        return [(i, answers.get(ans), n) for i, ans, n in rows]

    def last_document_id(self) -> int:
        """The highest document id (0 in an empty project); new documents come after it."""
        (last,) = self._conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()
        return int(last)

    def document_previews(
        self, ids: Sequence[int], preview_chars: int = 120
    ) -> dict[int, tuple[str, str]]:
        """id -> (first characters of the text on one line, source file) for list views."""
        found: dict[int, tuple[str, str]] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            rows = self._conn.execute(
                f"SELECT id, substr(text, 1, ?), source FROM documents "
                f"WHERE id IN ({','.join('?' * len(chunk))})",
                [preview_chars, *chunk],
            )
            found.update((doc_id, (" ".join(p.split()), src)) for doc_id, p, src in rows)
        return found

    def document_rows(
        self, annotator: str, answer: Answer | str | None = "all", search: str = ""
    ) -> list[DocumentRow]:
        """The document list with previews (see ``document_states`` for the filters)."""
        states = self.document_states(annotator, answer, search)
        previews = self.document_previews([doc_id for doc_id, _, _ in states])
        rows = []
        for doc_id, ans, n in states:
            preview, source = previews[doc_id]
            rows.append(DocumentRow(doc_id, preview, ans, n, source))
        return rows

    # ------------------------------------------------------------- annotations
    def answered_ids(self) -> set[int]:
        """Ids of the documents that some annotator has answered."""
        rows = self._conn.execute(
            "SELECT DISTINCT doc_id FROM annotations WHERE answer IS NOT NULL"
        )
        return {r[0] for r in rows}

    def annotation(self, doc_id: int, annotator: str) -> Annotation | None:
        row = self._conn.execute(
            "SELECT id, answer, updated FROM annotations WHERE doc_id = ? AND annotator = ?",
            (doc_id, annotator),
        ).fetchone()
        if row is None:
            return None
        spans = tuple(
            _span_from_row(r)
            for r in self._conn.execute(
                'SELECT start, "end", label, state, source, score FROM spans '
                "WHERE annotation_id = ? ORDER BY start",
                (row[0],),
            )
        )
        return Annotation(doc_id, annotator, Answer(row[1]) if row[1] else None, spans, row[2])

    def annotation_or_empty(self, doc_id: int, annotator: str) -> Annotation:
        """The annotation, or an unanswered one without spans when none was saved yet."""
        found = self.annotation(doc_id, annotator)
        return found if found is not None else Annotation(doc_id, annotator, None, ())

    def annotators(self) -> list[str]:
        """Everyone with an annotation in the project, by name (the same order on every
        back end)."""
        rows = self._conn.execute("SELECT DISTINCT annotator FROM annotations ORDER BY annotator")
        return [r[0] for r in rows]

    def _annotation_id(self, doc_id: int, annotator: str, create: bool = True) -> int:
        row = self._conn.execute(
            "SELECT id FROM annotations WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
        if row:
            return int(row[0])
        if not create:
            raise KeyError(f"no annotation of document {doc_id} by {annotator}")
        return self._insert_annotation(doc_id, annotator, None, (), time.time())

    def _touch(self, annotation_id: int) -> None:
        self._conn.execute(
            "UPDATE annotations SET updated = ? WHERE id = ?", (time.time(), annotation_id)
        )

    def suggestions_seeded(self, doc_id: int, annotator: str) -> bool:
        """Whether the suggester's spans were put into this annotation (see seed_suggestions)."""
        row = self._conn.execute(
            "SELECT seeded FROM annotations WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
        return bool(row and row[0])

    def seed_suggestions(self, doc_id: int, annotator: str, spans: Sequence[Span]) -> bool:
        """Put suggestions into an annotation once; later calls (after the annotator has
        rejected some) change nothing. Suggestions overlapping existing spans are skipped."""
        with self.transaction() as conn:
            annotation_id = self._annotation_id(doc_id, annotator)
            (seeded,) = conn.execute(
                "SELECT seeded FROM annotations WHERE id = ?", (annotation_id,)
            ).fetchone()
            if seeded:
                return False
            current = self.annotation(doc_id, annotator)
            taken = list(current.spans) if current else []
            fresh = []
            for span in sorted(spans):
                if not any(span.overlaps(other) for other in taken):
                    fresh.append(span.with_(state=SpanState.SUGGESTED))
                    taken.append(span)
            conn.executemany(
                _INSERT_SPAN,
                [
                    (annotation_id, s.start, s.end, s.label, s.state.value, s.source, s.score)
                    for s in fresh
                ],
            )
            conn.execute("UPDATE annotations SET seeded = 1 WHERE id = ?", (annotation_id,))
            return True

    def unseed_untouched(self, annotator: str) -> int:
        """Take the suggestions back out of ``annotator``'s unanswered annotations that nobody
        has touched (no span accepted, none rejected), so that they are seeded again from
        whatever suggests now; returns how many. Anything an annotator accepted or rejected
        stays as it is."""
        untouched = (
            "SELECT a.id FROM annotations a WHERE a.annotator = ? AND a.answer IS NULL "
            "AND a.seeded = 1 AND NOT EXISTS (SELECT 1 FROM spans s WHERE "
            "s.annotation_id = a.id AND s.state = 'accepted') AND NOT EXISTS (SELECT 1 FROM "
            "rejections r WHERE r.doc_id = a.doc_id AND r.annotator = a.annotator)"
        )
        with self.transaction() as conn:
            ids = [r[0] for r in conn.execute(untouched, (annotator,))]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM spans WHERE annotation_id IN ({marks})", chunk)
                conn.execute(f"UPDATE annotations SET seeded = 0 WHERE id IN ({marks})", chunk)
        return len(ids)

    def add_span(self, doc_id: int, annotator: str, span: Span) -> None:
        """Add one span; refuses spans outside the text or overlapping another span.

        Both checks are single indexed queries, so an edit costs the same in a document with
        two spans or two thousand.
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT length(text) FROM documents WHERE id = ?", (doc_id,))
            found = row.fetchone()
            if found is None:
                raise KeyError(f"no document {doc_id}")
            if span.end > found[0]:
                raise ValidationError(
                    f"span [{span.start}, {span.end}) {span.label} is out of range "
                    f"(text has {found[0]} characters)"
                )
            annotation_id = self._annotation_id(doc_id, annotator)
            clash = conn.execute(
                'SELECT start, "end", label FROM spans WHERE annotation_id = ? '
                'AND start < ? AND "end" > ? LIMIT 1',
                (annotation_id, span.end, span.start),
            ).fetchone()
            if clash is not None:
                raise ValidationError(
                    f"spans overlap: [{clash[0]}, {clash[1]}) {clash[2]} and "
                    f"[{span.start}, {span.end}) {span.label}"
                )
            if span.state == SpanState.SUGGESTED:
                self._forget_rejection(doc_id, annotator, span)  # an undone rejection
            conn.execute(
                _INSERT_SPAN,
                (
                    annotation_id,
                    span.start,
                    span.end,
                    span.label,
                    span.state,
                    span.source,
                    span.score,
                ),
            )
            self._touch(annotation_id)

    def remove_span(
        self, doc_id: int, annotator: str, span: Span, *, rejection: bool = True
    ) -> None:
        """Remove the span at exactly [start, end) with the same label.

        Removing a suggestion records its rejection (``core.suppressions``) unless
        ``rejection`` is False.
        """
        with self.transaction() as conn:
            annotation_id = self._annotation_id(doc_id, annotator, create=False)
            removed = conn.execute(
                'DELETE FROM spans WHERE annotation_id = ? AND start = ? AND "end" = ? '
                "AND label = ? RETURNING state, source",
                (annotation_id, span.start, span.end, span.label),
            ).fetchall()
            if len(removed) != 1:
                raise ValidationError(
                    f"no span [{span.start}, {span.end}) {span.label} in document {doc_id}"
                )
            # A reviewer's rejection is about one annotator's span, not the suggester's; with
            # the stored source: each source's precision is learnt from its rejections.
            if rejection and removed[0][0] == SpanState.SUGGESTED.value and annotator != REVIEWED:
                self._record_rejection(doc_id, annotator, span.with_(source=removed[0][1]))
            self._touch(annotation_id)

    def replace_span(self, doc_id: int, annotator: str, old: Span, new: Span) -> None:
        """Change a span's offsets, label, state or source in one step.

        A suggestion changed into another span (label or bounds) counts as rejected; one only
        accepted does not.
        """
        with self.transaction():
            self.remove_span(doc_id, annotator, old, rejection=old.key != new.key)
            self.add_span(doc_id, annotator, new)

    def set_answer(self, doc_id: int, annotator: str, answer: Answer | None) -> None:
        """Answer a document (or take the answer back), in one transaction: the answer
        releases the annotator's claim on the document; taking it back claims it again."""
        with self.transaction() as conn:
            annotation_id = self._annotation_id(doc_id, annotator)
            if answer is None:
                self._claim(doc_id, annotator, time.time())
            else:
                self._release_claim(doc_id, annotator)
            conn.execute(
                "UPDATE annotations SET answer = ?, updated = ? WHERE id = ?",
                (answer.value if answer else None, time.time(), annotation_id),
            )
            self._log(annotator, doc_id, answer.value if answer else "unanswer", time.time())

    def _log(self, annotator: str, doc_id: int | None, kind: str, when: float) -> None:
        self._conn.execute(
            "INSERT INTO events(time, annotator, doc_id, kind) VALUES (?, ?, ?, ?)",
            (when, annotator, doc_id, kind),
        )

    def iter_annotations(
        self,
        answers: Iterable[Answer] = (Answer.ACCEPT,),
        annotator: str | None = None,
    ) -> Iterator[tuple[Document, Annotation]]:
        """Documents with their annotations whose answer is in ``answers``, in document order.

        One streaming query; spans are fetched for 500 annotations at a time.
        """
        wanted = [a.value for a in answers]
        params: list[Any] = list(wanted)
        chosen = f"a.answer IN ({','.join('?' * len(wanted))})"
        who = ""
        if annotator is not None:
            who = " AND a.annotator = ?"
            params.append(annotator)
        rows = self._conn.execute(
            "SELECT a.id, a.annotator, a.answer, a.updated, "
            "d.id, d.text, d.meta, d.source, d.line, d.text_hash "
            "FROM annotations a JOIN documents d ON d.id = a.doc_id "
            f"WHERE {chosen}{who} ORDER BY a.doc_id, a.id",
            params,
        )
        while batch := rows.fetchmany(500):
            ids = [r[0] for r in batch]
            spans: dict[int, list[Span]] = {i: [] for i in ids}
            for r in self._conn.execute(
                'SELECT annotation_id, start, "end", label, state, source, score FROM spans '
                f"WHERE annotation_id IN ({','.join('?' * len(ids))}) ORDER BY start",
                ids,
            ):
                spans[r[0]].append(_span_from_row(r[1:]))
            for annotation_id, who_, answer, updated, *doc in batch:
                document = Document(doc[0], doc[1], json.loads(doc[2]), doc[3], doc[4], doc[5])
                yield (
                    document,
                    Annotation(
                        document.id,
                        who_,
                        Answer(answer) if answer else None,
                        tuple(spans[annotation_id]),
                        updated,
                    ),
                )

    # ------------------------------------------------------------ where I was
    def cursor(self, annotator: str) -> int | None:
        value = self.setting(f"cursor:{annotator}")
        return int(value) if value else None

    def set_cursor(self, annotator: str, doc_id: int) -> None:
        self.set_setting(f"cursor:{annotator}", str(doc_id))

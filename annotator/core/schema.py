"""The project's schema and its migrations, written once in SQLite's dialect.

The schema version lives in ``PRAGMA user_version`` (SQLite) or the table
``annotator_project`` (PostgreSQL; see ``core.database``). Migration N takes a project from
version N-1 to N; a project written by a newer version of the app is refused, never altered.
On PostgreSQL each statement goes through ``postgres_ddl``, which translates the types; write
new migrations with the types used below (INTEGER, REAL, TEXT, BLOB, ``INTEGER PRIMARY KEY``,
``WITHOUT ROWID``) and nothing else SQLite-only.
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.core.database import Database

SCHEMA_VERSION = 3

_V1 = """
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE labels (
    name     TEXT PRIMARY KEY,
    color    TEXT NOT NULL,
    key      TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);
CREATE TABLE documents (
    id        INTEGER PRIMARY KEY,
    text      TEXT NOT NULL CHECK (length(text) > 0),
    meta      TEXT NOT NULL DEFAULT '{}',
    source    TEXT NOT NULL DEFAULT '',
    line      INTEGER NOT NULL DEFAULT 0,
    text_hash TEXT NOT NULL UNIQUE,
    created   REAL NOT NULL
);
CREATE TABLE annotations (
    id        INTEGER PRIMARY KEY,
    doc_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    answer    TEXT CHECK (answer IN ('accept', 'reject', 'ignore')),
    seeded    INTEGER NOT NULL DEFAULT 0,
    created   REAL NOT NULL,
    updated   REAL NOT NULL,
    UNIQUE (doc_id, annotator)
);
CREATE TABLE spans (
    annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL CHECK (start >= 0),
    "end"         INTEGER NOT NULL,
    label         TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('accepted', 'suggested')),
    source        TEXT NOT NULL DEFAULT 'manual',
    score         REAL,
    CHECK ("end" > start),
    -- Spans of one annotation never overlap, so (annotation, start) names a span; one b-tree
    -- serves both the lookups and the storage.
    PRIMARY KEY (annotation_id, start)
) WITHOUT ROWID;
CREATE TABLE suggestions (
    doc_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    spans   TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE TABLE patterns (
    id      INTEGER PRIMARY KEY,
    label   TEXT NOT NULL,
    pattern TEXT NOT NULL UNIQUE,
    created REAL NOT NULL
);
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    time      REAL NOT NULL,
    annotator TEXT NOT NULL,
    doc_id    INTEGER,
    kind      TEXT NOT NULL
);
CREATE INDEX annotations_by_annotator ON annotations(annotator, answer);
CREATE INDEX events_by_time ON events(time);
"""

# v2: the learning loop. ``splits`` fixes each accepted document's part (train or held-out) the
# first time a training run sees it, so that successive models are scored on the same part;
# ``models`` holds the project's trained models (spaCy's own serialisation, never pickle) with
# their held-out scores. Which one suggests is the setting ``active_model`` (empty: none).
# ``rejections`` records each suggestion an annotator rejected (removed while still a
# suggestion; undoing the removal deletes the record); ``suppressions`` holds the user's own
# entries of the list of texts that are no longer suggested (see core/suppressions.py).
_V2 = """
CREATE TABLE splits (
    doc_id   INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    part     TEXT NOT NULL CHECK (part IN ('train', 'heldout')),
    assigned REAL NOT NULL
);
CREATE TABLE models (
    id        INTEGER PRIMARY KEY,
    created   REAL NOT NULL,
    name      TEXT NOT NULL,
    base      TEXT NOT NULL,
    documents INTEGER NOT NULL,
    report    TEXT NOT NULL,
    config    TEXT NOT NULL,
    weights   BLOB NOT NULL,
    sha256    TEXT NOT NULL
);
CREATE TABLE rejections (
    doc_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    start     INTEGER NOT NULL,
    label     TEXT NOT NULL,
    text      TEXT NOT NULL,
    created   REAL NOT NULL,
    PRIMARY KEY (doc_id, annotator, start, label)
) WITHOUT ROWID;
CREATE INDEX rejections_by_text ON rejections(text, label);
CREATE TABLE suppressions (
    text    TEXT NOT NULL,
    label   TEXT NOT NULL,
    state   TEXT NOT NULL CHECK (state IN ('suppressed', 'allowed')),
    created REAL NOT NULL,
    PRIMARY KEY (text, label)
) WITHOUT ROWID;
"""

# v3, binary answers: ``span_answers`` holds an annotator's answer about ONE span of a document
# (Prodigy's ner.teach, a "one suggestion at a time" mode): evidence about that span only, never
# a document answer (see core/span_answers.py). ``meta`` and the Prodigy hashes are the task's
# own, kept so that an imported task goes back out as it came. ``task_hashes`` keeps the hashes
# a full (manual) annotation arrived with; ``content_hash`` is our own task hash of the spans
# it arrived with, so an export reuses the imported ``_task_hash`` only while they are unchanged.
_V3_SPAN_ANSWERS = """
CREATE TABLE span_answers (
    doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator  TEXT NOT NULL,
    start      INTEGER NOT NULL CHECK (start >= 0),
    "end"      INTEGER NOT NULL,
    label      TEXT NOT NULL,
    answer     TEXT NOT NULL CHECK (answer IN ('accept', 'reject', 'ignore')),
    meta       TEXT NOT NULL DEFAULT '{}',
    input_hash BIGINT,
    task_hash  BIGINT,
    created    REAL NOT NULL,
    CHECK ("end" > start),
    PRIMARY KEY (doc_id, annotator, start, "end", label)
);
CREATE INDEX span_answers_by_answer ON span_answers(answer, doc_id);
CREATE TABLE task_hashes (
    doc_id       INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    input_hash   BIGINT NOT NULL,
    task_hash    BIGINT NOT NULL,
    content_hash BIGINT NOT NULL
);
"""


# v3: assignment (core/assignment.py). A claim says that an annotator is working on a document
# until ``expires`` (epoch seconds); it is taken under the write lock and released by the answer,
# so that with N annotations per document (the setting ``per_document``) no more than N
# annotators get the same document.
_V3_CLAIMS = """
CREATE TABLE claims (
    doc_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    expires   REAL NOT NULL,
    PRIMARY KEY (doc_id, annotator)
) WITHOUT ROWID;
CREATE INDEX claims_by_annotator ON claims(annotator, expires);
"""


# v3 (confidence): a rejected suggestion's source (pattern, rule, model), so that each source's
# precision is estimated from the project's own answers (core/confidence.py); a document's
# uncertainty under a suggester version, so that the queue can bring the least sure first
# without reading every document's spans (core/work_order.py).
_V3_CONFIDENCE = """
ALTER TABLE rejections ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE suggestions ADD COLUMN uncertainty REAL;
CREATE INDEX suggestions_by_uncertainty ON suggestions(version, uncertainty DESC, doc_id);
"""

# Index = target version. Each entry is a script run inside one transaction.
MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2, 3: _V3_SPAN_ANSWERS + _V3_CLAIMS + _V3_CONFIDENCE}


class SchemaError(RuntimeError):
    """The project file's schema cannot be used by this version of the app."""


def _statements(script: str) -> list[str]:
    """Split a script into complete SQL statements (semicolons in comments are fine)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise SchemaError(f"incomplete statement in schema script: {pending.strip()[:60]}")
    return statements


def check_version(current: int, path: str) -> None:
    """Refuse a project written by a newer app; call it before anything that writes (even a
    PRAGMA such as journal_mode), so that "the file was not changed" stays true."""
    if current > SCHEMA_VERSION:
        raise SchemaError(
            f"{path}: this project was written by a newer version of the annotator "
            f"(schema {current}, this app knows up to {SCHEMA_VERSION}); "
            "upgrade the app to open it. The file was not changed."
        )


# SQLite's types -> PostgreSQL's. Ids are identities (explicit ids come from their sequence, see
# Database.new_ids); INTEGER stays 32-bit, as substr() and friends take; REAL must be double
# precision (times are epoch seconds).
_POSTGRES_TYPES = (
    (
        re.compile(r"\bINTEGER PRIMARY KEY\b"),
        "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\)\s*WITHOUT ROWID"), ")"),
)


def postgres_ddl(statement: str) -> str:
    """A schema statement written for SQLite, in PostgreSQL's types."""
    for pattern, replacement in _POSTGRES_TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


def migrate(db: Database, name: str) -> None:
    """Bring ``db`` to SCHEMA_VERSION, refusing projects from a newer app. Each migration is
    one write transaction; the version is read again under the write lock, so two processes
    opening an old project at once migrate it once."""
    found = db.schema_version()
    check_version(found, name)
    if found == SCHEMA_VERSION:
        return  # no write lock taken: opening a project never waits for a writer
    translate = postgres_ddl if db.dialect == "postgresql" else str
    while True:
        with db.transaction():
            current = db.schema_version()
            check_version(current, name)
            if current >= SCHEMA_VERSION:
                return
            for statement in _statements(MIGRATIONS[current + 1]):
                db.execute(translate(statement))
            db.set_schema_version(current + 1)

"""The order in which documents are worked through: in order, least sure first, or random.

``A``/``X``/``Space`` in the window and ``annotator queue`` follow the project's choice (the
settings ``queue_order`` and ``queue_seed``):

=============  ===============================================================================
``in-order``   by document id (import order)
``least-sure`` the documents whose suggestions are least sure first: the mean uncertainty
               (``core.confidence.document_uncertainty``) stored with the suggestions of the
               version that suggests now; documents not suggested yet come last, in order
``random``     a seeded shuffle: the same seed gives the same order on every machine
=============  ===============================================================================

Each order is a sort key computed in SQL (row values, which SQLite and PostgreSQL both
compare), so the next document is one query, never a read of the whole project. Qt- and
spaCy-free.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from annotator.core.assignment import needs_condition
from annotator.core.database import Database
from annotator.core.team import REVIEWED

__all__ = ["ORDERS", "ORDER_NAMES", "QueueEntry", "WorkOrder", "WorkOrderMixin"]

ORDERS = ("in-order", "least-sure", "random")
ORDER_NAMES = {
    "in-order": "In order",
    "least-sure": "Least sure first",
    "random": "Random (seeded)",
}
ORDER_SETTING = "queue_order"
SEED_SETTING = "queue_seed"

# A seeded permutation of ids in portable integer arithmetic: id times a multiplier the seed
# picks, modulo a prime above 2**32 (ids below 2**31 cannot overflow a 64-bit integer).
_MULTIPLIER = 2654435761
_PRIME = 4294967311


def _seed_multiplier(seed: int) -> int:
    """A multiplier in [1, prime) for ``seed``: each seed gives its own permutation."""
    return (_MULTIPLIER * (abs(seed) + 1)) % _PRIME or 1


_KEYS = {
    "in-order": ("d.id",),
    "least-sure": (
        "CASE WHEN s.uncertainty IS NULL THEN 1 ELSE 0 END",
        "-COALESCE(s.uncertainty, 0)",
        "d.id",
    ),
    "random": (f"(CAST(d.id AS BIGINT) * CAST(? AS BIGINT)) % {_PRIME}", "d.id"),
}
# Whether the document still needs the annotator: not answered by them, and not taken by the
# others when the project asks for fewer annotations per document (``core.assignment``).
_UNANSWERED = needs_condition("d.id")


@dataclass(frozen=True)
class WorkOrder:
    """One of ``ORDERS``, and the seed of the random order."""

    kind: str = "in-order"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ORDERS:
            raise ValueError(f"unknown order {self.kind!r}: choose from {', '.join(ORDERS)}")

    def describe(self) -> str:
        name = ORDER_NAMES[self.kind]
        return f"{name}, seed {self.seed}" if self.kind == "random" else name


@dataclass(frozen=True)
class QueueEntry:
    """A document still to do, with its uncertainty (None: not suggested yet)."""

    doc_id: int
    uncertainty: float | None


def _query(order: WorkOrder, version: str | None) -> tuple[str, list[object], str, list[object]]:
    """The FROM clause and its parameters, the sort key (a row value: compare it as
    ``(key)``, sort by ``key``) and its parameters."""
    source, source_params = "FROM documents d", list[object]()
    if order.kind == "least-sure":
        source += " LEFT JOIN suggestions s ON s.doc_id = d.id AND s.version = ?"
        source_params.append(version or "")
    key_params: list[object] = [_seed_multiplier(order.seed)] if order.kind == "random" else []
    return source, source_params, ", ".join(_KEYS[order.kind]), key_params


class WorkOrderMixin:
    """The store's part: the project's order, the next document in it, the queue."""

    _conn: Database
    transaction: Callable[[], AbstractContextManager[Database]]
    setting: Callable[..., str]
    set_setting: Callable[[str, str], None]
    next_to_do: Callable[..., int | None]
    count_to_do: Callable[[str], int]
    count_documents: Callable[[], int]
    _needs_params: Callable[[str, float], list[object]]
    _claim: Callable[[int, str, float], None]

    def work_order(self) -> WorkOrder:
        """The project's order; in order when the setting is missing or damaged."""
        kind = self.setting(ORDER_SETTING, "in-order")
        try:
            seed = int(self.setting(SEED_SETTING, "0"))
        except ValueError:
            seed = 0
        return WorkOrder(kind if kind in ORDERS else "in-order", seed)

    def set_work_order(self, order: WorkOrder) -> None:
        self.set_setting(ORDER_SETTING, order.kind)
        self.set_setting(SEED_SETTING, str(order.seed))

    def next_in_order(
        self,
        annotator: str,
        order: WorkOrder,
        after: int | None = None,
        version: str | None = None,
    ) -> int | None:
        """The first document ``annotator`` has not answered that comes after ``after`` in
        ``order`` (wrapping around), or None when every one is answered.

        ``version``: the suggester version whose uncertainties rank the least-sure order.
        """
        if order.kind == "in-order" or annotator == REVIEWED:  # reviews are never assigned
            return self.next_to_do(annotator, after=after)
        if self.count_to_do(annotator) <= 0:
            return None
        # Found and claimed in one write transaction, as ``next_to_do`` does: two annotators
        # asking at once never get the same document when it needs only one of them.
        with self.transaction():
            needs = self._needs_params(annotator, time.time())
            if order.kind == "least-sure":
                found = self._next_least_sure(needs, after, version or "")
            else:
                found = self._next_random(needs, order.seed, after)
            if found is not None:
                self._claim(found, annotator, time.time())
            return found

    def _shuffled(self, seed: int) -> tuple[list[int], dict[int, int]]:
        """Every document id in the random order of ``seed``, and each id's place; kept
        until documents are added or removed (one sort, not one per step)."""
        stamp = (seed, *self._conn.execute("SELECT count(*), max(id) FROM documents").fetchone())
        memo = getattr(self, "_shuffle_memo", None)
        if memo is not None and memo[0] == stamp:
            return memo[1], memo[2]  # type: ignore[no-any-return]
        # Sorted here by the key the SQL of ``queue`` sorts by (faster than ORDER BY on it).
        multiplier = _seed_multiplier(seed)
        ids = sorted(
            (int(r[0]) for r in self._conn.execute("SELECT id FROM documents")),
            key=lambda doc_id: ((doc_id * multiplier) % _PRIME, doc_id),
        )
        places = {doc_id: n for n, doc_id in enumerate(ids)}
        self._shuffle_memo = (stamp, ids, places)
        return ids, places

    def _next_random(self, needs: list[object], seed: int, after: int | None) -> int | None:
        """``next_in_order`` for random: a walk of the cached shuffle from ``after``."""
        ids, places = self._shuffled(seed)
        start = places[after] + 1 if after in places else 0
        for n in range(len(ids)):
            doc_id = ids[(start + n) % len(ids)]
            if doc_id == after:
                continue
            wanted = self._conn.execute(
                f"SELECT 1 FROM documents d WHERE d.id = ? AND {_UNANSWERED}", [doc_id, *needs]
            ).fetchone()
            if wanted is not None:
                return doc_id
        return None

    def count_ranked(self, version: str) -> int:
        """Documents with an uncertainty under ``version`` (an index count)."""
        (found,) = self._conn.execute(
            "SELECT count(*) FROM suggestions WHERE version = ? AND uncertainty IS NOT NULL",
            (version,),
        ).fetchone()
        return int(found)

    def _next_least_sure(self, needs: list[object], after: int | None, version: str) -> int | None:
        """``next_in_order`` for least-sure, walking the index of suggestions by uncertainty
        (a sort of every document took 0.2 s in a project of 50,000): the suggested
        documents by falling uncertainty, then those not suggested yet by id, wrapping."""
        conn = self._conn
        suggested = (
            "SELECT s.doc_id FROM suggestions s WHERE s.version = ? AND s.uncertainty IS NOT NULL "
            f"AND {needs_condition('s.doc_id')}"
        )
        by_rank = " ORDER BY s.uncertainty DESC, s.doc_id LIMIT 1"
        unsuggested = (
            f"SELECT d.id FROM documents d WHERE {_UNANSWERED} AND NOT EXISTS (SELECT 1 FROM "
            "suggestions s WHERE s.doc_id = d.id AND s.version = ? AND s.uncertainty IS NOT NULL)"
        )
        mark = None
        if after is not None:
            mark = conn.execute(
                "SELECT uncertainty FROM suggestions WHERE doc_id = ? AND version = ? "
                "AND uncertainty IS NOT NULL",
                (after, version),
            ).fetchone()
        queries: list[tuple[str, list[object]]] = []
        if mark is not None:  # after a suggested document: the rest of the suggested ones
            queries.append(
                (
                    suggested
                    + " AND (s.uncertainty < ? OR (s.uncertainty = ? AND s.doc_id > ?))"
                    + by_rank,
                    [version, *needs, mark[0], mark[0], after],
                )
            )
            queries.append((unsuggested + " ORDER BY d.id LIMIT 1", [*needs, version]))
        elif after is not None:  # after a document not suggested: the next one of those
            queries.append(
                (unsuggested + " AND d.id > ? ORDER BY d.id LIMIT 1", [*needs, version, after])
            )
        queries.append((suggested + by_rank, [version, *needs]))  # wrapped to the front
        queries.append((unsuggested + " ORDER BY d.id LIMIT 1", [*needs, version]))
        for sql, params in queries:
            row = conn.execute(sql, params).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def queue(
        self,
        annotator: str,
        order: WorkOrder,
        version: str | None = None,
        limit: int | None = None,
    ) -> list[QueueEntry]:
        """The documents ``annotator`` has still to do, in ``order``."""
        source, source_params, key, key_params = _query(order, version)
        if order.kind != "least-sure":  # the uncertainty column, listed for every order
            source += " LEFT JOIN suggestions s ON s.doc_id = d.id AND s.version = ?"
            source_params.append(version or "")
        limit_clause = "" if limit is None else f" LIMIT {int(limit)}"
        needs = self._needs_params(annotator, time.time())
        rows = self._conn.execute(
            f"SELECT d.id, s.uncertainty {source} WHERE {_UNANSWERED} ORDER BY {key}{limit_clause}",
            [*source_params, *needs, *key_params],
        )
        return [QueueEntry(int(i), None if u is None else float(u)) for i, u in rows]

"""The document list: a table model read from the store a page at a time (no copies in items).

Rows come from ``ProjectStore.document_states`` for the current annotator, filtered by answer
and by a text search, in document order. They are read lazily: the first page at once, the
next ones through Qt's ``canFetchMore``/``fetchMore`` when the view scrolls to the end of what
it has, and up to a document with ``fetch_to`` when the window jumps to one further on.
Previews (the start of each text) are read only for the rows the view shows, a block at a
time, and once per document. ``refresh`` re-reads the rows read so far and reports only the
rows that left, arrived or changed, so the selection survives.

No step blocks the GUI thread for long on a 100,000-document project: reading and re-reading
go one query at a time (at most a page of rows, and a span of document ids that shrinks when
a query is slow, as a search through long texts is), and stop after about ``budget``
seconds; what is left continues from a zero timer. Between two steps the rows are consistent
(in id order, each as the store held it), at worst not yet up to date.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from annotator.core.model import Answer
from annotator.core.store import DocumentRow, ProjectStore

__all__ = ["STATUS_TEXT", "DocumentListModel"]

STATUS_TEXT = {
    None: "to do",
    Answer.ACCEPT: "accepted",
    Answer.REJECT: "rejected",
    Answer.IGNORE: "ignored",
}
_STATUS_COLOR = {
    None: "#8a8f98",
    Answer.ACCEPT: "#2e9d52",
    Answer.REJECT: "#d04545",
    Answer.IGNORE: "#c08a1e",
}
_STATUS_MARK = {None: "○", Answer.ACCEPT: "✔", Answer.REJECT: "✘", Answer.IGNORE: "–"}

AnyIndex = QModelIndex | QPersistentModelIndex
State = tuple[int, Answer | None, int]  # (document id, answer, span count): one row
_ID = itemgetter(0)


class DocumentListModel(QAbstractTableModel):
    """Columns: number, status, spans, text preview. ``Qt.UserRole`` gives the document id.

    ``rowCount`` counts the rows read so far; ``canFetchMore`` says whether the project may
    list more after them. ``settled`` is emitted when reading in the background is over.
    """

    settled = Signal()

    HEADERS = ("#", "Status", "Spans", "Text")
    PAGE = 500  # rows one query reads at most (a fetchMore asks for one page): ~2 ms
    SCAN = 5000  # document ids one query looks through (bounds a search or a rare status)
    BUDGET = 0.02  # seconds of reading per GUI-thread step
    PREVIEWS = 200  # previews read at once, around the row the view asks for
    QUERY_S = 0.008  # a query looking through more ids than it lists should take about this

    def __init__(
        self,
        store: ProjectStore | None = None,
        annotator: str = "",
        page: int | None = None,
        scan: int | None = None,
        budget: float | None = None,
    ) -> None:
        super().__init__()
        self._page = max(page or self.PAGE, 1)
        self._scan = max(scan or self.SCAN, 1)
        self._budget = self.BUDGET if budget is None else budget
        self._store = store
        self._annotator = annotator
        self._answer: Answer | str = "all"
        self._search = ""
        self._version: str | None = None  # the suggester's: its cached suggestions count
        self._rows: list[State] = []  # in id order
        self._previews: dict[int, tuple[str, str]] = {}
        self._scanned = 0  # every listed document with an id up to this one is in _rows
        self._last_id = 0  # the project's last document id, when last looked
        self._want_rows = 0  # read on until this many rows are in ...
        self._want_id = 0  # ... and until the list is read up to this document
        self._stale: int | None = None  # re-reading the rows after this id (refresh)
        self._generation = 0  # counts refreshes
        self._busy = False
        self._span = self._scan  # document ids the next query looks through
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._work)
        self._restart()

    # ------------------------------------------------------------- contents
    def set_store(self, store: ProjectStore | None, annotator: str) -> None:
        self._store = store
        self._annotator = annotator
        self._previews = {}
        self._restart()

    def set_filter(self, answer: Answer | str = "all", search: str = "") -> None:
        """Show documents with ``answer`` ("all", "todo" or an Answer) holding ``search``."""
        self._answer = answer
        self._search = search
        self._restart()

    def set_suggest_version(self, version: str | None) -> None:
        """Count the cached suggestions of ``version`` in the Spans column of documents that
        have not shown them yet (see ``ProjectStore.document_states``)."""
        if version != self._version:
            self._version = version
            self.refresh()

    def refresh(self) -> None:
        """Re-read the rows read so far, and learn of documents added after them; only rows
        that left, arrived or changed are reported. A long list is re-read in steps."""
        if self._store is None:
            return
        self._last_id = self._store.last_document_id()
        self._stale = 0
        self._generation += 1
        self._work()

    def fetch_to(self, doc_id: int) -> None:
        """Read the list up to ``doc_id`` (the window jumps there), in steps if it is far:
        its row (if it is listed) arrives with ``rowsInserted``."""
        if doc_id > self._want_id:
            self._want_id = doc_id
        if self._scanned < doc_id:
            self._work()

    def fetch_all(self) -> None:
        """Read the whole list (in steps): for going to its end."""
        self.fetch_to(self._last_id)

    def pending(self) -> bool:
        """True while rows are still being read or re-read in the background."""
        return self._stale is not None or self._wants_more()

    def update_row(self, doc_id: int, answer: Answer | None, span_count: int) -> bool:
        """Show a new answer/span count for one document without re-reading the list.

        False when the row cannot be updated alone (not read yet or not listed, or its answer
        changed while a status filter is on, so it may have to leave the list).
        """
        row = self.row_of(doc_id)
        if row is None:
            return False
        _, before, count = self._rows[row]
        if before != answer and self._answer != "all":
            return False
        if (before, count) != (answer, span_count):
            self._rows[row] = (doc_id, answer, span_count)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        return True

    def listed(self, doc_id: int) -> bool:
        """Whether the document is in the list (under the filter), read yet or not."""
        if self.row_of(doc_id) is not None:
            return True
        if self._store is None or doc_id <= self._scanned:
            return False
        return bool(self._states(after=doc_id - 1, through=doc_id))

    def row_of(self, doc_id: int) -> int | None:
        row = bisect_left(self._rows, doc_id, key=_ID)
        return row if row < len(self._rows) and self._rows[row][0] == doc_id else None

    def row(self, row: int) -> DocumentRow:
        doc_id, answer, spans = self._rows[row]
        preview, source = self._preview(row)
        return DocumentRow(doc_id, preview, answer, spans, source)

    def doc_id(self, row: int) -> int:
        return self._rows[row][0]

    def doc_ids(self) -> list[int]:
        """The ids of the rows read so far."""
        return [state[0] for state in self._rows]

    def following(self, doc_id: int, count: int) -> list[int]:
        """Ids of up to ``count`` rows read so far after ``doc_id``'s row."""
        row = self.row_of(doc_id)
        if row is None:
            return []
        return [state[0] for state in self._rows[row + 1 : row + 1 + count]]

    # -------------------------------------------------------------- reading
    def _restart(self) -> None:
        """Forget the rows and read the first page of the (new) list, in one reset."""
        self._timer.stop()
        self._busy = True  # views and testers may ask to fetch while the reset is reported
        try:
            self.beginResetModel()
            self._rows = []
            self._scanned = 0
            self._last_id = self._store.last_document_id() if self._store is not None else 0
            self._want_rows = self._page
            self._want_id = 0
            self._stale = None
            # A search reads the texts: start with fewer of them per query.
            self._span = max(self._scan // 5, 1) if self._search else self._scan
            self._rows = self._read(time.perf_counter() + self._budget)
            self.endResetModel()
        finally:
            self._busy = False
        if self.pending():
            self._timer.start()

    def _wants_more(self, arrived: int = 0) -> bool:
        return self._scanned < self._last_id and (
            len(self._rows) + arrived < self._want_rows or self._scanned < self._want_id
        )

    def _work(self) -> None:
        """One step: re-read stale rows, then read on, for about ``budget`` seconds (at least
        one query); what is left goes on from the timer."""
        if self._store is None or self._busy:
            if self._store is not None:
                self._timer.start()
            return
        self._busy = True
        try:
            deadline = time.perf_counter() + self._budget
            while self._stale is not None:
                started = time.perf_counter()
                self._reread()
                if _over(started, deadline):
                    break
            else:
                arrived = self._read(deadline)
                if arrived:  # one insertion per step, not one per query: views pay per signal
                    first = len(self._rows)
                    self.beginInsertRows(QModelIndex(), first, first + len(arrived) - 1)
                    self._rows.extend(arrived)
                    self.endInsertRows()
        finally:
            self._busy = False
        if self.pending():
            self._timer.start()
        else:
            self.settled.emit()

    def _read(self, deadline: float) -> list[State]:
        """The next rows (after ``_scanned``) the list wants, read until ``deadline``."""
        arrived: list[State] = []
        while self._wants_more(len(arrived)):
            started = time.perf_counter()
            through = min(self._scanned + self._span, self._last_id)
            short = self._want_rows - len(self._rows) - len(arrived)
            limit = min(short, self._page) if short > 0 else self._page  # (else up to _want_id)
            states = self._states(self._scanned, through, limit)
            self._scanned = states[-1][0] if len(states) == limit else through
            arrived.extend(states)
            if _over(started, deadline):
                break
        return arrived

    def _states(self, after: int, through: int, limit: int | None = None) -> list[State]:
        """One query; the id span of the next ones adapts to how long it took (a search reads
        texts, whose length the project decides)."""
        assert self._store is not None
        started = time.perf_counter()
        states = self._store.document_states(
            self._annotator, self._answer, self._search, after, through, limit, self._version
        )
        took = time.perf_counter() - started
        if limit is None or len(states) < limit:  # it looked through the whole span
            if took > self.QUERY_S:
                self._span = max(self._span // 2, 1)
            elif took < self.QUERY_S / 4:
                self._span = min(self._span * 2, self._scan)
        return states

    def _preview(self, row: int) -> tuple[str, str]:
        """(preview, source) of a row; reads those of the rows around it that are missing."""
        doc_id = self._rows[row][0]
        found = self._previews.get(doc_id)
        if found is None and self._store is not None:
            first = max(row - self.PREVIEWS // 4, 0)
            block = self._rows[first : first + self.PREVIEWS]
            missing = [state[0] for state in block if state[0] not in self._previews]
            read = self._store.document_previews(missing)  # texts never change: read once
            self._previews.update((i, read.get(i, ("", ""))) for i in missing)
            found = self._previews[doc_id]
        return found or ("", "")

    def _reread(self) -> None:
        """Re-read the rows after ``_stale`` (one query: a page of them, at most the id span)
        and report what changed."""
        assert self._stale is not None
        generation = self._generation
        start = bisect_right(self._rows, self._stale, key=_ID)
        end = start + self._page
        through = self._rows[end - 1][0] if end < len(self._rows) else self._scanned
        through = min(through, self._stale + self._span)
        if through > self._stale:
            self._merge(start, through, self._states(self._stale, through))
        if generation == self._generation:  # (no refresh was asked for meanwhile)
            self._stale = through if through < self._scanned else None

    def _merge(self, start: int, through: int, new: Sequence[State]) -> None:
        """Make the rows from ``start`` with ids up to ``through`` into ``new``: rows that left
        are removed, rows that arrived inserted, changed ones reported (each run in one go)."""
        stop = bisect_right(self._rows, through, lo=start, key=_ID)
        new_ids = {state[0] for state in new}
        kept = sum(1 for r in self._rows[start:stop] if r[0] in new_ids)  # then at start on
        row = stop - 1
        while row >= start:  # removals, from the end so that positions stay valid
            if self._rows[row][0] in new_ids:
                row -= 1
                continue
            first = row
            while first > start and self._rows[first - 1][0] not in new_ids:
                first -= 1
            self.beginRemoveRows(QModelIndex(), first, row)
            del self._rows[first : row + 1]
            self.endRemoveRows()
            row = first - 1
        position, k, changed = start, 0, []
        while k < len(new):
            if kept and self._rows[position][0] == new[k][0]:
                if self._rows[position] != new[k]:
                    self._rows[position] = new[k]
                    changed.append(position)
                position, k, kept = position + 1, k + 1, kept - 1
                continue
            end = k
            while end < len(new) and not (kept and self._rows[position][0] == new[end][0]):
                end += 1
            self.beginInsertRows(QModelIndex(), position, position + end - k - 1)
            self._rows[position:position] = new[k:end]
            self.endInsertRows()
            position, k = position + end - k, end
        last = self.columnCount() - 1
        for first, final in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(final, last))

    # ------------------------------------------------------------ the model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and self._store is not None and self._scanned < self._last_id

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._store is None:
            return
        self._want_rows = max(self._want_rows, len(self._rows) + self._page)
        self._work()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        doc_id, answer, spans = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(doc_id)
            if column == 1:
                return f"{_STATUS_MARK[answer]} {STATUS_TEXT[answer]}"
            if column == 2:
                return str(spans)
            if column == 3:
                return self._preview(index.row())[0]
        elif role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(_STATUS_COLOR[answer])
        elif role == Qt.ItemDataRole.ToolTipRole:
            source = self._preview(index.row())[1]
            where = source or "document"
            return f"{where} #{doc_id} · {STATUS_TEXT[answer]} · {spans} spans"
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.UserRole:
            return doc_id
        return None


def _over(started: float, deadline: float) -> bool:
    """Whether another step as long as the one begun at ``started`` would pass ``deadline``."""
    now = time.perf_counter()
    return now + (now - started) >= deadline


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive numbers as (first, last) runs: [2, 3, 4, 9] -> [(2, 4), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs

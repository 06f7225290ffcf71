"""The document list: a table model read straight from the store (no copies in items).

Rows come from ``ProjectStore.document_states`` (previews are read once per document) for the
current annotator, filtered by answer and by a text search. After an edit ``refresh`` re-reads
the rows and reports only the rows that changed, so the selection survives.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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


class DocumentListModel(QAbstractTableModel):
    """Columns: number, status, spans, text preview. ``Qt.UserRole`` gives the document id."""

    HEADERS = ("#", "Status", "Spans", "Text")

    def __init__(self, store: ProjectStore | None = None, annotator: str = "") -> None:
        super().__init__()
        self._store = store
        self._annotator = annotator
        self._answer: Answer | str = "all"
        self._search = ""
        self._rows: list[DocumentRow] = []
        self._row_of: dict[int, int] = {}
        self._previews: dict[int, tuple[str, str]] = {}
        if store is not None:
            self._rows = self._query()
            self._reindex()

    # ------------------------------------------------------------- contents
    def set_store(self, store: ProjectStore | None, annotator: str) -> None:
        self.beginResetModel()
        self._store = store
        self._annotator = annotator
        self._previews = {}
        self._rows = self._query()
        self._reindex()
        self.endResetModel()

    def set_filter(self, answer: Answer | str = "all", search: str = "") -> None:
        """Show documents with ``answer`` ("all", "todo" or an Answer) holding ``search``."""
        self._answer = answer
        self._search = search
        self.beginResetModel()
        self._rows = self._query()
        self._reindex()
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read the rows; only changed rows are reported unless the set of rows changed."""
        rows = self._query()
        if [r.id for r in rows] != [r.id for r in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self._reindex()
            self.endResetModel()
            return
        old = self._rows
        self._rows = rows
        last = self.columnCount() - 1
        for i, (before, after) in enumerate(zip(old, rows, strict=True)):
            if before != after:
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))

    def update_row(self, doc_id: int, answer: Answer | None, span_count: int) -> bool:
        """Show a new answer/span count for one document without re-reading the list.

        False when the row cannot be updated alone (not listed, or its answer changed while a
        status filter is on, so it may have to leave the list): call ``refresh`` then.
        """
        row = self._row_of.get(doc_id)
        if row is None:
            return False
        before = self._rows[row]
        if before.answer != answer and self._answer != "all":
            return False
        if (before.answer, before.span_count) != (answer, span_count):
            self._rows[row] = before._replace(answer=answer, span_count=span_count)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        return True

    def _query(self) -> list[DocumentRow]:
        if self._store is None:
            return []
        states = self._store.document_states(self._annotator, self._answer, self._search)
        missing = [doc_id for doc_id, _, _ in states if doc_id not in self._previews]
        if missing:  # texts never change: each preview is read once per project
            self._previews.update(self._store.document_previews(missing))
        rows = []
        for doc_id, answer, spans in states:
            preview, source = self._previews[doc_id]
            rows.append(DocumentRow(doc_id, preview, answer, spans, source))
        return rows

    def _reindex(self) -> None:
        self._row_of = {row.id: i for i, row in enumerate(self._rows)}

    def row_of(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    def row(self, row: int) -> DocumentRow:
        return self._rows[row]

    def doc_id(self, row: int) -> int:
        return self._rows[row].id

    def doc_ids(self) -> list[int]:
        return [row.id for row in self._rows]

    # ------------------------------------------------------------ the model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

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
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(row.id)
            if column == 1:
                return f"{_STATUS_MARK[row.answer]} {STATUS_TEXT[row.answer]}"
            if column == 2:
                return str(row.span_count)
            if column == 3:
                return row.preview
        elif role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(_STATUS_COLOR[row.answer])
        elif role == Qt.ItemDataRole.ToolTipRole:
            where = f"{row.source}" if row.source else "document"
            return f"{where} #{row.id} · {STATUS_TEXT[row.answer]} · {row.span_count} spans"
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

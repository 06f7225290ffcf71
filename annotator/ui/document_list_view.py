"""The document list's table view: Ctrl+End reaches the last document of a list read lazily.

``DocumentListModel`` reads its rows a page at a time, so Qt's Ctrl+End would stop at the last
row read so far. Here it has the model read the rest (in short steps, the window stays live)
and then makes the last row current, as with a list read whole.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from annotator.ui.document_list_model import DocumentListModel

__all__ = ["DocumentListView"]


class DocumentListView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._to_end = False

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if isinstance(old, DocumentListModel):
            old.settled.disconnect(self._settled)
        super().setModel(model)
        if isinstance(model, DocumentListModel):
            model.settled.connect(self._settled)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._to_end = False  # another key cancels a Ctrl+End still reading
        super().keyPressEvent(event)

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.model()
        if (
            cursorAction == QAbstractItemView.CursorAction.MoveEnd
            and modifiers & Qt.KeyboardModifier.ControlModifier
            and isinstance(model, DocumentListModel)
            and model.canFetchMore(QModelIndex())
        ):
            self._to_end = True
            model.fetch_all()  # a first step now, the rest from the event loop
        return super().moveCursor(cursorAction, modifiers)

    def _settled(self) -> None:
        model = self.model()
        if not self._to_end or model is None or not model.rowCount():
            return
        self._to_end = False
        last: QModelIndex | QPersistentModelIndex = model.index(model.rowCount() - 1, 0)
        self.setCurrentIndex(last)
        self.scrollTo(last)

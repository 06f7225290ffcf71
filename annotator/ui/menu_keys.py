"""Keys without Ctrl/Alt/Meta go to an open menu, never to the window's one-key commands.

The answer commands (A, X, Space) and the label keys are actions that also sit in the menus, so
Qt counted an open menu as a place where their shortcuts apply: in the Annotate menu, typing the
mnemonic `a` of "Suggest for all documents…" accepted the document instead. Accepting the
ShortcutOverride event hands the key to the menu itself (mnemonics, Return, Space). A key the
menu does not use is passed on to the menu bar, which asks for shortcuts again: the filter
watches the menu bar too, while a menu is open.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

__all__ = ["MenuKeys"]

_COMMAND = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class MenuKeys(QObject):
    """An event filter for menus: plain keys are the menu's, not shortcuts."""

    def watch(self, widgets: Iterable[QWidget]) -> None:
        """Menus, and the menu bar they forward unused keys to."""
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and not (event.modifiers() & _COMMAND)
            and (isinstance(watched, QMenu) or isinstance(QApplication.activePopupWidget(), QMenu))
        ):
            event.accept()  # a key press for the menu, not a shortcut
        return False

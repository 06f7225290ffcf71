"""Undo commands: each core edit wrapped in a ``QUndoCommand`` on the window's one stack.

The edit is applied (and committed) before the command is pushed, so a refused edit never
reaches the stack; ``redo`` after an ``undo`` applies it again. Undo works across documents:
the applier switches the view to the edit's document when it is not the one shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.core.edits import Edit

__all__ = ["EditCommand"]

Applier = Callable[[Edit], None]


class EditCommand(QUndoCommand):
    """One annotator action; its text is what Edit › Undo shows ("Undo Add PERSON")."""

    def __init__(self, edit: Edit, applier: Applier, already_applied: bool = True) -> None:
        super().__init__(edit.description)
        self.edit = edit
        self._apply = applier
        self._skip_first_redo = already_applied

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._apply(self.edit)

    def undo(self) -> None:
        self._apply(self.edit.invert())

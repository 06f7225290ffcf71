"""Undo commands: each core edit wrapped in a ``QUndoCommand`` on the window's one stack.

The edit is applied (and committed) before the command is pushed, so a refused edit never
reaches the stack; ``redo`` after an ``undo`` applies it again. Undo works across documents:
the applier switches the view to the edit's document when it is not the one shown.

Renaming labels keeps the history: ``relabel_stack`` rewrites every command, done or undone,
to name the spans by their new labels, so undoing an edit made before a rename brings its span
back under the label's current name. The rename itself is not on the stack: it is a project
setting made in the Labels dialog (and undone there), and Ctrl+Z keeps stepping through the
annotator's own edits instead of first silently renaming a label back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.edits import Edit

__all__ = ["EditCommand", "relabel_stack"]

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

    def relabel(self, renames: Mapping[str, str]) -> None:
        """Name the labels as they are called after ``renames`` (old -> new)."""
        self.edit = self.edit.relabel(renames)
        self.setText(self.edit.description)


def relabel_stack(stack: QUndoStack, renames: Mapping[str, str]) -> None:
    """Carry every command of ``stack`` (undone ones too) over a label rename."""
    if not renames:
        return
    for i in range(stack.count()):
        command = stack.command(i)
        if isinstance(command, EditCommand):
            command.relabel(renames)
    # The stack tells its Undo/Redo actions about new texts only when its index moves.
    stack.undoTextChanged.emit(stack.undoText())
    stack.redoTextChanged.emit(stack.redoText())

"""Status-bar texts that name a span: never left describing a span that is gone.

The span at the caret is described as the caret reaches it, and an edit says what it did
("Added PERSON 'Jens Stoltenberg'"); after the span was rejected, undone or left, those texts
used to stay on screen for seconds, naming a span that was no longer there.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStatusBar

__all__ = ["SpanMessages"]


class SpanMessages:
    """Shows span texts on ``bar`` and clears them, and only them, when they go stale."""

    AT_CARET_MS = 5000
    EDIT_MS = 8000

    def __init__(self, bar: QStatusBar) -> None:
        self._bar = bar
        self._at_caret = ""
        self._edit = ""

    def at_caret(self, description: str | None) -> None:
        """The span at the caret (None: there is none, any more)."""
        if description is not None:
            self._at_caret = description
            self._bar.showMessage(description, self.AT_CARET_MS)
            return
        self._clear_if_showing(self._at_caret)
        self._at_caret = ""

    def edit_said(self, text: str) -> None:
        """What an edit (or its refusal) said."""
        self._edit = text
        self._bar.showMessage(text, self.EDIT_MS)

    def forget(self) -> None:
        """An edit was made, undone or redone: what was said of spans is stale."""
        self._clear_if_showing(self._at_caret)
        self._clear_if_showing(self._edit)
        self._edit = ""

    def _clear_if_showing(self, text: str) -> None:
        if text and self._bar.currentMessage() == text:
            self._bar.clearMessage()

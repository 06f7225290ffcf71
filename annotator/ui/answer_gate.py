"""Whether the annotator may answer the document shown: only once its suggestions are shown.

Pressing A in the first second, while the model was still loading and the header said "no
suggestions pending", used to accept a document whose suggestions nobody had seen. The gate
knows the state of the window's suggester; with suggestions off, or a suggester that failed,
there is nothing to wait for and answering is allowed.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["AnswerGate", "SuggesterState"]


class SuggesterState(Enum):
    OFF = "off"  # the window runs without suggestions
    LOADING = "loading"  # the suggester is being built (model loading)
    READY = "ready"
    FAILED = "failed"  # no suggestions will come: say so once, then let answers through


class AnswerGate:
    """The suggester's state as the window sees it, and what it means for answering."""

    def __init__(self) -> None:
        self.state = SuggesterState.OFF

    def pending(self, answered: bool, seeded: bool) -> bool:
        """True while suggestions for an unanswered document are still to come."""
        if answered or seeded:
            return False
        return self.state in (SuggesterState.LOADING, SuggesterState.READY)

    def refusal(self, doc_id: int, answered: bool, seeded: bool) -> str | None:
        """The status-bar text saying why the document cannot be answered yet, or None."""
        if not self.pending(answered, seeded):
            return None
        why = (
            "the model is still loading"
            if self.state is SuggesterState.LOADING
            else ("they are being computed")
        )
        return (
            f"Document {doc_id} is not answered: its suggestions are not shown yet ({why}). "
            "Answer once they appear."
        )

    def header_text(self) -> str:
        """What the document header says instead of "no suggestions pending" while waiting."""
        if self.state is SuggesterState.LOADING:
            return "suggestions coming (model loading…)"
        return "suggestions being computed…"

"""Small accepted documents for training tests: a name and an organisation in each."""

from __future__ import annotations

from annotator.core.model import Answer, Span
from annotator.core.store import NewDocument


def accepted_report(i: int) -> NewDocument:
    """Accepted document ``i``: "Anna Petrova" (PERSON) of "Rosoboronexport" (ORG)."""
    text = f"Report {i}. Anna Petrova of Rosoboronexport inspected 40 tanks near the river."
    spans = tuple(
        Span(text.index(name), text.index(name) + len(name), label)
        for name, label in (("Anna Petrova", "PERSON"), ("Rosoboronexport", "ORG"))
    )
    return NewDocument(text, {"i": i}, spans=spans, answer=Answer.ACCEPT)

"""Edits: every change an annotator makes, as a value with ``apply`` and ``invert``.

Spans are named by their offsets and label (spans of one annotation never overlap), not by
row ids, so an edit undone and redone refers to the same span however often it is replayed.
The UI wraps each edit in a ``QUndoCommand``; the CLI and tests apply them directly.
Each ``apply`` is one committed transaction.

Renaming a label (``ProjectStore.set_labels(renames=...)``) changes the spans in the store, so
edits made before it would name spans that no longer exist; ``relabel`` gives the same edit
under the new names, which is how an undo history survives a rename.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from annotator.core.model import Answer, Span, SpanState
from annotator.core.span_answers import SpanAnswer
from annotator.core.store import Annotation, ProjectStore

__all__ = [
    "AddSpan",
    "Batch",
    "Edit",
    "RemoveSpan",
    "ReplaceSpan",
    "SetAnswer",
    "SetSpanAnswer",
    "SetSuppression",
    "accept_suggestions",
    "answer_document",
    "relabel_span",
]


class Edit(Protocol):
    """What every edit offers (frozen dataclasses satisfy it)."""

    @property
    def doc_id(self) -> int: ...

    @property
    def annotator(self) -> str: ...

    @property
    def description(self) -> str: ...

    def apply(self, store: ProjectStore) -> None: ...

    def invert(self) -> Edit: ...

    def relabel(self, renames: Mapping[str, str]) -> Edit: ...


def relabel_span(span: Span, renames: Mapping[str, str]) -> Span:
    """``span`` under its label's new name (itself when its label was not renamed).

    All renames apply at once, as in the store: {"A": "B", "B": "A"} swaps the two labels.
    """
    new = renames.get(span.label)
    return span if new is None or new == span.label else span.with_(label=new)


@dataclass(frozen=True)
class AddSpan:
    doc_id: int
    annotator: str
    span: Span

    @property
    def description(self) -> str:
        return f"Add {self.span.label}"

    def apply(self, store: ProjectStore) -> None:
        store.add_span(self.doc_id, self.annotator, self.span)

    def invert(self) -> Edit:
        return RemoveSpan(self.doc_id, self.annotator, self.span)

    def relabel(self, renames: Mapping[str, str]) -> Edit:
        return replace(self, span=relabel_span(self.span, renames))


@dataclass(frozen=True)
class RemoveSpan:
    doc_id: int
    annotator: str
    span: Span

    @property
    def description(self) -> str:
        verb = "Reject" if self.span.state is SpanState.SUGGESTED else "Delete"
        return f"{verb} {self.span.label}"

    def apply(self, store: ProjectStore) -> None:
        store.remove_span(self.doc_id, self.annotator, self.span)

    def invert(self) -> Edit:
        return AddSpan(self.doc_id, self.annotator, self.span)

    def relabel(self, renames: Mapping[str, str]) -> Edit:
        return replace(self, span=relabel_span(self.span, renames))


@dataclass(frozen=True)
class ReplaceSpan:
    """Relabel, resize, or accept (suggested -> accepted) one span."""

    doc_id: int
    annotator: str
    old: Span
    new: Span

    @property
    def description(self) -> str:
        if self.old.state is SpanState.SUGGESTED and self.new.state is SpanState.ACCEPTED:
            return f"Accept {self.new.label}"
        if self.old.label != self.new.label:
            return f"Relabel {self.old.label} → {self.new.label}"
        return f"Resize {self.new.label}"

    def apply(self, store: ProjectStore) -> None:
        store.replace_span(self.doc_id, self.annotator, self.old, self.new)

    def invert(self) -> Edit:
        return ReplaceSpan(self.doc_id, self.annotator, self.new, self.old)

    def relabel(self, renames: Mapping[str, str]) -> Edit:
        return replace(
            self, old=relabel_span(self.old, renames), new=relabel_span(self.new, renames)
        )


@dataclass(frozen=True)
class SetAnswer:
    doc_id: int
    annotator: str
    old: Answer | None
    new: Answer | None

    @property
    def description(self) -> str:
        return f"Answer {self.new.value}" if self.new else "Clear answer"

    def apply(self, store: ProjectStore) -> None:
        store.set_answer(self.doc_id, self.annotator, self.new)

    def invert(self) -> Edit:
        return SetAnswer(self.doc_id, self.annotator, self.new, self.old)

    def relabel(self, renames: Mapping[str, str]) -> Edit:
        return self


@dataclass(frozen=True)
class SetSpanAnswer:
    """A binary answer about one span (``core.span_answers``): ``new`` replaces ``old``; None
    on either side means no answer. Not a document answer: the document stays to do."""

    doc_id: int
    annotator: str
    span: Span
    old: Answer | None
    new: Answer | None

    @property
    def description(self) -> str:
        if self.new is None:
            return f"Clear the answer about {self.span.label}"
        return f"Answer {self.new.value} about {self.span.label}"

    def apply(self, store: ProjectStore) -> None:
        if self.new is None:
            store.remove_span_answer(self.doc_id, self.annotator, self.span)
        else:
            s = self.span
            store.add_span_answer(
                SpanAnswer(self.doc_id, self.annotator, s.start, s.end, s.label, self.new)
            )

    def invert(self) -> Edit:
        return replace(self, old=self.new, new=self.old)

    def relabel(self, renames: Mapping[str, str]) -> Edit:
        return replace(self, span=relabel_span(self.span, renames))


@dataclass(frozen=True)
class Batch:
    """Several edits of one document applied as one transaction and undone as one."""

    doc_id: int
    annotator: str
    edits: tuple[Edit, ...]
    label: str

    @property
    def description(self) -> str:
        return self.label

    def apply(self, store: ProjectStore) -> None:
        with store.transaction():
            for edit in self.edits:
                edit.apply(store)

    def invert(self) -> Edit:
        return Batch(
            self.doc_id,
            self.annotator,
            tuple(edit.invert() for edit in reversed(self.edits)),
            f"Undo {self.label}",
        )

    def relabel(self, renames: Mapping[str, str]) -> Edit:
        return replace(
            self,
            edits=tuple(edit.relabel(renames) for edit in self.edits),
            label=_relabel_text(self.label, renames),
        )


@dataclass(frozen=True)
class SetSuppression:
    """Suppress a text from the project's suggestions, allow it again, or leave it to the
    rejection rule (``state`` None); ``previous`` is the entry it replaces (for undo)."""

    doc_id: int
    annotator: str
    text: str
    label: str
    state: str | None
    previous: str | None

    @property
    def description(self) -> str:
        shown = self.text if len(self.text) <= 30 else self.text[:29] + "…"
        if self.state == "suppressed":
            return f"Stop suggesting '{shown}' as {self.label}"
        if self.state == "allowed":
            return f"Suggest '{shown}' as {self.label} again"
        return f"Clear the entry for '{shown}' ({self.label})"

    def apply(self, store: ProjectStore) -> None:
        store.set_suppression(self.text, self.label, self.state)

    def invert(self) -> Edit:
        return replace(self, state=self.previous, previous=self.state)

    def relabel(self, renames: Mapping[str, str]) -> Edit:
        return replace(self, label=renames.get(self.label, self.label))


def _relabel_text(text: str, renames: Mapping[str, str]) -> str:
    """``text`` ("Add PERSON") with the renamed labels' names, as whole words, all at once."""
    changed = {old: new for old, new in renames.items() if old and old != new}
    if not changed:
        return text
    names = "|".join(re.escape(old) for old in sorted(changed, key=len, reverse=True))
    return re.sub(rf"(?<!\w)({names})(?!\w)", lambda m: changed[m.group(1)], text)


def accept_suggestions(annotation: Annotation, spans: list[Span] | None = None) -> Batch:
    """Accept the given suggestions (all pending ones by default) as one edit."""
    chosen = annotation.suggested if spans is None else spans
    edits: tuple[Edit, ...] = tuple(
        ReplaceSpan(annotation.doc_id, annotation.annotator, s, s.with_(state=SpanState.ACCEPTED))
        for s in chosen
    )
    return Batch(annotation.doc_id, annotation.annotator, edits, f"Accept {len(edits)} spans")


def answer_document(annotation: Annotation, answer: Answer) -> Batch:
    """Answer a document. Accepting it accepts the suggestions still on screen, as Prodigy's
    ner.correct does: what the annotator sees when pressing accept is what is saved."""
    edits: list[Edit] = []
    if answer is Answer.ACCEPT:
        edits.extend(accept_suggestions(annotation).edits)
    edits.append(SetAnswer(annotation.doc_id, annotation.annotator, annotation.answer, answer))
    return Batch(annotation.doc_id, annotation.annotator, tuple(edits), f"Answer {answer.value}")

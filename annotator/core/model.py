"""Domain types of the annotator: spans, labels, documents and answers.

They validate themselves on construction, so a value that exists is a valid value; everything
that reads or writes them (the store, the formats, the UI) can rely on that.
Offsets are character (code point) offsets into the exact text, end exclusive.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.limits import clip

__all__ = [
    "DEFAULT_LABELS",
    "Answer",
    "Document",
    "Label",
    "LabelSet",
    "Span",
    "SpanState",
    "ValidationError",
    "check_spans",
    "new_label",
]


class ValidationError(ValueError):
    """A value breaks a data contract (offsets out of range, overlap, unknown label...)."""


class Answer(str, enum.Enum):
    """The annotator's verdict on a whole document (Prodigy's vocabulary)."""

    ACCEPT = "accept"
    REJECT = "reject"
    IGNORE = "ignore"

    @property
    def past(self) -> str:
        """ "accepted", "rejected", "ignored" (not value + "ed": that gave "ignoreed")."""
        return self.value.removesuffix("e") + "ed"


class SpanState(str, enum.Enum):
    """Whether a human has confirmed a span or it is still a suggestion to check."""

    ACCEPTED = "accepted"
    SUGGESTED = "suggested"


_LABEL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


@dataclass(frozen=True, order=True)
class Span:
    """A labelled character range ``text[start:end]``.

    ``source`` says where it came from (``manual``, ``model``, ``pattern``, ``import``);
    ``score`` is a confidence in [0, 1] where one is known.
    """

    start: int
    end: int
    label: str
    state: SpanState = field(default=SpanState.ACCEPTED, compare=False)
    source: str = field(default="manual", compare=False)
    score: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.start, int) or not isinstance(self.end, int):
            raise ValidationError(
                f"span offsets must be integers, got {self.start!r}, {self.end!r}"
            )
        if self.start < 0 or self.end <= self.start:
            raise ValidationError(f"span [{self.start}, {self.end}) is empty or negative")
        if not isinstance(self.label, str) or not self.label:
            raise ValidationError("span label must be a non-empty string")
        if not isinstance(self.state, SpanState):
            object.__setattr__(self, "state", SpanState(self.state))

    @property
    def key(self) -> tuple[int, int, str]:
        """Identity of a span regardless of state and provenance."""
        return (self.start, self.end, self.label)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def with_(self, **changes: Any) -> Span:
        """A copy with some fields changed (validated like any new span)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


def check_spans(
    text: str, spans: Iterable[Span], labels: Iterable[str] | None = None
) -> list[Span]:
    """Return ``spans`` sorted, or raise ValidationError naming the first broken one.

    Checks: inside the text, no overlap, label known (when ``labels`` is given).
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    known = set(labels) if labels is not None else None
    previous: Span | None = None
    for span in ordered:
        if span.end > len(text):
            raise ValidationError(
                f"span [{span.start}, {span.end}) {span.label} is out of range "
                f"(text has {len(text)} characters)"
            )
        if known is not None and span.label not in known:
            raise ValidationError(
                f"unknown label {clip(span.label)} (project labels: {', '.join(sorted(known))})"
            )
        if previous is not None and previous.overlaps(span):
            raise ValidationError(
                f"spans overlap: [{previous.start}, {previous.end}) {previous.label} "
                f"{clip(text[previous.start : previous.end])} and [{span.start}, {span.end}) "
                f"{span.label} {clip(text[span.start : span.end])}"
            )
        previous = span
    return ordered


@dataclass(frozen=True)
class Label:
    """A label of the project's label set, with its display colour and shortcut key."""

    name: str
    color: str = "#888888"
    key: str = ""

    def __post_init__(self) -> None:
        if not _LABEL_NAME.match(self.name):
            raise ValidationError(
                f"label name {self.name!r} must start with a letter and use only "
                "letters, digits, '_' or '-'"
            )
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", self.color):
            raise ValidationError(f"label colour {self.color!r} must look like #rrggbb")
        if len(self.key) > 1:
            raise ValidationError(f"label key {self.key!r} must be a single character")


# Colours chosen to be distinct from each other and to carry dark text (see ui/colors.py).
_PALETTE = ("#7aa6ff", "#ffb347", "#ff6f91", "#5fd3a5", "#c9a0ff", "#ffd84d", "#66d9ef", "#f4a582")

DEFAULT_LABELS = ("PERSON", "ORG", "WEAPON", "QUANTITY")


def new_label(name: str, position: int, used_keys: Iterable[str]) -> Label:
    """The label added at ``position``: the palette's colour for that place and the first
    digit key 1..9 not in use (none when all are taken). The Labels dialog and
    ``annotator labels --add`` / ``import --add-labels`` add labels through it alike."""
    used = set(used_keys)
    key = next((str(k) for k in range(1, 10) if str(k) not in used), "")
    return Label(name=name, color=_PALETTE[position % len(_PALETTE)], key=key)


class LabelSet(Sequence[Label]):
    """An ordered set of labels with unique names and unique shortcut keys."""

    def __init__(self, labels: Iterable[Label]) -> None:
        self._labels = list(labels)
        names = [label.name for label in self._labels]
        if len(set(names)) != len(names):
            raise ValidationError(f"duplicate label names in {names}")
        keys = [label.key for label in self._labels if label.key]
        if len(set(keys)) != len(keys):
            raise ValidationError(f"two labels share a shortcut key: {keys}")

    @classmethod
    def from_names(cls, names: Iterable[str]) -> LabelSet:
        """Default colours from the palette and keys 1..9 in order."""
        labels = []
        for index, name in enumerate(names):
            key = str(index + 1) if index < 9 else ""
            labels.append(Label(name=name.strip(), color=_PALETTE[index % len(_PALETTE)], key=key))
        return cls(labels)

    def __getitem__(self, index: int) -> Label:  # type: ignore[override]
        return self._labels[index]

    def __len__(self) -> int:
        return len(self._labels)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LabelSet) and self._labels == other._labels

    def __hash__(self) -> int:
        return hash(tuple(self._labels))

    def __repr__(self) -> str:
        return f"LabelSet({self._labels!r})"

    def with_added(self, names: Iterable[str]) -> LabelSet:
        """This set with the new ``names`` appended (``new_label``); known names are kept."""
        labels = list(self._labels)
        for name in names:
            if any(label.name == name for label in labels):
                continue
            labels.append(new_label(name, len(labels), (label.key for label in labels)))
        return LabelSet(labels)

    @property
    def names(self) -> list[str]:
        return [label.name for label in self._labels]

    def get(self, name: str) -> Label | None:
        for label in self._labels:
            if label.name == name:
                return label
        return None


@dataclass(frozen=True)
class Document:
    """A text to annotate as it sits in the store."""

    id: int
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    line: int = 0
    text_hash: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValidationError("document text is empty")

"""What an import does with labels the project does not have: map, drop, add, or refuse.

``--label-map GPE=,NORP=ORG`` renames NORP spans to ORG and drops GPE spans (every dropped span
is counted in the import report, never lost in silence); ``--add-labels`` adds the labels the
project lacks. Without either, a span with an unknown label refuses its record, and the message
names the label and both options.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from annotator.core.limits import clip
from annotator.core.model import Label, Span, ValidationError

__all__ = ["LabelOptions", "Mapped", "parse_label_map", "unknown_label_error", "unknown_labels"]


def parse_label_map(text: str) -> dict[str, str | None]:
    """``"GPE=,NORP=ORG"`` -> ``{"GPE": None, "NORP": "ORG"}``; a bad entry is a ValueError
    that says what the entry should look like."""
    mapping: dict[str, str | None] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        source, sep, target = (piece.strip() for piece in entry.partition("="))
        if not sep or not source:
            raise ValueError(
                f"label map entry {clip(entry)} must be OLD=NEW (rename) or OLD= (drop)"
            )
        if target:
            Label(target)  # a valid label name, or ValidationError saying why
        if source in mapping and mapping[source] != (target or None):
            raise ValueError(f"label {clip(source)} is mapped twice")
        mapping[source] = target or None
    return mapping


def unknown_label_error(label: str, known: Iterable[str]) -> ValidationError:
    """The refusal of a span whose label the project lacks, naming both ways to fix it."""
    return ValidationError(
        f"unknown label {clip(label)} (project labels: {', '.join(sorted(known))}); "
        f"import with --label-map {label}=LABEL to rename it ({label}= drops it) "
        "or --add-labels to add it to the project"
    )


_NOTHING: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True)
class Mapped:
    """A record's spans after the label map, with what the map did to them (label -> spans)."""

    spans: tuple[Span, ...]
    dropped: Mapping[str, int] = field(default_factory=lambda: _NOTHING)
    renamed: Mapping[str, int] = field(default_factory=lambda: _NOTHING)


@dataclass(frozen=True)
class LabelOptions:
    """The label map (old -> new, None drops) and whether unknown labels are added."""

    mapping: dict[str, str | None] = field(default_factory=dict)
    add_unknown: bool = False

    def apply(self, spans: Iterable[Span]) -> Mapped:
        """The spans with the map applied: renamed, or left out and counted as dropped."""
        if not self.mapping:
            return Mapped(tuple(spans))
        out: list[Span] = []
        dropped: Counter[str] = Counter()
        renamed: Counter[str] = Counter()
        for span in spans:
            if span.label not in self.mapping:
                out.append(span)
                continue
            target = self.mapping[span.label]
            if target is None:
                dropped[span.label] += 1
            else:
                renamed[span.label] += 1
                out.append(span.with_(label=target))
        return Mapped(tuple(out), dropped, renamed)


def unknown_labels(spans: Iterable[Span], known: set[str]) -> list[str]:
    """Labels of ``spans`` the project lacks, in order of first use."""
    return list(dict.fromkeys(s.label for s in spans if s.label not in known))

"""Token tags of the IOB family (IOB1, IOB2, BIOES/BILUO): read them into spans, write them.

Reading is strict where a scheme is strict and says which line broke it: ``I-ORG`` after ``O``
starts an entity in IOB1 and is an error in IOB2, so a file's scheme is decided from the file
as a whole (see ``detect_scheme``), never guessed tag by tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from annotator.core.model import ValidationError

__all__ = [
    "EXPORT_SCHEMES",
    "ExportScheme",
    "TagScheme",
    "TaggedToken",
    "detect_scheme",
    "parse_tag",
    "spans_from_tags",
    "tags_for_ranges",
]

TagScheme = Literal["iob1", "iob2", "bioes"]
ExportScheme = Literal["iob", "biluo"]
EXPORT_SCHEMES: tuple[ExportScheme, ...] = ("iob", "biluo")

_TAG = re.compile(r"^(?P<prefix>[BIESLU])[-_](?P<label>\S+)$")
_BIOES_PREFIXES = frozenset("ESLU")


@dataclass(frozen=True)
class TaggedToken:
    """One token line: the token, its tag, the line it came from (1-based), and the columns
    between token and tag (CoNLL-2003's part-of-speech and chunk tags), as written."""

    token: str
    tag: str
    line: int
    middle: str = ""


def parse_tag(tag: str) -> tuple[str, str]:
    """(prefix, label) of a tag: ``("O", "")`` or e.g. ``("B", "ORG")``; L and U read as E, S.

    An unknown scheme (``PER``, ``X-ORG``, ``B-``) raises ValidationError.
    """
    if tag == "O":
        return "O", ""
    match = _TAG.match(tag)
    if match is None:
        raise ValidationError(
            f"tag {tag!r} is not O or B-/I-/E-/S-/L-/U- followed by a label "
            "(IOB1, IOB2, BIOES or BILUO)"
        )
    prefix = {"L": "E", "U": "S"}.get(match["prefix"], match["prefix"])
    return prefix, match["label"]


def _b_after_other(previous: tuple[str, str], current: tuple[str, str]) -> bool:
    """A B- tag that does not follow an entity of its own label: only IOB2 writes those."""
    return current[0] == "B" and (previous[0] not in "BI" or previous[1] != current[1])


def detect_scheme(sentences: Sequence[Sequence[TaggedToken]]) -> TagScheme:
    """The tag scheme of a whole file.

    Any E-/S-/L-/U- tag makes it BIOES. Otherwise a B- tag that does not follow an entity of
    its label (strict IOB1 writes B- only between two entities of one label) makes it IOB2,
    where an entity that starts with I- is then an error; a file without one is IOB1, where
    I- after O starts an entity. Tags must already be valid (``parse_tag``).
    """
    scheme: TagScheme = "iob1"
    for sentence in sentences:
        previous = ("O", "")
        for token in sentence:
            current = parse_tag(token.tag)
            if current[0] in _BIOES_PREFIXES:
                return "bioes"
            if _b_after_other(previous, current):
                scheme = "iob2"
            previous = current
    return scheme


class TagError(ValidationError):
    """A tag sequence the scheme does not allow, at ``line``."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def spans_from_tags(tokens: Sequence[TaggedToken], scheme: TagScheme) -> list[tuple[int, int, str]]:
    """Entities of one sentence as (first token, last token inclusive, label).

    Raises TagError at the first tag the scheme does not allow (IOB2: I- not after B-/I- of
    its label; BIOES: B- not closed by E-, I-/E- without B-).
    """
    entities: list[tuple[int, int, str]] = []
    open_at: int | None = None
    open_label = ""
    for i, token in enumerate(tokens):
        prefix, label = parse_tag(token.tag)
        continues = open_at is not None and label == open_label and prefix in "IE"
        if scheme == "bioes" and open_at is not None and not continues:
            raise TagError(
                token.line,
                f"{token.tag} after {tokens[i - 1].tag}: in BIOES/BILUO an entity that starts "
                f"with B- ends with E- or L- of its label",
            )
        if prefix in "IE" and not continues and scheme != "iob1":
            raise TagError(
                token.line,
                f"{token.tag} does not continue an entity of its label "
                f"(after {tokens[i - 1].tag if i else 'the start of the sentence'}); "
                + (
                    "the file starts entities with B- (IOB2)"
                    if scheme == "iob2"
                    else "in BIOES/BILUO an entity starts with B- or S-/U-"
                ),
            )
        if open_at is not None and not continues:
            entities.append((open_at, i - 1, open_label))
            open_at = None
        if prefix == "S":
            entities.append((i, i, label))
        elif prefix == "B" or (prefix == "I" and open_at is None):
            open_at, open_label = i, label
        elif prefix == "E" and open_at is not None:
            entities.append((open_at, i, label))
            open_at = None
    if open_at is not None:
        if scheme == "bioes":
            last = tokens[-1]
            raise TagError(
                last.line,
                f"the sentence ends inside an entity ({last.tag}): in BIOES/BILUO it ends "
                "with E- or L-",
            )
        entities.append((open_at, len(tokens) - 1, open_label))
    return entities


def tags_for_ranges(
    count: int, entities: Sequence[tuple[int, int, str]], scheme: ExportScheme
) -> list[str]:
    """One tag per token for entities given as (first token, last token inclusive, label).

    ``iob`` is IOB2 (every entity starts with B-), ``biluo`` spaCy's BILUO (U- for one token).
    """
    tags = ["O"] * count
    for first, last, label in entities:
        if scheme == "biluo" and first == last:
            tags[first] = f"U-{label}"
            continue
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
        if scheme == "biluo":
            tags[last] = f"L-{label}"
    return tags

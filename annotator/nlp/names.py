"""Given names shipped with the app (``resources/patterns/given_names.txt``).

The suggestion rules use them to tell a person from a body when the small model cannot: a
capitalised two- or three-word phrase opening with a given name is a person ("Gareth Davies"),
whatever the model called it. The file is data, one name a line, ``#`` comments; it is not a
pattern file (only ``*.jsonl`` are).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

__all__ = ["GivenNames", "given_names"]


class GivenNames:
    """A set of given names and a fingerprint of it (part of the Suggester's version)."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names
        self.fingerprint = hashlib.sha1("\n".join(sorted(names)).encode("utf-8")).hexdigest()

    def __contains__(self, word: object) -> bool:
        return word in self.names

    def __len__(self) -> int:
        return len(self.names)


@lru_cache(maxsize=1)
def given_names() -> GivenNames:
    """The shipped given names (read once per process)."""
    from annotator.core.resources import resource_path

    path = resource_path("patterns", "given_names.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return GivenNames(
        frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    )

"""The start model's known names: what a new project suggests before any training.

A project's training learns the names its accepted documents and the start model's own
documents show reliably (``known_names``). The second half of that needs no project at all:
the start model's documents are the same for every project. So the build learns them once
(``build/make_start_model.py``) and writes them beside the start model (``known_names.json``,
its SHA-256 in the record), and the default suggester over the start model (``train.default``)
fills them in from the first document a project opens: "Pistorius", named in full in a
report the start model learned from, is a PERSON in a forum thread that writes him bare.

They are filled on the start model's tokens and entities as a trained model's names are
(``KnownNames.fill``): only where nothing was suggested, or over a suggestion with exactly
their bounds; never over the model's places, dates or nationalities. The quantity label is
never learned. A project's training then learns its own names on top (the same documents and
its training part).

The file is read as untrusted input: bigger than ``_MAX_BYTES``, altered (SHA-256), or not
what ``KnownNames.to_json`` writes, it is not used and the default suggests without names
(the warning names the file). A start model built before the names had none, and suggests as
it did.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.nlp.train.known_names import KnownNames, KnownNamesError, learn_known_names
from annotator.nlp.train.start_rehearsal import read_recorded

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["NAMES_FILE", "NAMES_SHA256", "read_start_names", "write_start_names"]

NAMES_FILE = "known_names.json"
#: The start model record's key holding the SHA-256 of ``NAMES_FILE``.
NAMES_SHA256 = "known_names_sha256"
#: Ten times what the build writes (about 0.1 MB).
_MAX_BYTES = 4 * 1024 * 1024


def write_start_names(
    folder: Path,
    nlp: Language,
    labels: Iterable[str],
    documents: Iterable[tuple[str, Sequence[tuple[int, int, str]]]],
) -> str:
    """Learn the names of ``labels`` from the start model's gold ``documents`` and write them
    to ``folder/known_names.json``, filled for every one of ``labels``; returns the file's
    SHA-256 for the record."""
    wanted = list(labels)
    names = learn_known_names(documents, wanted, nlp).with_labels(wanted)
    data = (json.dumps(names.to_json(), ensure_ascii=False, indent=0) + "\n").encode("utf-8")
    (folder / NAMES_FILE).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def read_start_names(
    folder: Path, record: dict[str, object], labels: Collection[str]
) -> KnownNames:
    """The start model's names for a project of ``labels`` (empty when the start model has
    none). Raises KnownNamesError naming the file when it is too big, altered or malformed."""
    expected = record.get(NAMES_SHA256)
    if expected is None:
        return KnownNames({})  # a start model built before the names
    path = folder / NAMES_FILE
    try:
        data = read_recorded(path, _MAX_BYTES, expected)
    except ValueError as exc:
        raise KnownNamesError(str(exc)) from exc
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KnownNamesError(f"{path}: not JSON ({exc})") from exc
    try:
        return KnownNames.from_json(parsed, labels)
    except KnownNamesError as exc:
        raise KnownNamesError(f"{path}: {exc}") from exc

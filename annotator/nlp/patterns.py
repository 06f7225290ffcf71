"""Match patterns for suggestions: the shipped gazetteers plus a project's own, validated.

Patterns use spaCy's EntityRuler JSONL format, one object a line:
``{"label": "WEAPON", "pattern": "Iskander-M", "id": "iskander-m"}`` (a phrase, matched on the
lower-cased tokens) or ``{"label": "WEAPON", "pattern": [{"ORTH": "Patriot"}]}`` (a token
pattern, spaCy Matcher syntax). The shipped files live in ``resources/patterns/``; a project
adds files of its own and in-memory patterns ("suggest this everywhere"). A broken line is an
error that names the file, the line and what is wrong, never silently skipped: a pattern file
that loads half is worse than one that refuses to load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.core.regular_files import read_regular_text

__all__ = [
    "Pattern",
    "PatternError",
    "load_pattern_file",
    "load_patterns",
    "pattern_labels",
    "patterns_fingerprint",
    "shipped_pattern_files",
    "validate_pattern",
    "with_weapon_plurals",
]

Pattern = dict[str, Any]
#: A pattern file larger than this is refused (the shipped gazetteers are under 2 MB).
MAX_PATTERN_FILE_BYTES = 64 * 1024 * 1024


class PatternError(ValueError):
    """A pattern is malformed; the message names its file and line."""


def shipped_pattern_files() -> list[Path]:
    """The pattern files bundled with the app, in a stable order."""
    from annotator.core.resources import resource_path

    return sorted(resource_path("patterns").glob("*.jsonl"))


def _token_pattern_errors(tokens: list[Any]) -> list[str]:
    if not tokens:
        return ["token pattern is empty"]
    if not all(isinstance(token, dict) for token in tokens):
        return ['each token of a token pattern must be an object like {"LOWER": "buk"}']
    from annotator.nlp.pattern_checks import token_pattern_errors

    return token_pattern_errors(tokens)


def validate_pattern(obj: Any, where: str = "pattern") -> Pattern:
    """Return ``obj`` as a clean pattern dict, or raise PatternError saying what to fix.

    ``where`` names the place (``file.jsonl:12``) used in the message.
    """
    if not isinstance(obj, Mapping):
        raise PatternError(f"{where}: a pattern must be a JSON object, got {type(obj).__name__}")
    label = obj.get("label")
    if not isinstance(label, str) or not label.strip():
        raise PatternError(f'{where}: "label" must be a non-empty string')
    pattern = obj.get("pattern")
    if isinstance(pattern, str):
        if not pattern.strip():
            raise PatternError(f'{where}: phrase "pattern" is empty')
    elif isinstance(pattern, list):
        errors = _token_pattern_errors(pattern)
        if errors:
            raise PatternError(f"{where}: invalid token pattern: {'; '.join(errors)}")
    else:
        raise PatternError(f'{where}: "pattern" must be a phrase string or a list of token objects')
    clean: Pattern = {"label": label.strip(), "pattern": pattern}
    if "id" in obj:
        if not isinstance(obj["id"], str):
            raise PatternError(f'{where}: "id" must be a string')
        clean["id"] = obj["id"]
    return clean


def load_pattern_file(path: str | Path) -> list[Pattern]:
    """All patterns of one JSONL file; blank lines are allowed, broken ones are errors."""
    path = Path(path)
    try:
        lines = read_regular_text(path, MAX_PATTERN_FILE_BYTES).splitlines()
    except OSError as exc:
        raise PatternError(f"{path}: cannot read pattern file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise PatternError(f"{path}: pattern file is not UTF-8 text") from exc
    patterns = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternError(
                f"{where}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from exc
        patterns.append(validate_pattern(obj, where))
    return patterns


def load_patterns(
    extra_files: Iterable[str | Path] = (),
    extra_patterns: Iterable[Mapping[str, Any]] = (),
    *,
    labels: Iterable[str] | None = None,
    include_shipped: bool = True,
    skipped: list[str] | None = None,
) -> list[Pattern]:
    """Shipped patterns, then the project's files, then in-memory patterns.

    With ``labels``, patterns for labels the project does not have are left out (a project
    without WEAPON gets no weapon suggestions). Duplicates are dropped, first one kept. With
    ``skipped``, an invalid in-memory pattern (one stored in a project before it was checked
    at entry) is left out and its message added there, rather than stopping every suggest.
    """
    files = [*shipped_pattern_files()] if include_shipped else []
    files.extend(Path(p) for p in extra_files)
    collected: list[Pattern] = []
    for file in files:
        collected.extend(load_pattern_file(file))
    for index, obj in enumerate(extra_patterns, start=1):
        try:
            collected.append(validate_pattern(obj, f"project pattern #{index}"))
        except PatternError as exc:
            if skipped is None:
                raise
            skipped.append(f"{exc}; skipped")
    keep = set(labels) if labels is not None else None
    seen: set[str] = set()
    result = []
    for pattern in collected:
        if keep is not None and pattern["label"] not in keep:
            continue
        key = _key(pattern)
        if key in seen:
            continue
        seen.add(key)
        result.append(pattern)
    return result


def with_weapon_plurals(patterns: Sequence[Pattern]) -> list[Pattern]:
    """``patterns``, then the plural of each weapon name not among them ("VT-4s", "Leopard
    2s"): a text counts its weapons, the gazetteer names each once. A phrase or a last exact
    word ending in a letter or digit other than "s" gets an "s"."""
    have = {_key({"label": p["label"], "pattern": p["pattern"]}) for p in patterns}
    plurals: list[Pattern] = []
    for pattern in patterns:
        tokens = pattern["pattern"]
        if pattern["label"] != "WEAPON":
            continue
        if isinstance(tokens, str):
            plural: Any = tokens + "s" if _takes_s(tokens) else None
        elif tokens and set(tokens[-1]) == {"ORTH"} and _takes_s(tokens[-1]["ORTH"]):
            plural = [*tokens[:-1], {"ORTH": tokens[-1]["ORTH"] + "s"}]
        else:
            plural = None
        if plural is not None and _key({"label": "WEAPON", "pattern": plural}) not in have:
            plurals.append({**pattern, "pattern": plural})
    return [*patterns, *plurals]


def _takes_s(word: object) -> bool:
    return isinstance(word, str) and word[-1:].isalnum() and word[-1] not in "sS"


def _key(pattern: Mapping[str, Any]) -> str:
    """A pattern's content as text, independent of dict key order."""
    return json.dumps(pattern, sort_keys=True, ensure_ascii=False)


def patterns_fingerprint(patterns: Iterable[Mapping[str, Any]]) -> str:
    """A SHA-1 of the patterns' content, independent of dict key order."""
    digest = hashlib.sha1()
    for pattern in patterns:
        digest.update(_key(pattern).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _shipped_labels() -> frozenset[str]:
    return frozenset(p["label"] for f in shipped_pattern_files() for p in load_pattern_file(f))


def pattern_labels(extra_patterns: Iterable[Mapping[str, Any]] = ()) -> frozenset[str]:
    """Labels that the shipped patterns, or the given project patterns, suggest."""
    return _shipped_labels() | {str(p.get("label", "")) for p in extra_patterns}

"""What a token pattern must pass before it is stored or used: spaCy's own validation (keys,
value types, operators such as ``{5,2}``), every ``REGEX`` compiled and refused when it can
backtrack catastrophically, and no attribute a suggestion run cannot provide.

A pattern that passes here runs on any text without raising and without exponential time from
nested repeats, so it cannot break or hang every later ``suggest``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

if TYPE_CHECKING:
    from spacy.vocab import Vocab

__all__ = ["regex_problem", "token_pattern_errors"]

# Read by the matcher from components suggestions never run (tagger, parser, lemmatizer):
# a pattern using them raises E155 on every text.
_NEEDS_MORE_THAN_NER = ("POS", "TAG", "MORPH", "LEMMA", "DEP")
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
# Repeats that never backtrack into themselves (Python 3.11+): (?>...) and a++.
_NO_BACKTRACK = {
    getattr(sre_constants, name)
    for name in ("ATOMIC_GROUP", "POSSESSIVE_REPEAT")
    if hasattr(sre_constants, name)
}


def _subpatterns(value: Any) -> Iterator[Any]:
    """The parsed sub-expressions inside one node's argument (groups, branches, lookarounds)."""
    if isinstance(value, sre_parse.SubPattern):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _subpatterns(item)


def _overlapping(alternatives: Any) -> bool:
    """True unless every alternative starts with a literal character of its own (``foo|bar``);
    an empty alternative, a class or anything else counts as overlapping."""
    seen: set[int] = set()
    for alternative in alternatives:
        if not len(alternative) or alternative[0][0] != sre_constants.LITERAL:
            return True
        first = alternative[0][1]
        if first in seen:
            return True
        seen.add(first)
    return False


def _nested_repeat(parsed: Any, outer: int | None = None) -> bool:
    """A repeat of variable length inside a repeat that can run more than once, with one of
    the two unbounded: ``(a+)+``, ``(\\w+\\s?)*``; or alternatives under an unbounded repeat:
    ``(a|a)+`` (a character class says the same without the risk: ``[ab]+``). Such a regex
    can take exponential time on a string that almost matches."""
    unbounded = sre_constants.MAXREPEAT
    for op, value in parsed:
        if op in _NO_BACKTRACK:
            if any(_nested_repeat(sub) for sub in _subpatterns(value)):
                return True
            continue
        if op in _REPEATS:
            low, high, body = value
            variable = high > low
            if outer is not None and variable and unbounded in (high, outer):
                return True
            if _nested_repeat(body, high if high > 1 else outer):
                return True
            continue
        if op == sre_constants.BRANCH and outer == unbounded and _overlapping(value[1]):
            return True  # (a|a)+, (a|ab)*: alternatives that can start alike, repeated
        if any(_nested_repeat(sub, outer) for sub in _subpatterns(value)):
            return True
    return False


def regex_problem(regex: Any) -> str | None:
    """Why ``regex`` may not be used in a pattern, or None."""
    if not isinstance(regex, str):
        return f"REGEX must be a string, got {type(regex).__name__}"
    try:
        re.compile(regex)
        parsed = sre_parse.parse(regex)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"REGEX {regex!r} is not a valid regular expression ({exc})"
    if _nested_repeat(parsed):
        return (
            f"REGEX {regex!r} has a repeat inside a repeat (like (a+)+) or alternatives under "
            "a repeat (like (a|ab)+), which can take exponential time on a text that almost "
            "matches; write it without them (a character class: [ab]+)"
        )
    return None


def _regexes(value: Any) -> Iterator[Any]:
    """Every REGEX value in a token description, however deeply nested."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "REGEX":
                yield item
            else:
                yield from _regexes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _regexes(item)


@lru_cache(maxsize=1)
def _vocab() -> Vocab:
    from spacy.vocab import Vocab

    return Vocab()


def token_pattern_errors(tokens: list[dict[str, Any]]) -> list[str]:
    """What is wrong with a token pattern (a list of token objects), or an empty list."""
    if tokens and all(len(t) == 1 and type(t.get("ORTH")) is str for t in tokens):
        return []  # exact words (most of the shipped gazetteer): valid, nothing to run
    from spacy.matcher import Matcher
    from spacy.schemas import validate_token_pattern

    errors = [str(error) for error in validate_token_pattern(tokens)]
    if errors:
        return errors
    for token in tokens:
        if "_" in token:
            return ["custom attributes (_) are not available to suggestions"]
        needs = [attr for attr in _NEEDS_MORE_THAN_NER if attr in token]
        if needs:
            return [f"{needs[0]} needs pipeline components that suggestions do not run"]
    if all("OP" not in t and not any(isinstance(v, dict) for v in t.values()) for t in tokens):
        return []  # plain strings only: nothing more to check (most of the shipped gazetteer)
    problems = [p for regex in _regexes(tokens) if (p := regex_problem(regex)) is not None]
    if problems:
        return problems
    try:  # the matcher's own checks: operators ({5,2}), predicates
        Matcher(_vocab()).add("check", [tokens])
    except (ValueError, TypeError, KeyError, re.error) as exc:
        return [str(exc).strip().splitlines()[0]]
    return []

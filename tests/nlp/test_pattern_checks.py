"""Project patterns are checked at entry (spaCy's validation, operators, regexes that can
backtrack catastrophically); invalid ones already stored are skipped at suggest time (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.patterns import PatternError, load_patterns, validate_pattern

REPO = Path(__file__).resolve().parents[2]
HANGS = {"label": "WEAPON", "pattern": [{"TEXT": {"REGEX": "^(a+)+$"}}]}
BAD_OPERATOR = {"label": "WEAPON", "pattern": [{"LOWER": "grom", "OP": "{5,2}"}]}
TEXT = "a" * 34 + "b and the Grom launcher."


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ([{"TEXT": {"REGEX": "^(a+)+$"}}], r"\^\(a\+\)\+\$.*repeat inside a repeat"),
        ([{"LOWER": {"REGEX": r"(\w+\s?)*x"}}], "repeat inside a repeat"),
        ([{"TEXT": {"REGEX": "^(a|ab)*$"}}], "alternatives under a repeat"),
        ([{"TEXT": {"REGEX": "(a|a)+$"}}], "alternatives under a repeat"),
        ([{"TEXT": {"NOT_IN": ["a"]}}, {"TEXT": {"REGEX": "(["}}], "not a valid regular"),
        ([{"LOWER": "grom", "OP": "{5,2}"}], "Unknown operator"),
        ([{"FOO": "x"}], "FOO"),
        ([{"POS": "NOUN"}], "POS needs pipeline components"),
        ([{"_": {"is_weapon": True}}], "custom attributes"),
    ],
)
def test_bad_token_patterns_are_refused_at_entry(pattern: list[object], message: str) -> None:
    with pytest.raises(PatternError, match=message):
        validate_pattern({"label": "WEAPON", "pattern": pattern}, "mine.jsonl:4")


@pytest.mark.parametrize(
    "regex",
    [
        r"^\d+(?:,\d{3})*$",
        r"^[A-Z][a-z]+$",
        r"^(?:ab)+$",
        r"^(?:foo|bar)+-\d+$",
        r"^[A-Z]{2,4}-\d+$",
        r"^(?:Mk|Mark) ?\d+$",
        "(?:ab|cd){1,3}",
    ],
)
def test_ordinary_regexes_pass(regex: str) -> None:
    validate_pattern({"label": "WEAPON", "pattern": [{"TEXT": {"REGEX": regex}}]})


def test_the_patterns_command_refuses_and_names_the_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.annot"
    ProjectStore.create(project, ["WEAPON"], pipeline="blank:en").close()
    bad = tmp_path / "bad.jsonl"
    good = json.dumps({"label": "WEAPON", "pattern": "Grom"})
    bad.write_text(good + "\n" + json.dumps(HANGS) + "\n", encoding="utf-8")
    assert main(["patterns", str(project), str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "^(a+)+$" in err
    with ProjectStore.open(project) as store:
        assert store.project_patterns() == []  # all or nothing


def test_invalid_stored_patterns_are_skipped_with_a_message() -> None:
    skipped: list[str] = []
    stored = [HANGS, {"label": "WEAPON", "pattern": "Grom"}, BAD_OPERATOR]
    loaded = load_patterns([], stored, include_shipped=False, skipped=skipped)
    assert loaded == [{"label": "WEAPON", "pattern": "Grom"}]
    assert len(skipped) == 2 and "project pattern #1" in skipped[0]
    with pytest.raises(PatternError):
        load_patterns([], stored, include_shipped=False)


def test_a_stored_pattern_that_would_hang_or_crash_does_not_break_suggest(tmp_path: Path) -> None:
    project = tmp_path / "p.annot"
    store = ProjectStore.create(project, ["WEAPON"], pipeline="blank:en")
    store.add_documents([NewDocument(TEXT, {})])
    # Stored by an older version that did not check patterns at entry.
    for pattern in (HANGS, BAD_OPERATOR, {"label": "WEAPON", "pattern": "Grom"}):
        assert store.add_project_pattern(pattern)
    store.close()
    code = (
        "from annotator.cli import main\n"
        f"raise SystemExit(main(['suggest', {str(project)!r}]) or main(['suggest', "
        f"{str(project)!r}]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("skipped") == 4  # two patterns, each suggest run
    assert "^(a+)+$" in done.stderr and "{5,2}" in done.stderr
    assert "1 documents suggested" in done.stdout and "1 already cached" in done.stdout
    with ProjectStore.open(project) as store:
        (version,) = store._conn.execute("SELECT DISTINCT version FROM suggestions").fetchone()
        spans = store.cached_suggestions(store.document_ids()[0], version)
    assert spans is not None and [TEXT[s.start : s.end] for s in spans] == ["Grom"]

"""Pattern files and the pattern-driven labels (WEAPON, QUANTITY), on spaCy's blank English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.nlp.patterns import (
    PatternError,
    load_pattern_file,
    load_patterns,
    shipped_pattern_files,
    validate_pattern,
)
from annotator.nlp.suggest import Suggester


@pytest.fixture(scope="module")
def blank() -> Suggester:
    """Patterns only: the blank pipeline has no NER, so every span here is a pattern's."""
    return Suggester("blank:en")


def spans(suggester: Suggester, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in suggester.suggest_one(text)]


def test_shipped_files_load_and_hold_hundreds_of_weapons() -> None:
    names = {p.name for p in shipped_pattern_files()}
    assert {"weapons.jsonl", "quantity.jsonl"} <= names
    weapons = [p for p in load_patterns() if p["label"] == "WEAPON"]
    assert len({p.get("id") for p in weapons}) > 300


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia moved Iskander short-range ballistic missiles.", "Iskander"),
        ("The Iskander-M was fired.", "Iskander-M"),
        ("It deployed S-400 ground-to-air missile defence systems.", "S-400"),
        ("Norway bought F-35s last year.", "F-35s"),
        ("The F-35 Lightning II flew.", "F-35 Lightning II"),
        (
            "Ukraine received four high-mobility artillery rocket systems.",
            "high-mobility artillery rocket systems",
        ),
        ("Germany sent Leopard 2A6 tanks.", "Leopard 2A6"),
        ("Russian T-72 tanks advanced.", "T-72"),
        ("A 9K720 launcher was seen.", "9K720"),
        ("Su-35S jets patrolled.", "Su-35S"),
    ],
)
def test_weapon_names_without_the_generic_noun(blank: Suggester, text: str, expected: str) -> None:
    assert (expected, "WEAPON") in spans(blank, text)


def test_common_words_are_not_weapons_in_lower_case(blank: Suggester) -> None:
    found = spans(blank, "A patriot with a javelin watched the leopard.")
    assert [s for s in found if s[1] == "WEAPON"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials said about 2,000 soldiers will travel.", "2,000 soldiers"),
        ("There are more than 100,000 troops near the border.", "100,000 troops"),
        ("They sent 2,000 Russian troops.", "2,000 Russian troops"),
        ("It can hit targets 400 km away.", "400 km"),
        ("A package worth $1.3 billion was approved.", "$1.3 billion"),
        ("A 105 mm gun.", "105 mm"),
        ("It flies up to 15 to 20 kilometers.", "15 to 20 kilometers"),
        ("Ranges between 500 and 5,500 kilometers are banned.", "500 and 5,500 kilometers"),
        ("They shot down 24 drones.", "24 drones"),
    ],
)
def test_quantity_with_hedge_left_out(blank: Suggester, text: str, expected: str) -> None:
    assert (expected, "QUANTITY") in spans(blank, text)


@pytest.mark.parametrize(
    "text",
    [
        "It has not happened in 30 years.",
        "The drills lasted three days.",
        "The 82nd battalions arrived.",
        "Thousands of soldiers marched.",
    ],
)
def test_durations_ordinals_and_vague_amounts_give_no_quantity(blank: Suggester, text: str) -> None:
    assert [s for s in spans(blank, text) if s[1] == "QUANTITY"] == []


def test_entity_wins_over_quantity(blank: Suggester) -> None:
    assert spans(blank, "The US sent 16 HIMARS to Ukraine.") == [("HIMARS", "WEAPON")]


def test_validation_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "extra.jsonl"
    good = json.dumps({"label": "WEAPON", "pattern": "Grom"})
    path.write_text(good + "\n\n" + '{"label": "WEAPON", "pattern": 3}\n', encoding="utf-8")
    with pytest.raises(PatternError, match=r"extra\.jsonl:3: .*pattern"):
        load_pattern_file(path)
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"extra\.jsonl:2: not valid JSON"):
        load_pattern_file(path)


def test_token_patterns_are_checked_by_spacys_schema() -> None:
    with pytest.raises(PatternError, match="FOO"):
        validate_pattern({"label": "ORG", "pattern": [{"FOO": "x"}]})
    assert validate_pattern({"label": "ORG", "pattern": [{"LOWER": "x"}], "id": "x"})["id"] == "x"


def test_project_files_and_in_memory_patterns_are_added(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"label": "WEAPON", "pattern": "Wunderwaffe"}) + "\n")
    loaded = load_patterns([path], [{"label": "ORG", "pattern": "Acme Arms"}], labels=["WEAPON"])
    assert {"label": "WEAPON", "pattern": "Wunderwaffe"} in loaded
    assert all(p["label"] == "WEAPON" for p in loaded)

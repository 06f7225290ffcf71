"""Inputs the nlp layer meets outside import: pattern files that are no regular files, and a
document an older version stored above today's text limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.core.regular_files import read_regular_text
from annotator.nlp.patterns import PatternError, load_pattern_file
from annotator.nlp.suggest import Suggester


def test_a_fifo_or_a_device_as_pattern_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "p.jsonl"
    os.mkfifo(fifo)  # open() on it would block forever
    with pytest.raises(PatternError, match="pipe"):
        load_pattern_file(fifo)
    zero = tmp_path / "z.jsonl"
    zero.symlink_to("/dev/zero")  # would never end
    with pytest.raises(PatternError, match="device"):
        load_pattern_file(zero)


def test_a_file_above_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "g.md"
    big.write_text("x" * 101)
    with pytest.raises(OSError, match="larger than 100 bytes"):
        read_regular_text(big, 100)
    assert read_regular_text(big, 101) == "x" * 101


def test_a_text_longer_than_the_model_takes_gets_no_suggestions_not_an_error() -> None:
    suggester = Suggester("blank:en", ["PERSON", "ORG", "WEAPON", "QUANTITY"])
    suggester.nlp.max_length = 40
    long_text = "NATO moved 16 HIMARS and 2,000 soldiers to the east of the country today."
    too_long, short = suggester.suggest([long_text, "NATO met."])
    assert too_long == []
    assert [s.label for s in short] == ["ORG"]
    assert suggester.suggest_one(long_text) == []
    assert [s.label for s in suggester.suggest_one("NATO met.")] == ["ORG"]

"""Scoring against gold JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import Span
from annotator.nlp.evaluate import read_gold, score


def test_exact_match_per_label_and_overall_and_dropped_labels() -> None:
    gold = [
        {
            "text": "x" * 40,
            "spans": [
                {"start": 0, "end": 4, "label": "ORG"},
                {"start": 5, "end": 9, "label": "PERSON"},
                {"start": 10, "end": 14, "label": "GPE"},
            ],
        }
    ]
    predicted = [[Span(0, 4, "ORG"), Span(5, 8, "PERSON"), Span(20, 24, "ORG")]]
    scores = score(gold, predicted, ["PERSON", "ORG"])
    assert scores.label("ORG") == pytest.approx((0.5, 1.0, 2 / 3))
    assert scores.label("PERSON") == (0.0, 0.0, 0.0)  # off by one character is a miss
    assert scores.overall() == pytest.approx((1 / 3, 1 / 2, 0.4))
    assert "GPE" not in scores.table(["PERSON", "ORG"])


def test_read_gold_names_the_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"text": "a", "spans": []}) + "\n" + '{"text": 1}\n')
    with pytest.raises(ValueError, match=r"g\.jsonl:2"):
        read_gold(path)


def test_seed_scores_reach_the_target() -> None:
    from annotator.nlp.suggest import Suggester

    repo = Path(__file__).resolve().parents[2]
    records = read_gold(repo / "corpora" / "seed" / "article-2022-02-04.gold.jsonl")
    suggester = Suggester("auto")
    scores = score(records, suggester.suggest(r["text"] for r in records), suggester.labels)
    assert scores.overall()[2] >= 0.9

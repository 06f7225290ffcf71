"""Agreement figures against a hand computation and against the krippendorff package."""

from __future__ import annotations

import json
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from annotator.cli import main
from annotator.core.agreement import agreement, alpha, token_labels
from annotator.core.model import Answer, Span
from annotator.core.store import NewDocument, ProjectStore

TEXT = "Joe Biden met NATO in Brussels."
# Joe | Biden | met | NATO | in | Brussels | .
TOKENS = [(0, 3), (4, 9), (10, 13), (14, 18), (19, 21), (22, 30), (30, 31)]
A = [Span(0, 9, "PERSON"), Span(14, 18, "ORG")]
B = [Span(0, 9, "PERSON"), Span(22, 30, "ORG")]


def test_figures_match_a_hand_computation() -> None:
    report = agreement([(1, TOKENS, {"a": A, "b": B})], ["a", "b"])
    (pair,) = report.pairs
    # Span F1: PERSON matched, each ORG only once: F1 = 2*1 / (2*1 + 1 + 1).
    assert pair.overall.f1 == pytest.approx(0.5)
    assert pair.labels["PERSON"].f1 == 1.0 and pair.labels["ORG"].f1 == 0.0
    # Alpha by hand: 14 values (P 4, O 8, ORG 2), 4 disagreeing pairings in the coincidence
    # matrix; alpha = 1 - (n - 1) * 4 / sum_{c != k} n_c n_k = 1 - 13 * 4 / 112.
    assert report.alpha == pytest.approx(1 - 52 / 112)
    assert pair.alpha == pytest.approx(1 - 52 / 112)
    # Per label ("ORG or not"): yes 2, no 12, 4 disagreeing pairings: 1 - 13 * 4 / (2*2*12).
    assert report.label_alpha["ORG"] == pytest.approx(1 - 52 / 48)
    assert report.label_alpha["PERSON"] == pytest.approx(1.0)
    assert [(d.doc_id, d.disputed, d.spans) for d in report.disagreements] == [(1, 2, 3)]


def test_token_labels_and_undefined_alpha() -> None:
    assert token_labels(TOKENS, A) == ["PERSON", "PERSON", "O", "ORG", "O", "O", "O"]
    assert alpha([["O", "O"], ["O", "O"]]) is None  # one value: undefined, not 1


def test_alpha_matches_the_library_on_random_annotations_with_gaps() -> None:
    rng = random.Random(7)
    tokens = [(i * 2, i * 2 + 1) for i in range(40)]
    docs = []
    for doc_id in range(1, 8):
        spans = {}
        for name in ("a", "b", "c"):
            if rng.random() < 0.8:
                starts = sorted(rng.sample(range(40), 8))
                spans[name] = [Span(s * 2, s * 2 + 1, rng.choice(["X", "Y"])) for s in starts]
        docs.append((doc_id, tokens, spans))
    report = agreement(docs, ["a", "b", "c"])
    shared = [spans for _, _, spans in docs if len(spans) >= 2]
    code = {"O": 0, "X": 1, "Y": 2}
    rows = [
        [
            float(code[v]) if name in spans else np.nan
            for spans in shared
            for v in (token_labels(tokens, spans[name]) if name in spans else ["O"] * 40)
        ]
        for name in ("a", "b", "c")
    ]
    expected = krippendorff.alpha(reliability_data=np.array(rows), level_of_measurement="nominal")
    assert report.documents == len(shared)
    assert report.alpha == pytest.approx(expected)


def test_agreement_command_on_a_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.annot"
    with ProjectStore.create(path, ["PERSON", "ORG"], pipeline="blank:en") as store:
        for who, spans in (("a", A), ("b", B)):
            store.add_documents(
                [NewDocument(TEXT, {}, spans=tuple(spans), answer=Answer.ACCEPT, annotator=who)]
            )
        store.add_documents([NewDocument("Other text.", {}, answer=Answer.ACCEPT, annotator="a")])
    assert main(["agreement", str(path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["documents"] == 1 and figures["annotators"] == ["a", "b"]
    assert figures["alpha"] == pytest.approx(1 - 52 / 112)
    assert figures["pairs"][0]["f1"] == pytest.approx(0.5)
    assert figures["disagree_most"][0]["doc_id"] == 1
    assert main(["agreement", str(path)]) == 0
    assert "span F1 0.500" in capsys.readouterr().out

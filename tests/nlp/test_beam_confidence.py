"""Beam confidence of model suggestions with the real pipeline; the CLI's queue, calibrate and
suggest --output with scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srsly

from annotator.cli import main
from annotator.core.edits import SetAnswer
from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.confidence.beam import add_beam_scores
from annotator.nlp.evaluate import read_gold
from annotator.nlp.pipeline import load_for_ner
from annotator.nlp.suggest import Suggester

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    "NATO Secretary General Jens Stoltenberg said Russia moved Iskander missiles to Belarus.",
    "The Pentagon said 2,000 soldiers of the 82nd Airborne Division would deploy to Poland.",
    "Lockheed Martin will deliver Javelin missiles, Ukraine's defence minister Oleksii Reznikov "
    "told reporters in Kyiv on Tuesday.",
]


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester()


def test_every_suggestion_has_a_score_in_0_1_and_the_same_twice(suggester: Suggester) -> None:
    first = list(suggester.suggest(TEXTS))
    again = list(suggester.suggest(TEXTS))
    assert [[(s.key, s.source, s.score) for s in spans] for spans in first] == [
        [(s.key, s.source, s.score) for s in spans] for spans in again
    ]
    found = [s for spans in first for s in spans]
    assert {s.source for s in found} >= {"model", "pattern"}
    assert all(s.score is not None and 0.0 <= s.score <= 1.0 for s in found)
    # Rules and patterns start from their prior precision (no history outside a project).
    assert {s.score for s in found if s.source == "pattern"} == {0.9}


def test_confidence_off_leaves_model_scores_empty_and_spans_unchanged(
    suggester: Suggester,
) -> None:
    plain = Suggester(confidence=False)
    with_scores = list(suggester.suggest(TEXTS))
    without = list(plain.suggest(TEXTS))
    assert [[s.key for s in spans] for spans in with_scores] == [
        [s.key for s in spans] for spans in without
    ]
    assert all(s.score is None for spans in without for s in spans if s.source == "model")
    assert plain.version != suggester.version  # cached apart


def test_the_entities_are_the_greedy_recognizers_on_every_gold_text() -> None:
    texts = [
        r["text"] for path in sorted(REPO.glob("corpora/**/*.gold.jsonl")) for r in read_gold(path)
    ]
    assert len(texts) > 100
    greedy = load_for_ner("auto")
    scored = load_for_ner("auto")
    assert add_beam_scores(scored, width=2)
    assert "ner" not in scored.pipe_names  # its place taken by the scorer
    for a, b in zip(greedy.pipe(texts), scored.pipe(texts), strict=True):
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents
        ]
        assert b.user_data["annotator_beam"] or not b.ents


def test_blank_pipeline_has_nothing_to_score() -> None:
    import spacy

    assert not add_beam_scores(spacy.blank("en"))


def test_suggest_output_writes_source_and_score(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    srsly.write_jsonl(source, [{"text": t} for t in TEXTS])
    out = tmp_path / "out.jsonl"
    assert main(["suggest", "--input", str(source), "--output", str(out)]) == 0
    spans = [s for line in srsly.read_jsonl(out) for s in line["spans"]]
    assert spans and all(s["source"] in {"model", "pattern", "rule"} for s in spans)
    assert all(0.0 <= s["score"] <= 1.0 for s in spans)


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "q.annot"
    with ProjectStore.create(path, ["PERSON", "ORG"], pipeline="blank:en") as store:
        store.add_documents(NewDocument(t, {}) for t in TEXTS)
        ids = store.document_ids()
        store.store_suggestions(
            [
                (doc_id, [Span(0, 4, "ORG", SpanState.SUGGESTED, "model", p)])
                for doc_id, p in zip(ids, (0.99, 0.5, 0.8), strict=True)
            ],
            "v1",
        )
    return path


def test_queue_lists_in_the_chosen_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    assert main(["queue", str(path), "--order", "least-sure", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [d["doc_id"] for d in listed["documents"]] == [2, 3, 1]
    assert main(["queue", str(path), "--json"]) == 0  # the project's order: in order
    assert [d["doc_id"] for d in json.loads(capsys.readouterr().out)["documents"]] == [1, 2, 3]
    assert main(["queue", str(path), "--order", "random", "--seed", "3", "--save"]) == 0
    assert "random (seeded), seed 3" in capsys.readouterr().out
    with ProjectStore.open(path) as store:
        assert store.work_order().kind == "random"
    with pytest.raises(SystemExit):
        main(["queue", str(path), "--order", "sideways"])
    assert "choose from" in capsys.readouterr().err


def test_calibrate_without_enough_held_out_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    with ProjectStore.open(path) as store:
        for doc_id in store.document_ids():
            SetAnswer(doc_id, "ann", None, Answer.ACCEPT).apply(store)
        store.fix_parts([(i, store.document(i).text_hash) for i in store.document_ids()], 0.5, 0)
    assert main(["calibrate", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert not report["fitted"] and "too few" in report["note"]


def test_a_document_without_entities_is_not_beam_searched_and_the_others_score_alike() -> None:
    scored = load_for_ner("auto")
    assert add_beam_scores(scored, width=4)
    quiet = "she said that it was raining and went back in."
    alone = [scored(text).user_data["annotator_beam"] for text in TEXTS]
    mixed = list(scored.pipe([quiet, TEXTS[0], quiet, *TEXTS[1:], quiet]))
    assert [d.user_data["annotator_beam"] for d in mixed if d.text == quiet] == [[], [], []]
    assert not any(d.ents for d in mixed if d.text == quiet)
    assert [d.user_data["annotator_beam"] for d in mixed if d.text != quiet] == alone
    assert all(alone)

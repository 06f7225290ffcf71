"""Confidence of model suggestions with the real pipeline (the greedy parse's own probabilities,
the default, and the beam's); the CLI's queue, calibrate and suggest --output with scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import srsly

from annotator.cli import main
from annotator.core.edits import SetAnswer
from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.confidence.scores import SCORES_KEY, add_model_scores, without_model_scores
from annotator.nlp.evaluate import read_gold
from annotator.nlp.pipeline import load_for_ner
from annotator.nlp.suggest import Suggester

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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


@pytest.fixture(scope="module")
def gold_texts() -> list[str]:
    texts = [
        r["text"] for path in sorted(REPO.glob("corpora/**/*.gold.jsonl")) for r in read_gold(path)
    ]
    assert len(texts) > 100
    return texts


@pytest.fixture(scope="module")
def greedy_docs(gold_texts: list[str]) -> list[Doc]:
    """The gold texts as spaCy's own ``ner`` leaves them."""
    return list(load_for_ner("auto").pipe(gold_texts))


@pytest.mark.parametrize(("scorer", "width"), [("greedy", 4), ("beam", 2)])
def test_the_entities_are_the_greedy_recognizers_on_every_gold_text(
    gold_texts: list[str], greedy_docs: list[Doc], scorer: str, width: int
) -> None:
    scored = load_for_ner("auto")
    assert add_model_scores(scored, scorer, width=width)
    assert "ner" not in scored.pipe_names  # its place taken by the scorer
    for a, b in zip(greedy_docs, scored.pipe(gold_texts), strict=True):
        ents = [(e.start, e.end, e.label_) for e in a.ents]
        assert [(e.start, e.end, e.label_) for e in b.ents] == ents
        assert b.user_data[SCORES_KEY] or not b.ents
        if scorer == "greedy":  # one candidate an entity: the entity itself
            assert [tuple(c[:3]) for c in b.user_data[SCORES_KEY]] == ents
            assert all(0.0 < c[3] <= 1.0 for c in b.user_data[SCORES_KEY])


def _allowed_softmax_probabilities(nlp: Language, text: str) -> list[tuple[int, int, str, float]]:
    """Each greedy entity's probability worked out the slow way: spaCy's own ``is_valid`` for
    every action at every step, the softmax over the valid ones, the product over the
    entity's actions."""
    import numpy as np

    ner = nlp.get_pipe("ner")
    doc = nlp.make_doc(text)
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    model = ner.model.predict([doc])
    (state,) = ner.moves.init_batch([doc])
    taken: list[tuple[str, float]] = []
    while not state.is_final():
        scores = model.predict([state])
        valid = np.array([ner.moves.is_valid(state, name) for name in names])
        row = np.where(valid, scores[0].astype("float64"), -np.inf)
        best = int(row.argmax())
        probabilities = np.exp(row - row[best]) / np.exp(row - row[best]).sum()
        taken.append((names[best], float(probabilities[best])))
        ner.transition_states([state], scores)
    model.clear_memory()
    found, start, product = [], 0, 1.0
    for k, (name, p) in enumerate(taken):
        move, _, label = name.partition("-")
        if move == "B":
            start, product = k, p
        elif move == "I":
            product *= p
        elif move in {"L", "U"}:
            product = product * p if move == "L" else p
            found.append((k if move == "U" else start, k + 1, label, product))
    return found


def test_greedy_probabilities_are_the_softmax_over_the_valid_actions() -> None:
    scored = load_for_ner("auto")
    assert add_model_scores(scored, "greedy")
    texts = [
        *TEXTS,
        "  Two spaces first.\n\nThen Vladimir Putin met \n Xi Jinping in Moscow .",
        "Biden",
    ]
    for text in texts:
        with scored.select_pipes(enable=["ner"]):
            expected = _allowed_softmax_probabilities(scored, text)
        found = scored(text).user_data[SCORES_KEY]
        assert [tuple(c[:3]) for c in found] == [e[:3] for e in expected]
        assert [c[3] for c in found] == pytest.approx([e[3] for e in expected], abs=1e-4)
        assert expected or text == "Biden"


def test_a_document_with_entities_set_before_is_left_unscored() -> None:
    scored = load_for_ner("auto")
    assert add_model_scores(scored, "greedy")
    doc = scored.make_doc(TEXTS[0])
    doc.ents = [doc.char_span(0, 4, label="ORG")]
    scored.get_pipe("annotator_greedy_scores")(doc)
    assert SCORES_KEY not in doc.user_data
    suggester = Suggester(nlp=scored)
    assert all(s.score is None for s in suggester.spans_from_doc(doc) if s.source == "model")


def test_the_scorer_steps_aside_while_the_pipeline_is_saved() -> None:
    scored = load_for_ner("auto")
    assert add_model_scores(scored, "greedy")
    with without_model_scores(scored):
        assert "ner" in scored.pipe_names
        assert "annotator_greedy_scores" not in scored.component_names
    assert "ner" not in scored.pipe_names and "annotator_greedy_scores" in scored.pipe_names


def test_blank_pipeline_has_nothing_to_score() -> None:
    import spacy

    assert not add_model_scores(spacy.blank("en"))
    assert not add_model_scores(spacy.blank("en"), "beam")
    with pytest.raises(ValueError, match="choose from greedy, beam"):
        add_model_scores(spacy.blank("en"), "sideways")


def test_each_scorer_is_cached_apart(suggester: Suggester) -> None:
    beam = Suggester(scorer="beam")
    assert beam.version != suggester.version
    assert Suggester(scorer="beam", beam_width=8).version != beam.version
    spans = list(suggester.suggest(TEXTS))
    assert [[s.key for s in found] for found in beam.suggest(TEXTS)] == [
        [s.key for s in found] for found in spans
    ]


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


@pytest.mark.parametrize("scorer", ["greedy", "beam"])
def test_a_document_without_entities_has_no_candidates_and_the_others_score_alike(
    scorer: str,
) -> None:
    scored = load_for_ner("auto")
    assert add_model_scores(scored, scorer, width=4)
    quiet = "she said that it was raining and went back in."
    alone = [scored(text).user_data[SCORES_KEY] for text in TEXTS]
    mixed = list(scored.pipe([quiet, TEXTS[0], quiet, *TEXTS[1:], quiet, ""]))
    assert [d.user_data[SCORES_KEY] for d in mixed if d.text == quiet] == [[], [], []]
    assert not any(d.ents for d in mixed if d.text == quiet)
    assert [d.user_data[SCORES_KEY] for d in mixed if d.text not in {quiet, ""}] == alone
    assert mixed[-1].user_data[SCORES_KEY] == []
    assert all(alone)

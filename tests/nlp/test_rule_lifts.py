"""Rules a project's accepted documents show wrong for its text, lifted for its trained model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from annotator.core.model import Answer, Span
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.preannotate import suggester_for_project, untrained_suggester
from annotator.nlp.rule_lifts import (
    COMMA_ORG,
    LONE_BODY,
    LONE_PERSON,
    checked_lifts,
    lift_tally,
    lifted_lines,
    wanted_lifts,
)
from annotator.nlp.suggest import Suggester
from annotator.nlp.train.data import base_labelled
from annotator.nlp.train.default import default_suggester
from annotator.nlp.train.load import SuggesterRecipe, recipe_for
from annotator.nlp.train.project import TrainOptions, train_project
from annotator.nlp.train.stored import StoredModelError

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]
# Names the start model calls a person when they stand alone (checked with it), none of them
# among its known names (``train.start_names``), which the untrained suggester fills in.
PAIRS = [  # surnames: a lone given name ("Mia") is a person without a lift
    ("Vasquez", "Brennan"),
    ("Moreau", "Whitcombe"),
    ("Draycott", "Osei"),
    ("Reyes", "Kessler"),
    ("Marchetti", "Delacroix"),
]
UNSEEN = "Moreau said nothing, and Whitcombe nodded."


@pytest.fixture(scope="module")
def lifted_suggester() -> Suggester:
    return Suggester(lifted=[LONE_PERSON])


def _names(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in spans if s.label == "PERSON"]


def test_a_lifted_rule_keeps_the_lone_names_it_drops(lifted_suggester: Suggester) -> None:
    plain = Suggester()
    text = "Shoigu said nothing, and Gerasimov nodded."
    assert _names(text, plain.suggest_one(text)) == []
    assert _names(text, lifted_suggester.suggest_one(text)) == ["Shoigu", "Gerasimov"]
    # The lift is part of what the suggestions are: a cache keyed on the version sees it.
    assert lifted_suggester.version != plain.version
    doc = plain.nlp(text)
    once = plain.spans_from_doc(doc, text, lifted=frozenset({LONE_PERSON}))
    assert _names(text, once) == ["Shoigu", "Gerasimov"]
    # Full names and names after a title were never dropped; lifting changes nothing there.
    text = "Defence minister Sergei Shoigu met General Gerasimov."
    assert plain.suggest_one(text) == lifted_suggester.suggest_one(text)


@pytest.mark.parametrize(
    ("lift", "text", "name"),
    [
        # News lists places in one model ORG ("Lesbos, Chios"); a firm named after its
        # partners holds commas too (made up: no known name). A comma before a legal form
        # ("Caldera Optronics, Inc.") never made a list (test_suggest).
        (COMMA_ORG, "He joined Ernst, Young & Partners as a clerk.", "Ernst, Young & Partners"),
        # News leaves a lone "Army" out; contract reports mean the U.S. Army by it.
        (LONE_BODY, "The Army awarded the contract on Friday.", "Army"),
    ],
)
def test_a_lifted_org_rule_keeps_what_it_drops(lift: str, text: str, name: str) -> None:
    plain = default_suggester("auto", LABELS, {}, [])
    lifted = default_suggester("auto", LABELS, {}, [], lifted=[lift])
    # The model's ORG over the name, whatever this build of the start model reads there.
    doc = plain.nlp(text)
    start = text.index(name)
    org = doc.char_span(start, start + len(name), label="ORG")
    assert org is not None
    doc.ents = [e for e in doc.ents if e.end <= org.start or e.start >= org.end] + [org]

    def orgs(spans: list[Span]) -> set[tuple[str, str]]:
        return {(text[s.start : s.end], s.label) for s in spans}

    assert (name, "ORG") not in orgs(plain.spans_from_doc(doc, text))
    assert (name, "ORG") in orgs(plain.spans_from_doc(doc, text, lifted=frozenset({lift})))
    assert lifted.version != plain.version


def test_a_rule_is_lifted_only_when_what_it_drops_is_surely_precise_enough() -> None:
    text = "Ann met Bo."
    ann, bo = Span(0, 3, "PERSON", source="model"), Span(8, 10, "PERSON", source="model")
    gold = [[ann.key]] * 10
    # Lifting adds "Ann" (accepted) and "Bo" (not) in each of 10 texts: 10 of 20 accepted.
    counts = lift_tally(gold, [[]] * 10, {LONE_PERSON: [[ann, bo]] * 10})
    assert counts == {LONE_PERSON: (10, 20, 0, 0)}
    # PERSON F1 0.4 without it (half: 0.2): 10 of 20 is surely above, so the rule goes...
    assert wanted_lifts(counts, {"PERSON": 0.2}) == (LONE_PERSON,)
    # ...but not where PERSON is served well (half F1 0.45: 10 of 20 may well be below).
    assert wanted_lifts(counts, {"PERSON": 0.45}) == ()
    # Four added spans say nothing yet, however right.
    assert wanted_lifts({LONE_PERSON: (4, 4, 0, 0)}, {"PERSON": 0.1}) == ()
    # Accepted spans the lift removes count against it.
    assert wanted_lifts({LONE_PERSON: (10, 20, 8, 8)}, {"PERSON": 0.2}) == ()
    assert lifted_lines([LONE_PERSON], counts) == [
        "PERSON: one-word names the model calls a person, without a full name in the text or "
        "a title, now suggested (10 of 20 accepted)"
    ]
    assert text  # the spans above are of it


def test_unknown_lifts_are_refused() -> None:
    assert checked_lifts([LONE_PERSON, LONE_PERSON]) == (LONE_PERSON,)
    for bad in (["run-this"], [1], [None]):
        with pytest.raises(ValueError, match="unknown rule to lift"):
            checked_lifts(bad)
    with pytest.raises(ValueError, match="unknown rule to lift"):
        Suggester("blank:en", LABELS, lifted=["no-such-rule"])
    recipe = SuggesterRecipe(
        pipeline="auto",
        labels=("PERSON",),
        label_map={},
        patterns=(),
        choice={"PERSON": "model+rules"},
        rank={"PERSON": 0.8},
        model_version="v",
        model_name="model 1",
        created=0.0,
        lifted=(LONE_PERSON,),
    )
    data = json.loads(json.dumps(recipe.to_json()))
    assert SuggesterRecipe.from_json(data).lifted == (LONE_PERSON,)
    del data["lifted"]  # a pipeline folder written before: every rule applies
    assert SuggesterRecipe.from_json(data).lifted == ()
    data["lifted"] = ["__import__('os')"]
    with pytest.raises(ValueError, match="unknown rule to lift"):
        SuggesterRecipe.from_json(data)


def test_training_texts_are_suggested_with_each_rule_lifted(lifted_suggester: Suggester) -> None:
    plain = Suggester(nlp=lifted_suggester.nlp, include_shipped_patterns=False)
    texts = ["Shoigu said nothing.", "A rehearsal text about Gerasimov.", "Tomas laughed."]
    labelled, suggested, lifted = base_labelled(
        plain, texts, [[], None, [(0, 5, "PERSON")]], (LONE_PERSON,)
    )
    assert len(labelled) == len(suggested) == 3
    # Gold texts only (the rehearsal text in the middle is left out), in order.
    per_text = lifted[LONE_PERSON]
    assert [_names(t, s) for t, s in zip([texts[0], texts[2]], per_text, strict=True)] == [
        ["Shoigu"],
        ["Tomas"],
    ]
    assert _names(texts[0], suggested[0]) == []


def _lone_names_doc(i: int) -> NewDocument:
    a, b = PAIRS[i % len(PAIRS)]
    text = f"{a} said nothing at first, and {b} nodded towards the door."
    spans = tuple(Span(text.index(name), text.index(name) + len(name), "PERSON") for name in (a, b))
    return NewDocument(text, {"i": i}, spans=spans, answer=Answer.ACCEPT)


def test_training_lifts_a_rule_its_accepted_documents_show_wrong(tmp_path: Path) -> None:
    """Annotators who accept people named by one word get a model whose rules keep them."""
    with ProjectStore.create(tmp_path / "p.annot", LABELS) as store:
        store.add_documents(_lone_names_doc(i) for i in range(10))
        out = tmp_path / "pipeline"
        report = train_project(store, TrainOptions(epochs=1, use="always", output=str(out)))
        assert report.lifted == [LONE_PERSON]
        right, added, _, _ = report.lift_counts[LONE_PERSON]
        assert added >= 5 and right == added
        assert any(line.startswith("rule lifted: PERSON") for line in report.summary().split("\n"))
        model_id = int(report.model_id or 0)
        assert recipe_for(store, model_id).lifted == (LONE_PERSON,)
        assert "1 rule lifted" in store.model(model_id).choice_text
        text = UNSEEN
        assert _names(text, untrained_suggester(store).suggest_one(text)) == []
        found = _names(text, suggester_for_project(store).suggest_one(text))
        assert "Moreau" in found
        # The spaCy pipeline written with the model suggests the same, lifted rule included.
        exported = [e.text for e in spacy.load(out)(text).ents if e.label_ == "PERSON"]
        assert exported == found
        # A stored report naming a rule nobody knows (or no list) is a damaged model, refused.
        stored = store.model(model_id).report
        for crafted in ({**stored, "lifted": ["no-such-rule"]}, {**stored, "lifted": "x"}):
            store._conn.execute(
                "UPDATE models SET report = ? WHERE id = ?", (json.dumps(crafted), model_id)
            )
            with pytest.raises(StoredModelError, match="damaged report"):
                suggester_for_project(store)


def test_when_the_model_loses_the_untrained_suggester_takes_the_lifted_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that loses on the held-out part is not used, but the rule its training lifted
    can still serve: the untrained suggester without it, when that beats what suggests now.
    The model is made to lose by covering every word of the held-out texts with ORG; known
    names are off, so only the lift can win."""
    import re

    from annotator.nlp.train import project as training

    def losing(store, labels, nlp, texts, *rest):  # type: ignore[no-untyped-def]
        junk = [
            [Span(m.start(), m.end(), "ORG", source="model") for m in re.finditer(r"\S+", t)]
            for t in texts
        ]
        return {source: junk for source in ("model+rules", "model+patterns", "model")}

    monkeypatch.setattr(training, "model_outputs", losing)
    with ProjectStore.create(tmp_path / "p.annot", LABELS) as store:
        store.add_documents(_lone_names_doc(i) for i in range(10))
        report = train_project(store, TrainOptions(epochs=1, known_names=False))
        assert report.used and report.lifted_only and not report.known_only
        assert set(report.choice.values()) == {"untrained"} and report.lifted == [LONE_PERSON]
        assert "but the lifted rules won" in report.summary()
        assert not report.model_labels  # the model serves no label: nothing said of its spans
        model_id = int(report.model_id or 0)
        assert recipe_for(store, model_id).untrained_lifted
        assert _names(UNSEEN, untrained_suggester(store).suggest_one(UNSEEN)) == []
        found = _names(UNSEEN, suggester_for_project(store).suggest_one(UNSEEN))
        assert found == ["Moreau", "Whitcombe"]
        # A stored report whose flag is not true or false is a damaged model, refused.
        stored = store.model(model_id).report
        store._conn.execute(
            "UPDATE models SET report = ? WHERE id = ?",
            (json.dumps({**stored, "lifted_only": "yes"}), model_id),
        )
        with pytest.raises(StoredModelError, match="damaged report"):
            suggester_for_project(store)

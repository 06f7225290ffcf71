"""Kinds of suggestion a project's annotators do not accept, learned when it trains."""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import Span
from annotator.core.store import ProjectStore
from annotator.nlp.preannotate import suggester_for_project, untrained_suggester
from annotator.nlp.span_kinds import (
    describe_kind,
    drop_kinds,
    dropped_lines,
    kind_tally,
    precision_bound,
    span_kind,
    unwanted_kinds,
)
from annotator.nlp.train.load import SuggesterRecipe, recipe_for
from annotator.nlp.train.project import TrainOptions, train_project
from annotator.nlp.train.scoring import untrained_without_kinds
from tests.nlp.test_train import _doc


def _span(text: str, part: str, label: str, source: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), label, source=source)


def test_a_kind_is_label_source_and_shape() -> None:
    text = "3.1 The 2,000 soldiers of NATO met JOHN SMITH and Anna Berg of Kelb, 12 km away."
    kinds = {
        part: span_kind(text, _span(text, part, label, source))
        for part, label, source in [
            ("3.1", "QUANTITY", "model"),
            ("2,000 soldiers", "QUANTITY", "rule"),
            ("NATO", "ORG", "pattern"),
            ("JOHN SMITH", "PERSON", "rule"),
            ("Anna Berg", "PERSON", "model"),
            ("Kelb", "ORG", "model"),
        ]
    }
    assert kinds == {
        "3.1": "QUANTITY/model/number",
        "2,000 soldiers": "QUANTITY/rule/digits",
        "NATO": "ORG/pattern/capital",
        "JOHN SMITH": "PERSON/rule/capitals",
        "Anna Berg": "PERSON/model/words",
        "Kelb": "ORG/model/word",
    }
    assert describe_kind("QUANTITY/pattern/number") == "QUANTITY from a pattern: a bare number"


def test_kinds_rarely_accepted_on_enough_evidence_are_dropped() -> None:
    texts, suggested, accepted = [], [], []
    for i in range(6):
        text = f"{i + 1}. The board met 40 soldiers. Page {i + 10}."
        texts.append(text)
        numbers = [_span(text, f"{i + 1}", "QUANTITY", "model")]
        numbers.append(_span(text, f"{i + 10}", "QUANTITY", "model"))
        counted = _span(text, "40 soldiers", "QUANTITY", "rule")
        suggested.append([*numbers, counted])
        accepted.append([counted.key] + ([numbers[0].key] if i == 0 else []))
    counts = kind_tally(texts, suggested, accepted)
    assert counts == {"QUANTITY/model/number": (1, 12), "QUANTITY/rule/digits": (6, 6)}
    # QUANTITY: 7 right of 18 suggested, 7 accepted: F1 0.56; bare numbers are surely below
    # half of it (1 of 12: at most 0.24), so dropping them raises it.
    assert unwanted_kinds(counts, {"QUANTITY": 7}) == ("QUANTITY/model/number",)
    assert precision_bound(1, 12) < 0.28
    # Too little evidence: four suggestions say nothing yet, whatever was accepted.
    assert unwanted_kinds({"ORG/model/word": (0, 4)}, {"ORG": 10}) == ()
    # The bar is half the label's own F1: 6 of 37 goes where ORG is otherwise served well...
    served_well = {"ORG/model/word": (6, 37), "ORG/model/words": (60, 70)}
    assert unwanted_kinds(served_well, {"ORG": 80}) == ("ORG/model/word",)
    # ...and stays where ORG is so weak that even those 6 are worth having.
    served_badly = {"ORG/model/word": (6, 37), "ORG/model/words": (5, 40)}
    assert unwanted_kinds(served_badly, {"ORG": 80}) == ()
    # "Surely": 7 of 24 (0.29) could well be 0.42 on other documents.
    assert precision_bound(0, 18) < precision_bound(6, 37) < 0.35 < precision_bound(7, 24)
    kept = drop_kinds(texts[0], suggested[0], frozenset(unwanted_kinds(counts, {"QUANTITY": 7})))
    assert [texts[0][s.start : s.end] for s in kept] == ["40 soldiers"]
    assert dropped_lines(["QUANTITY/model/number"], counts) == [
        "QUANTITY from the model: a bare number (1 of 12 accepted)"
    ]


def test_training_learns_the_kinds_the_annotators_never_accept(
    project: ProjectStore, tmp_path: Path
) -> None:
    """A one-word ORG pattern the annotators never accept ("Monday") goes with the model
    trained on their documents: recorded in its report and recipe, and not suggested."""
    project.add_project_pattern({"label": "ORG", "pattern": "Monday"})
    project.add_documents(_doc(i) for i in range(10))
    report = train_project(project, TrainOptions(epochs=2, use="always"))
    assert "ORG/pattern/word" in report.dropped_kinds
    accepted, suggested = report.kinds["ORG/pattern/word"]
    assert accepted == 0 and suggested >= 5
    assert any("ORG from a pattern: one word" in line for line in report.summary().splitlines())
    version = project.model(int(report.model_id or 0))
    assert "of suggestion left out" in version.choice_text
    # The Models list scores the untrained suggester as restoring it gives it back: with
    # "Monday", which every held-out document holds; the choice saw it without.
    as_is, without = version.untrained_f, report.tables["untrained"]["overall"]["f"]
    assert as_is is not None and as_is < without
    assert as_is == report.tables["untrained as is"]["overall"]["f"]
    recipe = recipe_for(project, int(report.model_id or 0))
    assert "ORG/pattern/word" in recipe.dropped_kinds
    assert SuggesterRecipe.from_json(recipe.to_json()) == recipe
    text = "Lena Berg joined Norvik Group on Monday."
    monday = (text.index("Monday"), text.index("Monday") + 6, "ORG")
    assert monday in {s.key for s in untrained_suggester(project).suggest_one(text)}
    found = suggester_for_project(project).suggest_one(text)
    assert monday not in {s.key for s in found}


def _table(f: float) -> dict[str, dict[str, float]]:
    return {label: {"p": f, "r": f, "f": f} for label in ("PERSON", "ORG", "overall")}


def test_a_model_that_lost_still_passes_on_the_kinds_it_learned() -> None:
    tables = {"untrained": _table(0.80), "model+rules": _table(0.70)}
    choice, rank = untrained_without_kinds(tables, ["PERSON", "ORG"], current_f=0.75) or ({}, {})
    assert choice == {"PERSON": "untrained", "ORG": "untrained"}
    assert rank == {"PERSON": 0.80, "ORG": 0.80}
    assert untrained_without_kinds(tables, ["PERSON", "ORG"], current_f=0.80) is None


def test_without_a_model_source_the_trained_pipeline_is_not_run(project: ProjectStore) -> None:
    """All labels with the untrained suggester: its spans minus the kinds, no model pass."""
    from annotator.nlp.pipeline import load_for_ner
    from annotator.nlp.train.load import project_rules
    from annotator.nlp.train.sources import LearnedSuggester

    project.add_project_pattern({"label": "ORG", "pattern": "Monday"})
    untrained = untrained_suggester(project)
    trained = load_for_ner(project.pipeline)  # stands for the trained pipeline
    rules = project_rules(project, project.labels().names, trained)
    choice = {label: "untrained" for label in project.labels().names}
    learned = LearnedSuggester(
        rules, choice, {}, "v", untrained, dropped_kinds=frozenset({"ORG/pattern/word"})
    )
    text = "Kelb Dynamics met on Monday."
    assert any(s.label == "ORG" for s in untrained.suggest_one(text))
    calls = []
    real_pipe = learned.nlp.pipe
    learned.nlp.pipe = lambda *a, **k: calls.append(1) or real_pipe(*a, **k)  # type: ignore[method-assign]
    got = next(learned.suggest([text]))
    assert [s.key for s in got] == [
        s.key for s in untrained.suggest_one(text) if s.source != "pattern" or s.label != "ORG"
    ]
    assert calls == []


def test_a_crafted_report_is_refused_clearly(project: ProjectStore) -> None:
    """A project from someone else whose stored report holds something else than a list of
    kinds (or a choice that is no mapping) is refused as damaged, never half used."""
    import json

    import pytest

    from annotator.nlp.train.stored import StoredModelError

    project.add_documents(_doc(i) for i in range(10))
    report = train_project(project, TrainOptions(epochs=1, use="always"))
    stored = project.model(int(report.model_id or 0)).report
    for crafted in ({**stored, "dropped_kinds": 5}, {**stored, "choice": ["model"]}):
        project._conn.execute(
            "UPDATE models SET report = ? WHERE id = ?", (json.dumps(crafted), report.model_id)
        )
        with pytest.raises(StoredModelError, match="damaged report"):
            suggester_for_project(project)
        assert project.model(int(report.model_id or 0)).choice_text == "damaged report"
    for crafted in ({**stored, "tables": []}, {**stored, "tables": {"new": {"overall": "x"}}}):
        project._conn.execute(
            "UPDATE models SET report = ? WHERE id = ?", (json.dumps(crafted), report.model_id)
        )
        version = project.model(int(report.model_id or 0))
        assert (version.heldout_f, version.untrained_f) == (0.0, None)

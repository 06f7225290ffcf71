"""A new project's untrained suggester: the rules over the shipped start model's entities."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from training_docs import accepted_report

from annotator.cli import main
from annotator.core.resources import resource_path
from annotator.core.store import ProjectStore, StoreError
from annotator.nlp.preannotate import suggester_for_project, untrained_suggester
from annotator.nlp.suggest_process import describe_suggester
from annotator.nlp.train.default import (
    BASE,
    SETTING,
    START,
    checked_default,
    default_of,
    default_suggester,
)
from annotator.nlp.train.load import SuggesterRecipe, recipe_for
from annotator.nlp.train.project import TrainOptions, train_project
from annotator.nlp.train.start import START_ENV, START_FOLDER
from annotator.nlp.train.stored import StoredModelError

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]
TEXT = (
    "General Valery Gerasimov met officials of the Ministry of Defence in Moscow on Monday. "
    "Rosoboronexport said 2,000 soldiers would train on the S-400 and the Iskander."
)


def test_a_new_project_suggests_from_the_start_model(tmp_path: Path) -> None:
    with ProjectStore.create(tmp_path / "p.annot", LABELS) as store:
        start = untrained_suggester(store)
        assert default_of(start) == START and start.weights.startswith("start ")
        spans = start.suggest_one(TEXT)
        found = {(TEXT[s.start : s.end], s.label) for s in spans}
        assert ("Valery Gerasimov", "PERSON") in found
        assert ("2,000 soldiers", "QUANTITY") in found
        assert ("S-400", "WEAPON") in found and ("Iskander", "WEAPON") in found
        # The window's status bar names it, also under the project's suppressions.
        store.set_suppression("Moscow", "ORG", "suppressed")
        assert describe_suggester(suggester_for_project(store)).startswith("start model (")
        # Another default is another version: the suggestion cache follows the switch.
        store.set_setting(SETTING, BASE)
        base = untrained_suggester(store)
        assert default_of(base) == BASE and base.weights == ""
        assert base.version != start.version
        assert suggester_for_project(store).version.startswith(base.version)
        assert "start model" not in describe_suggester(base)


def test_the_default_gives_way_where_the_start_model_does_not_fit() -> None:
    # Labels the start model never learned, or a pipeline without weights: the rules over
    # the pipeline's own entities, as before. One new label beside labels it learned: the
    # start model still suggests those.
    assert default_of(default_suggester("auto", ["VEHICLE", "DATE"], {}, [])) == BASE
    assert default_of(default_suggester("blank:en", LABELS, {}, [])) == BASE
    assert default_of(default_suggester("auto", ["PERSON", "VEHICLE"], {}, [])) == START


def test_a_start_model_that_does_not_load_gives_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "start"
    shutil.copytree(resource_path(START_FOLDER), copy)
    monkeypatch.setenv(START_ENV, str(copy))
    same = default_suggester("auto", LABELS, {}, [])
    assert default_of(same) == START  # the same weights elsewhere: the same suggester
    assert same.version == default_suggester("auto", LABELS, {}, [], START).version
    (copy / "ner" / "model").write_bytes(b"not weights")
    assert default_of(default_suggester("auto", LABELS, {}, [])) == BASE
    (copy / "start.json").unlink()  # not a start model at all
    assert default_of(default_suggester("auto", LABELS, {}, [])) == BASE


def test_a_damaged_default_setting_is_refused_with_the_project(tmp_path: Path) -> None:
    assert checked_default(None) == checked_default("") == START
    with pytest.raises(ValueError, match="none of start, base"):
        checked_default("__import__('os')")
    with ProjectStore.create(tmp_path / "p.annot", LABELS) as store:
        store.set_setting(SETTING, "/tmp/some/pipeline")  # never a path to load
        with pytest.raises(StoreError, match=r"p\.annot.*default suggester"):
            untrained_suggester(store)


def test_settings_show_and_change_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.annot"
    ProjectStore.create(project, LABELS).close()
    assert main(["settings", str(project), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["default_suggester"] == START
    assert main(["settings", str(project), "--default-suggester", "base", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["default_suggester"] == BASE
    with ProjectStore.open(project) as store:
        assert default_of(untrained_suggester(store)) == BASE


def test_a_model_keeps_the_default_it_was_measured_against(tmp_path: Path) -> None:
    with ProjectStore.create(tmp_path / "p.annot", LABELS) as store:
        store.add_documents(accepted_report(i) for i in range(6))
        report = train_project(store, TrainOptions(epochs=1, use="always"))
        assert report.untrained_from == START
        model_id = int(report.model_id or 0)
        recipe = recipe_for(store, model_id)
        assert recipe.untrained_from == START
        assert SuggesterRecipe.from_json(recipe.to_json()) == recipe
        assert store.model(model_id).untrained_text == "start model, patterns, rules"
        # Models stored before the default was learned were measured against the base one.
        stored = store.model(model_id).report
        old = {k: v for k, v in stored.items() if k != "untrained_from"}
        update = "UPDATE models SET report = ? WHERE id = ?"
        store._conn.execute(update, (json.dumps(old), model_id))
        assert recipe_for(store, model_id).untrained_from == BASE
        assert store.model(model_id).untrained_text == "base model, patterns, rules"
        # A stored report naming anything else is a damaged model, refused.
        crafted = {**stored, "untrained_from": "/elsewhere/pipeline"}
        store._conn.execute(update, (json.dumps(crafted), model_id))
        with pytest.raises(StoredModelError, match="damaged report"):
            suggester_for_project(store)

"""Where fine-tuning starts: the shipped start model when it fits the project, else its pipeline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.core.resources import resource_path, resource_root
from annotator.nlp.pipeline import AUTO
from annotator.nlp.train import start as start_module
from annotator.nlp.train.start import (
    RECORD,
    START_FOLDER,
    choose_start,
    ner_weights_sha256,
    read_record,
)

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]


def test_the_shipped_start_model_was_built_from_the_installed_pipeline() -> None:
    folder = resource_root() / START_FOLDER
    assert folder.is_dir(), "no start model: run build/make_start_model.py (set-up runs it)"
    record = read_record(folder)
    assert record["base_ner_sha256"] == ner_weights_sha256(AUTO)
    assert set(LABELS) <= set(record["labels"])  # type: ignore[arg-type]
    assert int(record["documents"]) >= 100  # type: ignore[call-overload]
    # The news sets kept for measuring across kinds were never trained on.
    assert not any("unseen7" in f or "unseen8" in f for f in record["files"])  # type: ignore[attr-defined]


def test_a_project_of_the_installed_pipeline_starts_from_the_shipped_model() -> None:
    chosen = choose_start(AUTO, LABELS)
    assert chosen.shipped and Path(chosen.spec) == resource_path(START_FOLDER)
    assert chosen.problem == ""
    assert "shipped start model" in chosen.description
    assert choose_start(AUTO, ["PERSON", "ORG"]).shipped  # fewer labels: it still fits
    # A label it never learned beside those it did: it still fits (the new label is learned
    # from the project's documents alone, as it would be from the installed pipeline).
    vehicle = choose_start(AUTO, [*LABELS, "VEHICLE"])
    assert vehicle.shipped and Path(vehicle.spec) == resource_path(START_FOLDER)
    assert vehicle.description.endswith("; VEHICLE only from this project's documents)")


def test_the_projects_own_pipeline_when_the_start_model_does_not_fit(tmp_path: Path) -> None:
    vehicle = choose_start(AUTO, ["VEHICLE", "DATE"])  # not one label it learned
    assert not vehicle.shipped and vehicle.spec == AUTO
    assert vehicle.description.endswith("(the shipped start model never learned VEHICLE, DATE)")
    blank = choose_start("blank:en", LABELS)  # no weights to start from, and nothing to say
    assert not blank.shipped and "start model" not in blank.description
    assert vehicle.problem == blank.problem == ""
    with pytest.raises(ValueError, match="no start given"):
        choose_start(AUTO, LABELS, " ")
    asked = choose_start(AUTO, LABELS, "base")
    assert not asked.shipped and asked.spec == AUTO
    folder = choose_start(AUTO, LABELS, str(tmp_path))
    assert folder.spec == str(tmp_path) and not folder.shipped


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the shipped start model's config, which ``choose_start`` takes for the
    shipped start model; each test writes its own record there."""
    copy = tmp_path / START_FOLDER
    copy.mkdir()
    shutil.copy(resource_path(START_FOLDER, "config.cfg"), copy / "config.cfg")
    monkeypatch.setattr(start_module, "resource_path", lambda *parts: copy)
    return copy


def test_a_damaged_start_model_record_is_refused_with_its_file(shipped_copy: Path) -> None:
    copy = shipped_copy
    (copy / RECORD).write_bytes(b"\xff\xfe not json")
    with pytest.raises(ValueError, match=RECORD):
        read_record(copy)
    (copy / RECORD).write_text(json.dumps({"base": "x", "labels": "PERSON"}), encoding="utf-8")
    with pytest.raises(ValueError, match="version"):
        read_record(copy)
    chosen = choose_start(AUTO, LABELS)
    assert not chosen.shipped and chosen.spec == AUTO
    assert "the shipped start model cannot be used" in chosen.description
    assert RECORD in chosen.description
    assert RECORD in chosen.problem  # an installation to repair (the self-test fails on it)


def test_a_start_model_built_from_other_weights_is_not_used(shipped_copy: Path) -> None:
    record = read_record(resource_root() / START_FOLDER)
    record["base_ner_sha256"] = "0" * 64  # e.g. built from en_core_web_sm 3.7
    (shipped_copy / RECORD).write_text(json.dumps(record), encoding="utf-8")
    chosen = choose_start(AUTO, LABELS)
    assert not chosen.shipped and chosen.spec == AUTO
    assert "(the shipped start model was built from other weights" in chosen.description
    assert chosen.problem == ""  # a start model that does not fit is no broken installation


def test_a_shipped_start_model_that_does_not_load_gives_way_and_says_why(
    shipped_copy: Path,
) -> None:
    from annotator.nlp.train.project import _start_pipeline

    # The record fits, the weights are missing: it is chosen, and fails to load.
    shutil.copy(resource_root() / START_FOLDER / RECORD, shipped_copy / RECORD)
    chosen = choose_start(AUTO, LABELS)
    assert chosen.shipped
    nlp, start = _start_pipeline(AUTO, chosen)
    assert "ner" in nlp.pipe_names  # the installed pipeline's own recognizer
    assert not start.shipped and start.spec == AUTO
    assert "(the shipped start model cannot be used:" in start.description
    assert start.problem

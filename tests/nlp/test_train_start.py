"""Where fine-tuning starts: the shipped start model when it fits the project, else its pipeline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.core.resources import resource_path
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
    folder = resource_path(START_FOLDER)
    record = read_record(folder)
    assert record["base_ner_sha256"] == ner_weights_sha256(AUTO)
    assert set(LABELS) <= set(record["labels"])  # type: ignore[arg-type]
    assert int(record["documents"]) >= 100  # type: ignore[call-overload]
    # The news sets kept for measuring across kinds were never trained on.
    assert not any("unseen7" in f or "unseen8" in f for f in record["files"])  # type: ignore[attr-defined]


def test_a_project_of_the_installed_pipeline_starts_from_the_shipped_model() -> None:
    chosen = choose_start(AUTO, LABELS)
    assert chosen.shipped and Path(chosen.spec) == resource_path(START_FOLDER)
    assert "shipped start model" in chosen.description
    assert choose_start(AUTO, ["PERSON", "ORG"]).shipped  # fewer labels: it still fits


def test_the_projects_own_pipeline_when_the_start_model_does_not_fit(tmp_path: Path) -> None:
    assert not choose_start(AUTO, [*LABELS, "VEHICLE"]).shipped  # a label it never learned
    assert not choose_start("blank:en", LABELS).shipped  # no weights to start from
    asked = choose_start(AUTO, LABELS, "base")
    assert not asked.shipped and asked.spec == AUTO
    folder = choose_start(AUTO, LABELS, str(tmp_path))
    assert folder.spec == str(tmp_path) and not folder.shipped


def test_a_damaged_start_model_record_is_refused_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / START_FOLDER
    copy.mkdir()
    shutil.copy(resource_path(START_FOLDER, "config.cfg"), copy / "config.cfg")
    (copy / RECORD).write_bytes(b"\xff\xfe not json")
    with pytest.raises(ValueError, match=RECORD):
        read_record(copy)
    (copy / RECORD).write_text(json.dumps({"base": "x", "labels": "PERSON"}), encoding="utf-8")
    with pytest.raises(ValueError, match="version"):
        read_record(copy)
    monkeypatch.setattr(start_module, "resource_path", lambda *parts: copy)
    chosen = choose_start(AUTO, LABELS)
    assert not chosen.shipped and chosen.spec == AUTO
    assert "the shipped start model" in chosen.description and RECORD in chosen.description

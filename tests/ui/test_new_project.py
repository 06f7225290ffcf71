"""File › New project: labels and pipeline chosen in a dialog, checked before creating."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import ValidationError
from annotator.core.store import ProjectStore
from annotator.ui.new_project_dialog import NewProjectDialog, check_pipeline, parse_labels


def test_dialog_defaults_and_choices(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = NewProjectDialog(str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.labels().names == ["PERSON", "ORG", "WEAPON", "QUANTITY"]
    assert dialog.pipeline() == "auto"
    assert dialog.problem() is None
    dialog.path.setText(str(tmp_path / "news"))
    dialog.labels_edit.setText(" PER , ORG,GPE ")
    dialog.pipeline_box.setCurrentIndex(1)
    assert dialog.project_path() == tmp_path / "news.annot"
    assert dialog.labels().names == ["PER", "ORG", "GPE"]
    assert [label.key for label in dialog.labels()] == ["1", "2", "3"]
    assert dialog.pipeline() == "blank:en"
    dialog.accept()
    assert dialog.result() == NewProjectDialog.DialogCode.Accepted


def test_dialog_refuses_bad_choices_in_place(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = NewProjectDialog(str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    (tmp_path / "taken.annot").write_bytes(b"")
    for field, value, expected in (
        (dialog.path, str(tmp_path / "taken.annot"), "already exists"),
        (dialog.path, str(tmp_path / "missing" / "p.annot"), "no such folder"),
        (dialog.labels_edit, "PERSON, PERSON", "twice"),
        (dialog.labels_edit, " , ", "at least one label"),
    ):
        before = field.text()
        field.setText(value)
        dialog.accept()
        assert dialog.result() != NewProjectDialog.DialogCode.Accepted
        assert dialog.error.isVisible() and expected in dialog.error.text()
        field.setText(before)
    dialog.pipeline_box.setEditText("no_such_pipeline_pkg")
    assert "no installed pipeline" in (dialog.problem() or "")


def test_check_pipeline(tmp_path: Path) -> None:
    assert check_pipeline("auto") is None
    assert check_pipeline("blank:en") is None
    assert check_pipeline("blank:") is not None
    assert check_pipeline("blank:xx") is None
    assert "no language" in (check_pipeline("blank:zz") or "")
    # An importable module is no pipeline: a project's pipeline is never imported.
    assert "no installed pipeline" in (check_pipeline("json") or "")
    assert "no installed pipeline" in (check_pipeline("not_a_pipeline_xyz") or "")
    assert "no such folder" in (check_pipeline(str(tmp_path / "nope")) or "")
    assert "config.cfg" in (check_pipeline(str(tmp_path)) or "")
    (tmp_path / "config.cfg").write_text("[nlp]\n")
    assert check_pipeline(str(tmp_path)) is None
    with pytest.raises(ValidationError):
        parse_labels("")


def test_window_creates_and_opens_the_project(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fresh.annot"
    assert window.actions_.create_project(path, parse_labels("PERSON, GPE"), "blank:en")
    assert window.store is not None and window.store.path == path
    assert list(window.label_bar.buttons) == ["PERSON", "GPE"]
    assert "GPE" in window.statusBar().currentMessage()
    window.close_project()
    store = ProjectStore.open(path)
    assert store.labels().names == ["PERSON", "GPE"] and store.pipeline == "blank:en"
    store.close()

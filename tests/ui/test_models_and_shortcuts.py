"""Qt model checks, the shortcuts registry, and the labels dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from annotator.core.model import Answer, LabelSet, ValidationError
from annotator.core.store import NewDocument, ProjectStore
from annotator.ui.colors import readable_text_color
from annotator.ui.document_list_model import DocumentListModel
from annotator.ui.labels_dialog import LabelsDialog
from annotator.ui.shortcuts import ShortcutClash, ShortcutMap
from annotator.ui.shortcuts_dialog import ShortcutsDialog


def test_document_list_model_passes_modeltester(qtmodeltester, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = ProjectStore.create(tmp_path / "m.annot", ["PERSON", "ORG"], pipeline="blank:en")
    store.add_documents([NewDocument(f"Text number {i} about NATO.", {}) for i in range(30)])
    store.set_answer(3, "me", Answer.ACCEPT)
    model = DocumentListModel(store, "me")
    qtmodeltester.check(model)
    assert model.rowCount() == 30
    model.set_filter(Answer.ACCEPT)
    assert model.doc_ids() == [3]
    model.set_filter("todo", search="number 1")
    qtmodeltester.check(model)
    assert 3 not in model.doc_ids() and model.rowCount() == 11
    model.set_filter("all")
    store.set_answer(5, "me", Answer.REJECT)
    model.refresh()
    assert "rejected" in model.data(model.index(model.row_of(5), 1))
    store.close()


def test_clashing_shortcut_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    shortcuts = ShortcutMap(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    shortcuts.set_label_keys({"PERSON": "1"})
    with pytest.raises(ShortcutClash, match="Reject document"):
        shortcuts.set_key("answer_accept", "X")
    with pytest.raises(ShortcutClash, match="label PERSON"):
        shortcuts.set_key("answer_accept", "1")
    shortcuts.set_key("answer_accept", "Y")
    assert shortcuts.key("answer_accept").toString() == "Y"
    with pytest.raises(ShortcutClash):
        shortcuts.check_label_keys([("ORG", "Y")])


def test_shortcuts_dialog_refuses_clash_with_message(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    shortcuts = ShortcutMap(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = ShortcutsDialog(shortcuts, LabelSet.from_names(["PERSON"]))
    qtbot.addWidget(dialog)
    assert not dialog.rebind("answer_ignore", "A")
    assert warnings and "already used" in warnings[0]
    assert shortcuts.key("answer_ignore").toString() == "Space"
    assert dialog.rebind("answer_ignore", "I")
    assert any(dialog.table.item(r, 2).text() == "I" for r in range(dialog.table.rowCount()))


def test_labels_dialog_add_rename_recolour_reorder(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = LabelsDialog(LabelSet.from_names(["PERSON", "ORG"]))
    qtbot.addWidget(dialog)
    dialog.add_label("GPE")
    dialog.table.item(0, 0).setText("PER")
    dialog.set_color(1, "#123456")
    dialog.table.setCurrentCell(2, 0)
    dialog.move_row(-1)
    labels, renames = dialog.collect()
    assert labels.names == ["PER", "GPE", "ORG"]
    assert renames == {"PERSON": "PER"}
    assert labels.get("ORG").color == "#123456"  # type: ignore[union-attr]
    assert labels.get("GPE").key == "3"  # type: ignore[union-attr]
    dialog.table.item(1, 2).setText("1")
    with pytest.raises(ValidationError):
        dialog.collect()


@pytest.mark.parametrize(
    "color", ["#000000", "#ffffff", "#7aa6ff", "#ffd84d", "#1a237e", "#ff0000"]
)
def test_label_text_is_readable_on_every_colour(color: str) -> None:
    from PySide6.QtGui import QColor

    from annotator.ui.colors import relative_luminance

    def contrast(a: QColor, b: QColor) -> float:
        x, y = relative_luminance(a), relative_luminance(b)
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)

    background = QColor(color)
    chosen = contrast(background, readable_text_color(color))
    best = max(contrast(background, QColor("#000000")), contrast(background, QColor("#ffffff")))
    assert chosen == pytest.approx(best)  # the better of black and white, always
    # WCAG AA (4.5) wherever black or white can reach it; pure red tops out at 4.0 with black.
    assert chosen >= (4.0 if color == "#ff0000" else 4.5)

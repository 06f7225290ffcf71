"""Texts from a document, a corpus or a project file (someone else's) are shown as written:
never read as markup by a label or a tooltip."""

from __future__ import annotations

from annotator.ui.plain_text import plain_tip


def test_texts_and_tooltips_from_documents_are_never_read_as_markup(qtbot, window, project):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    assert window.open_project(project)
    crafted = "Added PERSON '<img src=\"file:///etc/passwd\"><b>x</b>'"
    window.message(crafted, 60_000)
    assert window.statusBar().toolTip() == plain_tip(crafted)
    assert "&lt;img" in window.statusBar().toolTip() and "<img" not in window.statusBar().toolTip()
    window.model_label.setText("Model: <b>crafted</b>")
    window.model_label.setToolTip("<img src=x>")
    assert window.model_label.textFormat() == Qt.TextFormat.PlainText
    assert window.model_label.toolTip() == "<img src=x>"  # as written...
    assert _shown_tip(window.model_label) == plain_tip("<img src=x>")  # ...shown escaped


def _shown_tip(label) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    return QLabel.toolTip(label)


def test_annotator_names_and_label_texts_are_shown_as_written(qtbot, window, project):  # type: ignore[no-untyped-def]
    """Names and labels come from a project file, texts from a corpus: someone else's."""
    from PySide6.QtCore import Qt

    from annotator.core.agreement import AgreementReport

    assert window.open_project(project)
    crafted = "<img src=x>"
    window.annotator = crafted  # another annotator's annotation, shown read-only
    assert "&lt;img src=x&gt;" in window.team.header() and crafted not in window.team.header()
    window.annotator = window.user
    report = AgreementReport([crafted, "b"], 3, [], 0.5, {}, [])
    window.agreement.show_report(report)
    assert "&lt;img src=x&gt;" in window.agreement.summary.text()
    assert window.team.panel.note.textFormat() == Qt.TextFormat.PlainText

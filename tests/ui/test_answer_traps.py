"""Issue 12, part 3: an answer only for what the annotator has seen, keys that do what the
hints say, and status texts that never describe what is gone."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore

TEXT = "NATO said 2,000 soldiers will travel. The NATO summit ends."


class GatedSuggester:
    """ORG for every "NATO", each batch held until the test opens the gate (suggestions
    "being computed")."""

    version = "gated-1"

    def __init__(self, gate: threading.Event) -> None:
        self.gate = gate

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]:
        self.gate.wait(10)
        for text in texts:
            starts = [i for i in range(len(text)) if text.startswith("NATO", i)]
            yield [Span(i, i + 4, "ORG", SpanState.SUGGESTED, "pattern") for i in starts]


def _fill(project: Path, count: int = 3) -> None:
    store = ProjectStore.open(project)
    store.add_documents(NewDocument(f"{TEXT} Report {i}.", {}) for i in range(count))
    store.close()


def _window(qtbot, settings, factory):  # type: ignore[no-untyped-def]
    from annotator.ui.main_window import MainWindow

    window = MainWindow(settings, suggester_factory=factory)
    window.setProperty("noPopups", True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _answer_of(window, doc_id: int) -> Answer | None:  # type: ignore[no-untyped-def]
    return window.store.annotation_or_empty(doc_id, window.annotator).answer


def test_no_answer_before_the_suggestions_are_shown(qtbot, settings, project):  # type: ignore[no-untyped-def]
    _fill(project)
    gate = threading.Event()
    window = _window(qtbot, settings, lambda store: GatedSuggester(gate))
    try:
        assert window.open_project(project)
        doc_id = window.view.document_id
        qtbot.waitUntil(lambda: window.suggest_worker is not None, timeout=5000)
        assert "no suggestions pending" not in window.doc_header.text()
        for key in (Qt.Key.Key_A, Qt.Key.Key_X, Qt.Key.Key_Space):
            qtbot.keyClick(window.view, key)
            assert _answer_of(window, doc_id) is None
            assert window.view.document_id == doc_id
            assert "not shown yet" in window.statusBar().currentMessage()
        window.answer(Answer.ACCEPT)  # the toolbar button and the menu go the same way
        assert _answer_of(window, doc_id) is None

        gate.set()
        qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=10_000)
        assert "2 suggestions to check" in window.doc_header.text()
        qtbot.keyClick(window.view, Qt.Key.Key_A)
        assert _answer_of(window, doc_id) is Answer.ACCEPT
        assert window.view.document_id != doc_id
    finally:
        gate.set()
        window.close_project()


def test_answers_go_through_when_suggestions_cannot_come(qtbot, settings, project):  # type: ignore[no-untyped-def]
    _fill(project)

    def broken(store: ProjectStore) -> GatedSuggester:
        raise OSError("no model here")

    window = _window(qtbot, settings, broken)
    try:
        assert window.open_project(project)
        doc_id = window.view.document_id
        qtbot.waitUntil(lambda: window.model_label.text() == "Model: unavailable", timeout=10_000)
        assert "no suggestions pending" in window.doc_header.text()
        window.view.setFocus()
        qtbot.keyClick(window.view, Qt.Key.Key_X)
        assert _answer_of(window, doc_id) is Answer.REJECT
    finally:
        window.close_project()


def test_answers_go_through_with_suggestions_off(qtbot, settings, project):  # type: ignore[no-untyped-def]
    _fill(project)
    off = _window(qtbot, settings, None)  # suggestions off for the window
    try:
        assert off.open_project(project)
        doc_id = off.view.document_id
        assert "no suggestions pending" in off.doc_header.text()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is off.view, timeout=5000)
        qtbot.keyClick(off.view, Qt.Key.Key_Space)
        assert _answer_of(off, doc_id) is Answer.IGNORE, off.statusBar().currentMessage()
        assert "ignored" in off.statusBar().currentMessage()
    finally:
        off.close_project()


def test_focus_starts_in_the_text(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project, 30)
    assert window.open_project(project)
    assert window.focusWidget() is window.view
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view, timeout=5000)
    doc_id = window.view.document_id
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=10_000)
    # Page Down moves in the text, not to the last document of the list.
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_PageDown)
    assert window.view.document_id == doc_id


def test_enter_and_delete_pick_the_first_suggestion_when_none_is(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project, 1)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=10_000)
    view = window.view
    view.set_caret(len(view.text))  # after the last span: nothing picked
    assert view.current_span() is None
    hint = window.statusBar().currentMessage()
    assert "with none picked they pick the first" in hint
    qtbot.keyClick(view, Qt.Key.Key_Return)
    picked = view.current_span()
    assert picked is not None and picked.start == 0 and picked.state is SpanState.SUGGESTED
    assert len(window.controller.annotation().suggested) == 2  # shown, not yet acted on
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.controller.annotation().spans[0].state is SpanState.ACCEPTED
    view.set_caret(len(view.text))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert view.current_span() is not None
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert not window.controller.annotation().suggested


def test_status_never_describes_a_rejected_or_undone_span(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project, 1)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=10_000)
    view = window.view
    view.set_caret(len(view.text))
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert "'NATO'" in window.statusBar().currentMessage()
    view.set_caret(view.current_span().start + 1)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # reject it
    assert "NATO" not in window.statusBar().currentMessage()
    window.undo_stack.undo()  # it is back as a suggestion: describing it is right again
    window.undo_stack.redo()
    assert "suggestion" not in window.statusBar().currentMessage()


def test_status_never_describes_an_undone_edit(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project, 1)
    assert window.open_project(project)
    view = window.view
    qtbot.waitUntil(lambda: window.controller.has_tokens(view.document_id), timeout=10_000)
    start = view.text.index("soldiers")
    view.set_caret(start, anchor=start + len("soldiers"))
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert "Added PERSON 'soldiers'" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert "soldiers" not in window.statusBar().currentMessage()


def test_close_project_leaves_nothing_of_it_on_screen(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project, 1)
    assert window.open_project(project)
    assert "Document" in window.doc_header.text()
    window.close_project()
    assert window.doc_header.text() == ""
    assert window.progress_label.text() == "No project"
    assert window.model_label.text() == "" and window.save_label.text() == ""


def test_answers_read_as_words() -> None:
    assert [a.past for a in Answer] == ["accepted", "rejected", "ignored"]


def _menus(window):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMenu

    return window.menuBar().findChildren(QMenu)


def test_menu_mnemonics_are_never_answer_or_label_keys(qtbot, window, project):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QKeySequence

    assert window.open_project(project)
    plain = {
        window.shortcuts.key(cid).toString().lower()
        for cid in ("answer_accept", "answer_reject", "answer_ignore")
    } | {label.key.lower() for label in window.store.labels() if label.key}
    for menu in _menus(window):
        if not menu.title():
            continue  # the menu bar's overflow menu: its mnemonics go with Alt
        for action in menu.actions():
            mnemonic = QKeySequence.mnemonic(action.text()).toString().lower()
            key = mnemonic.removeprefix("alt+")
            assert not key or key not in plain, (menu.title(), action.text())


def test_a_key_in_an_open_menu_is_the_menus(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project, 1)
    assert window.open_project(project)
    doc_id = window.view.document_id
    qtbot.waitUntil(lambda: window.store.suggestions_seeded(doc_id, window.annotator))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view, timeout=5000)
    ran: list[str] = []
    window.actions_.suggest_all_action.triggered.connect(lambda: ran.append("suggest all"))
    (annotate,) = [m for m in _menus(window) if m.title() == "&Annotate"]
    for key in (Qt.Key.Key_A, Qt.Key.Key_X, Qt.Key.Key_S):
        window.menuBar().setActiveAction(annotate.menuAction())
        qtbot.waitUntil(annotate.isVisible, timeout=5000)
        qtbot.keyClick(QApplication.activePopupWidget(), key)
        assert _answer_of(window, doc_id) is None  # the answer keys do nothing in a menu
        annotate.hide()
    assert ran == ["suggest all"]  # its mnemonic
    window.actions_.suggest_run.cancel()

"""Span actions no other test ran: Ctrl+E (suggest this span everywhere) and the menu a click
on a span opens (its actions change the project)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from annotator.core.model import Span, SpanState
from annotator.core.store import NewDocument, ProjectStore, current_annotator

TEXTS = [
    "Russia moved Iskander launchers west.",
    "More Iskander units arrived on Monday.",
    "Nothing to see here.",
]


def _open(window, qtbot, project: Path, *spans: Span) -> ProjectStore:  # type: ignore[no-untyped-def]
    """Open a project of TEXTS, with ``spans`` in the first document."""
    with ProjectStore.open(project) as store:
        store.add_documents([NewDocument(t, {}) for t in TEXTS])
        for span in spans:
            store.add_span(store.document_ids()[0], current_annotator(), span)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.view.text == TEXTS[0], timeout=10_000)
    return window.store


def test_ctrl_e_suggests_the_span_everywhere(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    store = _open(window, qtbot, project, Span(13, 21, "WEAPON"))
    _first, second, _third = store.document_ids()
    qtbot.waitUntil(lambda: _caret_on(window, 14), timeout=5000)
    QTest.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(store.project_patterns()), timeout=5000)
    assert [p["label"] for p in store.project_patterns()] == ["WEAPON"]
    suggested = store.annotation_or_empty(second, window.annotator).spans
    assert [(TEXTS[1][s.start : s.end], s.label, s.state) for s in suggested] == [
        ("Iskander", "WEAPON", SpanState.SUGGESTED)
    ]
    assert "everywhere" in window.statusBar().currentMessage()


def _caret_on(window, position: int) -> bool:  # type: ignore[no-untyped-def]
    window.view.set_caret(position)
    return window.view.current_span() is not None


def _click_span(window, qtbot, start: int) -> QMenu:  # type: ignore[no-untyped-def]
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 1)
    point: QPoint = view.cursorRect(cursor).center()
    before = set(window.findChildren(QMenu))
    with qtbot.waitSignal(view.span_clicked, timeout=5000):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    (menu,) = [m for m in window.findChildren(QMenu) if m not in before and m.parent() is window]
    return menu


def _action(menu: QMenu, text: str):  # type: ignore[no-untyped-def]
    for action in menu.actions():
        if action.text() == text:
            return action
        if action.menu() is not None:
            found = _action(action.menu(), text)
            if found is not None:
                return found
    return None


def test_span_menu_relabels_and_deletes(qtbot, window, project) -> None:  # type: ignore[no-untyped-def]
    suggestion = Span(0, 6, "ORG", SpanState.SUGGESTED, "model")
    store = _open(window, qtbot, project, Span(13, 21, "WEAPON"), suggestion)
    first = store.document_ids()[0]

    def spans() -> list[tuple[int, int, str, SpanState]]:
        return [
            (s.start, s.end, s.label, s.state)
            for s in store.annotation_or_empty(first, window.annotator).spans
        ]

    menu = _click_span(window, qtbot, 13)
    _action(menu, "ORG").trigger()
    qtbot.waitUntil(lambda: (13, 21, "ORG", SpanState.ACCEPTED) in spans(), timeout=5000)
    menu = _click_span(window, qtbot, 0)
    _action(menu, "Accept").trigger()
    qtbot.waitUntil(lambda: (0, 6, "ORG", SpanState.ACCEPTED) in spans(), timeout=5000)
    menu = _click_span(window, qtbot, 13)
    _action(menu, "Delete span").trigger()
    qtbot.waitUntil(lambda: spans() == [(0, 6, "ORG", SpanState.ACCEPTED)], timeout=5000)

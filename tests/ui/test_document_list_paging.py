"""The document list reads the store a page at a time: rows arrive as the view asks for them,
a jump further on reads up to the document, and a refresh reports only what changed.

Pages here are a few rows (the window's are a thousand) so that every path crosses pages;
``budget=0`` makes each step one query, so continuing from the timer is exercised too.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from annotator.core.model import Answer, Span
from annotator.core.store import NewDocument, ProjectStore, current_annotator
from annotator.ui.document_list_model import DocumentListModel

ROOT = QModelIndex()


def _store(path: Path, count: int) -> ProjectStore:
    store = ProjectStore.create(path, ["PERSON", "ORG"], pipeline="blank:en")
    store.add_documents([NewDocument(f"Text number {i} about NATO.", {}) for i in range(count)])
    return store


def _expected(store: ProjectStore, answer: Answer | str = "all", search: str = "") -> list[int]:
    return [doc_id for doc_id, _, _ in store.document_states("me", answer, search)]


def _read_all(qtbot, model: DocumentListModel) -> None:  # type: ignore[no-untyped-def]
    while model.canFetchMore(ROOT):
        model.fetchMore(ROOT)
        qtbot.waitUntil(lambda: not model.pending(), timeout=5000)


def test_rows_are_read_a_page_at_a_time(qtbot, qtmodeltester, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = _store(tmp_path / "p.annot", 30)
    model = DocumentListModel(store, "me", page=7, scan=5, budget=0)
    qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
    assert model.rowCount() == 7 and model.canFetchMore(ROOT)
    assert model.doc_ids() == list(range(1, 8))
    model.fetchMore(ROOT)
    qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
    assert model.rowCount() == 14
    _read_all(qtbot, model)
    assert model.doc_ids() == _expected(store) and model.rowCount() == 30
    assert not model.canFetchMore(ROOT)
    # The model tester fetches (everything) itself, at every change it sees.
    checked = DocumentListModel(store, "me", page=7, scan=5, budget=0)
    qtmodeltester.check(checked)
    qtbot.waitUntil(lambda: not checked.pending(), timeout=5000)
    assert checked.doc_ids() == _expected(store)
    store.close()


def test_status_filter_and_search_read_in_pages(qtbot, qtmodeltester, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = _store(tmp_path / "p.annot", 60)
    for doc_id in (3, 4, 40, 59):
        store.set_answer(doc_id, "me", Answer.REJECT)
    model = DocumentListModel(store, "me", page=3, scan=4, budget=0)
    qtmodeltester.check(model)
    model.set_filter(Answer.REJECT)  # rows scattered: several queries per page
    qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
    _read_all(qtbot, model)
    assert model.doc_ids() == [3, 4, 40, 59]
    model.set_filter("todo", search="number 1")
    _read_all(qtbot, model)
    assert model.doc_ids() == _expected(store, "todo", "number 1")
    assert len(model.doc_ids()) == 11
    store.close()


def test_refresh_reports_rows_that_leave_arrive_or_change(qtbot, qtmodeltester, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = _store(tmp_path / "p.annot", 40)
    model = DocumentListModel(store, "me", page=6, scan=6, budget=0)
    qtmodeltester.check(model)
    model.set_filter("todo")
    _read_all(qtbot, model)
    kept = QPersistentModelIndex(model.index(model.row_of(20), 0))  # type: ignore[arg-type]
    removed: list[tuple[int, int]] = []
    inserted: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.dataChanged.connect(lambda top, bottom, *_: changed.append((top.row(), bottom.row())))
    for doc_id in (2, 3, 4, 30):
        store.set_answer(doc_id, "me", Answer.ACCEPT)
    store.add_span(25, "me", Span(0, 4, "PERSON"))
    model.refresh()
    qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
    assert model.doc_ids() == _expected(store, "todo")
    assert removed == [(1, 3), (26, 26)]  # 2-4 in one run, then 30 (row 29, then 26)
    assert changed == [(model.row_of(25),) * 2]
    assert inserted == []
    assert kept.isValid() and model.doc_id(kept.row()) == 20  # the selection would survive

    removed.clear()
    store.set_answer(3, "me", None)  # back to do: its row comes back in place
    store.add_documents([NewDocument(f"Later text {i}.", {}) for i in range(3)])
    model.refresh()
    qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
    _read_all(qtbot, model)
    assert model.doc_ids() == _expected(store, "todo")
    assert (1, 1) in inserted and removed == []
    assert model.doc_ids()[-3:] == [41, 42, 43]
    store.close()


@pytest.mark.parametrize("seed", range(4))
def test_refresh_matches_the_store_after_random_changes(
    qtbot, qtmodeltester, tmp_path, seed
) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    store = _store(tmp_path / "p.annot", 80)
    model = DocumentListModel(store, "me", page=rng.choice([3, 7, 20]), scan=rng.choice([4, 9, 50]))
    if seed % 2:  # (the tester fetches everything itself: half the runs read part of the list)
        qtmodeltester.check(model)
    filters: list[tuple[Answer | str, str]] = [
        ("all", ""),
        ("todo", ""),
        (Answer.ACCEPT, ""),
        ("todo", "number 2"),
        ("all", "number 1"),
    ]
    for _ in range(6):
        answer, search = rng.choice(filters)
        model.set_filter(answer, search)
        for _ in range(rng.randrange(4)):
            model.fetchMore(ROOT)
        qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
        for doc_id in rng.sample(store.document_ids(), 15):
            store.set_answer(doc_id, "me", rng.choice([None, *Answer]))
            if rng.random() < 0.3 and not store.annotation_or_empty(doc_id, "me").spans:
                store.add_span(doc_id, "me", Span(0, 4, "ORG"))
        if rng.random() < 0.5:
            store.add_documents(
                [NewDocument(f"Text number {rng.random()} added.", {}) for _ in range(5)]
            )
        model.refresh()
        qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
        expected = _expected(store, answer, search)
        read = model.doc_ids()
        assert read == expected[: len(read)]
        assert model.canFetchMore(ROOT) or len(read) == len(expected)
        states = {doc_id: (a, n) for doc_id, a, n in store.document_states("me")}
        assert all(
            (model.row(r).answer, model.row(r).span_count) == states[model.doc_id(r)]
            for r in range(model.rowCount())
        )
    store.close()


def test_fetch_to_reads_up_to_a_document_further_on(qtbot, qtmodeltester, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = _store(tmp_path / "p.annot", 100)
    model = DocumentListModel(store, "me", page=10, scan=10, budget=0)
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
    assert model.row_of(95) is None and model.listed(95)
    model.fetch_to(95)
    qtbot.waitUntil(lambda: model.row_of(95) is not None, timeout=5000)
    assert model.doc_ids()[: model.row_of(95) + 1] == list(range(1, 96))  # type: ignore[operator]
    assert model.following(95, 3) == [96, 97, 98][: model.rowCount() - 95]
    model.set_filter(Answer.ACCEPT)
    assert not model.listed(95)
    store.close()


# ------------------------------------------------------------------ in the window
@pytest.fixture
def small_pages(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(DocumentListModel, "PAGE", 5)
    monkeypatch.setattr(DocumentListModel, "SCAN", 5)
    monkeypatch.setattr(DocumentListModel, "BUDGET", 0.0)  # one query per step


@pytest.fixture
def big_project(tmp_path: Path) -> Path:
    path = tmp_path / "big.annot"
    with ProjectStore.create(path, ["PERSON", "ORG"], pipeline="blank:en") as store:
        store.add_documents(
            [NewDocument(f"Document {i}: NATO met in Brussels.", {}) for i in range(60)]
        )
    return path


def _selected_doc(window) -> int | None:  # type: ignore[no-untyped-def]
    index = window.list_view.selectionModel().currentIndex()
    return window.list_model.doc_id(index.row()) if index.isValid() else None


def test_window_opens_far_into_the_list_and_selects_the_row(  # type: ignore[no-untyped-def]
    qtbot, small_pages, window, big_project
):
    with ProjectStore.open(big_project) as store:
        store.set_cursor(current_annotator(), 47)
    assert window.open_project(big_project)
    assert window.view.document_id == 47
    qtbot.waitUntil(lambda: _selected_doc(window) == 47, timeout=5000)
    assert window.list_model.doc_ids()[:47] == list(range(1, 48))
    # Once its row is read, the documents after it are prepared too (look-ahead).
    qtbot.waitUntil(lambda: window.controller.has_tokens(48), timeout=20_000)


def test_window_next_to_do_and_step_cross_pages(qtbot, small_pages, window, big_project):  # type: ignore[no-untyped-def]
    with ProjectStore.open(big_project) as store:
        for doc_id in range(2, 30):
            store.set_answer(doc_id, current_annotator(), Answer.ACCEPT)
    assert window.open_project(big_project)
    assert window.view.document_id == 1
    assert window.list_model.rowCount() < 30
    window.view.setFocus()
    # A answers only once the document's suggestions are shown.
    qtbot.waitUntil(lambda: window.store.suggestions_seeded(1, window.annotator), timeout=10_000)
    qtbot.keyClick(window.view, Qt.Key.Key_A)  # accept, then the next to do: 30
    assert window.view.document_id == 30
    qtbot.waitUntil(lambda: _selected_doc(window) == 30, timeout=5000)

    qtbot.waitUntil(lambda: not window.list_model.pending(), timeout=5000)
    last = window.list_model.doc_ids()[-1]
    window.show_document(last)
    window.step_document(1)  # past the rows read so far: reads the next page
    assert window.view.document_id == last + 1
    qtbot.waitUntil(lambda: _selected_doc(window) == last + 1, timeout=5000)


def test_window_filter_and_search_keep_the_shown_document(  # type: ignore[no-untyped-def]
    qtbot, small_pages, window, big_project
):
    assert window.open_project(big_project)
    window.show_document(52)
    qtbot.waitUntil(lambda: _selected_doc(window) == 52, timeout=5000)
    window.filter_box.setCurrentIndex(window.filter_box.findData("todo"))
    qtbot.waitUntil(lambda: _selected_doc(window) == 52, timeout=5000)
    window.search_box.setText("Document 5")
    window._filter_changed()  # (the box filters after a pause while typing)
    qtbot.waitUntil(lambda: _selected_doc(window) == 52, timeout=5000)
    qtbot.waitUntil(lambda: not window.list_model.pending(), timeout=5000)
    assert window.list_model.doc_ids()[:3] == [6, 51, 52]
    window.search_box.setText("")
    window.filter_box.setCurrentIndex(window.filter_box.findData("all"))
    window._filter_changed()
    qtbot.waitUntil(lambda: _selected_doc(window) == 52, timeout=5000)


def test_window_list_keyboard_scrolls_into_unread_rows(  # type: ignore[no-untyped-def]
    qtbot, small_pages, window, big_project
):
    assert window.open_project(big_project)
    view = window.list_view
    view.setFocus()
    first = window.list_model.rowCount()
    for _ in range(first + 3):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: not window.list_model.pending(), timeout=5000)
    assert window.list_model.rowCount() > first
    assert window.view.document_id == first + 4
    assert _selected_doc(window) == first + 4


def test_window_list_ctrl_end_reaches_the_last_document(  # type: ignore[no-untyped-def]
    qtbot, small_pages, window, big_project
):
    assert window.open_project(big_project)
    assert window.list_model.canFetchMore(QModelIndex())
    view = window.list_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.view.document_id == 60, timeout=5000)
    assert _selected_doc(window) == 60
    assert window.list_model.doc_ids() == list(range(1, 61))
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert window.view.document_id == 1

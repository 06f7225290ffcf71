"""The Model menu: training runs in a child process without blocking the window, the report
shows old against new, a model can be used and the untrained suggester restored, and "Never
suggest" is one undoable edit."""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.ui.train.dialogs import ModelsDialog, SuppressionsDialog, TrainReportDialog

CHILD_S = 120_000
PEOPLE = ["Anna Kowalski", "Rui Tanaka", "Omar Haddad", "Lena Berg", "Ivo Petrov"]


def _fill(path: Path) -> None:
    with ProjectStore.open(path) as store:
        docs = []
        for i in range(8):
            person = PEOPLE[i % len(PEOPLE)]
            text = f"{person} met NATO officials on day {i}."
            spans = (
                Span(0, len(person), "PERSON"),
                Span(text.index("NATO"), text.index("NATO") + 4, "ORG"),
            )
            docs.append(NewDocument(text, {}, spans=spans, answer=Answer.ACCEPT))
        docs.append(NewDocument("NATO met again. NATO said nothing.", {}))
        store.add_documents(docs)


def _status(window) -> str:  # type: ignore[no-untyped-def]
    return str(window.statusBar().currentMessage())


def test_train_in_the_background_then_use_and_restore(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project)
    assert window.open_project(project)
    menu = window.actions_.model_menu
    assert menu.train_action.isEnabled()
    run = menu.train()
    assert run is not None
    assert not run.dialog.isModal()  # the annotator keeps working while it trains
    qtbot.waitUntil(lambda: _status(window).startswith("Model 1 trained"), timeout=CHILD_S)
    report_dialog = menu.last_dialog
    assert isinstance(report_dialog, TrainReportDialog)
    table = report_dialog.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "PERSON",
        "ORG",
        "WEAPON",
        "QUANTITY",
        "overall",
    ]
    with ProjectStore.open(project) as store:
        (model,) = store.models()
        active = store.active_model()
    menu.use(model.id)
    assert "model 1" in _status(window)
    with ProjectStore.open(project) as store:
        assert store.active_model() == model.id
    menu.models()
    dialog = menu.last_dialog
    assert isinstance(dialog, ModelsDialog)
    assert dialog.table.item(1, 0).text() == "●"  # the model in use is marked
    dialog.table.selectRow(0)
    dialog.use_button.click()  # back to the untrained suggester
    with ProjectStore.open(project) as store:
        assert store.active_model() is None
    del active


def test_a_damaged_model_is_refused_before_it_is_used(qtbot, window, project):  # type: ignore[no-untyped-def]
    with ProjectStore.open(project) as store:
        model_id = store.add_model(
            name="m", base="b", documents=1, report={}, config="c", weights=b"abc"
        )
        store._conn.execute("UPDATE models SET sha256 = 'x' WHERE id = ?", (model_id,))
    assert window.open_project(project)
    window.actions_.model_menu.use(model_id)
    with ProjectStore.open(project) as store:
        assert store.active_model() is None


def test_never_suggest_is_one_undoable_edit(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project)
    assert window.open_project(project)
    doc_id = window.list_model.doc_id(8)
    window.show_document(doc_id)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    span = window.controller.annotation().suggested[0]
    assert span.state is SpanState.SUGGESTED
    window.actions_.model_menu.never_suggest(span)
    store = window.store
    assert store.suppressed() == {("NATO", "ORG")}
    assert span not in window.controller.annotation().suggested
    window.undo_stack.undo()
    assert store.suppressed() == frozenset()
    assert span in window.controller.annotation().suggested
    window.undo_stack.redo()
    window.actions_.model_menu.suppressions()
    dialog = window.actions_.model_menu.last_dialog
    assert isinstance(dialog, SuppressionsDialog)
    assert dialog.table.item(0, 1).text() == "NATO"
    dialog.table.selectRow(0)
    dialog.allow_button.click()
    assert store.suppressed() == frozenset()
    window.undo_stack.undo()
    assert store.suppressed() == {("NATO", "ORG")}


def test_a_switch_reseeds_the_untouched_document_shown(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project)
    with ProjectStore.open(project) as store:
        model_id = store.add_model(
            name="m", base="b", documents=1, report={}, config="c", weights=b"w"
        )
    assert window.open_project(project)
    doc_id = window.list_model.doc_id(8)
    window.show_document(doc_id)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    window.actions_.model_menu.use(model_id)
    assert "1 untouched documents" in _status(window)
    assert window.store.annotation(doc_id, window.annotator).spans == ()  # taken back
    # Taken back at once, then seeded again from what suggests now (the fake suggester here).
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    assert window.store.active_model() == model_id


def test_a_switch_seeds_nothing_from_the_old_models_cache(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project)
    with ProjectStore.open(project) as store:
        store.add_documents([NewDocument("NATO met once more.", {})])
        model_id = store.add_model(
            name="m", base="b", documents=1, report={}, config="c", weights=b"w"
        )
    assert window.open_project(project)
    shown, other = window.list_model.doc_id(8), window.list_model.doc_id(9)
    for doc_id in (other, shown):  # both seeded (and cached) by the suggester of before
        window.show_document(doc_id)
        qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    window.actions_.model_menu.use(model_id)
    assert "2 untouched documents" in _status(window)
    window.show_document(other)  # before the new suggester is ready
    assert window.store.annotation(other, window.annotator).spans == ()  # not the old ones
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    assert window.suggest_version is not None

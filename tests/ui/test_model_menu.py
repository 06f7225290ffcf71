"""The Model menu: training runs in a child process without blocking the window, the report
shows old against new, a model can be used and the untrained suggester restored, and "Never
suggest" is one undoable edit.

Use checks a stored model off the GUI thread (reading and hashing megabytes stalled the
window), shows that it is busy, takes one switch at a time, keeps the current model suggesting
until the new one is in, and refuses a damaged model with a message naming it, changing
nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from annotator.core.model import Answer, Span, SpanState
from annotator.core.model_versions import ModelVersionsMixin
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.train import stored
from annotator.ui.answer_gate import SuggesterState
from annotator.ui.train.dialogs import ModelsDialog, SuppressionsDialog, TrainReportDialog
from tests.ui.conftest import FakeSuggester

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


def _stored_model(store: ProjectStore) -> int:
    """A stored model that passes every check (a blank pipeline's recognizer: quick to make;
    the window's suggestions come from the fake suggester anyway)."""
    import spacy

    from annotator.nlp.train.stored import model_to_bytes

    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("ORG")
    nlp.initialize()
    config, weights = model_to_bytes(nlp)
    return store.add_model(
        name="m", base="b", documents=1, report={}, config=config, weights=weights
    )


class _ModelFake(FakeSuggester):
    """Suggests ORG for every "NATO", as the model the project uses: its version says which
    (``fake-None``: the untrained suggester)."""

    broken: frozenset[int] = frozenset()  # models that fail to load (past the check)

    def __init__(self, store: ProjectStore) -> None:
        if store.active_model() in self.broken:
            raise ValueError("the stored model cannot be loaded (bad weights)")
        self.version = f"fake-{store.active_model()}"


@pytest.fixture
def window(make_window, monkeypatch):  # type: ignore[no-untyped-def]
    """A window whose suggester version changes with the model in use (a switch is seen)."""
    win = make_window(None)
    monkeypatch.setattr(win, "suggester_factory", _ModelFake)
    return win


def _use(qtbot, window, model_id, during=None, then=None) -> str:  # type: ignore[no-untyped-def]
    """Model › Use ``model_id`` and wait until the new suggester is in; the status then.
    ``during`` runs right after the switch was made, while the new suggester loads (its
    signal is queued); ``then`` right after it is in, before its suggestions come."""
    menu = window.actions_.model_menu
    seen: list[str] = []
    switched, loaded = menu._switched, menu._loaded

    def on_switched(what: str, *back: object) -> None:
        switched(what, *back)
        if during is not None:
            during()

    def on_loaded(what: str, ok: bool, *back: object) -> None:
        loaded(what, ok, *back)
        seen.append(_status(window))
        if then is not None:
            then()

    menu._switched, menu._loaded = on_switched, on_loaded
    try:
        menu.use(model_id)
        if model_id is not None:
            assert _status(window).startswith(f"Checking model {model_id}")  # busy
        qtbot.waitUntil(lambda: bool(seen), timeout=CHILD_S)
    finally:
        del menu._switched, menu._loaded
    return seen[0]


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
    assert "model 1" in _use(qtbot, window, model.id)  # checked in a child process first
    with ProjectStore.open(project) as store:
        assert store.active_model() == model.id
    menu.models()
    dialog = menu.last_dialog
    assert isinstance(dialog, ModelsDialog)
    assert dialog.table.item(1, 0).text() == "●"  # the model in use is marked
    # What the untrained suggester is: a blank pipeline has no start model (nlp.train.default).
    assert dialog.table.item(0, 4).text() == "base model, patterns, rules"
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
    run = window.actions_.model_menu.use(model_id)
    qtbot.waitUntil(lambda: run.over, timeout=CHILD_S)
    assert "Model 1 cannot be used: the stored model is damaged" in _status(window)
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
        model_id = _stored_model(store)
    assert window.open_project(project)
    doc_id = window.list_model.doc_id(8)
    window.show_document(doc_id)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    spans: list[object] = []
    taken = lambda: spans.append(window.store.annotation(doc_id, window.annotator).spans)  # noqa: E731
    assert "1 untouched documents" in _use(qtbot, window, model_id, then=taken)
    assert spans == [()]  # taken back once the new model is in
    # Then seeded again from what suggests now.
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    assert window.suggest_version == f"fake-{model_id}"
    assert window.store.active_model() == model_id


def test_the_old_model_suggests_until_the_new_one_is_in(qtbot, window, project):  # type: ignore[no-untyped-def]
    _fill(project)
    with ProjectStore.open(project) as store:
        store.add_documents([NewDocument("NATO met once more.", {})])
        model_id = _stored_model(store)
    assert window.open_project(project)
    shown, other = window.list_model.doc_id(8), window.list_model.doc_id(9)
    window.show_document(shown)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    window.suggest_worker.prioritize([other])  # cached by the suggester of before, not seeded
    qtbot.waitUntil(
        lambda: window.store.cached_suggestions(other, "fake-None") is not None, timeout=CHILD_S
    )
    loading: list[object] = []

    def show_other() -> None:  # the new suggester loads: the old one's suggestions are seeded
        assert _status(window).startswith("Loading model 1; ")
        assert "loading model 1" in window.model_label.text()
        window.show_document(other)
        loading.append(window.store.annotation(other, window.annotator).spans)
        loading.append(window.answer_gate.state)

    taken: list[object] = []
    back = lambda: taken.extend(  # noqa: E731
        window.store.annotation(i, window.annotator).spans for i in (shown, other)
    )
    assert "2 untouched documents" in _use(qtbot, window, model_id, show_other, back)
    assert loading[0] and loading[1] is SuggesterState.READY
    assert taken == [(), ()]  # both taken back once the new one is in, none kept for good
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    assert window.suggest_version == f"fake-{model_id}"


def _open_with_two_models(qtbot, window, project):  # type: ignore[no-untyped-def]
    """The window on a project with models A (in use, suggesting) and B; (A, B, doc shown)."""
    _fill(project)
    with ProjectStore.open(project) as store:
        first, second = _stored_model(store), _stored_model(store)
    assert window.open_project(project)
    doc_id = window.list_model.doc_id(8)
    window.show_document(doc_id)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    _use(qtbot, window, first)
    qtbot.waitUntil(lambda: bool(window.controller.annotation().suggested), timeout=CHILD_S)
    qtbot.waitUntil(lambda: window.suggest_version is not None, timeout=CHILD_S)
    return first, second, doc_id


def test_the_stored_model_is_read_and_hashed_off_the_gui_thread(
    qtbot, window, project, monkeypatch
):  # type: ignore[no-untyped-def]
    on_gui: list[str] = []

    def spy(name, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            if threading.current_thread() is threading.main_thread():
                on_gui.append(name)
            return function(*args, **kwargs)

        return wrapper

    for owner, name in (
        (ModelVersionsMixin, "check_model"),
        (ModelVersionsMixin, "model_files"),
        (stored, "check_stored"),
        (stored, "load_model"),
    ):
        if hasattr(owner, name):  # (check_stored is new with the check in a child)
            monkeypatch.setattr(owner, name, spy(name, getattr(owner, name)))
    _fill(project)
    with ProjectStore.open(project) as store:
        model_id = _stored_model(store)
    assert window.open_project(project)
    assert f"model {model_id}" in _use(qtbot, window, model_id)
    assert window.store.active_model() == model_id
    assert on_gui == []


def test_the_current_model_suggests_until_the_check_is_in(qtbot, window, project):  # type: ignore[no-untyped-def]
    first, second, doc_id = _open_with_two_models(qtbot, window, project)
    version = window.suggest_version
    menu = window.actions_.model_menu
    run = menu.use(second)
    assert run is not None and not run.dialog.isModal()
    assert _status(window) == (
        f"Checking model {second}; model {first} suggests until it is ready…"
    )
    # Nothing changed yet: the model in use, its suggestions, answers allowed.
    assert window.store.active_model() == first
    assert window.suggest_version == version
    assert window.store.annotation(doc_id, window.annotator).spans
    assert "ready" in window.model_label.text()
    # A second switch meanwhile is refused with the reason (Restore included).
    assert menu.use(first) is None
    assert menu.use(None) is None
    assert _status(window).startswith(f"Model {second} is still being checked")
    qtbot.waitUntil(lambda: window.store.active_model() == second, timeout=CHILD_S)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("UPDATE models SET sha256 = 'x' WHERE id = ?", "damaged (its checksum does not match)"),
        ("UPDATE models SET config = 'not a config' WHERE id = ?", "config cannot be read"),
        (
            "UPDATE models SET report = '{\"dropped_kinds\": 3}' WHERE id = ?",
            "has a damaged report",
        ),
    ],
)
def test_a_damaged_model_is_named_in_a_message_and_changes_nothing(
    qtbot, window, project, damage, reason
):  # type: ignore[no-untyped-def]
    first, second, doc_id = _open_with_two_models(qtbot, window, project)
    with ProjectStore.open(project) as store:
        store._conn.execute(damage, (second,))
    version = window.suggest_version
    spans = window.store.annotation(doc_id, window.annotator).spans
    menu = window.actions_.model_menu
    run = menu.use(second)
    qtbot.waitUntil(lambda: run.over, timeout=CHILD_S)
    box = menu.last_message
    assert box is not None
    assert box.windowTitle() == f"Model {second} refused"
    assert f"Model {second} cannot be used: " in box.text()
    assert reason in box.text()
    assert f"Model {first} still suggests." in box.text()
    assert f"Model {second} cannot be used" in _status(window)
    assert window.store.active_model() == first
    assert window.suggest_version == version
    assert window.store.annotation(doc_id, window.annotator).spans == spans
    assert "ready" in window.model_label.text()
    # The next switch is taken (the refused one is over).
    assert _use(qtbot, window, None).startswith("Suggestions now come from the untrained")


def test_a_model_that_does_not_load_goes_back_to_the_one_before(
    qtbot, window, project, monkeypatch
):  # type: ignore[no-untyped-def]
    first, second, doc_id = _open_with_two_models(qtbot, window, project)
    version = window.suggest_version
    spans = window.store.annotation(doc_id, window.annotator).spans
    monkeypatch.setattr(_ModelFake, "broken", frozenset({second}))
    menu = window.actions_.model_menu
    menu.use(second)  # passes the check, then fails in the suggestion process
    qtbot.waitUntil(
        lambda: _status(window).endswith(f"Model {first} suggests again."), timeout=CHILD_S
    )
    box = menu.last_message
    assert box is not None and box.windowTitle() == f"Model {second} not loaded"
    assert "cannot be loaded (bad weights)" in box.text()
    assert window.store.active_model() == first
    assert window.suggest_version == version
    assert window.answer_gate.state is SuggesterState.READY
    assert window.store.annotation(doc_id, window.annotator).spans == spans  # never left
    assert "untrained" in _use(qtbot, window, None)  # and the next switch is taken


def test_train_automatically_after_every_ten_accepted(qtbot, window, project, answer_shown):  # type: ignore[no-untyped-def]
    """Model › Train automatically (a project setting): the tenth newly accepted document
    starts a training in the background, with no dialog popping up; the status bar says what
    came of it, and the next accepted document does not train again."""
    from annotator.nlp.train.auto import AUTO_TRAIN_EVERY, DEFAULT_EVERY

    _fill(project)  # 8 accepted, 1 to do
    with ProjectStore.open(project) as store:
        store.add_documents([NewDocument(f"{p} visited NATO in spring.", {}) for p in PEOPLE[:3]])
        store.add_documents(
            [NewDocument("NATO met Anna Kowalski.", {}, answer=Answer.ACCEPT)]
        )  # 9 accepted
    assert window.open_project(project)
    menu = window.actions_.model_menu
    assert not menu.auto_action.isChecked()  # off unless the project asks for it
    menu.auto_action.trigger()
    assert window.store.setting(AUTO_TRAIN_EVERY) == str(DEFAULT_EVERY)
    assert menu.run is None  # 9 accepted: not due yet
    to_do = [window.list_model.doc_id(r) for r in range(window.list_model.rowCount())]
    to_do = [d for d in to_do if window.store.annotation(d, window.annotator) is None][:2]
    window.show_document(to_do[0])
    answer_shown(window, Answer.ACCEPT)  # the tenth
    run = menu.run
    assert run is not None and "in the background" in _status(window)
    qtbot.wait(800)  # past the 300 ms after which a progress dialog shows itself
    assert run.over or not run.dialog.isVisible()  # it does not pop up
    assert run.over or menu.busy_label.text() == "Training…"  # the status bar says it runs
    qtbot.waitUntil(lambda: _status(window).startswith("Trained by itself"), timeout=CHILD_S)
    # The message goes with the next one; what came of the run stays beside it.
    window.message("Something else")
    qtbot.waitUntil(lambda: menu.busy_label.text().startswith("Model "), timeout=2000)
    assert menu.busy_label.isVisible()
    assert menu.busy_label.text().endswith(("suggests", "not used"))
    assert "Model › Models…" in menu.busy_label.toolTip()
    assert menu.last_dialog is None  # nor did the report: the annotator was not interrupted
    with ProjectStore.open(project) as store:
        (model,) = store.models()
        assert model.report["documents"] == 10
    window.show_document(to_do[1])
    answer_shown(window, Answer.ACCEPT)  # one more: not due
    assert menu.run is run
    # The setting is the project's: a window opening it later finds it on.
    window.close_project()
    assert not menu.busy_label.isVisible()  # a closed project's run is no news
    assert window.open_project(project)
    assert window.actions_.model_menu.auto_action.isChecked()


def test_the_report_says_where_training_started_what_joins_and_which_rule_it_lifted(
    qtbot, window
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from annotator.nlp.train.report import TrainReport

    labels = ["PERSON", "WEAPON"]
    table = {label: {"p": 0.5, "r": 0.5, "f": 0.5, "gold": 4} for label in labels}
    table["overall"] = {"p": 0.5, "r": 0.5, "f": 0.5}
    report = TrainReport(model_id=2, used=True, heldout_documents=3, labels=labels)
    report.tables = {source: table for source in ("current", "new", "untrained")}
    report.choice = {label: "model+rules" for label in labels}
    report.difference, report.model_labels = [0.02, -0.01, 0.05], ["WEAPON"]
    report.start = "the shipped start model (fine-tuned on 134 annotated documents)"
    report.lifted, report.lift_counts = ["lone-person"], {"lone-person": (21, 40, 0, 0)}
    report.rehearsal_from, report.rehearsal_texts = "start", 191
    report.known_names = {"names": {"PERSON": ["Rutte", "Shoigu"]}, "labels": ["PERSON"]}
    report.crossfit_documents = 7
    report.crossfit_tables = {"new": table, "current": {**table, "overall": {"f": 0.4}}}
    dialog = TrainReportDialog(report, lambda model_id: None, window)
    qtbot.addWidget(dialog)
    notes = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Started from the shipped start model (fine-tuned on 134" in notes
    assert "Rehearsed on 191 of the start model's own annotated documents" in notes
    assert "WEAPON: the model's own spans now join the gazetteer's" in notes
    assert "precision on the held-out part and the cross-fitted training documents" in notes
    assert "Cross-fitted: each of the 7 training documents was also scored" in notes
    assert "(10 documents) F1 is 0.500 new against 0.400 now" in notes
    assert "It suggests now: it beat what suggested before on the held-out part and the" in notes
    assert "resampling its 3 documents" in notes
    assert "a rule no longer applied" in notes
    assert "PERSON: one-word names the model calls a person" in notes
    assert "(21 of 40 accepted)" in notes
    assert "Known names: 2 PERSON, learned from the training part and the start model's" in notes
    assert "suggested where they recur for PERSON" in notes
    sources = [dialog.table.item(row, 8).text() for row in range(2)]
    assert sources == ["model+rules + known names", "model+rules"]
    # The per-label table of the evidence the choices were made on is a tab of its own.
    from PySide6.QtWidgets import QTabWidget

    tabs = dialog.findChild(QTabWidget)
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "&Held-out part (3 documents)",
        "Held-out and &cross-fitted (10 documents)",
    ]
    assert dialog.pooled_table is not None
    assert dialog.pooled_table.item(2, 3).text() == "0.400"  # overall, now F1
    assert dialog.table.item(2, 3).text() == "0.500"
    # Every row, "overall" last, is shown without scrolling, however many notes stand above.
    dialog.show()
    qtbot.waitExposed(dialog)
    last = dialog.table.rowCount() - 1
    bottom = dialog.table.rowViewportPosition(last) + dialog.table.rowHeight(last)
    assert bottom <= dialog.table.viewport().height()

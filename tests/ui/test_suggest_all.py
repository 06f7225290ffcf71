"""Annotate › Suggest for all documents runs in the window's suggest worker (one model)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from annotator.core.model import Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.ui.workers import SuggestAllRun


class FakeSuggester:
    """ORG for every "NATO"; no spaCy model."""

    version = "fake-1"

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]:
        for text in texts:
            start = text.find("NATO")
            yield (
                [Span(start, start + 4, "ORG", SpanState.SUGGESTED, "pattern")]
                if start >= 0
                else []
            )


def _project_with(project: Path, count: int) -> None:
    store = ProjectStore.open(project)
    store.add_documents(NewDocument(f"Report {i}: NATO met in Brussels.", {}) for i in range(count))
    store.close()


def test_suggest_all_fills_the_cache_with_one_model(qtbot, settings, project):  # type: ignore[no-untyped-def]
    from annotator.ui.main_window import MainWindow

    _project_with(project, 40)
    built: list[int] = []

    def factory(store: ProjectStore) -> FakeSuggester:
        built.append(1)
        return FakeSuggester()

    window = MainWindow(settings, suggester_factory=factory)
    qtbot.addWidget(window)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.suggest_version is not None, timeout=10_000)
    run = window.actions_.suggest_all()
    assert isinstance(run, SuggestAllRun)
    with qtbot.waitSignal(run.done, timeout=20_000) as finished:
        pass
    count, cancelled = finished.args
    assert not cancelled and 0 < count <= 40
    store = ProjectStore.open(project)
    assert store.documents_without_suggestions("fake-1") == []
    store.close()
    assert built == [1]  # the worker's model did it all: no second pipeline was loaded
    assert "Suggestions computed" in window.statusBar().currentMessage()
    window.close_project()


class SlowSuggester(FakeSuggester):
    """Blocks each batch until the test lets it go, so cancel can land mid-run."""

    def __init__(self, gate: threading.Event) -> None:
        self.gate = gate

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]:
        self.gate.wait(5)
        yield from super().suggest(texts)


def test_suggest_all_cancel_keeps_what_was_done(qtbot, settings, project):  # type: ignore[no-untyped-def]
    from annotator.ui.main_window import MainWindow

    _project_with(project, 64)
    gate = threading.Event()
    window = MainWindow(settings, suggester_factory=lambda store: SlowSuggester(gate))
    qtbot.addWidget(window)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.suggest_version is not None, timeout=10_000)
    gate.set()  # let the look-ahead of the opened document through
    qtbot.waitUntil(lambda: "ready" in window.model_label.text(), timeout=10_000)
    # Wait for it to be stored: clearing the gate at once raced the worker reaching it.
    opened = window.view.document_id
    qtbot.waitUntil(
        lambda: window.store.cached_suggestions(opened, "fake-1") is not None, timeout=10_000
    )
    gate.clear()
    run = window.actions_.suggest_all()
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=10_000) as finished:
        run.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    gate.set()
    assert finished.args[1] is True
    assert "cancelled" in window.statusBar().currentMessage()
    window.suggest_worker.wait(200)  # the batch under way may still finish and be kept
    store = ProjectStore.open(project)
    left = len(store.documents_without_suggestions("fake-1"))
    store.close()
    assert 0 < left < 64  # some done (look-ahead at least), not all
    # A second run after the cancel finishes the rest.
    run = window.actions_.suggest_all()
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=20_000) as finished:
        pass
    assert finished.args[1] is False
    store = ProjectStore.open(project)
    assert store.documents_without_suggestions("fake-1") == []
    store.close()
    window.close_project()


def test_spans_column_counts_suggestions_after_suggest_all(qtbot, settings, project):  # type: ignore[no-untyped-def]
    """It showed 0 for every document not yet opened (issue 12)."""
    from annotator.ui.main_window import MainWindow

    _project_with(project, 12)
    window = MainWindow(settings, suggester_factory=lambda store: FakeSuggester())
    qtbot.addWidget(window)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.suggest_version is not None, timeout=10_000)
    run = window.actions_.suggest_all()
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=20_000):
        pass
    model = window.list_model
    last = model.rowCount() - 1
    qtbot.waitUntil(lambda: not model.pending(), timeout=5000)
    assert model.doc_id(last) != window.view.document_id  # never shown, not seeded
    assert model.data(model.index(last, 2)) == "1"  # its NATO suggestion
    window.close_project()

"""Fixtures for UI tests: a main window with settings in a temp dir and a fake suggester."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from annotator.core.model import Span, SpanState
from annotator.core.store import ProjectStore

_REPO = Path(__file__).resolve().parents[2]
SAMPLE = next(
    (
        p
        for p in (
            _REPO / "corpora" / "seed" / "article-2022-02-04.txt",
            Path("/work/shared/seed/article-2022-02-04.txt"),
        )
        if p.is_file()
    ),
    _REPO / "corpora" / "seed" / "article-2022-02-04.txt",
)
LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]


class FakeSuggester:
    """Suggests ORG for every "NATO" (source pattern) and nothing else; no spaCy model."""

    version = "fake-1"

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Span]]:
        for text in texts:
            spans, start = [], text.find("NATO")
            while start >= 0:
                spans.append(Span(start, start + 4, "ORG", SpanState.SUGGESTED, "pattern", 0.9))
                start = text.find("NATO", start + 4)
            yield spans


@pytest.fixture
def sample() -> Path:
    return SAMPLE


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.annot"
    ProjectStore.create(path, LABELS, pipeline="blank:en").close()
    return path


@pytest.fixture
def make_window(qtbot, settings: QSettings):  # type: ignore[no-untyped-def]
    """A shown main window whose suggestions come from ``suggester`` (no model); closed after
    the test."""
    from annotator.ui.main_window import MainWindow

    made = []

    def make(suggester: object):  # type: ignore[no-untyped-def]
        win = MainWindow(settings, suggester_factory=lambda store: suggester)
        win.setProperty("noPopups", True)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close_project()


@pytest.fixture
def window(make_window):  # type: ignore[no-untyped-def]
    return make_window(FakeSuggester())


@pytest.fixture
def answer_shown(qtbot):  # type: ignore[no-untyped-def]
    """Answer the shown document once its suggestions are shown (the window refuses before)."""

    def answer(window, value) -> None:  # type: ignore[no-untyped-def]
        doc_id = window.view.document_id
        qtbot.waitUntil(
            lambda: window.store.suggestions_seeded(doc_id, window.annotator), timeout=10_000
        )
        window.answer(value)

    return answer

"""The statistics dock: read in the background, only while it shows, newest result wins."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from annotator.core.model import Answer, Span
from annotator.core.project_stats import StatsSnapshot
from annotator.core.store import NewDocument, ProjectStore
from annotator.ui.stats_worker import StatsRefresher


def _fill(path: Path, count: int) -> list[int]:
    store = ProjectStore.open(path)
    store.add_documents(
        [
            NewDocument(f"Report {i}: NATO sent 200 soldiers.", {}, "f.jsonl", i)
            for i in range(count)
        ]
    )
    ids = store.document_ids()
    store.close()
    return ids


def _show_stats(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.stats_dock.show()
    window.stats_dock.raise_()
    qtbot.waitUntil(window.stats_dock.isVisible, timeout=5000)


def test_dock_shows_counts_after_answers_and_edits(qtbot, window, project, answer_shown):  # type: ignore[no-untyped-def]
    ids = _fill(project, 3)
    assert window.open_project(project)
    _show_stats(qtbot, window)
    summary = window.stats.summary
    qtbot.waitUntil(lambda: "<b>0</b> of <b>3</b> documents" in summary.text(), timeout=5000)
    window.store.add_span(ids[0], window.annotator, Span(0, 6, "PERSON"))
    window.show_document(ids[0])
    answer_shown(window, Answer.ACCEPT)
    qtbot.waitUntil(lambda: "<b>1</b> of <b>3</b> documents" in summary.text(), timeout=5000)
    # The span added and the NATO suggestion on screen, which accepting the document accepts
    # (before issue 12 the answer came before the suggestion was shown: 1).
    assert "<b>2</b> accepted spans" in summary.text()


def test_dock_hidden_reads_nothing_until_shown(qtbot, window, project, answer_shown):  # type: ignore[no-untyped-def]
    _fill(project, 2)
    window.stats_dock.hide()
    assert window.open_project(project)
    requested = window.stats_refresher.latest
    answer_shown(window, Answer.ACCEPT)
    with qtbot.waitSignal(window._stats_timer.timeout, timeout=5000):
        pass  # the coalescing timer fires, and asks for nothing while the dock is hidden
    assert window.stats_refresher.latest == requested
    _show_stats(qtbot, window)
    qtbot.waitUntil(
        lambda: "<b>1</b> of <b>2</b> documents" in window.stats.summary.text(), timeout=5000
    )


def test_answering_the_last_document_says_nothing_is_left(qtbot, window, project, answer_shown):  # type: ignore[no-untyped-def]
    ids = _fill(project, 2)
    assert window.open_project(project)
    window.show_document(ids[0])
    answer_shown(window, Answer.ACCEPT)
    assert window.view.document_id == ids[1]
    answer_shown(window, Answer.REJECT)
    assert "Every document is answered" in window.statusBar().currentMessage()
    assert window.store.next_to_do(window.annotator, after=ids[1]) is None


def test_stale_results_are_dropped(qtbot, project):  # type: ignore[no-untyped-def]
    _fill(project, 1)
    refresher = StatsRefresher()
    got: list[StatsSnapshot] = []
    refresher.ready.connect(got.append)
    refresher.request(project, "old")
    refresher.request(project, "new")
    assert refresher.wait(5000)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    # The thread has ended: every result it sent is queued now, and delivered here.
    QCoreApplication.processEvents()
    assert [s.annotator for s in got] == ["new"]
    refresher.request(project, "cancelled")
    refresher.cancel()
    assert refresher.wait(5000)
    QCoreApplication.processEvents()
    assert [s.annotator for s in got] == ["new"]


def test_time_axis_labels_are_short_enough_for_the_dock() -> None:
    import datetime as dt

    from annotator.ui.stats_view import time_axis_format

    def ms(*args: int) -> float:
        return dt.datetime(*args).timestamp() * 1000

    assert time_axis_format(ms(2026, 12, 6, 8, 0), ms(2026, 12, 6, 17, 30)) == (
        "hh:mm",
        "6 Dec 2026",
    )
    assert time_axis_format(ms(2026, 12, 1, 8), ms(2026, 12, 6, 9)) == ("d MMM", "2026")
    assert time_axis_format(ms(2025, 12, 30, 8), ms(2026, 1, 2, 9))[0] == "MMM yyyy"

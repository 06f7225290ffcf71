"""A project shared by a team, in the window: others' answers show without a restart, and a
database's password is never kept in the settings, the recent projects or the title."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.locations import split_password
from annotator.core.model import Answer
from annotator.core.store import NewDocument, ProjectStore

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]


def _new(location: str, count: int) -> list[int]:
    store = ProjectStore.create(location, LABELS, pipeline="blank:en")
    store.add_documents(
        NewDocument(f"Report {i}: NATO sent 200 soldiers.", {}) for i in range(count)
    )
    ids = store.document_ids()
    store.close()
    return ids


def test_another_annotators_answer_shows_without_a_restart(qtbot, window, project_location):  # type: ignore[no-untyped-def]
    _new(project_location, 3)
    assert window.open_project(project_location)
    assert window.progress_label.text() == "0 of 3 answered"
    other = ProjectStore.open(project_location)  # another desktop, another annotator
    try:
        doc = other.next_to_do("bob")
        assert doc is not None and doc != window.view.document_id  # never the same one
        other.set_answer(doc, "bob", Answer.ACCEPT)
    finally:
        other.close()
    # One annotation per document: bob's answer takes that document off this queue.
    qtbot.waitUntil(lambda: window.progress_label.text() == "1 of 3 answered", timeout=15_000)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_password_is_never_kept_by_the_window(  # type: ignore[no-untyped-def]
    qtbot, window, settings, project_location
):
    _new(project_location, 1)
    _, password = split_password(project_location)
    assert password
    assert window.open_project(project_location)
    window.close_project()
    window.save_layout()
    assert all(password not in p for p in window.recent_projects())
    assert window.recent_projects()[0] == split_password(project_location)[0]
    assert password not in Path(settings.fileName()).read_text()
    assert password not in window.windowTitle()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_an_answer_given_while_the_server_is_gone_is_written_when_it_is_back(  # type: ignore[no-untyped-def]
    qtbot, window, project_location, postgres_cluster
):
    _new(project_location, 2)
    assert window.open_project(project_location)
    doc = window.view.document_id
    qtbot.waitUntil(lambda: window.store.suggestions_seeded(doc, window.annotator), timeout=10_000)
    postgres_cluster.pause()  # the server goes away (every connection to it is lost)
    try:
        window.answer(Answer.ACCEPT)
        assert window.save_label.text() == "⚠ 1 edit not saved yet"
        assert "server is gone" in window.statusBar().currentMessage()
        assert window.view.document_id == doc  # the window stays on the answered document
        window.show_document(doc + 1)  # another document cannot be read: said, not raised
        assert "cannot be reached" in window.statusBar().currentMessage()
        assert window.view.document_id == doc
    finally:
        postgres_cluster.resume()
    qtbot.waitUntil(lambda: "All changes saved" in window.save_label.text(), timeout=30_000)
    with ProjectStore.open(project_location) as check:
        annotation = check.annotation(doc, window.annotator)
    assert annotation is not None and annotation.answer is Answer.ACCEPT
    assert len(annotation.accepted) == 1  # the NATO suggestion on screen, accepted with it

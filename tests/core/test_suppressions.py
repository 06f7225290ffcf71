"""Corrections that teach at once: rejected twice, never accepted, no longer suggested."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.core.edits import RemoveSpan, ReplaceSpan, SetSuppression
from annotator.core.model import Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.preannotate import suggester_for_project

TEXT = "The Defence Ministry said Iskander units moved. Sergei Ivanov spoke."


def _suggested(start: int, end: int, label: str) -> Span:
    return Span(start, end, label, SpanState.SUGGESTED, "model")


def _seed(store: ProjectStore, n: int) -> list[int]:
    store.add_documents(NewDocument(f"{TEXT} ({i})", {}) for i in range(n))
    ids = store.document_ids()
    for doc_id in ids:
        store.seed_suggestions(doc_id, "ann", [_suggested(4, 20, "ORG")])
    return ids


def test_two_rejections_suppress_and_undo_restores(project: ProjectStore) -> None:
    ids = _seed(project, 3)
    span = _suggested(4, 20, "ORG")
    RemoveSpan(ids[0], "ann", span).apply(project)
    assert project.suppressed() == frozenset()  # once is not enough
    second = RemoveSpan(ids[1], "ann", span)
    second.apply(project)
    assert project.suppressed() == {("Defence Ministry", "ORG")}
    (entry,) = project.suppressions()
    assert entry.rejected == 2 and entry.active
    second.invert().apply(project)  # undo the second rejection
    assert project.suppressed() == frozenset()


def test_accepting_is_no_rejection_and_an_acceptance_anywhere_keeps_it(
    project: ProjectStore,
) -> None:
    ids = _seed(project, 3)
    span = _suggested(4, 20, "ORG")
    ReplaceSpan(ids[0], "ann", span, span.with_(state=SpanState.ACCEPTED)).apply(project)
    RemoveSpan(ids[1], "ann", span).apply(project)
    RemoveSpan(ids[2], "ann", span).apply(project)
    (entry,) = project.suppressions()
    assert entry.rejected == 2 and entry.accepted and not entry.active


def test_a_relabelled_suggestion_counts_as_rejected(project: ProjectStore) -> None:
    ids = _seed(project, 2)
    span = _suggested(4, 20, "ORG")
    for doc_id in ids:
        ReplaceSpan(doc_id, "ann", span, Span(4, 20, "PERSON")).apply(project)
    assert ("Defence Ministry", "ORG") in project.suppressed()


def test_hand_entries_override_the_rule_and_undo(project: ProjectStore) -> None:
    ids = _seed(project, 2)
    for doc_id in ids:
        RemoveSpan(doc_id, "ann", _suggested(4, 20, "ORG")).apply(project)
    allow = SetSuppression(ids[0], "ann", "Defence Ministry", "ORG", "allowed", None)
    allow.apply(project)
    assert project.suppressed() == frozenset()
    allow.invert().apply(project)
    assert project.suppressed() == {("Defence Ministry", "ORG")}
    SetSuppression(ids[0], "ann", "Iskander", "WEAPON", "suppressed", None).apply(project)
    assert ("Iskander", "WEAPON") in project.suppressed()
    with pytest.raises(ValueError):
        project.set_suppression("x", "ORG", "maybe")


def test_the_project_suggester_leaves_suppressed_texts_out(project: ProjectStore) -> None:
    project.add_documents([NewDocument(TEXT, {})])
    before = suggester_for_project(project)
    project.set_suppression("Iskander", "WEAPON", "suppressed")
    after = suggester_for_project(project)
    assert after.version != before.version  # the cache follows the list
    found = {TEXT[s.start : s.end] for s in before.suggest_one(TEXT)}
    assert "Iskander" in found  # the shipped gazetteer suggests it...
    assert "Iskander" not in {TEXT[s.start : s.end] for s in after.suggest_one(TEXT)}
    assert [TEXT[s.start : s.end] for s in next(after.suggest([TEXT]))] == [
        t for t in (TEXT[s.start : s.end] for s in before.suggest_one(TEXT)) if t != "Iskander"
    ]


def test_cli_lists_and_edits_the_list(
    project: ProjectStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.location
    assert main(["patterns", path, "--suppress", "ORG=Defence Ministry"]) == 0
    assert project.suppressed() == {("Defence Ministry", "ORG")}
    capsys.readouterr()
    assert main(["patterns", path]) == 0
    assert "[x] ORG 'Defence Ministry' (suppressed)" in capsys.readouterr().out
    assert main(["patterns", path, "--clear", "ORG=Defence Ministry"]) == 0
    assert project.suppressed() == frozenset()
    assert main(["patterns", path, "--allow", "no-equals-sign"]) == 2


def test_the_suggest_process_picks_up_a_changed_list_without_reloading(
    project: ProjectStore,
) -> None:
    from annotator.nlp.suppress import refresh_suppressions

    project.add_documents([NewDocument(TEXT, {})])
    suggester = suggester_for_project(project)
    assert refresh_suppressions(suggester, project) is None  # first look: nothing changed
    assert refresh_suppressions(suggester, project) is None
    project.set_suppression("Iskander", "WEAPON", "suppressed")
    fresh = refresh_suppressions(suggester, project)
    assert fresh is not None and fresh.version != suggester.version
    assert "Iskander" not in {TEXT[s.start : s.end] for s in fresh.suggest_one(TEXT)}
    assert refresh_suppressions(fresh, project) is None

"""Scores from history and calibration, and the order of work, on a real project file."""

from __future__ import annotations

import json

import pytest

from annotator.core.confidence import (
    PRIORS,
    Calibration,
    SourcePrecision,
    document_uncertainty,
    rescore,
)
from annotator.core.edits import RemoveSpan, ReplaceSpan, SetAnswer
from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.core.suggestion_cache import CALIBRATION_SETTING
from annotator.core.work_order import WorkOrder

TEXT = "The Defence Ministry said Iskander units moved. Sergei Ivanov spoke."
VERSION = "v-test"


def _rule(start: int = 4, end: int = 20, label: str = "ORG") -> Span:
    return Span(start, end, label, SpanState.SUGGESTED, "rule", 0.7)


def test_prior_until_there_is_history() -> None:
    a, b = PRIORS["rule"]
    assert SourcePrecision().of("rule", "ORG") == pytest.approx(a / (a + b))
    assert SourcePrecision().of("pattern", "ORG") > SourcePrecision().of("rule", "ORG")


def test_rule_precision_moves_with_the_projects_answers(project: ProjectStore) -> None:
    project.add_documents(NewDocument(f"{TEXT} ({i})", {}) for i in range(13))
    ids = project.document_ids()
    before = project.source_precision().of("rule", "ORG")
    for doc_id in ids:
        project.seed_suggestions(doc_id, "ann", [_rule()])
    for doc_id in ids[:10]:  # rejected ten times
        RemoveSpan(doc_id, "ann", _rule()).apply(project)
    rejected = project.source_precision().of("rule", "ORG")
    assert rejected < before - 0.2
    for doc_id in ids[10:12]:  # two accepted
        ReplaceSpan(doc_id, "ann", _rule(), _rule().with_(state=SpanState.ACCEPTED)).apply(project)
    assert project.source_precision().of("rule", "ORG") > rejected
    # Read back: the cached rule span carries the last saved count's precision (saved by the
    # suggestion process, never counted by the window), not the one it was cached with.
    project.store_suggestions([(ids[0], [_rule()])], VERSION)
    (scored,) = project.scored_suggestions(ids[0], VERSION) or []
    assert scored.score == pytest.approx(project.source_precision().of("rule", "ORG"), abs=1e-4)
    saved = project.saved_source_precision().of("rule", "ORG")
    ReplaceSpan(ids[12], "ann", _rule(), _rule().with_(state=SpanState.ACCEPTED)).apply(project)
    assert project.saved_source_precision().of("rule", "ORG") == saved  # not counted again
    assert project.save_source_precision().of("rule", "ORG") > saved
    (cached,) = project.cached_suggestions(ids[0], VERSION) or []
    assert cached.score == 0.7


def test_calibration_is_monotone_and_maps_the_stored_setting(project: ProjectStore) -> None:
    triples = [(0.95, i % 2 == 0, "ORG") for i in range(40)]
    triples += [(0.3, i % 10 == 0, "ORG") for i in range(40)]
    triples += [(0.95, i % 10 != 0, "PERSON") for i in range(40)]
    calibration = Calibration.fit(triples)
    assert calibration(0.95, "ORG") == pytest.approx(0.5, abs=0.05)  # over-confident: down
    assert calibration(0.3, "ORG") == pytest.approx(0.1, abs=0.05)
    assert calibration(0.95, "PERSON") == pytest.approx(0.9, abs=0.05)  # a label's own curve
    assert calibration(0.999, "ORG") == pytest.approx(0.5)  # flat past the last point
    grid = [calibration(x / 100) for x in range(101)]
    assert grid == sorted(grid) and all(0 <= y <= 1 for y in grid)
    assert Calibration.from_json(calibration.to_json()) == calibration
    project.set_setting(CALIBRATION_SETTING, calibration.to_json())
    model = Span(0, 3, "ORG", SpanState.SUGGESTED, "model", 0.95)
    project.add_documents([NewDocument(TEXT, {})])
    (doc_id,) = project.document_ids()
    project.store_suggestions([(doc_id, [model])], VERSION)
    (scored,) = project.scored_suggestions(doc_id, VERSION) or []
    assert scored.score == pytest.approx(calibration(0.95, "ORG"), abs=1e-4)
    other_model = Calibration.fit(triples, model="7")  # fitted while model 7 suggested
    project.set_setting(CALIBRATION_SETTING, other_model.to_json())
    assert project.calibration() == Calibration()  # not this suggester's: not applied
    # One fitted to the beam's scores (stored before calibrations recorded their scorer).
    beam = json.loads(calibration.to_json())
    del beam["scores"]
    project.set_setting(CALIBRATION_SETTING, json.dumps(beam))
    assert Calibration.from_json(json.dumps(beam)).scores == "beam4"
    assert project.calibration() == Calibration()  # another scorer's scores: not applied
    project.set_setting(CALIBRATION_SETTING, calibration.to_json())
    assert project.calibration() == calibration
    project.set_setting(CALIBRATION_SETTING, "{damaged")
    assert project.calibration().points == ()  # a damaged setting is the identity


def test_document_uncertainty() -> None:
    sure = [Span(0, 3, "ORG", SpanState.SUGGESTED, "model", 0.99)]
    unsure = [Span(0, 3, "ORG", SpanState.SUGGESTED, "model", 0.5)]
    assert document_uncertainty(unsure) > document_uncertainty(sure) > 0
    assert document_uncertainty([]) == 0
    assert rescore(sure, SourcePrecision()) == sure  # no calibration: the model score stands


def _three_documents(project: ProjectStore) -> list[int]:
    project.add_documents(NewDocument(f"{TEXT} ({i})", {}) for i in range(5))
    ids = project.document_ids()
    scores = {ids[0]: 0.99, ids[1]: 0.6, ids[2]: 0.5, ids[3]: 0.9}  # ids[4]: not suggested
    project.store_suggestions(
        [(i, [Span(0, 3, "ORG", SpanState.SUGGESTED, "model", p)]) for i, p in scores.items()],
        VERSION,
    )
    return ids


def test_orders_change_which_document_comes_next(project: ProjectStore) -> None:
    ids = _three_documents(project)
    least = WorkOrder("least-sure")
    assert [e.doc_id for e in project.queue("ann", least, VERSION)] == [
        ids[2],
        ids[1],
        ids[3],
        ids[0],
        ids[4],  # not suggested yet: last
    ]
    assert project.next_in_order("ann", least, after=ids[2], version=VERSION) == ids[1]
    SetAnswer(ids[1], "ann", None, Answer.ACCEPT).apply(project)
    assert project.next_in_order("ann", least, after=ids[1], version=VERSION) == ids[3]
    assert project.next_in_order("ann", least, after=ids[0], version=VERSION) == ids[4]
    assert project.next_in_order("ann", least, after=ids[4], version=VERSION) == ids[2]  # wraps
    assert project.next_in_order("ann", WorkOrder(), after=ids[1]) == ids[2]
    shuffled = [e.doc_id for e in project.queue("ann", WorkOrder("random", 1), VERSION)]
    assert sorted(shuffled) == sorted(set(ids) - {ids[1]})
    assert shuffled == [e.doc_id for e in project.queue("ann", WorkOrder("random", 1), VERSION)]
    other = [e.doc_id for e in project.queue("ann", WorkOrder("random", 2), VERSION)]
    assert other != shuffled  # another seed, another order
    # next_in_order walks the queue, wrapping around
    walked, current = [], shuffled[0]
    for _ in shuffled:
        walked.append(current)
        current = project.next_in_order("ann", WorkOrder("random", 1), after=current) or -1
    assert walked == shuffled


def test_order_is_a_project_setting(project: ProjectStore) -> None:
    assert project.work_order() == WorkOrder()
    project.set_work_order(WorkOrder("random", 7))
    assert project.work_order() == WorkOrder("random", 7)
    project.set_setting("queue_order", "sideways")  # damaged: in order
    assert project.work_order().kind == "in-order"
    with pytest.raises(ValueError, match="choose from"):
        WorkOrder("sideways")

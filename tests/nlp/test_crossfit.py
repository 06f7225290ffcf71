"""Cross-fitting: the training part's documents, scored by fold models, join the evidence."""

from __future__ import annotations

import pytest

from annotator.core.model import Span, SpanState
from annotator.core.store import ProjectStore
from annotator.nlp.train import crossfit
from annotator.nlp.train import project as training
from annotator.nlp.train.project import TrainOptions, train_project
from tests.nlp.test_train import PEOPLE, _doc

PLAIN_ORGS = ["Velmora", "Tarsk", "Quellin", "Ostrava"]  # no rule knows them for companies


@pytest.mark.parametrize("count", range(4, 14))
def test_folds_cover_every_training_document_once(count: int) -> None:
    folds = crossfit.folds(count, seed=3)
    assert len(folds) == crossfit.FOLDS
    assert sorted(i for fold in folds for i in fold) == list(range(count))
    sizes = [len(fold) for fold in folds]
    assert max(sizes) - min(sizes) <= 1
    assert crossfit.folds(count, seed=3) == folds  # the same split for the same seed


def test_folds_follow_the_seed() -> None:
    assert len({tuple(crossfit.folds(12, seed)[0]) for seed in range(6)}) > 1


def test_cross_fitting_only_where_the_held_out_part_is_too_small() -> None:
    assert crossfit.wanted(heldout=2, train=9)
    assert not crossfit.wanted(heldout=3, train=3)  # folds of one document teach nothing
    assert not crossfit.wanted(heldout=10, train=40)  # the held-out part can choose itself


def test_training_reports_the_cross_fitted_scores(project: ProjectStore) -> None:
    project.add_documents(_doc(i) for i in range(11))
    steps: list[str] = []
    report = train_project(
        project, TrainOptions(epochs=2), progress=lambda d, t, text: steps.append(text)
    )
    assert (report.train_documents, report.heldout_documents) == (9, 2)
    assert report.crossfit_documents == 9
    assert sum(s.startswith("cross-fitting: training without fold") for s in steps) >= 2
    # The fold models' epochs show how far they are (as the new model's do, with F1 too).
    assert "cross-fitting: training without fold 2 of 2: epoch 2/2" in steps
    assert sum(s.startswith("epoch ") for s in steps) == 2  # the new model's only
    assert len(report.losses) == 2
    # The pooled tables count the gold of every accepted document: 2 PERSON + 2 ORG each.
    pooled = report.crossfit_tables
    assert {"new", "current", "untrained", "model", "model+patterns", "model+rules"} <= set(pooled)
    assert pooled["new"]["PERSON"]["gold"] == pooled["new"]["ORG"]["gold"] == 2 * 11
    assert report.tables["new"]["PERSON"]["gold"] == 2 * 2  # the held-out table stays its own
    assert "Cross-fitted: each of the 9 training documents" in report.summary()
    quick = train_project(project, TrainOptions(epochs=2, crossfit=False))
    assert quick.crossfit_documents == 0 and not quick.crossfit_tables
    assert "Cross-fitted" not in quick.summary()


def _lucky_model(project: ProjectStore, monkeypatch: pytest.MonkeyPatch, documents: int) -> None:
    """A project whose new model (patched in) is right on the held-out part and finds
    nothing on the training documents that the fold models score; the untrained suggester
    finds every person (patterns) and no organisation. Clear the list returned before the next
    training (it holds the new model)."""
    docs = [_doc(i, PLAIN_ORGS) for i in range(documents)]
    project.add_documents(docs)
    for person in PEOPLE:
        project.add_project_pattern({"label": "PERSON", "pattern": person})
    gold = {
        doc.text: [Span(s.start, s.end, s.label, SpanState.SUGGESTED, "model") for s in doc.spans]
        for doc in docs
    }
    final: list[object] = []

    def outputs(store, labels, nlp, texts, *rest):  # type: ignore[no-untyped-def]
        if not final:
            final.append(nlp)  # the first model scored is the new one, on the held-out part
        spans = [gold[t] if nlp is final[0] else [] for t in texts]
        return {source: spans for source in ("model+rules", "model+patterns", "model")}

    monkeypatch.setattr(training, "model_outputs", outputs)
    return final


def test_the_training_documents_outvote_a_lucky_held_out_part(
    project: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model right on the held-out documents but wrong on every training document (scored
    by the fold models) does not suggest; judged on the held-out part alone, it would."""
    final = _lucky_model(project, monkeypatch, 9)  # 2 held out + 7 trained on: too few to choose
    lucky = train_project(project, TrainOptions(epochs=1, known_names=False))
    assert set(lucky.choice.values()) == {"model+rules"}
    assert lucky.new_f > lucky.current_f + 0.1  # on the held-out part alone it wins
    pooled = lucky.crossfit_tables
    assert pooled["new"]["overall"]["f"] < pooled["current"]["overall"]["f"]
    assert not lucky.used and project.active_model() is None
    assert "which decided whether the new model suggests" in lucky.summary()
    final.clear()
    alone = train_project(project, TrainOptions(epochs=1, known_names=False, crossfit=False))
    assert alone.used and project.active_model() == alone.model_id


def test_enough_cross_fitted_documents_choose_the_source(
    project: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two held-out documents alone never move the source of a label
    (``scoring.MIN_DOCUMENTS``); with the training documents scored by the fold models
    there are enough, and the sure loser is not chosen."""
    final = _lucky_model(project, monkeypatch, 11)
    report = train_project(project, TrainOptions(epochs=1, known_names=False))
    assert set(report.choice.values()) == {"untrained"}
    final.clear()
    alone = train_project(project, TrainOptions(epochs=1, known_names=False, crossfit=False))
    assert set(alone.choice.values()) == {"model+rules"}

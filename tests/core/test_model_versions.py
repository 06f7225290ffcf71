"""The fixed held-out split and the stored model versions."""

from __future__ import annotations

import pytest

from annotator.core.model_versions import HELDOUT, TRAIN, assign_parts
from annotator.core.store import NewDocument, ProjectStore


def _docs(n: int, offset: int = 0) -> list[tuple[int, str]]:
    return [(i, f"hash-{i}") for i in range(offset, offset + n)]


@pytest.mark.parametrize("n", [5, 10, 67, 200])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_held_out_share_is_exact(n: int, seed: int) -> None:
    parts = assign_parts(_docs(n), {}, 0.2, seed)
    assert sum(p == HELDOUT for p in parts.values()) == round(0.2 * n)
    assert len(parts) == n


def test_parts_never_move_as_documents_are_added() -> None:
    first = assign_parts(_docs(20), {}, 0.2, 0)
    second = assign_parts(_docs(30), first, 0.2, 0)
    assert set(second) == set(range(20, 30))  # only the new ones get a part
    merged = {**first, **second}
    assert sum(p == HELDOUT for p in merged.values()) == 6  # still exactly 20 %


def test_seed_changes_the_split_and_order_does_not() -> None:
    docs = _docs(40)
    a = assign_parts(docs, {}, 0.25, 0)
    b = assign_parts(list(reversed(docs)), {}, 0.25, 0)
    c = assign_parts(docs, {}, 0.25, 1)
    assert a == b
    assert a != c


def test_a_trained_document_never_becomes_held_out() -> None:
    existing = {i: TRAIN for i in range(10)}  # an old run trained on all ten
    parts = assign_parts(_docs(12), existing, 0.5, 0)
    assert parts == {10: HELDOUT, 11: HELDOUT}


def test_bad_ratio_is_refused() -> None:
    with pytest.raises(ValueError, match="share"):
        assign_parts(_docs(3), {}, 1.0, 0)


def test_models_are_stored_listed_used_and_deleted(project: ProjectStore) -> None:
    first = project.add_model(
        name="m", base="b", documents=3, report={"choice": {}}, config="c", weights=b"w1"
    )
    second = project.add_model(
        name="m", base="b", documents=5, report={"x": 1}, config="c", weights=b"w22"
    )
    assert [m.id for m in project.models()] == [first, second]
    assert project.models()[1].size == 3
    assert project.active_model() is None
    project.use_model(second)
    assert project.active_model() == second
    with pytest.raises(ValueError, match="suggests now"):
        project.delete_models([second])
    project.delete_models([first])
    assert [m.id for m in project.models()] == [second]
    with pytest.raises(KeyError):
        project.use_model(first)
    project.use_model(None)
    assert project.active_model() is None


def test_fix_parts_persists_and_reset_forgets(project: ProjectStore) -> None:
    project.add_documents(NewDocument(f"text {i}", {}) for i in range(15))
    docs = [(doc.id, doc.text_hash) for doc in project.iter_documents()]
    project.fix_parts(docs[:10], 0.2, 0)
    parts = project.parts()
    assert sum(p == HELDOUT for p in parts.values()) == 2
    project.fix_parts(docs, 0.2, 0)
    assert {k: v for k, v in project.parts().items() if k in parts} == parts
    assert sum(p == HELDOUT for p in project.parts().values()) == 3
    project.reset_parts()
    assert project.parts() == {}


def test_untouched_suggestions_are_taken_back_for_a_new_model(project: ProjectStore) -> None:
    from annotator.core.edits import RemoveSpan
    from annotator.core.model import Answer, Span, SpanState

    project.add_documents(NewDocument(f"NATO and EU met, day {i}.", {}) for i in range(4))
    ids = project.document_ids()
    nato, eu = (
        Span(0, 4, "ORG", SpanState.SUGGESTED, "model"),
        Span(9, 11, "ORG", SpanState.SUGGESTED, "model"),
    )
    for doc_id in ids:
        project.seed_suggestions(doc_id, "ann", [nato, eu])
    untouched, accepted, rejected, answered = ids
    project.replace_span(accepted, "ann", nato, nato.with_(state=SpanState.ACCEPTED))
    RemoveSpan(rejected, "ann", eu).apply(project)
    project.set_answer(answered, "ann", Answer.IGNORE)

    assert project.unseed_untouched("ann") == 1
    assert project.annotation(untouched, "ann").spans == ()  # type: ignore[union-attr]
    assert project.seed_suggestions(untouched, "ann", [eu])  # seeded again, from the new model
    for doc_id in (accepted, rejected, answered):
        assert project.annotation(doc_id, "ann").spans  # type: ignore[union-attr]
        assert not project.seed_suggestions(doc_id, "ann", [eu])
    assert project.unseed_untouched("someone else") == 0


def test_a_crafted_model_row_is_refused_before_its_bytes_are_read(
    project: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.core.model_versions as versions

    model_id = project.add_model(
        name="m", base="b", documents=1, report={}, config="c", weights=b"x" * 100
    )
    monkeypatch.setattr(versions, "MAX_MODEL_BYTES", 50)
    with pytest.raises(ValueError, match="too large"):
        project.model_files(model_id)
    with pytest.raises(ValueError, match="too large"):
        project.check_model(model_id)
    # A report that is not a JSON object reads as an empty one, never as a crash.
    project._conn.execute("UPDATE models SET report = '[1, 2' WHERE id = ?", (model_id,))
    assert project.model(model_id).report == {}
    monkeypatch.setattr(versions, "MAX_MODEL_REPORT_CHARS", 3)
    project._conn.execute("UPDATE models SET report = '{\"a\": 1}' WHERE id = ?", (model_id,))
    assert project.model(model_id).report == {}

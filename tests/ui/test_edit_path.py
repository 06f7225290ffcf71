"""The fast edit path: in-memory ``applied``, the span diff by object, one list row updated."""

from __future__ import annotations

from pathlib import Path

from annotator.core.edits import AddSpan, Batch, RemoveSpan, ReplaceSpan, SetAnswer
from annotator.core.model import Answer, Document, LabelSet, Span, SpanState
from annotator.core.store import Annotation, NewDocument, ProjectStore
from annotator.ui.document_list_model import DocumentListModel
from annotator.ui.document_view import DocumentView
from annotator.ui.editing import applied


def test_applied_matches_the_store(project: Path) -> None:
    store = ProjectStore.open(project)
    store.add_documents([NewDocument("NATO and Biden met Putin in Kyiv on Monday.", {})])
    a = Span(0, 4, "ORG", SpanState.SUGGESTED, "pattern")
    b = Span(9, 14, "PERSON", SpanState.SUGGESTED, "model")
    c = Span(19, 24, "PERSON")
    edits = [
        AddSpan(1, "me", a),
        AddSpan(1, "me", c),
        AddSpan(1, "me", b),
        ReplaceSpan(1, "me", a, a.with_(state=SpanState.ACCEPTED)),
        Batch(
            1,
            "me",
            (RemoveSpan(1, "me", c), ReplaceSpan(1, "me", b, b.with_(label="ORG"))),
            "two",
        ),
        SetAnswer(1, "me", None, Answer.ACCEPT),
    ]
    annotation = store.annotation_or_empty(1, "me")
    for edit in edits:
        edit.apply(store)
        before = annotation
        annotation = applied(annotation, edit)
        stored = store.annotation_or_empty(1, "me")
        assert [(s.key, s.state) for s in annotation.spans] == [
            (s.key, s.state) for s in stored.spans
        ]
        assert annotation.answer == stored.answer
        # Untouched spans stay the very objects the view already shows.
        kept = {s.key for s in before.spans} & {s.key for s in annotation.spans}
        for key in kept:
            old = next(s for s in before.spans if s.key == key)
            new = next(s for s in annotation.spans if s.key == key)
            if old.state is new.state:
                assert old is new
    store.close()


def test_span_diff_by_object_and_by_value(qtbot) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(f"Line {i} NATO" for i in range(30))
    starts = [text.index(f"Line {i} ") + len(f"Line {i} ") for i in range(30)]
    spans = [Span(s, s + 4, "ORG", SpanState.SUGGESTED) for s in starts]
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_labels(LabelSet.from_names(["ORG", "PERSON"]))
    view.show_document(Document(1, text), Annotation(1, "me", None, tuple(spans)))
    highlighter = view.highlighter
    # Equal copies (as re-read from the store) change nothing...
    copies = [s.with_() for s in spans]
    assert highlighter.update_spans(copies, view.offsets) == set()
    # ...and from then on the copies are the shown objects: one change touches one block.
    changed = [*copies[:5], copies[5].with_(state=SpanState.ACCEPTED), *copies[6:]]
    assert highlighter.update_spans(changed, view.offsets) == {5}
    assert highlighter.view_span(changed[5]).span.state is SpanState.ACCEPTED  # type: ignore[union-attr]
    # A removed span leaves its block, an added one joins.
    fewer = changed[:-1]
    assert highlighter.update_spans(fewer, view.offsets) == {29}
    assert highlighter.spans_in_block(29) == []
    assert highlighter.update_spans(changed, view.offsets) == {29}
    assert [v.span for v in highlighter.spans_in_block(29)] == [changed[29]]


def test_update_row_touches_one_row(project: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    store = ProjectStore.open(project)
    store.add_documents([NewDocument(f"Document {i} about NATO.", {}) for i in range(5)])
    model = DocumentListModel(store, "me")
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=(): changed.append(top.row()))
    assert model.update_row(3, None, 7)
    assert changed == [2] and model.row(2).span_count == 7
    # An answer change under a status filter may drop the row: the caller must refresh.
    model.set_filter("todo")
    assert not model.update_row(3, Answer.ACCEPT, 7)
    assert model.update_row(3, None, 8)
    store.close()

import pytest

from annotator.core.model import Label, LabelSet, Span, SpanState, ValidationError, check_spans


def test_span_rejects_empty_and_negative_ranges() -> None:
    with pytest.raises(ValidationError):
        Span(3, 3, "ORG")
    with pytest.raises(ValidationError):
        Span(-1, 2, "ORG")
    with pytest.raises(ValidationError):
        Span(0, 2, "")


def test_span_identity_ignores_state_and_source() -> None:
    a = Span(0, 4, "ORG", SpanState.SUGGESTED, "model", 0.5)
    assert a == Span(0, 4, "ORG")
    assert a.with_(state=SpanState.ACCEPTED).state is SpanState.ACCEPTED


def test_check_spans_names_the_problem() -> None:
    text = "Joe Biden met NATO."
    assert check_spans(text, [Span(14, 18, "ORG"), Span(0, 9, "PERSON")])[0].start == 0
    with pytest.raises(ValidationError, match="out of range"):
        check_spans(text, [Span(14, 40, "ORG")])
    with pytest.raises(ValidationError, match="overlap"):
        check_spans(text, [Span(0, 9, "PERSON"), Span(4, 13, "ORG")])
    with pytest.raises(ValidationError, match="unknown label"):
        check_spans(text, [Span(0, 9, "PERSON")], labels=["ORG"])


def test_label_set_refuses_clashes() -> None:
    with pytest.raises(ValidationError, match="duplicate"):
        LabelSet([Label("ORG"), Label("ORG")])
    with pytest.raises(ValidationError, match="shortcut"):
        LabelSet([Label("ORG", key="1"), Label("PERSON", key="1")])
    with pytest.raises(ValidationError):
        Label("bad name")
    labels = LabelSet.from_names(["PERSON", "ORG"])
    assert [label.key for label in labels] == ["1", "2"]
    assert labels.get("ORG") is not None and labels.get("GPE") is None

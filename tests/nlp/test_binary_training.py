"""Training on binary answers as what they are: accepted spans with the rest missing (not O),
rejected spans as known-wrong (spaCy's incorrect_spans_key)."""

from __future__ import annotations

import spacy

from annotator.core.model import Answer, Span
from annotator.core.span_answers import SpanAnswer
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.train.binary_spans import INCORRECT_SPANS_KEY, binary_evidence
from annotator.nlp.train.data import LabelledText, make_examples, paragraphs
from annotator.nlp.train.finetune import FineTuneOptions, fine_tune
from annotator.nlp.train.project import TrainOptions, train_project

ORGS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"]
PEOPLE = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies"]


def _binary_items(with_rejects: bool) -> list[LabelledText]:
    """'ORG hired PERSON today.': the ORG accepted, the person rejected as ORG."""
    items = []
    for org, person in zip(ORGS, PEOPLE, strict=True):
        text = f"{org} hired {person} today."
        start = len(org) + len(" hired ")
        rejected = ((start, start + len(person), "ORG"),) if with_rejects else ()
        items.append(LabelledText(text, ((0, len(org), "ORG"),), rejected, missing=True))
    return items


def _trained(with_rejects: bool) -> spacy.language.Language:
    nlp = spacy.blank("en")
    gold, skipped = make_examples(nlp, _binary_items(with_rejects))
    assert skipped == 0
    fine_tune(nlp, ["ORG"], gold, [], FineTuneOptions(epochs=20, seed=0, dropout=0.1))
    return nlp


def test_binary_references_leave_unknown_tokens_missing() -> None:
    nlp = spacy.blank("en")
    (example,), _ = make_examples(nlp, _binary_items(True)[:1])
    reference = example.reference  # "Acme hired Smith today."
    assert [t.ent_iob_ for t in reference] == ["B", "", "", "", ""]
    assert [(s.text, s.label_) for s in reference.spans[INCORRECT_SPANS_KEY]] == [("Smith", "ORG")]
    # a full annotation, by contrast, says O outside its spans
    (full,), _ = make_examples(nlp, [LabelledText("Acme hired Smith today.", ((0, 4, "ORG"),))])
    assert [t.ent_iob_ for t in full.reference] == ["B", "O", "O", "O", "O"]


def test_a_model_trained_on_binary_answers_learns_accepts_and_avoids_rejects() -> None:
    text = "Acme hired Smith today."
    with_rejects = {(e.start_char, e.end_char, e.label_) for e in _trained(True)(text).ents}
    without = {(e.start_char, e.end_char, e.label_) for e in _trained(False)(text).ents}
    assert (0, 4, "ORG") in with_rejects  # the accepted span is learnt
    assert (11, 16, "ORG") not in with_rejects  # the rejected one is pushed away ...
    assert (11, 16, "ORG") in without  # ... which, knowing nothing else, it would predict


def test_paragraphs_carry_rejected_spans_and_missing() -> None:
    item = LabelledText("Acme rose.\n\nSmith fell.", ((0, 4, "ORG"),), ((12, 17, "ORG"),), True)
    pieces = list(paragraphs(item))
    assert [(p.text, p.spans, p.rejected, p.missing) for p in pieces] == [
        ("Acme rose.", ((0, 4, "ORG"),), (), True),
        ("Smith fell.", (), ((0, 5, "ORG"),), True),
    ]


def test_contradicting_answers_are_counted_not_trained() -> None:
    answers = [
        SpanAnswer(1, "a", 0, 4, "ORG", Answer.ACCEPT),
        SpanAnswer(1, "b", 0, 4, "ORG", Answer.REJECT),  # the acceptance wins
        SpanAnswer(1, "a", 0, 10, "ORG", Answer.ACCEPT),  # overlaps the first
        SpanAnswer(1, "a", 11, 16, "ORG", Answer.REJECT),
        SpanAnswer(1, "a", 17, 22, "ORG", Answer.IGNORE),
    ]
    evidence = binary_evidence(answers)
    assert evidence.accepted == ((0, 4, "ORG"),)
    assert evidence.rejected == ((11, 16, "ORG"),)
    assert evidence.conflicts == 2


def test_the_project_training_loop_trains_on_binary_only_documents(project: ProjectStore) -> None:
    gold = []
    for i in range(10):
        org = ORGS[i % len(ORGS)]
        text = f"{org} opened an office on day {i}."
        gold.append(NewDocument(text, {}, spans=(Span(0, len(org), "ORG"),), answer=Answer.ACCEPT))
    binary_texts = ["Acme hired Smith today.", "Globex hired Jones today."]
    project.add_documents([*gold, *(NewDocument(t, {}) for t in binary_texts)])
    ids = project.document_ids()
    project.add_span_answers(
        [
            SpanAnswer(ids[10], "ann", 0, 4, "ORG", Answer.ACCEPT),
            SpanAnswer(ids[10], "ann", 11, 16, "ORG", Answer.REJECT),
            SpanAnswer(ids[11], "ann", 14, 19, "ORG", Answer.REJECT),
        ]
    )
    steps: list[str] = []
    report = train_project(
        project,
        TrainOptions(epochs=1, use="never"),
        progress=lambda done, total, text: steps.append(text),
    )
    assert report.binary_documents == 2
    assert report.train_documents == 8 and report.heldout_documents == 2
    assert any(step.startswith("epoch 1/1") for step in steps)

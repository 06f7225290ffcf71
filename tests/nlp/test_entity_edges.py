"""A model entity stays on one line: cut at a line break, kept whole across a wrapped line."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from annotator.nlp.entity_edges import hard_wrapped, trimmed_entities
from annotator.nlp.suggest import Suggester
from annotator.nlp.train.sources import model_spans

FORM = "Witness: Tamsin Okereke-Hall\nChair: the Ministry of Defence\n\n2.1 Acquisition\n"
WRAPPED = (
    "The committee heard from the minister, who said that the\n"
    "order had been placed with the company in May and that\n"
    "deliveries would begin once Joe\n"
    "Biden had signed the waiver, which he did in the\n"
    "autumn of that year.\n"
)


def _doc(nlp: spacy.language.Language, text: str, *ents: tuple[str, str, str]) -> Doc:
    """``text`` with entities from (first words, last words, label), by character search."""
    doc = nlp.make_doc(text)
    spans = []
    for first, last, label in ents:
        start = text.index(first)
        end = text.index(last, start) + len(last)
        span = doc.char_span(start, end, label=label)
        assert span is not None, (first, last)
        spans.append(span)
    doc.ents = spans
    return doc


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.blank("en")


def test_an_entity_is_cut_at_its_first_line_break(nlp: spacy.language.Language) -> None:
    doc = _doc(
        nlp,
        FORM,
        ("Tamsin", "Chair", "PERSON"),
        ("Ministry", "Acquisition", "ORG"),
    )
    assert [(e.text, e.label_) for e in trimmed_entities(doc, doc.ents)] == [
        ("Tamsin Okereke-Hall", "PERSON"),
        ("Ministry of Defence", "ORG"),
    ]


def test_trailing_line_breaks_leave_and_nothing_before_a_break_drops_it(
    nlp: spacy.language.Language,
) -> None:
    text = "Board of Directors\n\n\nAnnual report"
    doc = nlp.make_doc(text)
    board = Span(doc, 0, 4, label="ORG")  # "Board of Directors" and the blank line after it
    assert doc[3].is_space
    doc.ents = [board]
    assert [e.text for e in trimmed_entities(doc, doc.ents)] == ["Board of Directors"]
    starts_on_break = Span(doc, 3, 5, label="ORG")  # "\n\n\n" "Annual"
    assert trimmed_entities(doc, [starts_on_break]) == []


def test_in_hard_wrapped_prose_a_name_runs_on_across_a_single_line_break(
    nlp: spacy.language.Language,
) -> None:
    assert hard_wrapped(WRAPPED)
    assert not hard_wrapped(FORM)
    assert hard_wrapped(WRAPPED.replace("\n", "\r\n"))
    assert not hard_wrapped(WRAPPED.replace("\n", "\n\n"))  # paragraphs of one line each
    doc = _doc(nlp, WRAPPED, ("Joe", "Biden", "PERSON"))
    assert [e.text for e in trimmed_entities(doc, doc.ents)] == ["Joe\nBiden"]
    # A blank line still cuts, wrapped or not.
    text = WRAPPED + "\nJoe\n\nBiden"
    doc = _doc(nlp, text, ("Joe\n\n", "Biden", "PERSON"))
    assert [e.text for e in trimmed_entities(doc, doc.ents)] == ["Joe"]


def test_no_suggestion_of_the_untrained_or_a_trained_model_holds_a_line_break() -> None:
    suggester = Suggester("blank:en", ["PERSON", "ORG"], include_shipped_patterns=False)
    doc = _doc(
        suggester.nlp,
        FORM,
        ("Tamsin", "Chair", "PERSON"),
        ("Ministry", "Acquisition", "ORG"),
    )
    untrained = suggester.spans_from_doc(doc, FORM)
    trained = model_spans(doc, ["PERSON", "ORG"], None)["model"]
    for spans in (untrained, trained):
        assert [(FORM[s.start : s.end], s.label) for s in spans] == [
            ("Tamsin Okereke-Hall", "PERSON"),
            ("Ministry of Defence", "ORG"),
        ]


def test_emoji_and_flags_leave_a_names_edges_but_an_amount_keeps_its_sign(
    nlp: spacy.language.Language,
) -> None:
    text = "🔎 Kalyna Geo 🇺🇦 posted it. It was 30° and cost $5."
    doc = nlp.make_doc(text)
    flag = next(t.i for t in doc if t.text.startswith("🇺"))
    assert doc[flag].text == "🇺"  # the tokenizer splits the flag into its two letters
    kalyna = next(t.i for t in doc if t.text == "Kalyna")
    degrees = next(t.i for t in doc if t.text == "30")
    ents = [
        Span(doc, kalyna - 1, flag + 1, label="PERSON"),  # "🔎 Kalyna Geo 🇺": half a flag
        Span(doc, degrees, degrees + 2, label="QUANTITY"),
    ]
    assert doc[degrees + 1].text == "°"
    assert [e.text for e in trimmed_entities(doc, ents)] == ["Kalyna Geo", "30°"]
    only_symbols = Span(doc, flag, flag + 2, label="ORG")
    assert trimmed_entities(doc, [only_symbols]) == []


def test_quotes_and_brackets_a_name_does_not_need_leave_its_edges(
    nlp: spacy.language.Language,
) -> None:
    text = (
        '(a.k.a. "Reza Kazemi") joined "Gurkha Rifles (The Sirmoor Rifles)", Vickers; a 14.5" gun'
    )
    doc = nlp.make_doc(text)
    found = [
        Span(doc, 3, 8, label="PERSON"),  # "Reza Kazemi")
        Span(doc, 9, 19, label="ORG"),  # "Gurkha Rifles (The Sirmoor Rifles)",
        Span(doc, 18, 21, label="ORG"),  # , Vickers;
    ]
    assert [t.text for t in found[0]] == ['"', "Reza", "Kazemi", '"', ")"]
    assert [(e.text, e.label_) for e in trimmed_entities(doc, found)] == [
        ("Reza Kazemi", "PERSON"),
        ("Gurkha Rifles (The Sirmoor Rifles)", "ORG"),
        ("Vickers", "ORG"),
    ]
    inch = doc.char_span(text.index("14.5"), len(text) - 4, label="QUANTITY")
    assert inch is not None and inch.text == '14.5"'
    assert [e.text for e in trimmed_entities(doc, [inch])] == ['14.5"']  # an amount keeps it
    only_marks = Span(doc, 0, 1, label="ORG")
    assert trimmed_entities(doc, [only_marks]) == []


def test_a_name_takes_in_the_title_case_word_hyphenated_to_its_edges(
    nlp: spacy.language.Language,
) -> None:
    text = (
        "Per-Olav Bakken met Lars-Erik Holm; Anna Tanaka-Whitfield; WARDEN-CLASS; Geran-type; 3-Day"
    )
    doc = _doc(
        nlp,
        text,
        ("Olav", "Bakken", "PERSON"),
        ("Erik", "Holm", "PERSON"),
        ("Anna", "Tanaka", "PERSON"),
        ("WARDEN", "WARDEN", "WEAPON"),
        ("Geran", "Geran", "WEAPON"),
        ("3", "3", "QUANTITY"),
    )
    found = list(doc.ents)
    assert [e.text for e in trimmed_entities(doc, found)] == [
        "Per-Olav Bakken",
        "Lars-Erik Holm",
        "Anna Tanaka-Whitfield",
        "WARDEN",  # "CLASS" is no word in title case
        "Geran",  # nor is "type"
        "3",  # an amount keeps its bounds
    ]
    # Spaced hyphens join nothing, and a neighbouring entity is never taken in.
    spaced = nlp.make_doc("Alpha - Bravo Charlie")
    assert [e.text for e in trimmed_entities(spaced, [Span(spaced, 2, 4, label="PERSON")])] == [
        "Bravo Charlie"
    ]
    pair = nlp.make_doc("Smith-Jones Brown")
    near = [Span(pair, 0, 1, label="ORG"), Span(pair, 2, 4, label="PERSON")]
    assert [e.text for e in trimmed_entities(pair, near)] == ["Smith", "Jones Brown"]

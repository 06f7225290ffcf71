"""Short names a text defines for its names: "Caldera Optronics, Inc. ("Caldera")"."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span as DocSpan

from annotator.core.model import Span, SpanState
from annotator.nlp.defined_names import DEFINED_SOURCE, defined_names, is_short_form
from annotator.nlp.suggest import Suggester

LABELS = ("PERSON", "ORG", "WEAPON", "QUANTITY")


@pytest.mark.parametrize(
    ("short", "full", "expected"),
    [
        ("Caldera", "Caldera Optronics, Inc.", True),
        ("Nordvik", "NORDVIK SUPPLY SOLUTIONS LLC", True),
        ("SFO", "Serious Fraud Office", True),
        ("BIS", "Bureau of Industry and Security", True),
        ("VARGA", "TOMAS REINHOLT VARGA", True),
        ("PrSM", "Precision Strike Missile", True),
        # roles and descriptions the same texts define in brackets
        ("Claimant", "ARMADILLO LAND SYSTEMS S.A.", False),
        ("Respondent", "MINISTRY OF DEFENCE OF THE REPUBLIC OF VARDONIA", False),
        ("Chair", "Priya Ramanathan", False),
        ("Company", "Hanwha Aerospace Co., Ltd.", False),
        # the first letter must start a word of the full name
        ("ORG", "Gorgon Group", False),
        ("Caldera", "Caldera", False),
    ],
)
def test_a_short_form_takes_its_letters_in_order_from_the_full_name(
    short: str, full: str, expected: bool
) -> None:
    assert is_short_form(short, full) is expected


def _suggested(text: str, *named: tuple[str, str]) -> list[Span]:
    return [
        Span(text.index(name), text.index(name) + len(name), label, SpanState.SUGGESTED, "model")
        for name, label in named
    ]


def _added(text: str, spans: list[Span], doc: spacy.tokens.Doc | None = None) -> list[tuple]:
    doc = doc if doc is not None else spacy.blank("en")(text)
    out = defined_names(doc, spans, LABELS, "QUANTITY")
    return [(text[s.start : s.end], s.start, s.label) for s in out if s not in spans]


def test_a_defined_short_name_is_the_full_names_label_wherever_it_stands() -> None:
    text = (
        'NORDVIK SUPPLY SOLUTIONS LLC ("Nordvik" or "the Company") sold rifles. '
        'Its manager, TOMAS REINHOLT VARGA ("VARGA"), signed for Nordvik\'s account. '
        "VARGA denied it; the Company said nothing. The Serious Fraud Office (SFO) and "
        "Nordvik-Group were told; the SFO charged him."
    )
    spans = _suggested(
        text,
        ("NORDVIK SUPPLY SOLUTIONS LLC", "ORG"),
        ("TOMAS REINHOLT VARGA", "PERSON"),
        ("Serious Fraud Office", "ORG"),
    )
    added = _added(text, spans)
    nordvik = [m for m in range(len(text)) if text.startswith("Nordvik", m)]
    assert ("Nordvik", nordvik[0], "ORG") in added  # the definition itself
    assert ("Nordvik", nordvik[1], "ORG") in added  # "Nordvik's"
    assert all(start != nordvik[2] for _, start, _ in added)  # "Nordvik-Group": another word
    assert [a for a in added if a[0] == "VARGA"] == [
        ("VARGA", text.index('VARGA"'), "PERSON"),
        ("VARGA", text.index("VARGA denied"), "PERSON"),
    ]
    assert [a[2] for a in added if a[0] == "SFO"] == ["ORG", "ORG"]
    assert not any(a[0] in {"Company", "the Company"} for a in added)
    inside = text + " Write to Nordvik@home."  # a token of its own: never half of it
    assert len(_added(inside, spans)) == len(added)
    out = defined_names(spacy.blank("en")(text), spans, LABELS, "QUANTITY")
    made = [s for s in out if s not in spans]
    assert {s.source for s in made} == {DEFINED_SOURCE}
    assert all(s.state is SpanState.SUGGESTED and s.score == 0.8 for s in made)
    assert [s.start for s in out] == sorted(s.start for s in out)


def test_roles_amounts_and_other_labels_are_not_defined_names() -> None:
    text = (
        'ARMADILLO LAND SYSTEMS S.A. (the "Claimant") sued. 2,000 rifles (TR) were sold. '
        'The Claimant and TR agreed. Reuters ("Reuters") reported.'
    )
    spans = _suggested(text, ("ARMADILLO LAND SYSTEMS S.A.", "ORG"), ("2,000 rifles", "QUANTITY"))
    spans.append(Span(text.index("Reuters"), text.index("Reuters") + 7, "GPE"))
    assert _added(text, spans) == []


def test_short_names_of_any_alphabet_and_lower_case_words_after_them() -> None:
    text = (
        'MARTE SKJELBRED ØDEGÅRD ("ØDEGÅRD") met Nordvik Supply LLC (Nordvik or the Company). '
        "ØDEGÅRD paid Nordvik."
    )
    spans = _suggested(text, ("MARTE SKJELBRED ØDEGÅRD", "PERSON"), ("Nordvik Supply LLC", "ORG"))
    assert sorted((name, label) for name, _, label in _added(text, spans)) == [
        ("Nordvik", "ORG"),
        ("Nordvik", "ORG"),
        ("ØDEGÅRD", "PERSON"),
        ("ØDEGÅRD", "PERSON"),
    ]


def test_a_text_defining_thousands_of_short_names_gets_each_of_them() -> None:
    # Crafted input: found by token, not by one pattern of every name (which grows with both).
    names = [f"Alpha{k} Trading LLC" for k in range(2000)]
    text = " ".join(f'{name} ("Alpha{k}") sold rifles.' for k, name in enumerate(names))
    text += " " + " ".join(f"Alpha{k} paid." for k in range(2000))
    spans = _suggested(text, *((name, "ORG") for name in names))
    added = _added(text, spans)
    assert len(added) == 4000 and {label for _, _, label in added} == {"ORG"}


def test_an_acronym_in_brackets_passes_without_its_letters() -> None:
    text = "The National Liberation Army (ELN) attacked. ELN fighters fled. The ELN's leader spoke."
    added = _added(text, _suggested(text, ("National Liberation Army", "ORG")))
    assert [a[0] for a in added] == ["ELN", "ELN", "ELN"]
    # quoted, the same word must abbreviate the name
    text = 'The National Liberation Army ("ELN") attacked. ELN fighters fled.'
    assert _added(text, _suggested(text, ("National Liberation Army", "ORG"))) == []


def test_a_short_name_relabels_only_a_model_span_of_its_bounds_and_outweighs_places() -> None:
    text = (
        "Kestrel Ridge Trading Pty Ltd (KRT) shipped parts. KRT said Colonel KRT Smith and "
        "KRT officers agreed. Meanwhile KRT wrote again."
    )
    doc = spacy.blank("en")(text)
    last = text.rindex("KRT")
    place = doc.char_span(last, last + 3)
    assert place is not None
    doc.ents = [DocSpan(doc, place.start, place.end, label="GPE")]
    spans = _suggested(text, ("Kestrel Ridge Trading Pty Ltd", "ORG"))
    second = text.index("KRT said")
    spans.append(Span(second, second + 3, "PERSON", SpanState.SUGGESTED, "model"))
    person = text.index("KRT Smith")
    spans.append(Span(person, person + 9, "PERSON", SpanState.SUGGESTED, "model"))
    accepted = text.index("KRT officers")
    spans.append(Span(accepted, accepted + 3, "PERSON", SpanState.SUGGESTED, "pattern"))
    out = {(s.start, s.label, s.source) for s in defined_names(doc, spans, LABELS, "QUANTITY")}
    assert (second, "ORG", DEFINED_SOURCE) in out  # the model's PERSON takes the label
    assert (person, "PERSON", "model") in out  # a longer span is left alone
    assert (accepted, "PERSON", "pattern") in out  # so is one that is no model's
    assert (last, "ORG", DEFINED_SOURCE) in out  # where the model reads a place


def test_the_suggester_suggests_defined_short_names() -> None:
    text = (
        'The contract was signed by Meridian Levant Shipping SAL ("Meridian") and the Bureau '
        "of Industry and Security (BIS). Meridian later told BIS that Meridian had shipped "
        "nothing."
    )
    spans = Suggester("auto").suggest_one(text)
    meridian = [(s.label, s.source) for s in spans if text[s.start : s.end] == "Meridian"]
    assert meridian == [("ORG", DEFINED_SOURCE)] * 3
    assert [s.label for s in spans if text[s.start : s.end] == "BIS"] == ["ORG", "ORG"]

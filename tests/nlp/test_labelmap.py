"""Label mapping, span fix-ups and the QUANTITY rule, on hand-made docs (no model needed)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from annotator.nlp.labelmap import LabelMap, fix_span, quantity_span

nlp = spacy.blank("en")


def doc_with(text: str, ents: list[tuple[str, str]] = ()) -> Doc:  # type: ignore[assignment]
    doc = nlp(text)
    spans = []
    for words, label in ents:
        start = text.index(words)
        span = doc.char_span(start, start + len(words), label=label)
        assert span is not None
        spans.append(span)
    doc.ents = spans
    return doc


def test_default_mapping_keeps_project_labels_and_drops_the_rest() -> None:
    labels = LabelMap(("PERSON", "ORG", "WEAPON", "QUANTITY"))
    assert labels.target("PERSON") == "PERSON"
    assert labels.target("ORG") == "ORG"
    assert labels.target("GPE") is None  # not a project label
    assert labels.target("NORP") is None
    assert labels.target("CARDINAL") is None  # numbers go through the QUANTITY rule
    assert labels.is_quantity_seed("CARDINAL") and labels.is_quantity_seed("MONEY")
    with_gpe = LabelMap(("PERSON", "GPE"))
    assert with_gpe.target("GPE") == "GPE"
    assert not with_gpe.is_quantity_seed("CARDINAL")  # the project has no QUANTITY


def test_overrides_win_and_change_the_description() -> None:
    plain = LabelMap(("ORG", "WEAPON"))
    custom = LabelMap(("ORG", "WEAPON"), {"PRODUCT": "WEAPON", "ORG": None})
    assert custom.target("PRODUCT") == "WEAPON" and custom.target("ORG") is None
    assert plain.describe() != custom.describe()


@pytest.mark.parametrize(
    ("text", "ent", "label", "expected"),
    [
        ("President Joe Biden spoke.", "President Joe Biden", "PERSON", "Joe Biden"),
        (
            "Defence Minister Sergei Shoigu spoke.",
            "Minister Sergei Shoigu",
            "PERSON",
            "Sergei Shoigu",
        ),
        ("He joined the Pentagon today.", "the Pentagon", "ORG", "Pentagon"),
        ("It was NATO's plan.", "NATO's", "ORG", "NATO"),
        ("It was NATO’s plan.", "NATO’s", "ORG", "NATO"),
    ],
)
def test_fix_span_trims_titles_determiners_and_possessives(
    text: str, ent: str, label: str, expected: str
) -> None:
    doc = doc_with(text, [(ent, label)])
    e = doc.ents[0]
    fixed = fix_span(doc, e.start, e.end, label)
    assert fixed is not None
    assert doc[fixed[0] : fixed[1]].text == expected


def test_fix_span_drops_lower_case_descriptions_and_bare_titles() -> None:
    doc = doc_with(
        "The foreign ministry said so. Rear Admiral spoke.", [("foreign ministry", "ORG")]
    )
    assert fix_span(doc, doc.ents[0].start, doc.ents[0].end, "ORG") is None
    assert fix_span(doc, 6, 8, "ORG") is None  # "Rear Admiral"


def test_org_after_a_title_is_a_person() -> None:
    doc = doc_with("Chancellor Olaf Scholz said.", [("Olaf Scholz", "ORG")])
    assert fix_span(doc, 1, 3, "ORG") == (1, 3, "PERSON")


def _quantity(text: str, seed_word: str, ents: list[tuple[str, str]] = ()) -> str | None:  # type: ignore[assignment]
    doc = doc_with(text, ents)
    seed = next(t.i for t in doc if t.text == seed_word)
    found = quantity_span(doc, seed, [False] * len(doc))
    return None if found is None else doc[found[0] : found[1]].text


@pytest.mark.parametrize(
    ("text", "seed", "expected"),
    [
        ("Pentagon said about 2,000 soldiers will travel.", "about", "2,000 soldiers"),
        ("Another 1,000 troops based there.", "1,000", "1,000 troops"),
        ("Numbers are likely to climb to 30,000, he said.", "30,000", "30,000"),
        ("It bought 100 armoured personnel carriers.", "100", "100 armoured personnel carriers"),
        ("Taiwan imports 97 percent of its energy.", "97", "97 percent"),
        ("Drones made 38 per cent of the strikes.", "38", "38 per cent"),  # rules 6.14
        ("It pays 20 per month.", "20", "20"),  # "per" alone is no unit
        ("It costs $20,000 each.", "$", "$20,000"),
        ("The plant can build six a month.", "six", "six"),  # a rate, its noun implied
        # rules v5.2: words between the number and its noun, irregular and capitalised nouns
        ("It will send 1,500 more personnel.", "1,500", "1,500 more personnel"),
        ("It recorded 115 such attacks.", "115", "115 such attacks"),
        ("It orders three new Arctic ships soon.", "three", "three new Arctic ships"),
        ("It costs 14.6 billion kroner in all.", "14.6", "14.6 billion kroner"),
        ("About 30 gunmen stormed the camp.", "30", "30 gunmen"),
        ("There were 40 dead and 1,300 wounded.", "1,300", "1,300 wounded"),
        ("He saw 20 injured soldiers there.", "20", "20 injured soldiers"),
        ("It dropped 500-pound bombs.", "500", "500-pound"),
        ("A caseload of 3.5 million people keeps growing.", "3.5", "3.5 million people"),
        ("A warship downed one drone on Monday.", "one", "one drone"),
        ("Europe needs a million shells a year.", "million", "a million shells"),
        ("They agreed a 150 billion euro loan scheme.", "150", "150 billion euro"),
        ("It raises troop numbers by 80,000 to 260,000 soon.", "80,000", "80,000"),
        ("Ranges are 15 to 20 kilometers.", "15", "15 to 20 kilometers"),
        ("Two years ago we made 20 a month.", "20", "20"),
        ("It fined them 500,000 CFA francs.", "500,000", "500,000 CFA francs"),
        ("It flew 1500 km north.", "1500", "1500 km"),
    ],
)
def test_quantity_rule(text: str, seed: str, expected: str) -> None:
    assert _quantity(text, seed) == expected


@pytest.mark.parametrize(
    ("text", "seed", "ents"),
    [
        ("It did not happen in 30 years.", "30", []),
        ("As it did in 2014, Russia moved.", "2014", [("2014", "DATE")]),
        ("Games are scheduled for February 10-20.", "10", []),
        ("Article 5 applies.", "5", []),
        ("They met the two sides.", "two", []),
        ("It was a one-man show.", "one", []),
        ("About two-thirds of them left.", "two", []),
        ("A 5,000-strong force came.", "5,000", []),
        ("The vessel, hull number 5205, turned.", "5205", []),
        ("It fired several hundred interceptors.", "hundred", []),
        ("It cost a few thousand dollars.", "thousand", []),
        ("As the 2023 lawmakers' report said.", "2023", []),
        ("In one case, a drone fell.", "one", []),
        ("We hear it every night, said one mother.", "one", []),
        ("One official said it was over.", "One", []),
    ],
)
def test_quantity_rule_rejects_dates_durations_and_names(
    text: str, seed: str, ents: list[tuple[str, str]]
) -> None:
    assert _quantity(text, seed, ents) is None


def test_plural_nationality_is_the_counted_noun() -> None:
    text = "Some 50,000 Serbs and 100,000 ethnic Armenians fled."
    ents = [("Serbs", "NORP"), ("Armenians", "NORP")]
    assert _quantity(text, "50,000", ents) == "50,000 Serbs"
    assert _quantity(text, "100,000", ents) == "100,000 ethnic Armenians"
    # A nationality before its noun stays a modifier.
    assert _quantity("About 2,000 Russian troops left.", "2,000", [("Russian", "NORP")]) == (
        "2,000 Russian troops"
    )


def test_a_model_that_outputs_the_whole_quantity_is_not_fought() -> None:
    """A trained model tags "[323 Argentine sailors]" QUANTITY as a whole, where the base
    model had CARDINAL and NORP: the nationality inside the model's own amount is no other
    entity, so the rule keeps the counted noun (it cut "323" bare and dropped "nine ...")."""
    text = "Then 323 Argentine sailors died, and nine Norwegian soldiers and 50,000 Serbs fled."
    trained = [
        ("323 Argentine sailors", "QUANTITY"),
        ("nine Norwegian soldiers", "QUANTITY"),
        ("50,000 Serbs", "QUANTITY"),
    ]
    base = [("323", "CARDINAL"), ("Argentine", "NORP"), ("nine", "CARDINAL")]
    base += [("Norwegian", "NORP"), ("50,000", "CARDINAL"), ("Serbs", "NORP")]
    for ents in (trained, base):
        assert _quantity(text, "323", ents) == "323 Argentine sailors"
        assert _quantity(text, "nine", ents) == "nine Norwegian soldiers"
        assert _quantity(text, "50,000", ents) == "50,000 Serbs"
    # Another entity's name still stops the noun: "20 [Turkish Kaan] jets" taken for a body.
    assert _quantity("It bought 20 Turkish Kaan jets.", "20", [("Turkish Kaan", "ORG")]) == "20"


def test_entity_counted_by_the_number_wins() -> None:
    doc = nlp("The US sent 16 HIMARS launchers.")
    blocked = [t.text == "HIMARS" for t in doc]
    assert quantity_span(doc, 3, blocked) is None
    Span(doc, 0, 1)  # the doc is fine; only the number gives nothing


# ---- rules v3 -------------------------------------------------------------------------------


def test_country_abbreviation_stays_inside_a_quantity() -> None:
    doc = doc_with("Niger expelled about 1,000 U.S. troops this year.")
    assert quantity_span(doc, 3, [False] * len(doc)) == (3, 6)


def test_number_word_of_its_nouns_is_a_bare_quantity() -> None:
    doc = doc_with("Baykar sold the junta at least six of its drones, and one of the jets.")
    six = [t.text for t in doc].index("six")
    assert quantity_span(doc, six, [False] * len(doc)) == (six, six + 1)
    one = [t.text for t in doc].index("one")
    assert quantity_span(doc, one, [False] * len(doc)) is None


def test_bare_number_after_a_duration_range_is_no_quantity() -> None:
    doc = doc_with("It cut production time from 30 months to 15 and sent 40 more.")
    k = [t.text for t in doc].index("15")
    assert quantity_span(doc, k, [False] * len(doc)) is None


def test_number_before_more_entities_gives_way() -> None:
    doc = doc_with("Ukraine needs 26 more Patriot batteries.")
    blocked = [t.text == "Patriot" for t in doc]
    assert quantity_span(doc, 2, blocked) is None


def test_role_word_before_an_org_shaped_name_makes_a_person() -> None:
    doc = doc_with("Analyst Ulf Laessing of the foundation said so.")
    assert fix_span(doc, 1, 3, "ORG") == (1, 3, "PERSON")


def test_bare_rank_is_a_given_name_when_only_a_surname_follows() -> None:
    doc = doc_with("Japanese Defence Minister Gen Nakatani told reporters.")
    assert fix_span(doc, 3, 5, "PERSON") == (3, 5, "PERSON")
    doc = doc_with("Gen Valery Gerasimov told reporters.")
    assert fix_span(doc, 0, 3, "PERSON") == (1, 3, "PERSON")


def test_long_body_names_run_on_through_of_and_for() -> None:
    text = "separatists of the Strategic Framework for the Defence of the People of Azawad and"
    doc = doc_with(text)
    end = [t.text for t in doc].index("Azawad") + 1
    assert fix_span(doc, 3, 5, "ORG") == (3, end, "ORG")
    doc = doc_with("the Rapid Support Forces in Darfur said")
    assert fix_span(doc, 1, 4, "ORG") == (1, 4, "ORG")


def test_an_org_running_into_an_office_and_a_name_is_the_person() -> None:
    doc = doc_with("He spoke with Indian National Security Adviser Ajit Doval on Monday.")
    start = [t.text for t in doc].index("Indian")
    fixed = fix_span(doc, start, start + 6, "ORG")
    assert fixed is not None and doc[fixed[0] : fixed[1]].text == "Ajit Doval"
    assert fixed[2] == "PERSON"

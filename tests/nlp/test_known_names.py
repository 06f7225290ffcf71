"""Known names: learned from documents whose spans are right, suggested where they recur."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import spacy

from annotator.cli import main
from annotator.core.model import LabelSet, Span, SpanState
from annotator.core.store import ProjectStore
from annotator.nlp.preannotate import suggester_for_project
from annotator.nlp.train.data import LabelledText
from annotator.nlp.train.known_names import (
    KNOWN_SOURCE,
    KnownNames,
    KnownNamesError,
    learn_known_names,
)
from annotator.nlp.train.project import TrainOptions, train_project
from annotator.nlp.train.stored import StoredModelError
from tests.nlp.test_labelmap import doc_with
from tests.nlp.test_labelmap import nlp as blank_nlp
from tests.nlp.test_train import _doc

LABELS = ["PERSON", "ORG", "WEAPON"]


def _marked(text: str, *names: tuple[str, str]) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` with every occurrence of each (name, label) marked."""
    spans = []
    for name, label in names:
        start = 0
        while (start := text.find(name, start)) != -1:
            spans.append((start, start + len(name), label))
            start += len(name)
    return text, sorted(spans)


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return blank_nlp  # the one ``doc_with`` makes its docs with


def test_a_name_is_known_only_where_it_stands_for_its_label(nlp: spacy.language.Language) -> None:
    docs = [
        _marked(
            "Vantor Systems sold the Kestrel to Norway.",
            ("Vantor Systems", "ORG"),
            ("Kestrel", "WEAPON"),
        ),
        _marked(
            "The Kestrel flew again for Vantor Systems.",
            ("Vantor Systems", "ORG"),
            ("Kestrel", "WEAPON"),
        ),
        # "Patriot" is a WEAPON once, and left unlabelled three times: not a known name.
        _marked("A Patriot battery arrived.", ("Patriot", "WEAPON")),
        _marked("The Patriot Act was cited. Patriot Day came. Patriot fans cheered."),
    ]
    known = learn_known_names(docs, LABELS, nlp)
    assert known.names["Vantor Systems"] == "ORG"
    assert known.names["Kestrel"] == "WEAPON"
    assert "Patriot" not in known.names
    assert known.labels == frozenset()  # nothing is filled until training measures it
    assert known.counts() == {"ORG": 1, "WEAPON": 1}


def test_parts_of_names_are_learned_only_where_the_data_shows_they_stand_alone(
    nlp: spacy.language.Language,
) -> None:
    """People go by their last name in these texts, organisations never by their last word:
    "Pistorius" (only ever seen in "Boris Pistorius") is known, "Defence" is not."""
    docs = [
        _marked(
            "Boris Pistorius met Mark Rutte at the Ministry of Defence. Rutte smiled.",
            ("Boris Pistorius", "PERSON"),
            ("Mark Rutte", "PERSON"),
            ("Rutte", "PERSON"),
            ("Ministry of Defence", "ORG"),
        ),
        _marked(
            "Lloyd Austin spoke. Austin and Rutte agreed. Defence spending rose.",
            ("Lloyd Austin", "PERSON"),
            ("Austin", "PERSON"),
            ("Rutte", "PERSON"),
        ),
        _marked(
            "The Department of Defence and Defence chiefs met.", ("Department of Defence", "ORG")
        ),
    ]
    known = learn_known_names(docs, LABELS, nlp)
    assert known.names["Pistorius"] == "PERSON"  # borrowed from its end's evidence
    assert known.names["Austin"] == "PERSON"
    assert "Defence" not in known.names
    assert "Boris" not in known.names  # first names stand alone nowhere in these texts


def _span(text: str, name: str, label: str) -> Span:
    start = text.index(name)
    return Span(start, start + len(name), label, SpanState.SUGGESTED, "model")


def test_known_names_fill_gaps_relabel_exact_bounds_and_respect_the_model(
    nlp: spacy.language.Language,
) -> None:
    known = KnownNames(
        {
            "Pistorius": "PERSON",
            "Zelensky": "PERSON",
            "Lima": "PERSON",
            "Kestrel": "WEAPON",
            "Kestrel Systems": "ORG",
        },
        frozenset({"PERSON", "ORG"}),
    )
    text = "Zelensky thanked Pistorius in Lima; Kestrel Systems and the Kestrel; zelensky."
    doc = doc_with(text, [("Lima", "GPE")])  # the model reads a place there
    suggested = [_span(text, "Pistorius", "ORG")]
    filled = known.fill(doc, suggested, known.matcher(nlp), [*LABELS, "QUANTITY"])
    got = {(text[s.start : s.end], s.label, s.source) for s in filled}
    assert got == {
        ("Zelensky", "PERSON", KNOWN_SOURCE),  # a gap: added
        ("Pistorius", "PERSON", KNOWN_SOURCE),  # exact bounds, another label: relabelled
        ("Kestrel Systems", "ORG", KNOWN_SOURCE),  # the longest name wins
    }  # not "Lima" (the model's place), not WEAPON (not filled), not "zelensky" (case kept)
    # A suggestion that overlaps a known name with other bounds stays as it is.
    overlapping = [_span(text, "Zelensky thanked", "ORG")]
    filled = known.fill(doc, overlapping, known.matcher(nlp), LABELS)
    assert (text[filled[0].start : filled[0].end], filled[0].label) == ("Zelensky thanked", "ORG")


def test_a_known_name_one_space_from_a_span_of_its_label_is_a_title_or_a_part(
    nlp: spacy.language.Language,
) -> None:
    # "Maj" is a known PERSON (the last word of "Piotr Maj" in the start model's documents),
    # and in a signature block it is the rank before a name the model found.
    known = KnownNames({"Maj": "PERSON", "Okafor": "PERSON"}, frozenset({"PERSON"}))
    text = "c.c. Maj D. Okafor, DSSPM. Okafor Maj said so; Maj agreed."
    doc = doc_with(text, [])
    suggested = [_span(text, "D. Okafor", "PERSON")]
    filled = known.fill(doc, suggested, known.matcher(nlp), LABELS)
    got = [(s.start, text[s.start : s.end], s.source) for s in filled]
    okafor = text.index("Okafor Maj")
    assert got == [
        (text.index("D. Okafor"), "D. Okafor", "model"),  # "Maj" before it is a title
        (okafor, "Okafor", KNOWN_SOURCE),  # the first of two names one space apart
        (text.index("Maj agreed"), "Maj", KNOWN_SOURCE),  # on its own: a name
    ]
    # Beside a span of another label, a known name is still a name of its own.
    other = [_span(text, "D. Okafor", "ORG")]
    filled = known.fill(doc, other, known.matcher(nlp), LABELS)
    assert ("Maj", KNOWN_SOURCE) in {(text[s.start : s.end], s.source) for s in filled[:1]}


def test_stored_names_are_read_as_untrusted_input() -> None:
    known = KnownNames({"Rutte": "PERSON", "Kestrel": "WEAPON"}, frozenset({"PERSON"}))
    stored = known.to_json()
    assert stored == {"names": {"PERSON": ["Rutte"], "WEAPON": ["Kestrel"]}, "labels": ["PERSON"]}
    assert KnownNames.from_json(json.loads(json.dumps(stored)), LABELS) == known
    assert KnownNames.from_json(None, LABELS) == KnownNames({})
    crafted = [
        [],
        {"names": []},
        {"names": {"PERSON": ["Rutte"]}, "labels": [3]},
        {"names": {"PERSON": "Rutte"}, "labels": []},
        {"names": {"PERSON": [3]}, "labels": []},
        {"names": {"PERSON": ["  "]}, "labels": []},
        {"names": {"PERSON": ["x" * 201]}, "labels": []},
        {"names": {"SHIP": ["Kirov", 3]}, "labels": []},  # checked even where it is dropped
    ]
    for data in crafted:
        with pytest.raises(KnownNamesError):
            KnownNames.from_json(data, LABELS)
    # A label renamed or removed since the training: its names are dropped, the rest serve.
    since = {"names": {"SHIP": ["Kirov"], "PERSON": ["Rutte"]}, "labels": ["SHIP", "PERSON"]}
    assert KnownNames.from_json(since, LABELS) == KnownNames(
        {"Rutte": "PERSON"}, frozenset({"PERSON"})
    )


def test_training_writes_no_more_names_than_loading_accepts(
    nlp: spacy.language.Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.nlp.train import known_names

    monkeypatch.setattr(known_names, "MAX_NAMES", 2)
    docs = [
        _marked(
            "Kestrel and Osprey flew; Kestrel again.", ("Kestrel", "WEAPON"), ("Osprey", "WEAPON")
        ),
        _marked(
            "Harrier, Osprey and Kestrel.",
            ("Harrier", "WEAPON"),
            ("Osprey", "WEAPON"),
            ("Kestrel", "WEAPON"),
        ),
    ]
    known = learn_known_names(docs, LABELS, nlp)
    assert known.names == {"Kestrel": "WEAPON", "Osprey": "WEAPON"}  # seen right most often
    KnownNames.from_json(known.to_json(), LABELS)  # loads


def test_training_learns_the_projects_names_and_the_model_suggests_them(
    project: ProjectStore, capsys: pytest.CaptureFixture[str]
) -> None:
    project.add_documents(_doc(i) for i in range(10))
    report = train_project(project, TrainOptions(epochs=2, use="always"))
    names = report.known_names["names"]
    assert "Anna Kowalski" in names["PERSON"] and "Norvik Group" in names["ORG"]
    assert "QUANTITY" not in names  # numbers make quantities, not names
    assert "Known names:" in report.summary()
    stored = project.model(int(report.model_id or 0)).report
    assert stored["known_names"] == report.known_names
    count = sum(len(v) for v in names.values())
    assert project.model(int(report.model_id or 0)).choice_text.endswith(f"; {count:,} known names")
    suggester = suggester_for_project(project)
    text = "Yesterday Sara Lund and Omar Haddad visited Kelb Dynamics, then Lena Berg."
    got = {(text[s.start : s.end], s.label) for s in suggester.suggest_one(text)}
    for name, label in [
        ("Sara Lund", "PERSON"),
        ("Omar Haddad", "PERSON"),
        ("Kelb Dynamics", "ORG"),
        ("Lena Berg", "PERSON"),
    ]:
        assert (name, label) in got
    # A known name the annotators asked never to see again is not suggested.
    project.set_suppression("Lena Berg", "PERSON", "suppressed")
    got = {
        (text[s.start : s.end], s.label) for s in suggester_for_project(project).suggest_one(text)
    }
    assert ("Lena Berg", "PERSON") not in got and ("Sara Lund", "PERSON") in got
    # They can be listed: `annotator models PROJECT --names ID`.
    path, model = str(project.path), str(report.model_id)
    assert main(["models", path]) == 0
    listing = capsys.readouterr().out
    assert "base model, patterns, rules" in listing  # what the untrained suggester ran over
    assert f"; {count:,} known names" in listing
    assert main(["models", path, "--names", model]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "*PERSON\tAnna Kowalski" in lines and "*ORG\tNorvik Group" in lines
    assert main(["models", path, "--names", model, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == report.known_names
    # Switched off, training learns none, and a crafted list is refused as a damaged report.
    off = train_project(project, TrainOptions(epochs=1, use="never", known_names=False))
    assert off.known_names == {}
    assert main(["models", path, "--names", str(off.model_id)]) == 0
    assert "learned no names" in capsys.readouterr().out
    crafted = {**stored, "known_names": {"names": {"PERSON": [7]}, "labels": ["PERSON"]}}
    project._conn.execute(
        "UPDATE models SET report = ? WHERE id = ?", (json.dumps(crafted), report.model_id)
    )
    with pytest.raises(StoredModelError, match="damaged report"):
        suggester_for_project(project)
    assert main(["models", path, "--names", model]) != 0
    assert "damaged report" in capsys.readouterr().err
    # Renaming a label in the Labels dialog leaves the model usable: ORG's names are dropped.
    project._conn.execute(
        "UPDATE models SET report = ? WHERE id = ?", (json.dumps(stored), report.model_id)
    )
    labels = project.labels()
    renamed = LabelSet([replace(x, name="COMPANY") if x.name == "ORG" else x for x in labels])
    project.set_labels(renamed, renames={"ORG": "COMPANY"})
    spans = suggester_for_project(project).suggest_one(text)  # loads: before, "damaged"
    assert ("Sara Lund", "PERSON") in {(text[s.start : s.end], s.label) for s in spans}
    assert main(["models", path, "--names", model]) == 0
    listing = capsys.readouterr().out
    assert "*PERSON\tAnna Kowalski" in listing and "Norvik Group" not in listing


def test_when_the_model_loses_the_untrained_suggester_takes_the_known_names(
    project: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that loses on the held-out part is not used, but the names its training learned
    can still serve: the untrained suggester with them, when that beats what suggests now.
    The model is made to lose by covering every word of the held-out texts with ORG."""
    import re

    from annotator.nlp.train import project as training

    def losing(store, labels, nlp, texts, *rest):  # type: ignore[no-untyped-def]
        junk = [
            [
                Span(m.start(), m.end(), "ORG", SpanState.SUGGESTED, "model")
                for m in re.finditer(r"\S+", t)
            ]
            for t in texts
        ]
        return {source: junk for source in ("model+rules", "model+patterns", "model")}

    monkeypatch.setattr(training, "model_outputs", losing)
    project.add_documents(_doc(i) for i in range(10))
    report = train_project(project, TrainOptions(epochs=1))
    assert report.used and report.known_only and not report.kinds_only
    assert set(report.choice.values()) == {"untrained"}
    assert report.tables["new"]["overall"]["f"] > report.tables["current"]["overall"]["f"]
    assert "but the known names won" in report.summary()
    assert report.known_names["labels"]
    # The blank pipeline's untrained suggester misses "Kelb Dynamics": training taught it.
    text = "Yesterday Sara Lund met the board of Kelb Dynamics."
    spans = suggester_for_project(project).suggest_one(text)
    assert ("Kelb Dynamics", "ORG") in {(text[s.start : s.end], s.label) for s in spans}
    project.use_model(None)
    spans = suggester_for_project(project).suggest_one(text)
    assert ("Kelb Dynamics", "ORG") not in {(text[s.start : s.end], s.label) for s in spans}


def test_known_names_are_kept_or_dropped_on_every_group_together(
    nlp: spacy.language.Language,
) -> None:
    """A name the training documents teach but the evidence's annotators never accept is
    surely worse: twelve documents in two groups show it where neither group alone (six,
    fewer than ``scoring.MIN_DOCUMENTS``) can; a label the evidence shows right is kept."""
    from annotator.nlp.train.decide import Evidence, known_names
    from annotator.nlp.train.evidence import Group

    taught = [
        _marked("Mara met Ivo Petrov at the depot.", ("Mara", "PERSON"), ("Ivo Petrov", "PERSON"))
    ] * 3
    taught = [
        *taught,
        _marked("Kestrel Arms sold it.", ("Kestrel Arms", "ORG")),
        _marked("Kestrel Arms said no.", ("Kestrel Arms", "ORG")),
        _marked("A Hawk flew and a Hawk fired.", ("Hawk", "WEAPON")),
    ]
    documents = [LabelledText(text, tuple(spans)) for text, spans in taught]
    texts = [f"Mara passed Kestrel Arms with Jon Bell and a Hawk, day {i}." for i in range(12)]
    # Here "Mara" is a boat (no span), "Kestrel Arms" the company, a hawk a bird (and no text
    # has any weapon: its names, all wrong, go however few the documents); the model found
    # Jon Bell.
    gold = [
        [_span(t, "Kestrel Arms", "ORG").key, _span(t, "Jon Bell", "PERSON").key] for t in texts
    ]
    found = [[_span(t, "Jon Bell", "PERSON")] for t in texts]

    def groups(count: int) -> list[Group]:
        halves = [(texts[:6], gold[:6]), (texts[6:], gold[6:])][:count]
        return [Group(nlp, list(t), [list(g) for g in gs], {}) for t, gs in halves]

    for count, kept in ((2, ["ORG"]), (1, ["ORG", "PERSON"])):
        evidence = Evidence(groups(count), frozenset(), frozenset())
        suggested = [found[:6], found[6:]][:count]
        named = known_names(evidence, ["PERSON", "ORG", "WEAPON"], [documents] * count, suggested)
        assert sorted(named.known.labels) == kept
        first = named.combined[0][0]
        assert ("ORG", "Kestrel Arms") in {(s.label, texts[0][s.start : s.end]) for s in first}
        assert ("PERSON" in kept) == ("Mara" in {texts[0][s.start : s.end] for s in first})
        assert all(s.label != "WEAPON" for g in named.combined for spans in g for s in spans)


def _span(text: str, name: str, label: str) -> Span:
    start = text.index(name)
    return Span(start, start + len(name), label, SpanState.SUGGESTED, "model")

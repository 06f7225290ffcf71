"""What an export writes: accepted spans only by default, suggestions and unanswered documents
on request (never as accepted spans), and an exact seeded train/dev split."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import srsly
from spacy.tokens import DocBin

from annotator.core.model import Answer, Span, SpanState
from annotator.core.store import NewDocument, ProjectStore
from annotator.formats.exporting import export_project
from annotator.formats.importing import import_files
from annotator.formats.records import FormatError

TEXT = "NATO sent HIMARS to Kyiv and 2,000 soldiers."
NATO = Span(0, 4, "ORG")
HIMARS = Span(10, 16, "WEAPON", source="model")
SOLDIERS = Span(29, 43, "QUANTITY", source="pattern")


@pytest.fixture
def seeded(project: ProjectStore) -> ProjectStore:
    """An accepted document whose suggestions were shown and left alone (HIMARS, soldiers),
    one unanswered document with suggestions, and one nobody opened (cached suggestions)."""
    project.add_documents(
        [
            NewDocument(TEXT, {}),
            NewDocument("Russia moved Iskander missiles.", {}),
            NewDocument("Patriot batteries arrived.", {}),
        ]
    )
    first, second, third = project.document_ids()
    project.seed_suggestions(first, "ann", [NATO, HIMARS, SOLDIERS])
    # NATO accepted, the two others left as suggestions.
    project.replace_span(first, "ann", NATO.with_(state=SpanState.SUGGESTED), NATO)
    project.set_answer(first, "ann", Answer.ACCEPT)
    project.seed_suggestions(second, "ann", [Span(13, 21, "WEAPON", source="model")])
    project.store_suggestions([(third, [Span(0, 7, "WEAPON", source="model")])], "v1")
    return project


def _accepted_state(project: ProjectStore) -> list[tuple[str, str]]:
    annotation = project.annotation(project.document_ids()[0], "ann")
    assert annotation is not None
    return [(s.label, s.state.value) for s in annotation.spans]


def test_default_exports_never_write_suggestions_nobody_accepted(
    seeded: ProjectStore, tmp_path: Path
) -> None:
    assert _accepted_state(seeded) == [
        ("ORG", "accepted"),
        ("WEAPON", "suggested"),
        ("QUANTITY", "suggested"),
    ]
    export_project(seeded, tmp_path / "out.jsonl", "jsonl", answers=list(Answer))
    (record,) = srsly.read_jsonl(tmp_path / "out.jsonl")
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [(0, 4, "ORG")]
    assert "suggestions" not in record

    export_project(seeded, tmp_path / "out.conll", "conll")
    tags = [line.split() for line in (tmp_path / "out.conll").read_text().splitlines() if line][1:]
    assert [tag for _, tag in tags if tag != "O"] == ["B-ORG"]

    export_project(seeded, tmp_path / "spacy", "spacy")
    vocab = spacy.blank("en").vocab
    docs = [
        doc
        for name in ("train.spacy", "dev.spacy")
        for doc in DocBin().from_disk(tmp_path / "spacy" / name).get_docs(vocab)
    ]
    assert {(e.text, e.label_) for d in docs for e in d.ents} == {("NATO", "ORG")}


def test_include_suggestions_and_unanswered_in_their_own_key(
    seeded: ProjectStore, tmp_path: Path
) -> None:
    out = tmp_path / "all.jsonl"
    report = export_project(seeded, out, "jsonl", include=("suggestions", "unanswered"))
    records = list(srsly.read_jsonl(out))
    assert report.documents == 3
    assert [r["answer"] for r in records] == ["accept", None, None]
    assert [[s["label"] for s in r["spans"]] for r in records] == [["ORG"], [], []]
    assert [[(s["label"], s["source"]) for s in r["suggestions"]] for r in records] == [
        [("WEAPON", "model"), ("QUANTITY", "pattern")],
        [("WEAPON", "model")],
        [("WEAPON", "model")],  # nobody opened it: the cached suggestions
    ]
    assert records[0]["suggestions"][0]["token_start"] == 2

    # Read back, suggestions stay suggestions and unanswered documents stay unanswered.
    copy = ProjectStore.create(tmp_path / "copy.annot", seeded.labels(), pipeline="blank:en")
    assert import_files(copy, [out], annotator="ann").added == 3
    first, second, _ = copy.document_ids()
    back = copy.annotation(first, "ann")
    assert back is not None and back.answer is Answer.ACCEPT
    assert [(s.label, s.state.value) for s in back.spans] == _accepted_state(seeded)
    unanswered = copy.annotation(second, "ann")
    assert unanswered is not None and unanswered.answer is None
    assert [s.state for s in unanswered.spans] == [SpanState.SUGGESTED]
    copy.close()


def test_include_is_refused_outside_jsonl(seeded: ProjectStore, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="for the jsonl and labelstudio"):
        export_project(seeded, tmp_path / "x.conll", "conll", include=("suggestions",))
    assert not (tmp_path / "x.conll").exists()


def test_spacy_split_is_exact_and_seeded(project: ProjectStore, tmp_path: Path) -> None:
    project.add_documents(
        NewDocument(
            f"Document number {i} is here.", {}, spans=(Span(0, 8, "ORG"),), answer=Answer.ACCEPT
        )
        for i in range(67)
    )
    vocab = spacy.blank("en").vocab

    def dev_texts(seed: int, name: str) -> set[str]:
        export_project(project, tmp_path / name, "spacy", dev_ratio=0.2, seed=seed)
        return {d.text for d in DocBin().from_disk(tmp_path / name / "dev.spacy").get_docs(vocab)}

    splits = [dev_texts(seed, f"s{seed}") for seed in range(6)]
    assert [len(s) for s in splits] == [13] * 6  # round(0.2 * 67), whatever the seed
    assert dev_texts(3, "again") == splits[3]
    assert len({frozenset(s) for s in splits}) == 6

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.tokens import DocBin

from annotator.core.model import Answer, Span
from annotator.core.store import NewDocument, ProjectStore
from annotator.formats import exporting
from annotator.formats.exporting import export_project
from annotator.formats.importing import import_files
from annotator.formats.records import FormatError

PEOPLE = ["Joe Biden", "Jens Stoltenberg", "Olaf Scholz", "Emmanuel Macron", "Rishi Sunak"]
ORGS = ["NATO", "the Pentagon", "Reuters", "Lockheed Martin", "the European Union"]
WEAPONS = ["HIMARS", "Patriot", "Leopard 2", "F-16", "Javelin"]
NUMBERS = ["2,000 soldiers", "400 km", "30 tanks", "$1.3 billion", "1,500 troops"]


def synthetic(i: int) -> tuple[str, list[Span]]:
    """A varied sentence with one span of each label, offsets computed from the parts."""
    parts = [
        (PEOPLE[i % 5], "PERSON"),
        (f" said on day {i} that ", None),
        (ORGS[(i // 5) % 5].removeprefix("the "), "ORG"),
        (" would send ", None),
        (NUMBERS[(i // 2) % 5], "QUANTITY"),
        (" and more ", None),
        (WEAPONS[(i // 3) % 5], "WEAPON"),
        (" systems.", None),
    ]
    text, spans = "", []
    for piece, label in parts:
        if label:
            spans.append(Span(len(text), len(text) + len(piece), label))
        text += piece
    return text, spans


@pytest.fixture
def filled(project: ProjectStore) -> ProjectStore:
    answers = [Answer.ACCEPT] * 130 + [Answer.REJECT] * 10 + [Answer.IGNORE] * 5 + [None] * 5
    docs = []
    for i, answer in enumerate(answers):
        text, spans = synthetic(i)
        docs.append(
            NewDocument(text, {"n": i}, "gen", i + 1, tuple(spans) if answer else (), answer, "ann")
        )
    project.add_documents(docs)
    return project


def test_jsonl_export_has_prodigy_shape(filled: ProjectStore, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    report = export_project(filled, out, "jsonl")
    lines = list(srsly.read_jsonl(out))
    assert report.documents == len(lines) == 130
    first = lines[0]
    assert set(first) >= {"text", "tokens", "spans", "answer", "meta", "_input_hash", "_task_hash"}
    assert first["answer"] == "accept" and first["meta"] == {"n": 0}
    nlp = spacy.blank("en")
    for line in lines:
        doc = nlp(line["text"])
        assert [t["text"] for t in line["tokens"]] == [t.text for t in doc]
        assert [t["ws"] for t in line["tokens"]] == [bool(t.whitespace_) for t in doc]
        for span in line["spans"]:
            tokens = doc[span["token_start"] : span["token_end"] + 1]  # token_end is inclusive
            assert (tokens.start_char, tokens.end_char) == (span["start"], span["end"])
    all_answers = export_project(filled, out, "jsonl", answers=list(Answer))
    assert all_answers.documents == 145


def test_conll_export_tags(filled: ProjectStore, tmp_path: Path) -> None:
    out = tmp_path / "out.conll"
    export_project(filled, out, "conll")
    blocks = out.read_text(encoding="utf-8").split("-DOCSTART- -X- O O\n\n")[1:]
    assert len(blocks) == 130
    rows = [line.split(" ") for line in blocks[0].strip().splitlines()]
    assert rows[:3] == [["Joe", "B-PERSON"], ["Biden", "I-PERSON"], ["said", "O"]]
    assert ["HIMARS", "B-WEAPON"] in rows


def test_spacy_export_split_and_config(filled: ProjectStore, tmp_path: Path) -> None:
    report = export_project(filled, tmp_path / "spacy", "spacy", dev_ratio=0.25, seed=3)
    nlp = spacy.blank("en")
    train = list(DocBin().from_disk(tmp_path / "spacy" / "train.spacy").get_docs(nlp.vocab))
    dev = list(DocBin().from_disk(tmp_path / "spacy" / "dev.spacy").get_docs(nlp.vocab))
    assert len(train) + len(dev) == report.documents == 130
    assert 15 < len(dev) < 50
    assert {e.label_ for d in train for e in d.ents} == {"PERSON", "ORG", "QUANTITY", "WEAPON"}
    again = export_project(filled, tmp_path / "again", "spacy", dev_ratio=0.25, seed=3)
    assert again.documents == report.documents
    assert (tmp_path / "again" / "dev.spacy").read_bytes() == (
        tmp_path / "spacy" / "dev.spacy"
    ).read_bytes()
    assert "[components.ner]" in (tmp_path / "spacy" / "config.cfg").read_text()


def test_export_is_atomic_when_it_fails_midway(
    filled: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    calls = {"n": 0}
    real = exporting.jsonl_record

    def crash_after_50(*args: object) -> dict[str, object]:
        calls["n"] += 1
        if calls["n"] > 50:
            raise RuntimeError("disk on fire")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(exporting, "jsonl_record", crash_after_50)
    with pytest.raises(RuntimeError):
        export_project(filled, out, "jsonl")
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_misaligned_span_stops_export_with_its_text(project: ProjectStore, tmp_path: Path) -> None:
    # The store takes any non-overlapping range; the export is where tokens are enforced.
    project.add_documents(
        [NewDocument("The Iskanders flew.", {}, answer=Answer.ACCEPT, annotator="a")]
    )
    project.add_span(project.document_ids()[0], "a", Span(4, 12, "WEAPON"))  # "Iskander" + "s"
    with pytest.raises(FormatError, match="Iskander"):
        export_project(project, tmp_path / "x.jsonl", "jsonl")
    assert not (tmp_path / "x.jsonl").exists()


def test_round_trip_jsonl(filled: ProjectStore, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    export_project(filled, out, "jsonl", answers=list(Answer))
    copy = ProjectStore.create(tmp_path / "copy.annot", filled.labels(), pipeline="blank:en")
    report = import_files(copy, [out])
    assert report.added == 145 and not report.errors

    def content(store: ProjectStore) -> list[tuple[str, object, list[tuple[int, int, str]]]]:
        return [
            (doc.text, a.answer, [s.key for s in a.spans])
            for doc, a in store.iter_annotations(list(Answer))
        ]

    assert content(copy) == content(filled)


def test_round_trip_spacy(filled: ProjectStore, tmp_path: Path) -> None:
    export_project(filled, tmp_path / "spacy", "spacy")
    copy = ProjectStore.create(tmp_path / "copy.annot", filled.labels(), pipeline="blank:en")
    import_files(copy, [tmp_path / "spacy" / "train.spacy", tmp_path / "spacy" / "dev.spacy"])
    original = {doc.text: [s.key for s in a.spans] for doc, a in filled.iter_annotations()}
    copied = {doc.text: [s.key for s in a.spans] for doc, a in copy.iter_annotations()}
    assert copied == original


def _spacy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spacy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _spacy_train(folder: Path, steps: int) -> subprocess.CompletedProcess[str]:
    """`spacy train` on an export, a few steps, writing folder/model."""
    paths = ["--paths.train", "train.spacy", "--paths.dev", "dev.spacy"]
    limits = ["--training.max_steps", str(steps), "--training.eval_frequency", str(steps // 2)]
    return _spacy("train", "config.cfg", *paths, "--output", "model", *limits, cwd=folder)


@pytest.mark.slow
def test_spacy_debug_data_and_train_accept_the_export(filled: ProjectStore, tmp_path: Path) -> None:
    folder = tmp_path / "spacy"
    export_project(filled, folder, "spacy")
    paths = ["--paths.train", "train.spacy", "--paths.dev", "dev.spacy"]
    checked = _spacy("debug", "data", "config.cfg", *paths, cwd=folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    summary = checked.stdout.split("Summary")[-1]
    assert "error" not in summary.lower(), checked.stdout
    trained = _spacy_train(folder, steps=6)
    assert trained.returncode == 0, trained.stdout + trained.stderr
    nlp = spacy.load(folder / "model" / "model-last")
    assert "ner" in nlp.pipe_names
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "ORG", "QUANTITY", "WEAPON"}


@pytest.mark.slow
def test_exported_config_fine_tunes_the_installed_ner(tmp_path: Path) -> None:
    store = ProjectStore.create(tmp_path / "real.annot", ["PERSON", "ORG", "WEAPON", "QUANTITY"])
    text = "NATO said Russia moved Iskander missiles and 2,000 soldiers near Kharkiv."
    spans = tuple(
        Span(text.index(part), text.index(part) + len(part), label)
        for part, label in (("NATO", "ORG"), ("Iskander", "WEAPON"), ("2,000 soldiers", "QUANTITY"))
    )
    store.add_documents(
        NewDocument(f"{text} ({i})", {}, spans=spans, answer=Answer.ACCEPT) for i in range(4)
    )
    folder = tmp_path / "spacy"
    export_project(store, folder, "spacy")
    store.close()
    config = (folder / "config.cfg").read_text(encoding="utf-8")
    assert 'source = "en_core_web_sm' in config
    trained = _spacy_train(folder, steps=4)
    assert trained.returncode == 0, trained.stdout + trained.stderr
    labels = set(spacy.load(folder / "model" / "model-last").get_pipe("ner").labels)
    assert {"WEAPON", "GPE", "DATE", "CARDINAL"} <= labels  # sourced: the base labels stay


def test_jsonl_lines_are_plain_json(filled: ProjectStore, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    export_project(filled, out, "jsonl")
    with open(out, encoding="utf-8") as handle:
        for line in handle:
            assert isinstance(json.loads(line)["_task_hash"], int)

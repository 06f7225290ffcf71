"""Import of explicit negatives (``"spans": []`` --as accepted) and label options, through
the command line as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srsly

from annotator.cli import main
from annotator.core.model import Answer
from annotator.core.store import ProjectStore
from annotator.nlp.train.data import LabelledText, paragraphs

REPO = Path(__file__).resolve().parents[2]


NEGATIVES = [
    "The weather stayed mild all week, with light rain expected on Sunday.",
    "Prices at the market were unchanged from the previous month.",
    "Schools reopened after the holiday and traffic returned to normal.",
]


def _gold_paragraphs() -> list[dict[str, object]]:
    """12 gold paragraphs: 9 cut from the dev gold files (with entities), 3 with none."""
    found: list[dict[str, object]] = []
    for name in ("dev-01", "dev-02"):
        (record,) = srsly.read_jsonl(REPO / "corpora" / "dev" / f"{name}.gold.jsonl")
        spans = tuple((s["start"], s["end"], s["label"]) for s in record["spans"])
        for piece in paragraphs(LabelledText(record["text"], spans)):
            keys = ("start", "end", "label")
            found.append(
                {
                    "text": piece.text,
                    "spans": [dict(zip(keys, s, strict=True)) for s in piece.spans],
                }
            )
    return found[:9] + [{"text": text, "spans": []} for text in NEGATIVES]


def test_twelve_gold_paragraphs_in_twelve_out(tmp_path: Path) -> None:
    project, source, out = tmp_path / "p.annot", tmp_path / "gold.jsonl", tmp_path / "out.jsonl"
    gold = _gold_paragraphs()
    unlabelled = {"text": "Nobody has looked at this paragraph yet."}  # no "spans": unanswered
    srsly.write_jsonl(source, [*gold, unlabelled])
    assert main(["new", str(project), "--pipeline", "blank:en"]) == 0
    assert main(["import", str(project), str(source), "--as", "accepted"]) == 0
    assert main(["export", str(project), str(out)]) == 0
    written = list(srsly.read_jsonl(out))
    assert len(written) == 12
    assert sorted(r["text"] for r in written) == sorted(str(g["text"]) for g in gold)
    negatives = [r for r in written if r["text"] in NEGATIVES]
    assert [(r["spans"], r["answer"]) for r in negatives] == [([], "accept")] * 3
    with ProjectStore.open(project) as store:
        assert store.stats()["answers"][Answer.ACCEPT.value] == 12
        assert store.count_to_do(store.annotators()[0]) == 1  # the unlabelled one


TEXT = "Protesters from Kyiv met NATO officials in Brussels."
RECORD = {
    "text": TEXT,
    "spans": [
        {"start": 16, "end": 20, "label": "GPE"},
        {"start": 25, "end": 29, "label": "NORP"},
        {"start": 43, "end": 51, "label": "GPE"},
    ],
}


@pytest.fixture
def labelled(tmp_path: Path) -> tuple[Path, Path]:
    project, source = tmp_path / "p.annot", tmp_path / "in.jsonl"
    srsly.write_jsonl(source, [RECORD])
    assert main(["new", str(project), "--pipeline", "blank:en"]) == 0
    return project, source


def test_unknown_label_names_the_label_and_both_options(
    labelled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project, source = labelled
    assert main(["import", str(project), str(source)]) == 3
    err = capsys.readouterr().err
    assert "in.jsonl:1: unknown label 'GPE'" in err
    assert "--label-map GPE=LABEL" in err and "--add-labels" in err
    with ProjectStore.open(project) as store:
        assert store.count_documents() == 0


def test_label_map_renames_and_drops_loudly(
    labelled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project, source = labelled
    assert main(["import", str(project), str(source), "--label-map", "GPE=,NORP=ORG"]) == 0
    out = capsys.readouterr().out
    assert "DROPPED by --label-map: 2 GPE spans" in out
    assert "renamed by --label-map: 1 NORP spans" in out
    with ProjectStore.open(project) as store:
        (doc_id,) = store.document_ids()
        annotation = store.annotation(doc_id, store.annotators()[0])
        assert annotation is not None
        assert [s.key for s in annotation.spans] == [(25, 29, "ORG")]


def test_add_labels_adds_them_like_the_window(
    labelled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project, source = labelled
    assert main(["import", str(project), str(source), "--add-labels", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["labels_added"] == ["GPE", "NORP"]
    with ProjectStore.open(project) as store:
        labels = store.labels()
        assert labels.names[-2:] == ["GPE", "NORP"]
        assert [labels[4].key, labels[5].key] == ["5", "6"]  # the next free digits
        assert labels[4].color != labels[3].color


def test_labels_command_lists_and_adds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.annot"
    assert main(["new", str(project), "--labels", "PERSON,ORG", "--pipeline", "blank:en"]) == 0
    capsys.readouterr()
    assert main(["labels", str(project), "--add", "GPE,ORG,NORP", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(x["name"], x["key"]) for x in listed["labels"]] == [
        ("PERSON", "1"),
        ("ORG", "2"),
        ("GPE", "3"),
        ("NORP", "4"),
    ]
    assert listed["added"] == ["GPE", "NORP"]
    assert main(["labels", str(project)]) == 0
    assert "NORP" in capsys.readouterr().out
    assert main(["labels", str(project), "--add", "9bad"]) == 2
    assert "must start with a letter" in capsys.readouterr().err


def test_a_bad_label_map_is_a_usage_error(
    labelled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project, source = labelled
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(project), str(source), "--label-map", "GPE"])
    assert exit_.value.code == 2
    assert "OLD=NEW" in capsys.readouterr().err

"""The learning loop on a blank pipeline (a new NER trained from scratch: quick)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.model import Answer, Span
from annotator.core.progress import Cancelled, CancelToken
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.preannotate import suggester_for_project
from annotator.nlp.train.data import LabelledText, paragraphs
from annotator.nlp.train.project import TrainError, TrainOptions, train_project
from annotator.nlp.train.stored import StoredModelError, load_model

PEOPLE = ["Anna Kowalski", "Rui Tanaka", "Omar Haddad", "Lena Berg", "Ivo Petrov", "Sara Lund"]
ORGS = ["Vantor Systems", "Kelb Dynamics", "Norvik Group", "Astel Labs"]


def _doc(i: int, orgs: list[str] = ORGS) -> NewDocument:
    person, org = PEOPLE[i % len(PEOPLE)], orgs[i % len(orgs)]
    text = f"{person} joined {org} on Monday.\n\nThe board of {org} thanked {person} warmly."
    spans = []
    for name, label in ((person, "PERSON"), (org, "ORG")):
        start = 0
        while (start := text.find(name, start)) != -1:
            spans.append(Span(start, start + len(name), label))
            start += len(name)
    return NewDocument(text, {"i": i}, spans=tuple(spans), answer=Answer.ACCEPT)


@pytest.fixture
def trained_project(project: ProjectStore) -> ProjectStore:
    project.add_documents(_doc(i) for i in range(10))
    project.add_documents([NewDocument("Nothing to see here today.", {}, answer=Answer.ACCEPT)])
    return project


def test_paragraphs_keep_spans_and_never_cut_one() -> None:
    text = "A met B.\n\nC met D.\n\n\nE."
    item = LabelledText(text, ((0, 1, "PERSON"), (10, 11, "PERSON"), (21, 22, "ORG")))
    pieces = list(paragraphs(item))
    assert [p.text for p in pieces] == ["A met B.", "C met D.", "E."]
    assert [p.spans for p in pieces] == [((0, 1, "PERSON"),), ((0, 1, "PERSON"),), ((0, 1, "ORG"),)]
    crossing = LabelledText("A\n\nB", ((0, 4, "ORG"),))
    assert [p.text for p in paragraphs(crossing)] == ["A\n\nB"]


def test_too_few_accepted_documents_are_refused_clearly(project: ProjectStore) -> None:
    project.add_documents(_doc(i) for i in range(3))
    with pytest.raises(TrainError, match="at least 4 accepted documents"):
        train_project(project)
    assert project.models() == []


def test_training_stores_a_scored_model_and_fixes_the_split(trained_project: ProjectStore) -> None:
    steps: list[str] = []
    report = train_project(
        trained_project, TrainOptions(epochs=3), progress=lambda d, t, text: steps.append(text)
    )
    assert any(s.startswith("epoch 3/3, loss") and "held-out F1" in s for s in steps)
    assert report.heldout_documents == 2  # exactly round(0.2 * 11)
    assert report.train_documents == 9
    assert set(report.choice) == {"PERSON", "ORG", "WEAPON", "QUANTITY"}
    for source in ("untrained", "current", "model", "model+patterns", "model+rules", "new"):
        assert set(report.tables[source]) == {"PERSON", "ORG", "WEAPON", "QUANTITY", "overall"}
    point, low, high = report.difference  # new - now on the held-out part, and its range
    new_f, now_f = report.tables["new"]["overall"]["f"], report.tables["current"]["overall"]["f"]
    assert point == pytest.approx(new_f - now_f, abs=1e-3)
    assert low <= point <= high
    assert "Held-out F1, new minus now" in report.summary()
    # A blank pipeline has no weights the shipped start model was built from: its own start.
    assert report.start.startswith("the project's pipeline, blank_en ")
    assert "start model" not in report.start and not report.start_shipped
    assert report.start_problem == ""
    assert f"started from {report.start}" in report.summary()
    (stored,) = trained_project.models()
    assert stored.id == report.model_id
    assert stored.documents == 9
    assert stored.report["choice"] == report.choice
    assert (trained_project.active_model() == stored.id) == report.used
    parts = trained_project.parts()
    assert sorted(parts.values()).count("heldout") == 2
    # The split is fixed: a second run with another ratio is refused, the same run is not.
    with pytest.raises(TrainError, match="fixed"):
        train_project(trained_project, TrainOptions(epochs=1, eval_ratio=0.5))
    train_project(trained_project, TrainOptions(epochs=1, use="never"))
    assert trained_project.parts() == parts
    assert len(trained_project.models()) == 2


def test_the_used_model_suggests_with_its_own_version(trained_project: ProjectStore) -> None:
    before = suggester_for_project(trained_project).version
    report = train_project(trained_project, TrainOptions(epochs=3, use="always"))
    assert trained_project.active_model() == report.model_id
    learned = suggester_for_project(trained_project)
    assert learned.version != before
    assert learned.version.startswith(f"project-trained-m{report.model_id}")
    spans = learned.suggest_one("Anna Kowalski joined Norvik Group on Monday.")
    assert all(s.label in {"PERSON", "ORG", "WEAPON", "QUANTITY"} for s in spans)
    trained_project.use_model(None)
    assert suggester_for_project(trained_project).version == before


def test_cancel_leaves_the_project_as_it_was(trained_project: ProjectStore) -> None:
    token = CancelToken()

    def progress(done: int, total: int | None, text: str) -> None:
        if text.startswith("epoch 1/"):
            token.cancel()

    with pytest.raises(Cancelled):
        train_project(
            trained_project,
            TrainOptions(epochs=5),
            progress=progress,
            cancel=token,
        )
    assert trained_project.models() == []
    assert trained_project.parts() == {}
    assert trained_project.setting("heldout_ratio") == ""


def test_damaged_or_crafted_models_are_refused(trained_project: ProjectStore) -> None:
    report = train_project(trained_project, TrainOptions(epochs=1, use="always"))
    assert report.model_id is not None
    config, weights, digest = trained_project.model_files(report.model_id)
    load_model(config, weights, digest)  # the real one loads
    damaged = weights[:100] + bytes([weights[100] ^ 0xFF]) + weights[101:]
    with pytest.raises(StoredModelError, match="damaged"):
        load_model(config, damaged, digest)
    with pytest.raises(StoredModelError, match="damaged"):
        load_model(config, weights[: len(weights) // 2], digest)
    crafted = config.replace('factory = "ner"', 'factory = "my_module_component"')
    with pytest.raises(StoredModelError, match="only entity recognizers"):
        load_model(crafted, weights, digest)
    foreign = config.replace('"spacy.TransitionBasedParser.v2"', '"evil.Parser.v1"')
    with pytest.raises(StoredModelError, match="not part of spaCy"):
        load_model(foreign, weights, digest)
    # A damaged model in the project file is refused by every caller, never loaded half.
    trained_project._conn.execute(
        "UPDATE models SET weights = ? WHERE id = ?", (damaged, report.model_id)
    )
    with pytest.raises(StoredModelError, match="damaged"):
        suggester_for_project(trained_project)


def test_cli_train_models_use_and_output(
    trained_project: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(trained_project.path)
    out = tmp_path / "pipeline"
    code = main(["train", path, "--epochs", "2", "--json", "--output", str(out), "--use", "never"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model_id"] == 1 and report["used"] is False
    import spacy

    nlp = spacy.load(out, exclude=["annotator_suggestions"])
    assert nlp.pipe_names == [] and "ner" in nlp.disabled  # the suggester runs the model
    nlp.enable_pipe("ner")
    assert {"PERSON", "ORG"} <= set(nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]
    assert main(["models", path, "--use", "1"]) == 0
    assert main(["models", path, "--json"]) == 0
    listing = json.loads(_last_json(capsys))
    assert listing["active"] == 1
    untrained = report["tables"]["untrained as is"]["overall"]["f"]
    assert listing["untrained"] == {"active": False, "heldout_f": untrained}
    assert main(["models", path]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "(untrained)" in x)
    assert line.split()[2] == f"{untrained:.3f}"
    assert main(["models", path, "--use", "untrained"]) == 0
    assert main(["models", path, "--use", "7"]) == 2  # no such model: an error, not a crash


def test_a_start_folder_that_is_no_pipeline_is_a_clear_error(
    trained_project: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(TrainError, match=f"cannot start training from {tmp_path}"):
        train_project(trained_project, TrainOptions(epochs=1, start=str(tmp_path)))
    assert trained_project.models() == []  # nothing stored
    assert main(["train", str(trained_project.path), "--start", str(tmp_path)]) != 0
    assert "no config.cfg" in capsys.readouterr().err
    assert main(["train", str(trained_project.path), "--start", ""]) != 0
    assert "no start given" in capsys.readouterr().err


def _last_json(capsys: pytest.CaptureFixture[str]) -> str:
    text = capsys.readouterr().out
    return text[text.index("{") :]


def test_model_files_checksum_is_sha256(trained_project: ProjectStore) -> None:
    report = train_project(trained_project, TrainOptions(epochs=1, use="never"))
    assert report.model_id is not None
    _, weights, digest = trained_project.model_files(report.model_id)
    assert hashlib.sha256(weights).hexdigest() == digest


def _counts(per_doc: list[tuple[int, int, int]], labels: list[str]) -> list[dict]:
    return [{**{label: c for label in labels}, "overall": c} for c in per_doc]


def test_the_default_source_stays_unless_the_held_out_part_is_sure() -> None:
    from annotator.nlp.train.scoring import choose_sources

    labels = ["PERSON", "ORG"]
    good, poor = (9, 1, 1), (6, 4, 4)
    few = {
        "untrained": _counts([poor, poor], labels),
        "model+rules": _counts([poor, good], labels),
        "model": _counts([good, good], labels),  # better, but on 2 documents only
    }
    choice, rank = choose_sources(few, labels)
    assert choice == {"PERSON": "model+rules", "ORG": "model+rules"}
    assert rank["PERSON"] == pytest.approx(0.75)
    many = {k: v * 6 for k, v in few.items()}  # the same, on 12 documents: sure now
    assert set(choose_sources(many, labels)[0].values()) == {"model"}
    mixed = {
        "untrained": _counts([poor] * 12, labels),
        "model+rules": _counts([poor] * 12, labels),
        "model": _counts([good, (4, 6, 6)] * 6, labels),  # better on half, worse on half
    }
    assert set(choose_sources(mixed, labels)[0].values()) == {"model+rules"}


def test_the_held_out_difference_comes_with_its_bootstrap_range() -> None:
    from annotator.nlp.train.scoring import difference_interval, difference_line

    labels = ["PERSON", "ORG"]
    good, poor = (9, 1, 1), (6, 4, 4)
    same = _counts([poor, good, poor], labels)
    assert difference_interval(same, same) == (0.0, 0.0, 0.0)
    # Better on every one of 12 documents: the whole range is above zero.
    point, low, high = difference_interval(
        _counts([poor] * 12, labels), _counts([good] * 12, labels)
    )
    assert point == pytest.approx(0.3) and low == pytest.approx(0.3) and high == pytest.approx(0.3)
    # Better on half of the documents, worse on the other half: the range spans zero.
    point, low, high = difference_interval(
        _counts([good, poor] * 6, labels), _counts([poor, good] * 6, labels)
    )
    assert point == 0.0 and low < 0 < high
    line = difference_line([0.01, -0.05, 0.07], 2)
    assert "+0.010" in line and "-0.050" in line and "its 2 documents" in line
    assert "rough" in line and "rough" not in difference_line([0.01, -0.05, 0.07], 12)


def test_labels_new_to_the_pipeline_stay_with_their_gazetteer(tmp_path: Path) -> None:
    import spacy

    from annotator.nlp.train.load import project_rules

    labels = ["PERSON", "ORG", "WEAPON", "QUANTITY", "VESSEL"]
    with ProjectStore.create(tmp_path / "real.annot", labels) as real:
        rules = project_rules(real, labels, spacy.blank("en"))
        # WEAPON: unknown to en_core_web_sm, served by the shipped gazetteer -> patterns/rules;
        # VESSEL: no pattern serves it -> the trained model; PERSON, ORG: the model knew them.
        assert rules.label_map.overrides == {"WEAPON": None}
        # ... unless training found the model's own weapons worth it (fiction invents them)
        own = project_rules(real, labels, spacy.blank("en"), model_labels=("WEAPON",))
        assert own.label_map.overrides == {}
    with ProjectStore.create(tmp_path / "blank.annot", labels, pipeline="blank:en") as blank:
        assert project_rules(blank, labels, spacy.blank("en")).label_map.overrides == {}


def test_cli_curve_and_suggest_file_with_the_project_model(
    trained_project: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(trained_project.path)
    assert main(["train", path, "--curve", "--epochs", "1", "--json"]) == 0
    curve = json.loads(capsys.readouterr().out)
    assert [p["fraction"] for p in curve["points"]] == [0.25, 0.5, 0.75, 1.0]
    assert [p["documents"] for p in curve["points"]] == [2, 4, 7, 9]
    assert trained_project.models() == []  # the curve stores nothing
    report = train_project(trained_project, TrainOptions(epochs=2, use="always"))
    before = trained_project.path.read_bytes()
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"text": "Rui Tanaka joined Astel Labs."}) + "\n")
    assert main(["suggest", "--input", str(source), "--output", str(out), "--project", path]) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["text"] == "Rui Tanaka joined Astel Labs."
    assert all(s["label"] in {"PERSON", "ORG", "WEAPON", "QUANTITY"} for s in record["spans"])
    assert trained_project.path.read_bytes() == before  # read-only: the project is unchanged
    assert report.model_id == trained_project.active_model()


def test_kill_9_during_training_leaves_the_project_and_the_model_in_use(
    trained_project: ProjectStore,
) -> None:
    import os
    import signal
    import time

    from annotator.formats.task_process import TaskProcess
    from annotator.nlp.train.project import TrainJob

    first = train_project(trained_project, TrainOptions(epochs=1, use="always"))
    parts = trained_project.parts()
    process = TaskProcess(str(trained_project.path), TrainJob(TrainOptions(epochs=200)))
    process.start()
    deadline = time.monotonic() + 120
    seen: list[str] = []
    while not any(text.startswith("epoch 2/") for text in seen):
        assert time.monotonic() < deadline, seen[-3:]
        seen += [str(m[3]) for m in process.poll() if m[0] == "progress"]
        time.sleep(0.05)
    assert process.pid is not None
    os.kill(process.pid, signal.SIGKILL)  # mid-training, as a crash or the OOM killer would
    process.wait(10)
    assert [m.id for m in trained_project.models()] == [first.model_id]
    assert trained_project.active_model() == first.model_id  # the previous model suggests
    assert trained_project.parts() == parts


def test_a_damaged_split_setting_is_a_clear_error(trained_project: ProjectStore) -> None:
    trained_project.set_setting("heldout_ratio", "nan")
    with pytest.raises(TrainError, match=r"damaged.*--resplit"):
        train_project(trained_project, TrainOptions(epochs=1))
    report = train_project(trained_project, TrainOptions(epochs=1, resplit=True, use="never"))
    assert report.heldout_documents == 2


def test_a_stored_model_naming_no_spacy_language_is_refused(trained_project: ProjectStore) -> None:
    report = train_project(trained_project, TrainOptions(epochs=1, use="never"))
    assert report.model_id is not None
    config, weights, digest = trained_project.model_files(report.model_id)
    for lang in ("zz", "../x", "EN"):
        crafted = config.replace('lang = "en"', f'lang = "{lang}"')
        with pytest.raises(StoredModelError, match="language"):
            load_model(crafted, weights, digest)


def test_output_folder_suggests_what_the_app_suggests(
    trained_project: ProjectStore, tmp_path: Path
) -> None:
    """`spacy.load(DIR)` in a fresh interpreter (found through the package's entry point)
    gives the spans the app suggests with that model: its patterns, label choice and the
    texts it no longer suggests included."""
    import subprocess
    import sys

    trained_project.add_project_pattern({"label": "ORG", "pattern": "Moon Council"})
    trained_project.set_suppression("Rui Tanaka", "PERSON", "suppressed")
    path = str(trained_project.path)
    out = tmp_path / "pipeline"
    assert main(["train", path, "--epochs", "3", "--output", str(out), "--use", "always"]) == 0
    texts = [
        "Anna Kowalski met the Moon Council and Rui Tanaka at Norvik Group.",
        "Sara Lund left Astel Labs. Omar Haddad stayed.",
        "Nothing happened on Tuesday.",
    ]
    app = suggester_for_project(trained_project)
    expected = [[[s.start, s.end, s.label] for s in app.suggest_one(t)] for t in texts]
    assert any(expected), "the model suggests nothing: the comparison would be empty"
    council = texts[0].index("Moon Council")
    assert [council, council + len("Moon Council"), "ORG"] in expected[0]  # the pattern
    rui = texts[0].index("Rui Tanaka")
    assert [rui, rui + len("Rui Tanaka"), "PERSON"] not in expected[0]  # suppressed
    script = (
        "import json, sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "texts = json.loads(sys.stdin.read())\n"
        "print(json.dumps([[[e.start_char, e.end_char, e.label_] for e in nlp(t).ents]"
        " for t in texts]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


def test_rehearsal_takes_the_shipped_texts_first_and_the_projects_own_only_when_short(
    project: ProjectStore,
) -> None:
    """The project's own unanswered texts would teach the untrained suggester's spans on the
    project's own kind of text, what its annotators correct: they come last, and with the
    project's labels unknown."""
    from annotator.nlp.train.accepted import rehearsal_texts
    from annotator.nlp.train.data import shipped_rehearsal_texts

    shipped = shipped_rehearsal_texts()
    project.add_documents(_doc(i) for i in range(4))
    project.add_documents(
        [NewDocument(shipped[0], {}), *(NewDocument(f"Unanswered text {i}.", {}) for i in range(3))]
    )
    texts, own = rehearsal_texts(project, set(), 20)
    assert texts == shipped[1:21] and own == []  # shipped[0] is a document of the project
    texts, own = rehearsal_texts(project, set(), len(shipped) + 5)
    assert texts == shipped[1:]
    assert own == [shipped[0], *(f"Unanswered text {i}." for i in range(3))]
    texts, own = rehearsal_texts(project, set(), len(shipped) + 1)
    assert own == [shipped[0], "Unanswered text 0."]  # only as many as wanted are read


def test_a_document_above_the_text_limit_is_never_rehearsed(
    project: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older version imported texts above today's limit: like gold, never rehearsed."""
    from annotator.nlp.train import accepted
    from annotator.nlp.train.data import shipped_rehearsal_texts

    project.add_documents([NewDocument("A long unanswered text.", {}), NewDocument("Short.", {})])
    monkeypatch.setattr(accepted, "MAX_TEXT_CHARS", 10)
    texts, own = accepted.rehearsal_texts(project, set(), 200)
    assert own == ["Short."] and len(texts) == len(shipped_rehearsal_texts())


def test_a_projects_own_rehearsal_text_leaves_its_labels_unknown() -> None:
    import spacy

    from annotator.nlp.train.data import make_examples, project_labels_unknown

    text = "Lena Berg of Norvik Group flew to Oslo."
    item = LabelledText(text, ((0, 9, "PERSON"), (13, 25, "ORG"), (34, 38, "GPE")))
    unknown = project_labels_unknown(item, ["PERSON", "ORG"])
    assert unknown == LabelledText(text, ((34, 38, "GPE"),), missing=True)
    [example], skipped = make_examples(spacy.blank("en"), [unknown])
    assert skipped == 0
    tags = [t.ent_iob_ for t in example.reference]
    assert tags[:5] == [""] * 5  # "Lena Berg of Norvik Group": unknown, not "no entity"
    assert [(e.text, e.label_) for e in example.reference.ents] == [("Oslo", "GPE")]


def test_when_training_by_itself_is_due(project: ProjectStore) -> None:
    from annotator.nlp.train.auto import (
        AUTO_TRAIN_EVERY,
        MIN_EVERY,
        auto_train_due,
        auto_train_every,
    )

    project.add_documents(_doc(i) for i in range(12))
    assert project.count_accepted_documents() == 12
    assert auto_train_due(project) is None  # off unless the project asks for it
    project.set_setting(AUTO_TRAIN_EVERY, "10")
    assert auto_train_due(project) == (12, 12, True)  # no model yet
    project.add_model(
        name="m", base="b", documents=4, report={"documents": 5}, config="c", weights=b"w"
    )
    assert project.accepted_at_last_training() == 5
    assert auto_train_due(project) is None  # 7 accepted since
    project.add_documents(
        NewDocument(f"Report {i} came in.", {}, answer=Answer.ACCEPT) for i in range(3)
    )
    assert auto_train_due(project) == (10, 15, False)
    assert auto_train_due(project, since=12) is None  # a run that stored nothing, at 12
    project.set_setting(AUTO_TRAIN_EVERY, "1")  # a crafted project: at least MIN_EVERY
    assert auto_train_every(project) == MIN_EVERY
    assert auto_train_due(project, since=14) is None  # 1 new
    project.set_setting(AUTO_TRAIN_EVERY, "0")
    assert auto_train_due(project) is None


def test_a_recipe_keeps_the_labels_its_model_serves_itself() -> None:
    from annotator.nlp.train.load import SuggesterRecipe

    recipe = SuggesterRecipe(
        pipeline="auto",
        labels=("PERSON", "WEAPON"),
        label_map={},
        patterns=(),
        choice={"PERSON": "model+rules", "WEAPON": "model+rules"},
        rank={"PERSON": 0.8, "WEAPON": 0.6},
        model_version="v",
        model_name="model 1",
        created=0.0,
        model_labels=("WEAPON",),
    )
    data = json.loads(json.dumps(recipe.to_json()))
    assert SuggesterRecipe.from_json(data).model_labels == ("WEAPON",)
    del data["model_labels"]  # a pipeline folder written before: the gazetteer serves WEAPON
    assert SuggesterRecipe.from_json(data).model_labels == ()


def test_added_spans_are_weighed_by_the_lower_end_of_their_precision() -> None:
    from annotator.nlp.span_kinds import precision_bound, precision_floor

    assert precision_floor(0, 0) == 0.0
    assert 0.0 < precision_floor(6, 8) < 6 / 8 < precision_bound(6, 8) < 1.0
    assert precision_floor(60, 80) > precision_floor(6, 8)  # more evidence, a narrower range
    assert precision_floor(0, 10) == pytest.approx(0.0, abs=1e-9)


def test_the_models_own_weapons_join_when_surely_precise_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Training weighs the spans the model adds to a gazetteer-served label (WEAPON) on the
    held-out part: kept when their precision is surely above half the label's F1."""
    from annotator.nlp.train import evidence

    labels = ["PERSON", "ORG", "WEAPON", "QUANTITY"]
    texts = [f"text {i}" for i in range(8)]
    gold = [[(0, 4, "WEAPON"), (5, 6, "WEAPON")] for _ in texts]
    old = {s: [[Span(0, 4, "WEAPON")] for _ in texts] for s in evidence.MODEL_SOURCES}

    def trial(right: int, on: list[str]) -> evidence.Outputs:
        numbers = [int(text.split()[1]) for text in on]
        added = [Span(5, 6, "WEAPON") if i < right else Span(5, 7, "WEAPON") for i in numbers]
        spans = [[Span(0, 4, "WEAPON"), extra] for extra in added]
        return {s: spans for s in evidence.MODEL_SOURCES}

    with ProjectStore.create(tmp_path / "p.annot", labels) as store:
        for right, expected in ((7, ["WEAPON"]), (1, [])):
            monkeypatch.setattr(
                evidence, "model_outputs", lambda _s, _l, _n, on, *a, r=right: trial(r, on)
            )
            # The evidence split in two groups (the held-out part and a fold) counts as one.
            groups = [
                evidence.Group(None, texts[a:b], gold[a:b], {s: v[a:b] for s, v in old.items()})  # type: ignore[arg-type]
                for a, b in ((0, 3), (3, 8))
            ]
            chosen = evidence.model_labels(store, labels, groups)
            assert chosen == expected
            outputs = groups[0].outputs
            assert (outputs["model+rules"][0] != old["model+rules"][0]) == bool(expected)

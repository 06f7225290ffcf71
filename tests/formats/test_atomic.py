"""Writes that cannot be redirected or left half done (issue 13): exclusive temporaries with
unpredictable names, targets that are links or special files refused, the spaCy export's three
files switched in as one set, leftovers of killed writers removed, ``new`` leaving nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.model import Answer, Span
from annotator.core.store import NewDocument, ProjectStore, StoreError
from annotator.formats import exporting
from annotator.formats.exporting import export_project
from annotator.formats.records import FormatError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def filled(project: ProjectStore) -> ProjectStore:
    docs = [
        NewDocument(
            f"Joe Biden met NATO on day {i}.",
            {"n": i},
            spans=(Span(0, 9, "PERSON"), Span(14, 18, "ORG")),
            answer=Answer.ACCEPT,
            annotator="ann",
        )
        for i in range(40)
    ]
    project.add_documents(docs)
    return project


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def test_a_link_at_the_old_temporary_name_is_not_followed(
    filled: ProjectStore, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out.jsonl"
    (tmp_path / f".out.jsonl.{os.getpid()}.tmp").symlink_to(victim)
    export_project(filled, out, "jsonl")
    assert victim.read_text() == "precious\n"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 40


def test_the_temporary_is_exclusive_unpredictable_and_beside_the_target(
    filled: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    seen: list[str] = []
    real = exporting.jsonl_record

    def look(*args: object) -> dict[str, object]:
        seen.extend(_leftovers(tmp_path))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(exporting, "jsonl_record", look)
    export_project(filled, out, "jsonl")
    names = set(seen)
    assert len(names) == 1
    (name,) = names
    assert name.startswith(f".out.jsonl.{os.getpid()}-") and name.endswith(".tmp")
    assert len(name) > len(f".out.jsonl.{os.getpid()}-.tmp") + 6  # a random part
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder-link"])
def test_a_target_that_is_not_a_regular_file_is_refused(
    filled: ProjectStore, tmp_path: Path, kind: str
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out.jsonl"
    if kind == "symlink":
        out.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(out)
    else:
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FormatError, match=r"symbolic link|FIFO"):
        export_project(filled, out, "jsonl")
    assert victim.read_text() == "precious\n"
    assert out.is_symlink() if kind != "fifo" else out.is_fifo()
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.islink("/dev/stdout"), reason="needs /dev/stdout as a link")
def test_dev_stdout_and_devices_are_refused_not_replaced(
    filled: ProjectStore, capsys: pytest.CaptureFixture[str]
) -> None:
    path = filled.location
    filled.close()
    assert main(["export", path, "/dev/stdout"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert os.path.islink("/dev/stdout")
    assert main(["export", path, "/dev/null"]) == 2
    assert "device" in capsys.readouterr().err
    assert Path("/dev/null").is_char_device()


def test_dash_is_standard_output(filled: ProjectStore, capfd: pytest.CaptureFixture[str]) -> None:
    path = filled.location
    filled.close()
    assert main(["export", path, "-", "--format", "jsonl"]) == 0
    out, err = capfd.readouterr()
    assert len(out.splitlines()) == 40 and out.startswith('{"text":"Joe Biden')
    assert "40 documents" in err
    assert main(["export", path, "-", "--format", "conll"]) == 0
    out, err = capfd.readouterr()
    assert out.count("-DOCSTART-") == 40 and "40 documents" in err
    assert main(["export", path, "-", "--format", "spacy"]) == 2
    assert "standard output" in capfd.readouterr().err
    assert not Path("-").exists()


def test_temporaries_of_dead_writers_are_removed_live_ones_kept(
    filled: ProjectStore, tmp_path: Path
) -> None:
    dead, alive = _dead_pid(), os.getppid()
    stale_file = tmp_path / f".out.jsonl.{dead}-k3j9x2ab.tmp"
    stale_file.write_text("half\n")
    stale_old_style = tmp_path / f".out.jsonl.{dead}.tmp"
    stale_old_style.write_text("half\n")
    live = tmp_path / f".out.jsonl.{alive}-a8d0qq1z.tmp"
    live.write_text("in progress\n")
    other = tmp_path / f".other.jsonl.{dead}-k3j9x2ab.tmp"
    other.write_text("not ours\n")
    export_project(filled, tmp_path / "out.jsonl", "jsonl")
    assert not stale_file.exists() and not stale_old_style.exists()
    assert live.exists() and other.exists()
    stale_folder = tmp_path / f".spacy.{dead}-0a1b2c3d.tmp"
    stale_folder.mkdir()
    (stale_folder / "train.spacy").write_bytes(b"half")
    export_project(filled, tmp_path / "spacy", "spacy")
    assert not stale_folder.exists()


def _spacy_set(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_spacy_export_replaces_the_set_or_nothing(
    filled: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "spacy"
    export_project(filled, out, "spacy", seed=1)
    before = _spacy_set(out)
    assert set(before) == {"train.spacy", "dev.spacy", "config.cfg"}

    def disk_full(lang: str, source: str | None = None) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "ner_training_config", disk_full)
    with pytest.raises(OSError, match="No space"):
        export_project(filled, out, "spacy", seed=2)
    assert _spacy_set(out) == before  # not a new train.spacy beside the old config.cfg
    assert _leftovers(tmp_path) == []
    monkeypatch.undo()
    inode = out.stat().st_ino
    export_project(filled, out, "spacy", seed=2)
    after = _spacy_set(out)
    assert after["train.spacy"] != before["train.spacy"]
    assert out.stat().st_ino != inode  # a new folder, switched in by one rename
    assert _leftovers(tmp_path) == []


def test_folder_switch_without_an_exchange_call(
    filled: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core import safe_files

    monkeypatch.setattr(safe_files, "_exchange", lambda a, b: False)
    out = tmp_path / "spacy"
    export_project(filled, out, "spacy", seed=1)
    before = _spacy_set(out)
    export_project(filled, out, "spacy", seed=2)
    assert _spacy_set(out) != before and set(_spacy_set(out)) == set(before)
    assert _leftovers(tmp_path) == []


def test_spacy_export_never_deletes_files_it_did_not_write(
    filled: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "spacy"
    export_project(filled, out, "spacy")
    (out / "model").mkdir()
    (out / "model" / "weights").write_text("trained for hours")
    with pytest.raises(FormatError, match="model, which this export did not write"):
        export_project(filled, out, "spacy")
    assert (out / "model" / "weights").read_text() == "trained for hours"
    link = tmp_path / "link"
    link.symlink_to(out)
    with pytest.raises(FormatError, match="symbolic link"):
        export_project(filled, link, "spacy")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.chdir(fresh)
    with pytest.raises(FormatError, match="current folder"):
        export_project(filled, fresh, "spacy")


def test_new_leaves_no_file_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    def disk_full(self: ProjectStore, labels: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ProjectStore, "_write_labels", disk_full)
    path = tmp_path / "p.annot"
    with pytest.raises(StoreError, match="disk is full"):
        ProjectStore.create(path, ["ORG"], pipeline="blank:en")
    assert list(tmp_path.iterdir()) == []
    assert main(["new", str(path), "--pipeline", "blank:en"]) == 2
    assert "no file was left behind" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="file size limit of a Linux process")
def test_new_on_a_full_disk_leaves_no_file(tmp_path: Path) -> None:
    code = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))\n"
        "from annotator.cli import main\n"
        "raise SystemExit(main(['new', 'p.annot', '--pipeline', 'blank:en']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "cannot create the project" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_a_terminated_export_leaves_nothing_behind(filled: ProjectStore, tmp_path: Path) -> None:
    path = filled.location
    filled.close()
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    started = tmp_path / "started"
    code = (
        "import sys, time\nfrom annotator.formats import exporting\n"
        "real = exporting.jsonl_record\n"
        "def slow(*args):\n"
        f"    open({str(started)!r}, 'w').close()\n"
        "    time.sleep(0.5)\n"
        "    return real(*args)\n"
        "exporting.jsonl_record = slow\n"
        f"sys.argv = ['annotator', 'export', {path!r}, {str(out)!r}]\n"
        "from annotator.cli import main\nraise SystemExit(main())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not started.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "interrupted" in err
    assert out.read_text() == "previous\n"
    assert _leftovers(tmp_path) == []

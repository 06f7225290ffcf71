"""A short sample of the fuzz run (tests/fuzz/run.py): seeded bad and odd files through
``import``, ``suggest --input`` and ``export`` as child processes, with zero violations.

The sample holds issue 13's special files (a FIFO, links to /dev/zero, a name that is not
UTF-8) and a few files of every other kind; the full run is
``.venv/bin/python tests/fuzz/run.py --count 3000 --seed 1`` (see README, Development).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"annotator_fuzz_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz_run = _load("run")
fuzz_generate = _load("generate")


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    first = fuzz_generate.generate(5, 60, tmp_path / "a")
    second = fuzz_generate.generate(5, 60, tmp_path / "b")
    assert [c.kind for c in first] == [c.kind for c in second]
    assert {c.kind for c in first} >= {"fifo", "dev_zero", "non_utf8_name", *fuzz_generate.KINDS}
    for a, b in zip(first, second, strict=True):
        assert a.path.name == b.path.name
        if a.path.is_file() and not a.path.is_symlink():
            assert a.path.read_bytes() == b.path.read_bytes(), a.path.name


def test_a_sample_of_bad_files_keeps_every_invariant(tmp_path: Path) -> None:
    cases = fuzz_generate.generate(7, 45, tmp_path / "files")
    work = tmp_path / "work"
    work.mkdir()
    summary = fuzz_run.run(cases, work, jobs=2, batch=8, suggest_every=9, timeout=30)
    assert summary.files == 45
    assert summary.refused_whole >= 9 and summary.imported >= 5, summary.report()
    assert summary.suggested == 5 and summary.exports >= 1, summary.report()
    assert not summary.violations, summary.report()

"""The one resource resolver, in each of its three homes: checkout, installed wheel, frozen app.

The wheel case builds the real wheel from this checkout, installs it into a temporary folder
and resolves resources from a separate Python process that imports the installed copy. The
frozen case simulates PyInstaller's ``sys.frozen``/``sys._MEIPASS`` here; the real frozen app is
checked by ``annotator selftest`` in CI (build/ci_frozen.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core import resources
from annotator.core.resources import ResourceError, resource_path, resource_root

REPO = Path(__file__).resolve().parent.parent
SOURCE_RESOURCES = REPO / "resources"
# Documentation only: neither the wheel nor the frozen app carries it.
NOT_SHIPPED = {"screenshots"}


def shipped_resources() -> list[str]:
    """Relative paths of every resource file that must ship."""
    return sorted(
        p.relative_to(SOURCE_RESOURCES).as_posix()
        for p in SOURCE_RESOURCES.rglob("*")
        if p.is_file()
        and p.relative_to(SOURCE_RESOURCES).parts[0] not in NOT_SHIPPED
        and "__pycache__" not in p.parts
    )


@pytest.fixture
def fresh_resolver() -> Iterator[None]:
    resource_root.cache_clear()
    yield
    resource_root.cache_clear()


# ---- source checkout ----------------------------------------------------------------------------


def test_checkout_resolves_to_the_repository_resources(fresh_resolver: None) -> None:
    assert resource_root() == SOURCE_RESOURCES
    assert resource_path("guidelines.md").read_text(encoding="utf-8").strip()
    patterns = sorted(p.name for p in resource_path("patterns").glob("*.jsonl"))
    assert "weapons.jsonl" in patterns
    assert resource_path("sample", "article.txt").stat().st_size > 0


def test_missing_resource_names_the_resource(fresh_resolver: None) -> None:
    with pytest.raises(ResourceError, match=r"no/such\.file"):
        resource_path("no", "such.file")


def test_shipped_patterns_load_from_the_resolver() -> None:
    from annotator.nlp.patterns import shipped_pattern_files

    files = shipped_pattern_files()
    assert files and all(f.parent == resource_path("patterns") for f in files)


def test_icons_are_valid_for_each_platform() -> None:
    icons = SOURCE_RESOURCES / "icons"
    assert (icons / "app.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ico = (icons / "app.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") >= 4
    icns = (icons / "app.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)


def test_sample_article_is_the_seed_article() -> None:
    seed = REPO / "corpora" / "seed" / "article-2022-02-04.txt"
    sample = SOURCE_RESOURCES / "sample" / "article.txt"
    assert sample.read_text(encoding="utf-8") == seed.read_text(encoding="utf-8")


# ---- frozen app (simulated) ---------------------------------------------------------------------


def test_frozen_app_resolves_inside_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_resolver: None
) -> None:
    bundle = tmp_path / "_internal"
    shutil.copytree(SOURCE_RESOURCES, bundle / "resources")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resource_root() == bundle / "resources"
    assert resource_path("guidelines.md") == bundle / "resources" / "guidelines.md"
    assert resource_path("patterns", "weapons.jsonl").is_file()


def test_frozen_flag_without_bundle_falls_back(
    monkeypatch: pytest.MonkeyPatch, fresh_resolver: None
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resource_root() == SOURCE_RESOURCES


def test_nothing_found_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_resolver: None
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(resources, "_candidates", lambda: [empty])
    with pytest.raises(ResourceError, match="reinstall"):
        resource_root()


# ---- installed wheel ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of this checkout (the build leaves nothing in the repo)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "annotator", src / "annotator", ignore=ignore)
    shutil.copytree(SOURCE_RESOURCES, src / "resources", ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("annotator-*.whl")
    return built


def test_wheel_holds_every_module_and_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "annotator").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules - names == set(), "add the missing package to pyproject's packages list"
    wanted = {f"annotator/_resources/{rel}" for rel in shipped_resources()}
    assert wanted - names == set()
    assert not any(n.startswith("annotator/_resources/screenshots/") for n in names)


def test_installed_wheel_resolves_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    probe = (
        "import json, annotator\n"
        "from annotator.core.resources import resource_path, resource_root\n"
        "from annotator.nlp.patterns import shipped_pattern_files\n"
        "print(json.dumps({'module': annotator.__file__, 'root': str(resource_root()),\n"
        "  'guidelines': str(resource_path('guidelines.md')),\n"
        "  'sample': str(resource_path('sample', 'article.txt')),\n"
        "  'patterns': [str(p) for p in shipped_pattern_files()]}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    installed = target / "annotator"
    assert Path(found["module"]).parent == installed  # the wheel's copy, not the checkout
    assert Path(found["root"]) == installed / "_resources"
    assert Path(found["guidelines"]) == installed / "_resources" / "guidelines.md"
    assert Path(found["sample"]).is_file()
    patterns = sorted(Path(p).name for p in found["patterns"])
    assert patterns == sorted(p.name for p in (SOURCE_RESOURCES / "patterns").glob("*.jsonl"))
    assert all(Path(p).parent == installed / "_resources" / "patterns" for p in found["patterns"])

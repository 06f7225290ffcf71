"""Writing files that cannot be redirected or left half done.

A temporary file or folder is created exclusively (``O_EXCL``, through ``tempfile``) with an
unpredictable name in the target's own folder: ``.<target name>.<pid>-<random>.tmp``. The pid
lets the next write to the same target recognise what a killed writer left behind and remove it
once that process is gone. A target must be absent or of the kind expected (a regular file, or a
folder for folder writes): a symbolic link, a device or a FIFO is refused, never written through
nor replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Literal

__all__ = [
    "create_temp_file",
    "create_temp_folder",
    "fsync_folder",
    "new_mode",
    "pid_alive",
    "remove_stale_temporaries",
    "replace_folder",
    "target_problem",
    "temp_pattern",
]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}-"


def temp_pattern(target: Path) -> re.Pattern[str]:
    """Names of the temporaries of writes to ``target`` (group 1: the writer's pid); also the
    SQLite journals beside them and the ``.NAME.PID.tmp`` of earlier versions."""
    name = re.escape(target.name)
    return re.compile(rf"\.{name}\.(\d+)(?:-[A-Za-z0-9_]+)?\.tmp(?:-journal|-wal|-shm)?")


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (True when that cannot be told)."""
    if pid == os.getpid() or os.name != "posix":
        return True  # Windows has no harmless probe: keep the file rather than guess
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def remove_stale_temporaries(target: Path, pid: int | None = None) -> list[Path]:
    """Remove temporaries of ``target`` left by writers that are gone (or by ``pid``)."""
    pattern = temp_pattern(target)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None:
            continue
        writer = int(found.group(1))
        keep = writer != pid if pid is not None else pid_alive(writer)
        if keep:
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def target_problem(path: Path, kind: Literal["file", "folder"] = "file") -> str | None:
    """Why ``path`` may not be replaced by a write of ``kind``, or None (absent or that kind)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be checked ({exc.strerror or exc})"
    if stat.S_ISLNK(mode):
        return "is a symbolic link, which is never written through nor replaced; give a real path"
    if stat.S_ISREG(mode):
        return None if kind == "file" else "is a file, and a folder is written here"
    if stat.S_ISDIR(mode):
        return None if kind == "folder" else "is a folder; give a file name"
    return "is a device, FIFO or socket, not a regular file; give the path of a regular file"


def new_mode(target: Path, folder: bool = False) -> int:
    """The permissions a replacement gets: those of the file it replaces, else the default."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(os.lstat(target).st_mode)
    mask = os.umask(0o022)
    os.umask(mask)
    return (0o777 if folder else 0o666) & ~mask


def create_temp_file(target: Path) -> tuple[int, Path]:
    """An exclusively created, empty temporary file beside ``target``: (descriptor, path)."""
    fd, name = tempfile.mkstemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent)
    return fd, Path(name)


def create_temp_folder(target: Path) -> Path:
    """An exclusively created, empty temporary folder beside ``target`` (only its owner may
    enter it until its mode is changed)."""
    return Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent))


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new name inside ``folder`` durable (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when the
    system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_folder(new: Path, target: Path) -> None:
    """Put folder ``new`` in ``target``'s place and delete the old folder, so that a reader
    sees the old folder or the new one, never a mix of both."""
    if not os.path.lexists(target):
        os.rename(new, target)
    elif _exchange(new, target):
        shutil.rmtree(new)  # ``new`` now names the old folder
    else:
        old = target.with_name(f"{_prefix(target)}{secrets.token_hex(4)}.tmp")
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
        shutil.rmtree(old)
    fsync_folder(target.parent)

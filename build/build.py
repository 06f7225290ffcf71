"""Build the packaged app: `python build/build.py` -> dist/annotator/ (dist/Annotator.app on macOS).

Runs PyInstaller on build/annotator.spec, then (on Linux) strips debug info from the bundled
shared libraries one by one, skipping numpy's and scipy's bundled OpenBLAS, which stripping
breaks (PyInstaller's own strip=True did). Prints the build time and the folder size.

    python build/build.py              # build
    python build/build.py --selftest   # build, then run the frozen `annotator selftest`
    python build/build.py --no-strip   # keep debug info
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build" / "annotator.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "work"
NAME = "annotator"
# Libraries that must keep their symbols/sections (file names containing these).
NO_STRIP = ("openblas", "libgfortran", "libquadmath")


def executable() -> Path:
    """Path of the built executable on this platform."""
    if sys.platform == "win32":
        return DIST / NAME / f"{NAME}.exe"
    return DIST / NAME / NAME


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def strip_debug(folder: Path) -> tuple[int, int]:
    """``strip --strip-unneeded`` every ELF library except OpenBLAS & co.

    Returns (files stripped, bytes saved). The dynamic symbol table stays, so the libraries still
    link; OpenBLAS and its gfortran runtime are left alone (stripping them broke numpy).
    """
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found; skipping (install binutils to make the folder smaller)")
        return 0, 0
    before = folder_size(folder)
    count = 0
    for path in sorted(folder.rglob("*")):
        name = path.name.lower()
        if not path.is_file() or path.is_symlink() or any(t in name for t in NO_STRIP):
            continue
        if ".so" not in name or not is_elf(path):
            continue
        done = subprocess.run(
            [strip, "--strip-unneeded", str(path)], capture_output=True, check=False
        )
        if done.returncode == 0:
            count += 1
        else:
            print(f"  strip skipped {path.relative_to(folder)}: {done.stderr.decode().strip()}")
    return count, before - folder_size(folder)


def run_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit(
            "PyInstaller is not installed in this Python; run: "
            f'{sys.executable} -m pip install "pyinstaller>=6.10"'
        )
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-strip", action="store_true", help="keep debug info in libraries")
    parser.add_argument("--selftest", action="store_true", help="run the frozen selftest after")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    run_pyinstaller()
    out = DIST / NAME
    if sys.platform.startswith("linux") and not args.no_strip:
        files, saved = strip_debug(out)
        print(f"stripped debug info from {files} libraries, saved {saved / 1e6:.0f} MB")
    elapsed = time.perf_counter() - started
    size = folder_size(out)
    print(f"built {out} in {elapsed:.0f} s, {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB)")
    if sys.platform == "darwin":
        print(f"macOS app bundle: {DIST / 'Annotator.app'}")

    if args.selftest:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        done = subprocess.run([str(executable()), "selftest"], env=env, check=False)
        if done.returncode != 0:
            print(f"frozen selftest failed (exit {done.returncode})", file=sys.stderr)
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# CI step: build the packaged app with PyInstaller, then run its selftest without a display.
# Fails if the build fails, or the frozen `annotator selftest` exits non-zero.
#
#   bash build/ci_frozen.sh        # after `bash build/bootstrap.sh test` made the venv
#
# Takes about a minute on 2 cores (most of it PyInstaller's analysis).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
venv="${ANNOTATOR_VENV:-$repo/.venv}"
python="$venv/bin/python"
if [ ! -x "$python" ]; then
  echo "no virtualenv at $venv: run 'bash build/bootstrap.sh test' first" >&2
  exit 1
fi

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
  echo "Installing PyInstaller"
  "$python" -m pip install -q "pyinstaller>=6.10"
fi

# `strip` (binutils) makes the folder ~150 MB smaller; the build works without it.
if [ "$(uname -s)" = Linux ] && ! command -v strip >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" != none ]; then
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq binutils >/dev/null
  else
    echo "warning: strip not found and cannot install binutils; the build will be larger" >&2
  fi
fi

timeout 1800 "$python" build/build.py

exe="dist/annotator/annotator"
[ -x "$exe" ] || exe="dist/annotator/annotator.exe"
echo "Running the frozen selftest (no display)"
if ! env -u DISPLAY -u WAYLAND_DISPLAY timeout 300 "$exe" selftest; then
  echo "FAILED: the frozen app's selftest ($exe selftest)" >&2
  exit 1
fi

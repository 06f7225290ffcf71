#!/usr/bin/env bash
# Set up the annotator on a fresh Debian/Ubuntu machine that has only python3, then either
# start the app on the sample corpus (`app`) or run the test suite (`test`).
#
#   bash build/bootstrap.sh app     # install, create sample.annot from corpora/, open the window
#   bash build/bootstrap.sh test    # install with test tools, run ruff, mypy and pytest
#
# System libraries Qt needs are installed with apt when run as root or with sudo; otherwise the
# script stops and prints the exact apt command to run.
set -euo pipefail

mode="${1:-app}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
venv="${ANNOTATOR_VENV:-$repo/.venv}"

# Qt's offscreen platform (tests) needs these; a real window on X11 needs the xcb ones too.
qt_libs=(libegl1 libgl1 libdbus-1-3 libfontconfig1 libglib2.0-0 libxkbcommon0 fonts-dejavu-core)
x11_libs=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxkbcommon-x11-0)
apt_pkgs=("${qt_libs[@]}")
[ "$mode" = "app" ] && apt_pkgs+=("${x11_libs[@]}")
# The store tests also run on a real PostgreSQL server, which they start themselves.
[ "$mode" = "test" ] && apt_pkgs+=(postgresql)
python3 -c "import ensurepip, venv" 2>/dev/null || apt_pkgs+=(python3-venv)

missing=()
if command -v dpkg >/dev/null 2>&1; then
  for pkg in "${apt_pkgs[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing system packages. Run as root, then run this script again:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
if [ "$mode" = "test" ]; then
  "$venv/bin/python" -m pip install -q -e ".[test]"
else
  "$venv/bin/python" -m pip install -q -e .
fi

# The start model a project's training begins from (annotator/nlp/train/start.py): built from
# the shipped gold and the installed pipeline, about a minute, once (and again when either
# changes). Not kept in git: 7 MB of weights.
if ! "$venv/bin/python" build/make_start_model.py --check >/dev/null; then
  echo "Building the start model for training (build/make_start_model.py, about a minute)"
  "$venv/bin/python" build/make_start_model.py >/dev/null
fi

case "$mode" in
  app)
    sample="$repo/sample.annot"
    if [ ! -f "$sample" ]; then
      "$venv/bin/annotator" new "$sample"
      "$venv/bin/annotator" import "$sample" corpora/sample.jsonl
    fi
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "No display found (DISPLAY is not set). Start the window on a desktop session," >&2
      echo "or on a virtual screen: Xvfb :99 & DISPLAY=:99 $venv/bin/annotator $sample" >&2
      exit 1
    fi
    exec "$venv/bin/annotator" "$sample"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    "$venv/bin/ruff" check annotator tests build
    "$venv/bin/ruff" format --check annotator tests build
    "$venv/bin/mypy"
    "$venv/bin/python" -m pytest -q
    ;;
  *)
    echo "usage: bash build/bootstrap.sh app|test" >&2
    exit 2
    ;;
esac

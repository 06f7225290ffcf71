"""Time from launch to the first shown window: the frozen app against `python -m annotator`.

Both are started N times each, alternately, in one run, on the same project, with
``ANNOTATOR_EXIT_AFTER_SHOWN=1`` (annotator/ui/app.py prints a line once the main window is
shown, then quits). The time is measured here, from process start to that line. One untimed
warm-up launch of each comes first so both read from a warm file cache.

    Xvfb :98 -screen 0 1600x1000x24 &
    DISPLAY=:98 python build/measure_start.py            # N=3
    DISPLAY=:98 python build/measure_start.py -n 5 --project my.annot
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "annotator: window shown"


def frozen_executable() -> Path:
    name = "annotator.exe" if sys.platform == "win32" else "annotator"
    if sys.platform == "darwin":
        return ROOT / "dist" / "Annotator.app" / "Contents" / "MacOS" / "annotator"
    return ROOT / "dist" / "annotator" / name


def launch(command: list[str], timeout: float = 120.0) -> float:
    """Seconds from start until the window-shown line; the process then quits by itself."""
    env = dict(os.environ, ANNOTATOR_EXIT_AFTER_SHOWN="1")
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.strip() == MARKER:
                elapsed = time.perf_counter() - started
                proc.wait(timeout=timeout)
                return elapsed
            if time.perf_counter() - started > timeout:
                break
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read() if proc.stderr else ""
    raise RuntimeError(f"{command[0]} never showed its window (exit {proc.returncode}): {err}")


def make_project(folder: Path) -> Path:
    project = folder / "measure.annot"
    cli = [sys.executable, "-m", "annotator"]
    subprocess.run([*cli, "new", str(project)], check=True, cwd=ROOT, capture_output=True)
    subprocess.run(
        [*cli, "import", str(project), str(ROOT / "corpora" / "sample.jsonl")],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="timed launches of each (default 3)")
    parser.add_argument("--project", type=Path, help="project to open (default: the sample)")
    args = parser.parse_args(argv)
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        sys.exit("no DISPLAY: start Xvfb (Xvfb :98 -screen 0 1600x1000x24 &) and set DISPLAY=:98")
    frozen = frozen_executable()
    if not frozen.is_file():
        sys.exit(f"{frozen} not found: build it first with `python build/build.py`")

    with tempfile.TemporaryDirectory(prefix="annotator-measure-") as tmp:
        project = args.project or make_project(Path(tmp))
        commands = {
            "frozen": [str(frozen), str(project)],
            "source": [sys.executable, "-m", "annotator", str(project)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():
            launch(command)  # warm-up, not counted
        for _ in range(args.n):
            for name, command in commands.items():
                times[name].append(launch(command))

    for name, values in times.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(
            f"{name:<7} median {statistics.median(values):.2f} s  "
            f"mean {statistics.mean(values):.2f} s  ({shown})  {' '.join(commands[name])}"
        )
    ratio = statistics.median(times["frozen"]) / statistics.median(times["source"])
    print(f"frozen/source (medians): {ratio:.2f}x  (goal: <= 1.10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

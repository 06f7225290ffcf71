"""Run the generated bad and odd files through the command line and check its invariants.

For each file: ``annotator import PROJECT FILE`` (a fresh project for each batch of files),
``annotator suggest --input FILE --output OUT --pipeline blank:en`` (for every file, or every
Nth with ``--suggest-every N``: each run loads spaCy, about 2 s), and, after a batch in which an
import added something, ``annotator export PROJECT OUT --format jsonl``. Every command runs as
a child with a timeout and an address-space cap. The invariants:

- no Python traceback (``Traceback (most recent call last)``, ``Fatal Python error``);
- no hang (the timeout) and no crash (killed by a signal: a negative exit status);
- every message names the file, and a record's message its line (``FILE:LINE: reason``);
- import always prints its summary;
- a file of a foreign annotation format either keeps its labels (spans are added) or gets a
  message; texts imported with their labels silently lost count as a violation;
- a file refused as a whole, or one of which nothing was added, leaves the project unchanged.
  Compared two ways, both after a full WAL checkpoint (``PRAGMA wal_checkpoint(TRUNCATE)``,
  so every committed change is in the main file and the WAL is empty): the SHA-256 of an SQL
  dump of the project (``iterdump``: the data) and the SHA-256 of the main file's bytes;
- export and suggest succeed on what they accept, and write valid JSONL.

    python tests/fuzz/run.py --count 3000 --seed 1

prints the counts and the violations by kind with examples, and exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import Case, generate

REPO = Path(__file__).resolve().parents[2]
TRACEBACK_MARKS = ("Traceback (most recent call last)", "Fatal Python error")
SUMMARY = re.compile(
    r"^(\d+) files: (\d+) added, (\d+) duplicates skipped, (\d+) bad records"
    r"(?:, (\d+) files not imported)?",
    re.M,
)
# What else an import can store besides new documents: another annotator's annotation of a
# document already there (or an update of one), and binary answers (one span each).
SKIPPED = re.compile(r"^skipped [1-9]\d*: |; skipped [1-9]\d*: ", re.M)
ALSO_STORED = re.compile(r"annotations: (\d+) added, (\d+) updated|(\d+) binary answers ")
# Files of a foreign annotation format (doccano, Label Studio, CoNLL/CSV content): one that
# imports documents without a single error read its labels or lost them without a word; the
# second is a violation (issue 12: "never a silent text-only import").
FOREIGN = frozenset({"doccano", "label_studio", "conll_like"})
MORE = re.compile(r"^  \.\.\. and \d+ more$")


@dataclass(frozen=True)
class Violation:
    kind: str
    file: str
    command: str
    detail: str


@dataclass
class Summary:
    files: int = 0
    imported: int = 0
    refused_whole: int = 0
    with_bad_records: int = 0
    nothing_added: int = 0
    foreign_silent: int = 0
    suggested: int = 0
    suggest_refused: int = 0
    exports: int = 0
    exit_statuses: Counter[str] = field(default_factory=Counter)
    violations: list[Violation] = field(default_factory=list)

    def add(self, other: Summary) -> None:
        for name in (
            "files",
            "imported",
            "refused_whole",
            "with_bad_records",
            "nothing_added",
            "foreign_silent",
            "suggested",
            "suggest_refused",
            "exports",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.exit_statuses.update(other.exit_statuses)
        self.violations.extend(other.violations)

    def report(self, examples: int = 3) -> str:
        lines = [
            f"files {self.files}: imported {self.imported}, refused whole {self.refused_whole}, "
            f"with bad records {self.with_bad_records}, nothing added {self.nothing_added}",
            f"foreign formats (doccano, Label Studio, CoNLL/CSV) imported without a word about "
            f"their annotations: {self.foreign_silent} (each a violation)",
            f"suggest --input: {self.suggested} runs, {self.suggest_refused} refused the file; "
            f"exports {self.exports}",
            "exit statuses: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.exit_statuses.items())),
        ]
        by_kind: dict[str, list[Violation]] = defaultdict(list)
        for v in self.violations:
            by_kind[v.kind].append(v)
        lines.append(f"violations {len(self.violations)}")
        for kind, found in sorted(by_kind.items()):
            lines.append(f"  {kind}: {len(found)}")
            for v in found[:examples]:
                lines.append(f"    {v.command} {v.file}: {v.detail[:300]!r}")
        return "\n".join(lines)


#: The exit status of a command that ran but refused some records (annotator.cli).
RECORDS_REFUSED = 3


def shown(path: Path) -> str:
    """The file's name as the app prints it (bytes that are not UTF-8 as escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _limit(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


@dataclass(frozen=True)
class Done:
    returncode: int | None  # None: timed out
    stdout: str
    stderr: str


def run_cli(args: Sequence[str], timeout: float, memory: int, cwd: Path) -> Done:
    """``python -m annotator ARGS`` in its own process group, killed whole on timeout."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"},
        start_new_session=True,
        preexec_fn=lambda: _limit(memory),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    text = lambda b: b.decode("utf-8", "backslashreplace")  # noqa: E731
    return Done(code, text(out), text(err))


def snapshot(project: Path) -> tuple[str, str]:
    """(hash of the SQL dump, hash of the main file's bytes), after a full WAL checkpoint."""
    conn = sqlite3.connect(project)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise RuntimeError(f"{project}: checkpoint blocked")
        dump = hashlib.sha256("\n".join(conn.iterdump()).encode("utf-8", "surrogatepass"))
    finally:
        conn.close()
    wal = Path(f"{project}-wal")
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{project}: WAL not empty after a checkpoint")
    return dump.hexdigest(), hashlib.sha256(project.read_bytes()).hexdigest()


def span_count(project: Path) -> int:
    """Spans stored in the project (accepted and suggested)."""
    conn = sqlite3.connect(project)
    try:
        return int(conn.execute("SELECT count(*) FROM spans").fetchone()[0])
    finally:
        conn.close()


def carries_labels(case: Case) -> bool:
    """Whether a generated file holds a label name in a structure a reader could know (its
    labels can be lost). A file damaged down to one line of text (a table cut to a piece of a
    row) has no columns or records left to tell it from a sentence."""
    if not case.path.is_file() or case.path.is_symlink():
        return False
    data = case.path.read_bytes()
    if len([line for line in data.splitlines() if line.strip()]) < 2 and not data.startswith(
        (b"{", b"[")
    ):
        return False
    return any(label.encode() in data for label in ("PERSON", "ORG", "WEAPON", "QUANTITY"))


class Checker:
    """Runs the commands for one batch of files and collects counts and violations."""

    def __init__(self, work: Path, timeout: float, memory: int) -> None:
        self.work = work
        self.timeout = timeout
        self.memory = memory
        self.summary = Summary()

    def violation(self, kind: str, file: str, command: str, detail: str) -> None:
        self.summary.violations.append(Violation(kind, file, command, detail))

    def common(self, done: Done, file: str, command: str) -> bool:
        """The invariants every command keeps; False when it did not finish."""
        self.summary.exit_statuses[f"{command} {done.returncode}"] += 1
        if done.returncode is None:
            self.violation("hang", file, command, f"no exit within {self.timeout} s")
            return False
        both = done.stdout + done.stderr
        for mark in TRACEBACK_MARKS:
            if mark in both:
                self.violation("traceback", file, command, done.stderr[-1500:])
        if done.returncode < 0:
            self.violation("crash", file, command, f"signal {-done.returncode}: {both[-300:]}")
            return False
        return True

    def messages(self, done: Done, case: Case, command: str) -> None:
        """Every stderr line names the file; a record's line names its line."""
        name = shown(case.path)
        has_lines = case.path.suffix.lower() in (".jsonl", ".txt")
        for line in done.stderr.splitlines():
            if not line.strip() or MORE.match(line):
                continue
            if name not in line:
                self.violation("message without file", name, command, line)
            elif (
                line.startswith("  ")
                and has_lines
                and not re.search(re.escape(name) + r":\d+: ", line)
            ):
                self.violation("record message without line", name, command, line)

    def import_one(self, project: Path, case: Case) -> bool:
        """Import one file; True when it added documents."""
        name = shown(case.path)
        before = snapshot(project)
        spans_before = span_count(project)
        done = run_cli(
            ["import", str(project), os.fsdecode(case.path)], self.timeout, self.memory, self.work
        )
        if not self.common(done, name, "import"):
            return False
        self.messages(done, case, "import")
        match = SUMMARY.search(done.stdout)
        refusal = re.search(r"^error: " + re.escape(name) + ": ", done.stderr, re.M)
        if match:
            added, bad, failed = int(match[2]), int(match[4]), int(match[5] or 0)
            stored = sum(int(n or 0) for m in ALSO_STORED.finditer(done.stdout) for n in m.groups())
        elif done.returncode and refusal:
            # Refused before anything was read (no such file, a folder without .txt files):
            # the command stops as a whole, as the README says; no summary then.
            added, bad, failed, stored = 0, 0, 1, 0
        else:
            self.violation("no import summary", name, "import", done.stdout + done.stderr)
            return False
        if failed:
            self.summary.refused_whole += 1
            if not refusal:
                self.violation("refusal without message", name, "import", done.stderr)
        elif added:
            self.summary.imported += 1
            if (
                case.kind in FOREIGN
                and not bad
                and not SKIPPED.search(done.stdout)  # "skipped N: why" is a word about them
                and carries_labels(case)
                and span_count(project) == spans_before
            ):
                self.summary.foreign_silent += 1
                self.violation("foreign format imported silently", name, "import", done.stdout)
        else:
            self.summary.nothing_added += 1
        if bad:
            self.summary.with_bad_records += 1
        if failed or not (added or stored):  # nothing stored: not one byte may change
            after = snapshot(project)
            if after[0] != before[0]:
                self.violation("project data changed", name, "import", done.stdout)
            elif after[1] != before[1]:
                self.violation("project bytes changed", name, "import", done.stdout)
        return bool(added) and not failed

    def suggest_one(self, case: Case) -> None:
        name = shown(case.path)
        out = self.work / "suggested.jsonl"
        args = ["suggest", "--input", os.fsdecode(case.path), "--output", str(out)]
        done = run_cli([*args, "--pipeline", "blank:en"], self.timeout * 2, self.memory, self.work)
        self.summary.suggested += 1
        if not self.common(done, name, "suggest"):
            return
        self.messages(done, case, "suggest")
        if done.returncode not in (0, RECORDS_REFUSED):
            self.summary.suggest_refused += 1
            if "error: " + name not in done.stderr:
                self.violation("refusal without message", name, "suggest", done.stderr)
        else:  # 3: some lines were refused (each named by file:line above), the rest written
            self.valid_jsonl(out, name, "suggest")
        out.unlink(missing_ok=True)

    def export(self, project: Path, names: list[str]) -> None:
        out = self.work / "exported.jsonl"
        done = run_cli(
            ["export", str(project), str(out), "--format", "jsonl"],
            self.timeout * 2,
            self.memory,
            self.work,
        )
        self.summary.exports += 1
        batch = " ".join(names)
        if not self.common(done, batch, "export"):
            return
        # Status 3: written, but documents whose annotators disagree (records of the same text
        # by several annotators) were left out for a review, and the note says so.
        left_out = done.returncode == 3 and "left out" in done.stderr
        if done.returncode != 0 and not left_out:
            self.violation("export failed after import", batch, "export", done.stderr)
            return
        self.valid_jsonl(out, batch, "export")
        out.unlink(missing_ok=True)

    def valid_jsonl(self, out: Path, name: str, command: str) -> None:
        try:
            for line in out.read_bytes().decode("utf-8").splitlines():
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError(f"not a record: {line[:100]}")
        except (OSError, ValueError) as exc:
            self.violation("bad output", name, command, str(exc))


def run_batch(
    cases: list[Case],
    template: Path,
    work: Path,
    suggest: set[Path],
    timeout: float,
    memory: int,
) -> Summary:
    work.mkdir()
    checker = Checker(work, timeout, memory)
    project = work / "p.annot"
    shutil.copyfile(template, project)
    added: list[str] = []
    for case in cases:
        checker.summary.files += 1
        try:
            if checker.import_one(project, case):
                added.append(shown(case.path))
        except (RuntimeError, sqlite3.Error) as exc:
            checker.violation("project unreadable", shown(case.path), "import", str(exc))
            project.unlink()
            for extra in work.glob("p.annot-*"):
                extra.unlink()
            shutil.copyfile(template, project)
        if case.path in suggest:
            checker.suggest_one(case)
    if added:
        checker.export(project, added)
    shutil.rmtree(work, ignore_errors=True)
    return checker.summary


def make_template(work: Path, timeout: float, memory: int) -> Path:
    template = work / "template.annot"
    done = run_cli(["new", str(template), "--pipeline", "blank:en"], timeout, memory, work)
    if done.returncode != 0:
        raise SystemExit(f"annotator new failed: {done.stderr}")
    snapshot(template)  # checkpointed: the copies start from the main file alone
    return template


def run(
    cases: list[Case],
    work: Path,
    *,
    jobs: int = 2,
    batch: int = 10,
    suggest_every: int = 1,
    timeout: float = 20,
    memory: int = 2 << 30,
    progress: bool = False,
) -> Summary:
    """Check every case; ``work`` is a folder for projects and outputs."""
    template = make_template(work, timeout, memory)
    suggest = {c.path for i, c in enumerate(cases) if suggest_every and i % suggest_every == 0}
    batches = [cases[i : i + batch] for i in range(0, len(cases), batch)]
    total = Summary()
    start = time.monotonic()
    with ThreadPoolExecutor(jobs) as pool:
        futures = [
            pool.submit(run_batch, b, template, work / f"batch{i:05d}", suggest, timeout, memory)
            for i, b in enumerate(batches)
        ]
        for i, future in enumerate(futures):
            total.add(future.result())
            if progress and (i % 10 == 9 or i + 1 == len(futures)):
                print(
                    f"{total.files}/{len(cases)} files, {len(total.violations)} violations, "
                    f"{time.monotonic() - start:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2, help="batches run at the same time")
    parser.add_argument("--batch", type=int, default=10, help="files per fresh project")
    parser.add_argument(
        "--suggest-every", type=int, default=1, help="suggest --input on every Nth file (0: none)"
    )
    parser.add_argument("--timeout", type=float, default=20, help="seconds per command")
    parser.add_argument("--memory-gb", type=float, default=2, help="address-space cap")
    parser.add_argument("--keep", type=Path, default=None, help="generate into this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="annotator-fuzz-") as tmp:
        folder = args.keep or Path(tmp) / "files"
        start = time.monotonic()
        cases = generate(args.seed, args.count, folder)
        work = Path(tmp) / "work"
        work.mkdir()
        summary = run(
            cases,
            work,
            jobs=args.jobs,
            batch=args.batch,
            suggest_every=args.suggest_every,
            timeout=args.timeout,
            memory=int(args.memory_gb * (1 << 30)),
            progress=True,
        )
    print(f"seed {args.seed}, {time.monotonic() - start:.0f} s")
    print(summary.report())
    return 1 if summary.violations else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: import and export of a large generated JSONL corpus against a plain baseline.

    python tests/bench/bench_io.py [--docs 100000] [--keep DIR]

Each step runs in its own process so that its peak memory (ru_maxrss) is its own. The baseline
is what any script would do: ``srsly.read_jsonl`` + ``executemany`` into SQLite, and a SELECT +
``srsly.write_jsonl``. Ours is the app's import (validation, token alignment, duplicates,
annotations) and its JSONL export (spaCy tokens for every document). Figures are printed as
documents/s and as a ratio to the baseline of the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import srsly

PEOPLE = ["Jens Stoltenberg", "Joe Biden", "Olaf Scholz", "Sergei Shoigu", "Ursula von der Leyen"]
ORGS = ["NATO", "the Pentagon", "Reuters", "the Kremlin", "Lockheed Martin", "the United Nations"]
WEAPONS = ["HIMARS", "Iskander-M", "S-400", "Leopard 2", "F-16", "Javelin", "Patriot"]
FILLER_TEXT = (
    "Officials said the talks would continue next week , while analysts warned that the "
    "situation near the border remained tense and that further deployments were likely ."
)
FILLER = FILLER_TEXT.split()


def _document(rng: random.Random, i: int) -> dict[str, Any]:
    """A news-like text of about 60 words with four spans, offsets computed.

    Half the spans touch punctuation ("NATO,", "HIMARS."), as in real news, so the import's
    token-alignment check has real work to do.
    """
    text, spans = "", []

    def add(piece: str, label: str | None = None, glue: str = " ") -> None:
        nonlocal text
        if text:
            text += glue
        if label:
            spans.append({"start": len(text), "end": len(text) + len(piece), "label": label})
        text += piece

    add(f"Report {i}:")
    add(rng.choice(PEOPLE), "PERSON")
    add("said on Tuesday that")
    add(rng.choice(ORGS).removeprefix("the "), "ORG")
    add(", which", glue="")
    add("leads the talks, would send")
    add(f"{rng.randint(2, 90) * 100:,} troops", "QUANTITY")
    add("and more")
    add(rng.choice(WEAPONS), "WEAPON")
    add(", officials said.", glue="")  # not ".": "Iskander-M." is one spaCy token
    add(" ".join(rng.sample(FILLER, 20)))
    add(" ".join(rng.sample(FILLER, 20)))
    return {"text": text, "meta": {"id": i}, "spans": spans}


def generate(path: Path, count: int) -> None:
    rng = random.Random(7)
    srsly.write_jsonl(path, (_document(rng, i) for i in range(count)))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_step(step: str, data: Path, db: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    if step == "import-baseline":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, text TEXT, meta TEXT, spans TEXT)")
        rows = (
            (r["text"], json.dumps(r.get("meta", {})), json.dumps(r.get("spans", [])))
            for r in srsly.read_jsonl(data)
        )
        with conn:
            conn.executemany("INSERT INTO docs(text, meta, spans) VALUES (?, ?, ?)", rows)
        count = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
        conn.close()
    elif step == "export-baseline":
        conn = sqlite3.connect(db)
        records = (
            {"text": t, "meta": json.loads(m), "spans": json.loads(s)}
            for t, m, s in conn.execute("SELECT text, meta, spans FROM docs")
        )
        srsly.write_jsonl(out, records)
        count = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    elif step == "import-app":
        from annotator.core.model import DEFAULT_LABELS
        from annotator.core.store import ProjectStore
        from annotator.formats.importing import import_files

        store = ProjectStore.create(db, DEFAULT_LABELS, pipeline="auto")
        report = import_files(store, [data], annotator="bench")
        if report.errors or report.failed_files:
            raise SystemExit(f"benchmark data did not import cleanly: {report.summary()}")
        count = report.added
        store.close()
    elif step == "export-tokens-baseline":
        # The same output shape done the obvious way: spaCy's tokenizer, Token objects,
        # doc.char_span for token indices, srsly.write_jsonl. No checks, no atomic write.
        from annotator.nlp.pipeline import load_tokenizer_only

        nlp = load_tokenizer_only("auto")
        conn = sqlite3.connect(db)
        table = conn.execute("SELECT text, meta, spans FROM docs").fetchall()
        tokenizer: Any = nlp.tokenizer

        def shaped() -> Any:
            texts = (r[0] for r in table)
            for (text, meta, spans), doc in zip(table, tokenizer.pipe(texts), strict=True):
                out = []
                for s in json.loads(spans):
                    span = doc.char_span(s["start"], s["end"])
                    out.append(dict(s, token_start=span.start, token_end=span.end - 1))
                tokens = [
                    {
                        "text": t.text,
                        "start": t.idx,
                        "end": t.idx + len(t),
                        "id": t.i,
                        "ws": bool(t.whitespace_),
                    }
                    for t in doc
                ]
                yield {"text": text, "meta": json.loads(meta), "tokens": tokens, "spans": out}

        srsly.write_jsonl(out, shaped())
        count = len(table)
    elif step == "export-app":
        from annotator.core.store import ProjectStore
        from annotator.formats.exporting import export_project

        with ProjectStore.open(db) as store:
            count = export_project(store, out, "jsonl").documents
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "docs": count, "peak_mb": _peak_mb()}


def _spawn(step: str, data: Path, db: Path, out: Path) -> dict[str, float]:
    args = [sys.executable, __file__, "--step", step]
    args += ["--data", str(data), "--db", str(db), "--out", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{step} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the files in")
    parser.add_argument("--step", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(run_step(args.step, args.data, args.db, args.out)))
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-io-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "corpus.jsonl"
    started = time.perf_counter()
    generate(data, args.docs)
    size_mb = data.stat().st_size / 1e6
    print(
        f"generated {args.docs:,} documents ({size_mb:.0f} MB) in "
        f"{time.perf_counter() - started:.1f} s -> {data}"
    )
    results = {}
    for step, db, out in [
        ("import-baseline", folder / "baseline.sqlite", folder / "unused"),
        ("import-app", folder / "bench.annot", folder / "unused"),
        ("export-baseline", folder / "baseline.sqlite", folder / "baseline-out.jsonl"),
        ("export-app", folder / "bench.annot", folder / "app-out.jsonl"),
        ("export-tokens-baseline", folder / "baseline.sqlite", folder / "tokens-out.jsonl"),
    ]:
        for stale in (db, out) if step.startswith("import") else (out,):
            stale.unlink(missing_ok=True)
        results[step] = _spawn(step, data, db, out)
    print(
        f"{'step':<10} {'baseline docs/s':>16} {'app docs/s':>12} {'app/baseline':>13} "
        f"{'baseline peak':>14} {'app peak':>10}"
    )
    for kind in ("import", "export"):
        base, app = results[f"{kind}-baseline"], results[f"{kind}-app"]
        base_rate, app_rate = base["docs"] / base["seconds"], app["docs"] / app["seconds"]
        print(
            f"{kind:<10} {base_rate:>16,.0f} {app_rate:>12,.0f} {app_rate / base_rate:>13.2f} "
            f"{base['peak_mb']:>11.0f} MB {app['peak_mb']:>7.0f} MB"
            f"   ({app['seconds']:.1f} s for {app['docs']:,.0f} documents)"
        )
    same = results["export-tokens-baseline"]
    same_rate = same["docs"] / same["seconds"]
    app_rate = results["export-app"]["docs"] / results["export-app"]["seconds"]
    print(
        f"export vs the same output done naively (spaCy Token objects + srsly.write_jsonl): "
        f"{same_rate:,.0f} docs/s, app/naive {app_rate / same_rate:.2f}, "
        f"naive peak {same['peak_mb']:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

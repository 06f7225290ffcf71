"""`annotator selftest`: the whole headless flow once, to prove an installation works.

Loads the spaCy pipeline, suggests spans on the bundled sample article, creates a project in a
temporary folder, imports the article, accepts the suggestions, exports JSONL and spaCy's
DocBin, reads both back and checks the counts. It needs no display and never imports Qt, so it
runs in CI on the frozen executable as well as from a source checkout or an installed wheel.

Success prints one line and returns 0; a failure prints which step failed and why and returns 1.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["SelftestError", "run_selftest"]

T = TypeVar("T")

#: The sample article inside the bundled resources (a copy of corpora/seed's article).
SAMPLE = ("sample", "article.txt")


class SelftestError(RuntimeError):
    """A self-test step produced a wrong result."""


def _step(name: str, func: Callable[[], T]) -> T:
    """Run one step; any exception leaves named after the step."""
    try:
        return func()
    except SelftestError:
        raise
    except Exception as exc:
        raise SelftestError(f"{name}: {exc.__class__.__name__}: {exc}") from exc


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise SelftestError(message)


def _selftest(workdir: Path, pipeline: str) -> str:
    loaded_before = set(sys.modules)
    import srsly
    from spacy.tokens import DocBin

    from annotator.core.model import DEFAULT_LABELS, Answer, LabelSet, SpanState
    from annotator.core.resources import resource_path, resource_root
    from annotator.core.store import ProjectStore
    from annotator.formats.exporting import export_project
    from annotator.formats.importing import import_files
    from annotator.nlp.train.default import START, default_of, default_suggester
    from annotator.nlp.train.start import choose_start

    started = time.perf_counter()
    who = "selftest"

    resources = _step("resources", resource_root)
    article = _step("resources", lambda: resource_path(*SAMPLE))
    text = _step("resources", lambda: article.read_text(encoding="utf-8"))
    _check(bool(text.strip()), f"resources: sample article {article} is empty")

    def blas() -> None:  # numpy's bundled OpenBLAS (a careless strip breaks it)
        import numpy

        matrix = numpy.arange(64 * 64, dtype="float64").reshape(64, 64) / 4096.0
        got = float((matrix @ matrix.T).trace())
        want = float((matrix * matrix).sum())
        _check(abs(got - want) < 1e-6 * want, f"numpy: matrix product gave {got}, want {want}")

    _step("numpy", blas)

    def postgres_driver() -> None:  # psycopg's bundled libpq (shared projects)
        import psycopg

        _check(psycopg.pq.version() > 0, "postgresql: psycopg found no libpq")

    _step("postgresql driver", postgres_driver)
    # A new project's suggester: the rules over the shipped start model's entities when it
    # fits the pipeline (nlp.train.default), which must then load.
    suggester = _step("pipeline", lambda: default_suggester(pipeline, DEFAULT_LABELS, {}, []))
    _check(
        default_of(suggester) == START or not choose_start(pipeline, DEFAULT_LABELS).shipped,
        "pipeline: the shipped start model fits but does not load",
    )
    _check(
        default_of(suggester) != START or suggester.known is not None,
        "pipeline: the start model's known names (known_names.json) are missing or damaged",
    )
    _check(len(suggester.patterns) > 0, "pipeline: no shipped match patterns were loaded")
    spans = _step("suggest", lambda: suggester.suggest_one(text))
    _check(len(spans) > 0, "suggest: no spans suggested on the sample article")
    sources = {s.source for s in spans}
    _check("model" in sources, "suggest: the model suggested nothing (only patterns matched)")
    _check("pattern" in sources, "suggest: no match pattern fired on the sample article")

    project = workdir / "selftest.annot"
    store = _step(
        "project", lambda: ProjectStore.create(project, LabelSet.from_names(DEFAULT_LABELS))
    )
    try:
        report = _step("import", lambda: import_files(store, [article], annotator=who))
        _check(
            report.added == 1 and not report.errors and not report.failed_files,
            f"import: expected 1 document added, got {report.summary()}",
        )
        (doc_id,) = store.document_ids()

        def accept() -> None:
            store.store_suggestions([(doc_id, spans)], suggester.version)
            for span in spans:
                store.add_span(doc_id, who, span.with_(state=SpanState.ACCEPTED))
            store.set_answer(doc_id, who, Answer.ACCEPT)

        _step("annotate", accept)
        stored = store.annotation(doc_id, who)
        _check(
            stored is not None and len(stored.accepted) == len(spans),
            f"annotate: stored {0 if stored is None else len(stored.accepted)} accepted spans, "
            f"expected {len(spans)}",
        )

        jsonl_out = workdir / "export.jsonl"
        spacy_out = workdir / "spacy"
        jsonl_report = _step("export jsonl", lambda: export_project(store, jsonl_out, "jsonl"))
        spacy_report = _step(
            "export spacy", lambda: export_project(store, spacy_out, "spacy", dev_ratio=0.0)
        )
    finally:
        store.close()

    expected = sorted((s.start, s.end, s.label) for s in spans)
    for name, rep in (("export jsonl", jsonl_report), ("export spacy", spacy_report)):
        _check(
            rep.documents == 1 and rep.spans == len(spans),
            f"{name}: wrote {rep.documents} documents/{rep.spans} spans, expected 1/{len(spans)}",
        )

    records: list[dict[str, Any]] = _step("read jsonl", lambda: list(srsly.read_jsonl(jsonl_out)))
    _check(len(records) == 1, f"read jsonl: {len(records)} records in {jsonl_out}, expected 1")
    record = records[0]
    got = sorted((s["start"], s["end"], s["label"]) for s in record.get("spans", []))
    _check(record.get("text") == text, "read jsonl: the exported text differs from the article")
    _check(got == expected, f"read jsonl: {len(got)} spans read back, expected {len(expected)}")
    _check(record.get("answer") == "accept", f"read jsonl: answer is {record.get('answer')!r}")

    def read_docbin() -> list[Any]:
        docbin = DocBin().from_disk(spacy_out / "train.spacy")
        return list(docbin.get_docs(suggester.nlp.vocab))

    docs = _step("read spacy", read_docbin)
    _check(len(docs) == 1, f"read spacy: {len(docs)} documents in train.spacy, expected 1")
    ents = sorted((e.start_char, e.end_char, e.label_) for e in docs[0].ents)
    _check(
        ents == expected, f"read spacy: {len(ents)} entities read back, expected {len(expected)}"
    )
    _check((spacy_out / "config.cfg").is_file(), "export spacy: no config.cfg written")

    trained = _step("train", lambda: _train_tiny(workdir, text, suggester))

    # (The frozen app's Qt runtime hook imports PySide6.QtCore at start; widgets never load.)
    gui = sorted(
        m
        for m in set(sys.modules) - loaded_before
        if m.startswith(("annotator.ui", "PySide6.QtWidgets"))
    )
    _check(not gui, f"layering: the headless flow imported {', '.join(gui)}")

    elapsed = time.perf_counter() - started
    info = suggester.info
    where = "frozen" if getattr(sys, "frozen", False) else str(resources)
    return (
        f"selftest ok: pipeline {info.location} {info.version}"
        f"{' with the start model' if default_of(suggester) == START else ''}, "
        f"{len(spans)} suggestions, "
        f"export 1 doc/{len(ents)} spans read back (jsonl + spacy), {trained}, "
        f"resources {where}, {elapsed:.1f} s"
    )


def _train_tiny(workdir: Path, text: str, suggester: Any) -> str:
    """Train a model for one epoch on the sample article's paragraphs, accepted as suggested,
    store it in a project, load it back from the project and suggest with it."""
    from annotator.core.model import DEFAULT_LABELS, Answer, LabelSet, SpanState
    from annotator.core.store import NewDocument, ProjectStore
    from annotator.nlp.preannotate import suggester_for_project
    from annotator.nlp.train.project import TrainOptions, train_project
    from annotator.nlp.train.start_rehearsal import REHEARSAL_FROM_START

    paragraphs = [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40][:8]
    _check(len(paragraphs) >= 6, f"train: the sample has {len(paragraphs)} paragraphs, need 6")
    store = ProjectStore.create(workdir / "train.annot", LabelSet.from_names(DEFAULT_LABELS))
    try:
        store.add_documents(
            NewDocument(
                paragraph,
                {},
                spans=tuple(
                    s.with_(state=SpanState.ACCEPTED) for s in suggester.suggest_one(paragraph)
                ),
                answer=Answer.ACCEPT,
            )
            for paragraph in paragraphs
        )
        report = train_project(store, TrainOptions(epochs=1, use="always"))
        learned = suggester_for_project(store)
        spans = learned.suggest_one(paragraphs[0])
    finally:
        store.close()
    _check(report.model_id is not None, "train: no model was stored")
    # The shipped start model (resources/start_model) must be bundled and readable.
    _check(not report.start_problem, f"train: {report.start}")
    # ... with the documents it learned from, which training rehearses on.
    _check(not report.rehearsal_problem, f"train: {report.rehearsal_problem}")
    _check(
        not report.start_shipped or report.rehearsal_from == REHEARSAL_FROM_START,
        "train: the start model's rehearsal texts (rehearsal.jsonl) are missing",
    )
    _check(bool(spans), "train: the trained model suggested nothing on its own training text")
    start = ", from the start model" if report.start_shipped else ""
    return f"trained model {report.model_id} ({len(spans)} suggestions{start})"


def run_selftest(pipeline: str = "auto", debug: bool = False) -> int:
    """Run the self-test; print one line; 0 on success, 1 on failure."""
    try:
        with tempfile.TemporaryDirectory(prefix="annotator-selftest-") as tmp:
            line = _selftest(Path(tmp), pipeline)
    except SelftestError as exc:
        if debug:
            traceback.print_exc()
        print(f"selftest FAILED at {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a failure outside any step (imports, temp folder)
        if debug:
            traceback.print_exc()
        print(f"selftest FAILED at setup: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    print(line)
    return 0

"""Pre-annotation of a project: a Suggester built from the project's settings, run over the
documents whose suggestions for the current version are not cached yet.

The same function serves ``annotator suggest`` and the window's "Suggest for all documents".
Results go to the store's suggestion cache (keyed by ``Suggester.version``); an annotator's
view seeds them into their annotation when the document opens.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import ProjectStore, StoreError
from annotator.nlp.label_map_setting import project_label_map
from annotator.nlp.suggest import SpanSource, Suggester

__all__ = [
    "PreannotateReport",
    "pre_annotate",
    "suggester_for_project",
    "untrained_suggester",
]

_CHUNK = 256


def suggester_for_project(store: ProjectStore) -> SpanSource:
    """What suggests in the project: its active trained model (``annotator models``), or the
    untrained suggester when none is in use; either without the texts its annotators taught
    it to leave out (``core.suppressions``)."""
    from annotator.nlp.suppress import with_suppressions

    model_id = store.active_model()
    if model_id is None:
        return with_suppressions(untrained_suggester(store), store.suppressed())
    from annotator.nlp.train.load import learned_suggester

    return learned_suggester(store, model_id)


def untrained_suggester(store: ProjectStore) -> Suggester:
    """A new Suggester for the project: its pipeline, labels, label map and own patterns, the
    rules over the start model's entities where it fits (``train.default``).

    Settings read: ``pipeline``; ``label_map`` (JSON object, pipeline label -> project label
    or null); ``default_suggester`` (``start``, the default, or ``base``). Project patterns
    are the ones stored with ``add_project_pattern``.
    """
    from annotator.nlp.train.default import SETTING, checked_default, default_suggester

    try:
        wanted = checked_default(store.setting(SETTING))
    except ValueError as exc:
        raise StoreError(f"{store.path}: the project's {exc}") from exc
    return default_suggester(
        store.pipeline,
        store.labels().names,
        project_label_map(store),
        store.project_patterns(),
        wanted,
    )


@dataclass
class PreannotateReport:
    documents: int = 0
    spans: int = 0
    cached: int = 0
    version: str = ""

    def to_json(self) -> dict[str, Any]:
        """The report for scripts (``annotator suggest --json``)."""
        return dataclasses.asdict(self)

    def summary(self) -> str:
        return (
            f"{self.documents} documents suggested ({self.spans} spans), "
            f"{self.cached} already cached; version {self.version}"
        )


def pre_annotate(
    store: ProjectStore,
    suggester: SpanSource,
    *,
    limit: int | None = None,
    n_process: int = 1,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> PreannotateReport:
    """Suggest spans for uncached documents, committing every chunk of 256 documents.

    A cancel keeps the chunks already committed (they are complete and valid) and stops.
    """
    total_docs = store.count_documents()
    report = PreannotateReport(version=suggester.version)
    uncached = store.documents_without_suggestions(suggester.version, limit=total_docs)
    report.cached = total_docs - len(uncached)
    todo = uncached[:limit] if limit is not None else uncached
    progress(0, len(todo), "documents")
    for start in range(0, len(todo), _CHUNK):
        if cancel is not None:
            cancel.check()
        ids = todo[start : start + _CHUNK]
        texts = [store.document(doc_id).text for doc_id in ids]
        results = list(suggester.suggest(texts, n_process=n_process))
        store.store_suggestions(zip(ids, results, strict=True), suggester.version)
        report.documents += len(ids)
        report.spans += sum(len(spans) for spans in results)
        progress(report.documents, len(todo), "documents")
    return report

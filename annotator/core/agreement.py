"""Inter-annotator agreement: pairwise span F1 and Krippendorff's alpha on token labels.

Only documents accepted by both annotators of a pair (for alpha over all annotators: by two or
more) count: a rejected or ignored document has no spans to compare.

- **Span F1** (per pair, per label and overall): a span is matched only by a span with the same
  start, end and label. With the spans of A as "predicted" and those of B as "gold",
  precision and recall swap when A and B swap, and F1 = 2·both / (|A| + |B|) is the same
  either way.
- **Krippendorff's alpha** (nominal): each token of a document is a unit, its value the label of
  the span covering it or ``O`` (no BIO prefixes: a boundary disagreement costs the tokens it
  moves). It is computed by the ``krippendorff`` package (a maintained implementation), not
  here. Per label, alpha is taken on "this label or not". Where every token has one value the
  figure is undefined (None), not 1.
- **Documents that disagree most**: the spans not made by every annotator of the document,
  most first.

The caller brings the tokens (``tokenize``): spaCy runs only in ``annotator.nlp``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.model import Answer, Span
from annotator.core.team import candidates, is_reserved

if TYPE_CHECKING:
    from annotator.core.store import ProjectStore

__all__ = [
    "AgreementReport",
    "DocumentDisagreement",
    "LabelCounts",
    "PairAgreement",
    "agreement",
    "agreement_of_project",
    "alpha",
    "token_labels",
]

OUTSIDE = "O"
#: Text positions -> token (start, end) pairs, for many texts at once.
Tokenize = Callable[[list[str]], Iterable[Sequence[tuple[int, int]]]]


@dataclass
class LabelCounts:
    """Spans both made (``both``), only A made and only B made."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0

    @property
    def f1(self) -> float | None:
        total = 2 * self.both + self.only_a + self.only_b
        return 2 * self.both / total if total else None

    def to_json(self) -> dict[str, Any]:
        return {"both": self.both, "only_a": self.only_a, "only_b": self.only_b, "f1": self.f1}


@dataclass
class PairAgreement:
    a: str
    b: str
    documents: int = 0
    labels: dict[str, LabelCounts] = field(default_factory=dict)
    alpha: float | None = None

    @property
    def overall(self) -> LabelCounts:
        total = LabelCounts()
        for counts in self.labels.values():
            total.both += counts.both
            total.only_a += counts.only_a
            total.only_b += counts.only_b
        return total

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "documents": self.documents,
            "f1": self.overall.f1,
            "alpha": self.alpha,
            "labels": {name: c.to_json() for name, c in sorted(self.labels.items())},
        }


@dataclass(frozen=True)
class DocumentDisagreement:
    doc_id: int
    annotators: tuple[str, ...]
    disputed: int  # spans not made by every annotator of the document
    spans: int  # distinct spans in all

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "annotators": list(self.annotators),
            "disputed_spans": self.disputed,
            "spans": self.spans,
        }


@dataclass
class AgreementReport:
    annotators: list[str]
    documents: int  # accepted by two or more of the annotators
    pairs: list[PairAgreement]
    alpha: float | None
    label_alpha: dict[str, float | None]
    disagreements: list[DocumentDisagreement]

    def to_json(self) -> dict[str, Any]:
        return {
            "annotators": self.annotators,
            "documents": self.documents,
            "alpha": self.alpha,
            "label_alpha": dict(sorted(self.label_alpha.items())),
            "pairs": [p.to_json() for p in self.pairs],
            "disagree_most": [d.to_json() for d in self.disagreements],
        }

    def summary(self) -> str:
        def shown(value: float | None) -> str:
            return "  n/a" if value is None else f"{value:.3f}"

        lines = [
            f"{len(self.annotators)} annotators ({', '.join(self.annotators)}), "
            f"{self.documents} documents accepted by two or more",
            f"Krippendorff's alpha (token labels, nominal): {shown(self.alpha)}",
        ]
        lines += [f"  {name:<12} {shown(v)}" for name, v in sorted(self.label_alpha.items())]
        for pair in self.pairs:
            lines.append(
                f"{pair.a} / {pair.b}: {pair.documents} documents, span F1 "
                f"{shown(pair.overall.f1)}, alpha {shown(pair.alpha)}"
            )
            for name, counts in sorted(pair.labels.items()):
                lines.append(
                    f"  {name:<12} F1 {shown(counts.f1)}  both {counts.both}, only "
                    f"{pair.a} {counts.only_a}, only {pair.b} {counts.only_b}"
                )
        if self.disagreements:
            lines.append("documents that disagree most:")
            lines += [
                f"  document {d.doc_id}: {d.disputed} of {d.spans} spans disputed "
                f"({', '.join(d.annotators)})"
                for d in self.disagreements
            ]
        return "\n".join(lines)


def token_labels(tokens: Sequence[tuple[int, int]], spans: Iterable[Span]) -> list[str]:
    """The label of each token (the span that covers it), ``O`` outside every span."""
    values = [OUTSIDE] * len(tokens)
    ordered = sorted(spans)
    i = 0
    for index, (start, end) in enumerate(tokens):
        while i < len(ordered) and ordered[i].end <= start:
            i += 1
        if i < len(ordered) and ordered[i].start <= start and end <= ordered[i].end:
            values[index] = ordered[i].label
    return values


def alpha(rows: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha (nominal) of coders x units of labels (None: the coder gave none),
    by the ``krippendorff`` package; None when undefined (a single value, or no pairable unit)."""
    import krippendorff
    import numpy as np

    values = sorted({v for row in rows for v in row if v is not None})
    if len(values) < 2 or not rows or not rows[0]:
        return None
    code = {value: float(i) for i, value in enumerate(values)}
    data = np.array([[np.nan if v is None else code[v] for v in row] for row in rows])
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return None


@dataclass(frozen=True)
class _Doc:
    doc_id: int
    tokens: Sequence[tuple[int, int]]
    spans: dict[str, list[Span]]  # annotator -> accepted spans


def agreement(
    docs: Sequence[_Doc] | Sequence[tuple[int, Sequence[tuple[int, int]], dict[str, list[Span]]]],
    annotators: Sequence[str],
    most: int = 20,
) -> AgreementReport:
    """The report over documents given as (id, tokens, {annotator: accepted spans})."""
    items = [d if isinstance(d, _Doc) else _Doc(*d) for d in docs]
    names = sorted(annotators)
    pairs = [_pair(a, b, items) for a, b in itertools.combinations(names, 2)]
    shared = [d for d in items if sum(n in d.spans for n in names) >= 2]
    rows: list[list[str | None]] = [[] for _ in names]
    for doc in shared:
        for row, name in zip(rows, names, strict=True):
            labels = token_labels(doc.tokens, doc.spans[name]) if name in doc.spans else None
            row.extend(labels if labels is not None else [None] * len(doc.tokens))
    found = {s.label for d in shared for spans in d.spans.values() for s in spans}
    label_alpha = {
        label: alpha([[_is(v, label) for v in row] for row in rows]) for label in sorted(found)
    }
    return AgreementReport(
        annotators=names,
        documents=len(shared),
        pairs=pairs,
        alpha=alpha(rows),
        label_alpha=label_alpha,
        disagreements=_disagreements(shared, names, most),
    )


def _is(value: str | None, label: str) -> str | None:
    """A token's value for one label's alpha: the label, or anything else."""
    if value is None:
        return None
    return "yes" if value == label else "no"


def _pair(a: str, b: str, docs: Sequence[_Doc]) -> PairAgreement:
    pair = PairAgreement(a, b)
    rows: list[list[str | None]] = [[], []]
    for doc in docs:
        if a not in doc.spans or b not in doc.spans:
            continue
        pair.documents += 1
        keys_a = {s.key for s in doc.spans[a]}
        keys_b = {s.key for s in doc.spans[b]}
        for key in keys_a | keys_b:
            counts = pair.labels.setdefault(key[2], LabelCounts())
            if key in keys_a and key in keys_b:
                counts.both += 1
            elif key in keys_a:
                counts.only_a += 1
            else:
                counts.only_b += 1
        rows[0].extend(token_labels(doc.tokens, doc.spans[a]))
        rows[1].extend(token_labels(doc.tokens, doc.spans[b]))
    pair.alpha = alpha(rows)
    return pair


def _disagreements(
    docs: Sequence[_Doc], names: Sequence[str], most: int
) -> list[DocumentDisagreement]:
    found = []
    for doc in docs:
        present = {n: doc.spans[n] for n in names if n in doc.spans}
        spans = candidates(present)
        disputed = sum(len(c.annotators) < len(present) for c in spans)
        if disputed:
            found.append(DocumentDisagreement(doc.doc_id, tuple(present), disputed, len(spans)))
    found.sort(key=lambda d: (-d.disputed, -d.disputed / d.spans, d.doc_id))
    return found[:most]


def agreement_of_project(
    store: ProjectStore, tokenize: Tokenize, annotators: Sequence[str] | None = None, most: int = 20
) -> AgreementReport:
    """The report over a project's accepted documents; with
    ``annotators`` only theirs, else every person's (never the reviewed annotation)."""
    chosen = set(annotators) if annotators else None
    collected: list[tuple[int, str, dict[str, list[Span]]]] = []
    everyone: set[str] = set()
    pairs = store.iter_annotations((Answer.ACCEPT,), None)
    for doc_id, group in itertools.groupby(pairs, key=lambda pair: pair[0].id):
        text = ""
        spans: dict[str, list[Span]] = {}
        for doc, annotation in group:
            who = annotation.annotator
            if is_reserved(who) or (chosen is not None and who not in chosen):
                continue
            text = doc.text
            spans[who] = annotation.accepted
        everyone.update(spans)
        if len(spans) >= 2:
            collected.append((doc_id, text, spans))
    names = sorted(chosen) if chosen is not None else sorted(everyone)
    token_lists = list(tokenize([text for _, text, _ in collected]))
    docs = [
        _Doc(doc_id, tokens, spans)
        for (doc_id, _, spans), tokens in zip(collected, token_lists, strict=True)
    ]
    return agreement(docs, names, most)

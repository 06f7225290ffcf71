"""Scoring suggestions against gold: precision, recall and F1 per label, exact span match.

Gold is JSONL, one ``{"text", "spans": [{"start", "end", "label"}]}`` a line. Labels outside
the scored set (e.g. GPE for the default four) are dropped from gold and predictions alike.

Run: ``python -m annotator.nlp.evaluate GOLD.jsonl [MORE.jsonl ...] [--labels PERSON,ORG,...]
[--pipeline auto] [--errors]``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import DEFAULT_LABELS, Span

__all__ = ["Scores", "main", "read_gold", "score"]

Key = tuple[int, int, str]


@dataclass
class Scores:
    """True positives, false positives and false negatives per label."""

    tp: dict[str, int] = field(default_factory=dict)
    fp: dict[str, int] = field(default_factory=dict)
    fn: dict[str, int] = field(default_factory=dict)

    def add(self, gold: set[Key], predicted: set[Key]) -> None:
        for _, _, label in gold & predicted:
            self.tp[label] = self.tp.get(label, 0) + 1
        for _, _, label in predicted - gold:
            self.fp[label] = self.fp.get(label, 0) + 1
        for _, _, label in gold - predicted:
            self.fn[label] = self.fn.get(label, 0) + 1

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def label(self, label: str) -> tuple[float, float, float]:
        """(precision, recall, F1) of one label."""
        return self._prf(self.tp.get(label, 0), self.fp.get(label, 0), self.fn.get(label, 0))

    def overall(self) -> tuple[float, float, float]:
        """Micro-averaged (precision, recall, F1) over all labels."""
        return self._prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def table(self, labels: Sequence[str]) -> str:
        """A per-label text table with support (gold count) and the overall row."""
        rows = [f"{'label':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}"]
        for label in labels:
            p, r, f = self.label(label)
            support = self.tp.get(label, 0) + self.fn.get(label, 0)
            rows.append(f"{label:<10} {p:6.3f} {r:6.3f} {f:6.3f} {support:5d}")
        p, r, f = self.overall()
        support = sum(self.tp.values()) + sum(self.fn.values())
        rows.append(f"{'overall':<10} {p:6.3f} {r:6.3f} {f:6.3f} {support:5d}")
        return "\n".join(rows)


def _keys(spans: Iterable[Span | dict], labels: set[str]) -> set[Key]:
    keys = set()
    for span in spans:
        key = (span["start"], span["end"], span["label"]) if isinstance(span, dict) else span.key
        if key[2] in labels:
            keys.add(key)
    return keys


def read_gold(path: str | Path) -> list[dict]:
    """Gold records of a JSONL file; an unreadable line is an error naming file and line."""
    records = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record.get("text"), str) or not isinstance(record.get("spans"), list):
                raise ValueError('needs "text" and "spans"')
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"{path}:{number}: not a gold record ({exc})") from exc
        records.append(record)
    return records


def score(
    gold: Iterable[dict], predictions: Iterable[Iterable[Span]], labels: Iterable[str]
) -> Scores:
    """Exact-match scores of ``predictions`` (one span list per gold record, same order)."""
    keep = set(labels)
    scores = Scores()
    for record, predicted in zip(gold, predictions, strict=True):
        scores.add(_keys(record["spans"], keep), _keys(predicted, keep))
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    """Score the suggester on gold files and print a per-label table."""
    parser = argparse.ArgumentParser(prog="python -m annotator.nlp.evaluate", description=__doc__)
    parser.add_argument("gold", nargs="+", help="gold JSONL file(s)")
    parser.add_argument("--labels", default=",".join(DEFAULT_LABELS))
    parser.add_argument("--pipeline", default="auto", help="spaCy pipeline (default: auto)")
    parser.add_argument("--errors", action="store_true", help="list missed and extra spans")
    parser.add_argument(
        "--default",
        choices=("start", "base"),
        default="start",
        help="the rules over the start model's entities (start) or the pipeline's own (base)",
    )
    args = parser.parse_args(argv)
    from annotator.nlp.train.default import default_suggester

    labels = [label.strip() for label in args.labels.split(",") if label.strip()]
    records = [record for path in args.gold for record in read_gold(path)]
    suggester = default_suggester(args.pipeline, labels, {}, [], args.default)
    predictions = list(suggester.suggest(record["text"] for record in records))
    scores = score(records, predictions, labels)
    if args.errors:
        keep = set(labels)
        for record, predicted in zip(records, predictions, strict=True):
            gold_keys, pred_keys = _keys(record["spans"], keep), _keys(predicted, keep)
            text = record["text"]
            for start, end, label in sorted(gold_keys ^ pred_keys):
                kind = "missed" if (start, end, label) in gold_keys else "extra "
                print(f"{kind} {label:<9} {text[start:end]!r}")
    print(f"{suggester.version}: {len(records)} documents")
    print(scores.table(labels))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

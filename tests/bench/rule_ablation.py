"""Which rules that drop model spans does the default still need? One switched off at a time.

The untrained suggester drops some of the recognizer's entities by rule: a place read from its
context or from a company list, an ORG that names no body, a ship's name, a staff title in an
office's name, a one-word person without a full name or a title (``nlp.rule_lifts``). Each was
written to repair the installed pipeline's entities. For each kind of text, this scores the
default suggester over the start model (built without that kind, ``--start-per-kind``) and over
the installed pipeline with each rule switched off in turn (the rule's function replaced for the
run; nothing else changes), and prints the F1 difference against all rules on. A rule whose
removal does not lose anywhere would be retired (issue 9, item 12). Run from the repository
root:

    .venv/bin/python tests/bench/rule_ablation.py --start-per-kind '/tmp/start-{kind}' \\
        [--kinds news transcripts reports forums history fiction legal]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

import default_choice  # tests/bench, beside this script

import annotator.nlp.suggest as suggest_module
from annotator.nlp.train.default import BASE, START, default_of, default_suggester
from annotator.nlp.train.start import START_ENV

#: Each rule by the name ``nlp.suggest`` calls it, and what stands in for it when it is off.
RULES: dict[str, dict[str, Callable[..., Any]]] = {
    "place by context": {"is_place_by_context": lambda *a: False},
    "place by company": {"is_place_by_company": lambda *a: False},
    "names no body": {"is_no_body": lambda *a: False},
    "ship name": {"is_ship_name": lambda *a: False},
    "staff in office title": {"is_staff_in_office_title": lambda *a: False},
    "lone person": {"single_word_persons": lambda doc, entities: entities},
}


def _f1(records: list[dict], predicted: list[list]) -> float:
    tp = fp = fn = 0
    for record, spans in zip(records, predicted, strict=True):
        gold = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
        found = {s.key for s in spans}
        tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def ablate(kind: str, wanted: str) -> dict[str, float]:
    """F1 with all rules on, and the difference with each rule off, on ``kind``."""
    records = default_choice.records_of(kind)
    suggester = default_suggester("auto", default_choice.LABELS, {}, [], wanted)
    if default_of(suggester) != wanted:
        raise SystemExit(f"{os.environ.get(START_ENV)}: the start model does not fit or load")
    docs = list(suggester.nlp.pipe([r["text"] for r in records]))
    originals = {name: getattr(suggest_module, name) for rule in RULES.values() for name in rule}

    def score() -> float:
        pairs = zip(records, docs, strict=True)
        return _f1(records, [suggester.spans_from_doc(d, r["text"]) for r, d in pairs])

    out = {"all rules": score()}
    try:
        for rule, replaced in RULES.items():
            for name, stand_in in replaced.items():
                setattr(suggest_module, name, stand_in)
            out[rule] = score() - out["all rules"]
            for name in replaced:
                setattr(suggest_module, name, originals[name])
    finally:
        for name, original in originals.items():
            setattr(suggest_module, name, original)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    kinds = list(default_choice.KINDS)
    parser.add_argument("--kinds", nargs="*", default=kinds, choices=kinds)
    parser.add_argument("--start-per-kind", required=True, help="a folder; {kind} is replaced")
    args = parser.parse_args()
    for wanted in (START, BASE):
        results = {}
        for kind in args.kinds:
            os.environ[START_ENV] = args.start_per_kind.format(kind=kind)
            results[kind] = ablate(kind, wanted)
        print(f"over the {'start model' if wanted == START else 'installed pipeline'}")
        print(f"{'':22s}" + " ".join(f"{k[:11]:>11s}" for k in args.kinds))
        for row in ("all rules", *RULES):
            cells = (results[k][row] for k in args.kinds)
            form = "{:11.3f}" if row == "all rules" else "{:+11.3f}"
            print(f"{row:22s}" + " ".join(form.format(v) for v in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

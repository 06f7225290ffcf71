"""`annotator queue` (the documents still to do, in the project's order of work) and
`annotator calibrate` (fit the confidence calibration on the held-out part).

Kept apart from ``cli`` so that each module stays one concern; ``cli.build_parser`` adds
these commands with ``add_commands``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from annotator.core.store import ProjectStore, current_annotator
from annotator.core.work_order import ORDERS, WorkOrder

__all__ = ["add_commands"]

_PREVIEW = 70


def _cmd_queue(args: argparse.Namespace) -> int:
    with ProjectStore.open(args.project) as store:
        saved = store.work_order()
        order = WorkOrder(args.order or saved.kind, saved.seed if args.seed is None else args.seed)
        if args.save:
            store.set_work_order(order)
        annotator = args.annotator or current_annotator()
        version = store.latest_suggestion_version()
        entries = store.queue(annotator, order, version, limit=args.limit)
        rows = []
        for entry in entries:
            text = store.document(entry.doc_id).text
            rows.append(
                {
                    "doc_id": entry.doc_id,
                    "uncertainty": entry.uncertainty,
                    "text": " ".join(text[:_PREVIEW].split()),
                }
            )
    if args.json:
        print(json.dumps({"order": order.kind, "seed": order.seed, "documents": rows}, indent=2))
        return 0
    print(f"# order: {order.describe().lower()}; {len(rows)} documents still to do for {annotator}")
    for row in rows:
        sure = "   -  " if row["uncertainty"] is None else f"{row['uncertainty']:6.3f}"
        print(f"{row['doc_id']:>7}  {sure}  {row['text']}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from annotator.nlp.confidence.calibrate import calibrate_project

    with ProjectStore.open(args.project) as store:
        report = calibrate_project(store)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.summary())
    return 0


def add_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``queue`` and ``calibrate`` to the parser ``command`` makes subcommands of."""
    p = command("queue", "list the documents still to do, in the order of work")
    p.add_argument("project")
    p.add_argument(
        "--order",
        choices=ORDERS,
        default=None,
        help="in-order, least-sure (least sure suggestions first) or random (seeded); "
        "default: the project's",
    )
    p.add_argument("--seed", type=int, default=None, help="seed of the random order")
    p.add_argument("--save", action="store_true", help="make this the project's order")
    p.add_argument("--limit", type=int, default=None, help="list at most N documents")
    p.add_argument("--annotator", default=None, help="whose work (default: you)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_queue)

    p = command("calibrate", "fit the confidence of model suggestions on the held-out part")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_calibrate)

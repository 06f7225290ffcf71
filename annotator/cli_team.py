"""The command line's team commands: ``merge`` and ``agreement`` (see ``annotator.cli``)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from annotator.core.store import ProjectStore

__all__ = ["EXIT_CONFLICTS", "add_team_commands"]

EXIT_CONFLICTS = 3  # merged, but conflicts were left for an explicit --prefer


def _cmd_merge(args: argparse.Namespace) -> int:
    from annotator.core.merge import merge_projects

    with ProjectStore.open(args.project) as store:
        report = merge_projects(store, [Path(p) for p in args.others], args.prefer)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.summary())
    return EXIT_CONFLICTS if report.unresolved else 0


def _cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.formats.agreement_job import project_agreement

    names = [n.strip() for n in (args.annotators or "").split(",") if n.strip()] or None
    with ProjectStore.open(args.project) as store:
        report = project_agreement(store, names, most=args.most)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.summary())
    return 0


def add_team_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``merge`` and ``agreement`` through the main parser's ``command`` factory."""
    p = command("merge", "bring in copies of the project that annotators worked on apart")
    p.add_argument("project")
    p.add_argument("others", nargs="+", metavar="OTHER", help="copies to merge in (only read)")
    p.add_argument(
        "--prefer",
        choices=["newer", "ours", "theirs"],
        default=None,
        help="how to settle an annotator's two different annotations of one document "
        "(default: keep ours and report the conflict)",
    )
    p.add_argument("--json", action="store_true", help="the summary as JSON, for scripts")
    p.set_defaults(func=_cmd_merge)

    p = command("agreement", "inter-annotator agreement: span F1 per pair, Krippendorff's alpha")
    p.add_argument("project")
    p.add_argument("--annotators", default=None, help="comma-separated (default: everyone)")
    p.add_argument("--most", type=int, default=20, help="documents that disagree most to list")
    p.add_argument("--json", action="store_true", help="the figures as JSON, for scripts")
    p.set_defaults(func=_cmd_agreement)

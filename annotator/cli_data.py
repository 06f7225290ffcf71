"""The command line's data commands: ``import``, ``export`` and ``labels`` (see
``annotator.cli``): what goes into a project, in which labels, and what comes out."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from annotator.core.model import Answer
from annotator.core.store import ProjectStore
from annotator.formats.iob import EXPORT_SCHEMES
from annotator.formats.readers import reader_names
from annotator.progressbar import ProgressBar

__all__ = ["EXIT_REFUSED", "add_data_commands"]

EXIT_REFUSED = 3  # the command ran, but some input records or files were refused


def _cmd_import(args: argparse.Namespace) -> int:
    from annotator.formats.docbin import SpanOptions
    from annotator.formats.importing import import_files
    from annotator.formats.label_options import LabelOptions

    bar = ProgressBar("import")
    with ProjectStore.open(args.project) as store:
        try:
            report = import_files(
                store,
                args.files,
                as_suggestions=args.as_ == "suggestions",
                annotator=args.annotator,
                update=args.update,
                progress=bar,
                label_options=LabelOptions(args.label_map or {}, args.add_labels),
                binary=args.binary,
                text_column=args.text_column,
                fmt=args.format,
                spans=SpanOptions(args.spans_key, args.drop_overlapping),
            )
        finally:
            bar.close()
    for error in report.errors[: args.max_errors]:
        print(f"  {error}", file=sys.stderr)
    if len(report.errors) > args.max_errors:
        print(f"  ... and {len(report.errors) - args.max_errors} more", file=sys.stderr)
    for failed in report.failed_files:
        print(f"error: {failed}", file=sys.stderr)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.summary())
    return EXIT_REFUSED if report.failed_files or report.errors else 0


def _cmd_export(args: argparse.Namespace) -> int:
    from annotator.formats.exporting import export_project

    answers: list[Answer] = args.answers
    bar = ProgressBar("export")
    with ProjectStore.open(args.project) as store:
        try:
            report = export_project(
                store,
                args.out,
                args.format,
                answers=answers,
                source=args.annotator or args.source,
                dev_ratio=args.dev_ratio,
                seed=args.seed,
                progress=bar,
                scheme=args.scheme,
                docstart=args.docstart,
                include=args.include,
            )
        finally:
            bar.close()
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    # With OUT "-" the data went to standard output: the summary must not join it.
    summary = json.dumps(report.to_json(), indent=2) if args.json else report.summary()
    print(summary, file=sys.stderr if args.out == "-" else sys.stdout)
    # Documents left out because their annotators disagree and nobody reviewed them.
    return EXIT_REFUSED if report.undecided else 0


def _cmd_labels(args: argparse.Namespace) -> int:
    names = [n.strip() for n in (args.add or "").split(",") if n.strip()]
    with ProjectStore.open(args.project) as store:
        added = store.add_labels(names) if names else []
        labels = store.labels()
    if args.json:
        listed = [{"name": x.name, "color": x.color, "key": x.key} for x in labels]
        print(json.dumps({"labels": listed, "added": added}, indent=2))
        return 0
    for label in labels:
        print(f"{label.name:<16} {label.color}  {label.key or '-'}")
    if added:
        print(f"added: {', '.join(added)}")
    return 0


def _label_map(value: str) -> dict[str, str | None]:
    from annotator.formats.label_options import parse_label_map

    try:
        return parse_label_map(value)
    except ValueError as exc:  # ValidationError too: a bad target label name
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _answers(value: str) -> list[Answer]:
    """``--answers accept,reject``: refused with the valid answers named (never a ValueError)."""
    valid = [a.value for a in Answer]
    names = [a.strip() for a in value.split(",") if a.strip()]
    wrong = [n for n in names if n not in valid]
    if wrong or not names:
        what = ", ".join(repr(n) for n in wrong) if wrong else "nothing"
        raise argparse.ArgumentTypeError(
            f"{what} is not an answer; choose from {', '.join(valid)} (comma-separated)"
        )
    return [Answer(n) for n in names]


def _includes(value: str) -> list[str]:
    """``--include unanswered,suggestions``: refused with the valid choices named."""
    from annotator.formats.exporting import INCLUDES

    names = [n.strip() for n in value.split(",") if n.strip()]
    wrong = [n for n in names if n not in INCLUDES]
    if wrong or not names:
        what = ", ".join(repr(n) for n in wrong) if wrong else "nothing"
        raise argparse.ArgumentTypeError(
            f"{what} cannot be included; choose from {', '.join(INCLUDES)} (comma-separated)"
        )
    return names


def add_data_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``import``, ``labels`` and ``export`` through the main parser's ``command`` factory."""
    p = command(
        "import",
        "import .jsonl (also doccano), .json (Label Studio), .csv, .tsv, .conll/.iob/.bio, "
        ".spacy, .txt files or folders of .txt",
    )
    p.add_argument("project")
    p.add_argument("files", nargs="+")
    p.add_argument(
        "--format",
        choices=reader_names(),
        default="auto",
        help="the reader (default auto: chosen by each file's content, then its suffix)",
    )
    p.add_argument(
        "--spans-key",
        default=None,
        metavar="KEY",
        help=".spacy: read doc.spans[KEY] instead of doc.ents",
    )
    p.add_argument(
        "--drop-overlapping",
        action="store_true",
        help=".spacy: keep the longest non-overlapping spans (the others go to the meta) "
        "instead of refusing a document whose spans overlap",
    )
    p.add_argument(
        "--as",
        dest="as_",
        choices=["accepted", "suggestions"],
        default="accepted",
        help="what incoming spans become (default: accepted)",
    )
    p.add_argument(
        "--annotator",
        default=None,
        help="whose annotations the spans become when a record names nobody (default: you)",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="replace an annotator's annotation already in the project (else skipped, counted)",
    )
    p.add_argument(
        "--label-map",
        type=_label_map,
        default=None,
        metavar="OLD=NEW,...",
        help="rename labels of incoming spans (OLD=NEW) or drop them (OLD=; counted in the report)",
    )
    p.add_argument(
        "--add-labels",
        action="store_true",
        help="add labels the project does not have yet (otherwise such a record is refused)",
    )
    kind = p.add_mutually_exclusive_group()
    kind.add_argument(
        "--binary",
        dest="binary",
        action="store_const",
        const="binary",
        default="auto",
        help="records without _view_id are binary answers about their one span (ner.teach)",
    )
    kind.add_argument(
        "--manual",
        dest="binary",
        action="store_const",
        const="manual",
        help="records without _view_id are full annotations (ner.manual)",
    )
    p.add_argument(
        "--text-column",
        default=None,
        metavar="NAME",
        help="the column (CSV/TSV) or data key (Label Studio) holding the text "
        "(default: text, content, sentence...)",
    )
    p.add_argument("--max-errors", type=int, default=50, help="bad records to list")
    p.add_argument("--json", action="store_true", help="the summary as JSON, for scripts")
    p.set_defaults(func=_cmd_import)

    p = command("labels", "list the project's labels, or add some")
    p.add_argument("project")
    p.add_argument(
        "--add", default=None, metavar="X[,Y]", help="labels to add (colour and key picked)"
    )
    p.add_argument("--json", action="store_true", help="the labels as JSON, for scripts")
    p.set_defaults(func=_cmd_labels)

    p = command("export", "export answered documents")
    p.add_argument("project")
    p.add_argument("out", help="a file (- for standard output), a folder for spacy")
    p.add_argument(
        "--format", choices=["jsonl", "spacy", "conll", "doccano", "labelstudio"], default="jsonl"
    )
    p.add_argument(
        "--answers",
        type=_answers,
        default=[Answer.ACCEPT],
        help="answers to export: accept, reject, ignore, comma-separated (default accept)",
    )
    p.add_argument(
        "--from",
        dest="source",
        default="auto",
        metavar="reviewed|ANNOTATOR|all",
        help="whose annotations: reviewed, an annotator, all; default: the reviewed one, else "
        "the single or agreed one (documents whose annotators disagree are left out and named)",
    )
    p.add_argument("--annotator", default=None, help="only this annotator's work (= --from NAME)")
    p.add_argument(
        "--dev-ratio",
        type=float,
        default=0.2,
        help="share of documents in dev.spacy (exactly round(ratio * n), seeded)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the train/dev split")
    p.add_argument(
        "--scheme",
        choices=list(EXPORT_SCHEMES),
        default="iob",
        help="conll: tag scheme, iob (IOB2, default) or biluo",
    )
    p.add_argument(
        "--docstart",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="conll: a -DOCSTART- line before each document (default: yes)",
    )
    p.add_argument(
        "--include",
        type=_includes,
        default=[],
        help="jsonl, labelstudio: also write unanswered documents and/or suggestions nobody "
        'accepted (comma-separated; in jsonl under their own key "suggestions", in labelstudio '
        "as predictions)",
    )
    p.add_argument("--json", action="store_true", help="the summary as JSON, for scripts")
    p.set_defaults(func=_cmd_export)

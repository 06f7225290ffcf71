"""The `annotator` command: projects, import, export, statistics, and the window.

Errors end the command with a one-line cause and a non-zero exit status; ``--debug`` (before
or after the command) shows the traceback as well. Exit statuses: 0 done, 1 an unexpected
failure, 2 a usage error or a refused command, 3 done but some records or files were refused,
130 interrupted, 141 standard output was closed (``| head``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from annotator import __version__
from annotator.cli_confidence import add_commands as add_confidence_commands
from annotator.cli_data import EXIT_REFUSED, add_data_commands
from annotator.cli_team import add_team_commands
from annotator.core.confidence import rescore
from annotator.core.locations import is_database_url, redact, set_password_prompt
from annotator.core.model import DEFAULT_LABELS, LabelSet, Span, ValidationError
from annotator.core.progress import Cancelled
from annotator.core.schema import SchemaError
from annotator.core.store import ProjectStore, StoreError
from annotator.formats.records import FormatError
from annotator.nlp.patterns import PatternError
from annotator.nlp.pipeline_spec import PipelineError, locate_pipeline
from annotator.progressbar import ProgressBar

__all__ = ["build_parser", "main"]

EXPECTED_ERRORS = (
    StoreError,
    SchemaError,
    FormatError,
    PipelineError,
    PatternError,
    ValidationError,
    FileNotFoundError,
    PermissionError,
)


EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, as a C tool killed by the closed pipe would end


class CommandError(RuntimeError):
    """A user mistake on the command line (message says what to do)."""


def _cmd_new(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.labels.split(",") if n.strip()]
    if not names:
        raise CommandError("--labels needs at least one label name")
    locate_pipeline(args.pipeline)  # a pipeline that does not exist is refused before creating
    if args.per_document < 1:
        raise CommandError("--per-document must be 1 or more")
    store = ProjectStore.create(args.project, LabelSet.from_names(names), pipeline=args.pipeline)
    try:
        if args.per_document != 1:
            store.set_per_document(args.per_document)
    finally:
        store.close()
    where = redact(args.project)
    print(f"created {where} with labels {', '.join(names)} (pipeline: {args.pipeline})")
    return 0


def _cmd_settings(args: argparse.Namespace) -> int:
    from annotator.nlp.train.default import SETTING, checked_default

    with ProjectStore.open(args.project) as store:
        if args.per_document is not None:
            if args.per_document < 1:
                raise CommandError("--per-document must be 1 or more")
            store.set_per_document(args.per_document)
        if args.default_suggester is not None:
            store.set_setting(SETTING, args.default_suggester)
        try:
            default = checked_default(store.setting(SETTING))
        except ValueError as exc:
            raise CommandError(f"{redact(args.project)}: the project's {exc}") from exc
        shown = {
            "project": store.location,
            "shared": store.shared,
            "per_document": store.per_document,
            "pipeline": store.pipeline,
            "default_suggester": default,
        }
    if args.json:
        print(json.dumps(shown, indent=2))
    else:
        for key, value in shown.items():
            print(f"{key:<13} {value}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    with ProjectStore.open(args.project) as store:
        stats = store.stats(args.annotator)
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"documents  {stats['documents']}")
    print(
        f"answered   {stats['answered']}  "
        + "  ".join(f"{k} {v}" for k, v in stats["answers"].items())
    )
    binary = stats.get("span_answers", {})
    if any(binary.values()):
        print(
            "binary     "
            + "  ".join(f"{k} {v}" for k, v in binary.items())
            + "  (answers about one span each; their documents stay to do)"
        )
    print("spans per label (accepted)")
    for label, count in stats["spans"].items():
        print(f"  {label:<12} {count}")
    return 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from annotator.nlp.preannotate import pre_annotate, suggester_for_project

    if args.project_option:
        if args.project and args.project != args.project_option:
            raise CommandError("give the project once: PROJECT or --project PROJECT")
        args.project = args.project_option
    if args.input or args.output:
        return _suggest_file(args)  # with a PROJECT: that project's suggester, read-only
    if not args.project:
        raise CommandError("give a PROJECT, or --input IN.jsonl --output OUT.jsonl")
    with ProjectStore.open(args.project) as store:
        suggester = suggester_for_project(store)
        for skipped in suggester.skipped_patterns:
            print(f"warning: {skipped}", file=sys.stderr)
        bar = ProgressBar("suggest")
        try:
            report = pre_annotate(
                store, suggester, limit=args.limit, n_process=args.n_process, progress=bar
            )
        finally:
            bar.close()
    print(json.dumps(report.to_json(), indent=2) if args.json else report.summary())
    return 0


def _suggest_file(args: argparse.Namespace) -> int:
    from annotator.formats.suggest_file import suggest_file
    from annotator.nlp.suggest import SpanSource

    if not (args.input and args.output):
        raise CommandError("--input and --output go together")
    if args.project:
        # The project's own suggester (its trained model, labels and patterns), read-only.
        from annotator.nlp.preannotate import suggester_for_project

        with ProjectStore.open_reader(args.project) as store:
            suggester: SpanSource = suggester_for_project(store)
            precision, calibration = store.source_precision(), store.calibration()

        def scores(spans: list[Span]) -> list[Span]:
            return rescore(spans, precision, calibration)

        rescored: Callable[[list[Span]], list[Span]] | None = scores
    else:
        rescored = None
        from annotator.nlp.train.default import default_suggester

        labels = [n.strip() for n in args.labels.split(",") if n.strip()]
        suggester = default_suggester(args.pipeline, labels, {}, [])
    bar = ProgressBar("suggest")
    try:
        report, errors = suggest_file(
            suggester,
            Path(args.input),
            Path(args.output),
            scores=rescored,
            n_process=args.n_process,
            progress=bar,
        )
    finally:
        bar.close()
    for error in errors[:50]:
        print(f"  {error}", file=sys.stderr)
    if args.json:
        bad = [{"file": e.file, "line": e.line, "reason": e.reason} for e in errors]
        print(json.dumps({**report.to_json(), "bad_lines": bad}, indent=2))
    else:
        print(report.summary() + (f"; {len(errors)} bad lines skipped" if errors else ""))
    return EXIT_REFUSED if errors else 0


def _cmd_patterns(args: argparse.Namespace) -> int:
    from annotator.nlp.patterns import load_pattern_file

    with ProjectStore.open(args.project) as store:
        changes = [
            (state, *_label_text(value))
            for state, values in (
                ("suppressed", args.suppress),
                ("allowed", args.allow),
                (None, args.clear),
            )
            for value in values
        ]
        for state, label, text in changes:
            store.set_suppression(text, label, state)
            verb = {"suppressed": "no longer suggested", "allowed": "suggested again"}
            print(f"{label} {text!r}: {verb.get(state or '', 'left to the rejection rule')}")
        if changes and not args.files:
            return 0
        if not args.files:
            for pattern in store.project_patterns():
                print(json.dumps(pattern, ensure_ascii=False))
            _print_suppressions(store)
            return 0
        patterns = [p for path in args.files for p in load_pattern_file(path)]  # all or nothing
        added = sum(store.add_project_pattern(p) for p in patterns)
    print(f"{added} patterns added ({len(patterns) - added} were already in the project)")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from annotator.nlp.train.curve import learning_curve
    from annotator.nlp.train.project import TrainOptions, train_project

    options = TrainOptions(
        eval_ratio=args.eval_ratio,
        seed=args.seed,
        resplit=args.resplit,
        epochs=args.epochs,
        rehearsal_ratio=args.rehearsal,
        use=args.use,
        output=args.output,
        start=args.start,
        known_names=not args.no_known_names,
        crossfit=not args.no_crossfit,
    )
    bar = ProgressBar("train")
    with ProjectStore.open(args.project) as store:
        try:
            if args.curve:
                curve = learning_curve(store, options, progress=bar)
            else:
                report = train_project(store, options, progress=bar)
        finally:
            bar.close()
    if args.curve:
        print(json.dumps(curve.to_json(), indent=2) if args.json else curve.summary())
        return 0
    print(json.dumps(report.to_json(), indent=2) if args.json else report.summary())
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from annotator.nlp.train.load import time_label

    with ProjectStore.open(args.project) as store:
        if args.names is not None:
            return _print_known_names(store, args.names, args.json)
        if args.use is not None:
            model_id = None if args.use == "untrained" else _model_id(args.use)
            if model_id is not None:
                from annotator.nlp.train.load import learned_suggester

                learned_suggester(store, model_id)  # refuse a damaged model before using it
            store.use_model(model_id)
            what = "the untrained suggester" if model_id is None else f"model {model_id}"
            print(f"suggestions now come from {what}")
            return 0
        active = store.active_model()
        models = store.models()
    # The untrained suggester on the held-out part, as the newest training measured it.
    untrained_f = models[-1].untrained_f if models else None
    if args.json:
        rows = [
            {
                "id": m.id,
                "created": m.created,
                "documents": m.documents,
                "active": m.id == active,
                "heldout_f": m.heldout_f,
                "choice": m.report.get("choice", {}),
            }
            for m in models
        ]
        untrained = {"active": active is None, "heldout_f": untrained_f}
        print(json.dumps({"active": active, "untrained": untrained, "models": rows}, indent=2))
        return 0
    print(f"{'':2}{'id':>4}  {'trained':<16} {'docs':>5} {'held-out F1':>12}  per label")
    marker = "*" if active is None else " "
    score = "" if untrained_f is None else f"{untrained_f:.3f}"
    what = models[-1].untrained_text if models else "patterns, rules"
    print(f"{marker:2}{'-':>4}  {'(untrained)':<16} {'':>5} {score:>12}  {what}")
    for m in models:
        marker = "*" if m.id == active else " "
        choice = m.choice_text
        when = time_label(m.created)
        print(f"{marker:2}{m.id:>4}  {when:<16} {m.documents:>5} {m.heldout_f:>12.3f}  {choice}")
    return 0


def _print_known_names(store: ProjectStore, value: str, as_json: bool) -> int:
    """The names model ``value`` learned (``nlp.train.known_names``): one ``LABEL<TAB>name``
    line each, ``*`` before the labels they are suggested for."""
    from annotator.nlp.train.known_names import KnownNames, KnownNamesError

    model_id = _model_id(value, "--names")
    try:
        stored = store.model(model_id).report.get("known_names") or None
        known = KnownNames.from_json(stored, store.labels().names)
    except KeyError as exc:
        raise CommandError(f"{store.path}: {exc.args[0]}") from None
    except (AttributeError, KnownNamesError) as exc:
        raise CommandError(f"{store.path}: model {model_id} has a damaged report ({exc})") from None
    if as_json:
        print(json.dumps(known.to_json(), indent=2, ensure_ascii=False))
        return 0
    if not known.names:
        print(f"model {model_id} learned no names (trained before known names, or without them)")
        return 0
    for label, names in known.to_json()["names"].items():
        marker = "*" if label in known.labels else " "
        for name in names:
            print(f"{marker}{label}\t{name}")
    return 0


def _model_id(value: str, option: str = "--use") -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(
            f"{option} {value!r}: give a model id (a number from `annotator models`)"
            + (" or 'untrained'" if option == "--use" else "")
        ) from None


def _label_text(value: str) -> tuple[str, str]:
    label, sep, text = value.partition("=")
    if not sep or not label.strip() or not text.strip():
        raise CommandError(f"{value!r}: write LABEL=TEXT, e.g. ORG=Defence Ministry")
    return label.strip(), text.strip()


def _print_suppressions(store: ProjectStore) -> None:
    entries = store.suppressions()
    if not entries:
        return
    print("# not suggested (rejected in 2+ documents and never accepted, or set by hand):")
    for entry in entries:
        why = entry.state or f"rejected in {entry.rejected} documents" + (
            ", accepted elsewhere" if entry.accepted else ""
        )
        mark = "x" if entry.active else " "
        print(f"# [{mark}] {entry.label} {entry.text!r} ({why})")


def _no_display() -> bool:
    """On Linux and BSD, Qt aborts the process when no display can be reached."""
    if not sys.platform.startswith(("linux", "freebsd")):
        return False
    env = os.environ
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def _cmd_open(args: argparse.Namespace) -> int:
    project = args.project
    if project is not None and not is_database_url(project) and not Path(project).is_file():
        raise CommandError(f"{project}: no such project; create it with `annotator new {project}`")
    if _no_display():
        raise CommandError(
            "no display to open the window on (DISPLAY is not set); run it in a desktop "
            "session, or on a virtual screen: Xvfb :99 & DISPLAY=:99 annotator PROJECT"
        )
    try:
        from annotator.ui.app import run
    except ImportError as exc:
        raise CommandError(f"the desktop window cannot start: {exc}") from exc
    return run(project)


def _cmd_selftest(args: argparse.Namespace) -> int:
    from annotator.selftest import run_selftest

    return run_selftest(args.pipeline, debug=args.debug)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Correct spaCy's entity suggestions and export training data.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    # Global options are also accepted after the command (`annotator stats P --debug`);
    # SUPPRESS keeps a subcommand that was not given --debug from resetting the global one.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, help=help, parents=[common])

    p = command("new", "create a project")
    p.add_argument("project")
    p.add_argument("--labels", default=",".join(DEFAULT_LABELS), help="comma-separated labels")
    p.add_argument(
        "--pipeline",
        default="auto",
        help="spaCy pipeline: auto (installed English), a package name, a folder, or blank:LANG",
    )
    p.add_argument(
        "--per-document",
        type=int,
        default=1,
        metavar="N",
        help="annotators who should answer each document (default 1; 2 or 3 for agreement)",
    )
    p.set_defaults(func=_cmd_new)

    p = command("settings", "show or change a project's settings (annotations per document)")
    p.add_argument("project")
    p.add_argument("--per-document", type=int, default=None, metavar="N")
    p.add_argument(
        "--default-suggester",
        choices=("start", "base"),
        default=None,
        help="what suggests before the project's own training: the rules over the shipped "
        "start model's entities (start, the default) or over the pipeline's own (base)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_settings)

    add_data_commands(command)

    p = command("stats", "documents, answers and spans per label")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.add_argument("--annotator", default=None)
    p.set_defaults(func=_cmd_stats)

    p = command("suggest", "pre-annotate a project, or a JSONL file without one")
    p.add_argument("project", nargs="?")
    p.add_argument("--n-process", type=int, default=1, help="worker processes for spaCy")
    p.add_argument("--limit", type=int, default=None, help="suggest at most N documents")
    p.add_argument(
        "--project",
        dest="project_option",
        default=None,
        help="with --input/--output: suggest with this project's model, labels and patterns",
    )
    p.add_argument("--input", default=None, help='JSONL file of {"text": ...} lines')
    p.add_argument("--output", default=None, help="JSONL file to write (export shape)")
    p.add_argument("--labels", default=",".join(DEFAULT_LABELS), help="labels (with --input)")
    p.add_argument("--pipeline", default="auto", help="spaCy pipeline (with --input)")
    p.add_argument("--json", action="store_true", help="the summary as JSON, for scripts")
    p.set_defaults(func=_cmd_suggest)

    p = command("patterns", "add match pattern files (EntityRuler JSONL) to a project")
    p.add_argument("project")
    p.add_argument("files", nargs="*", help="pattern files; none lists the project's patterns")
    for flag, what in (
        ("--suppress", "stop suggesting a text with a label"),
        ("--allow", "suggest it again though annotators rejected it"),
        ("--clear", "leave it to the rejection rule again"),
    ):
        p.add_argument(flag, action="append", default=[], metavar="LABEL=TEXT", help=what)
    p.set_defaults(func=_cmd_patterns)

    p = command("train", "train the project's own model from accepted documents")
    p.add_argument("project")
    p.add_argument(
        "--eval-ratio",
        type=float,
        default=None,
        help="share of accepted documents held out (fixed at the first run; default 0.2)",
    )
    p.add_argument("--seed", type=int, default=None, help="seed of the held-out split (default 0)")
    p.add_argument("--resplit", action="store_true", help="start a new held-out split")
    p.add_argument("--epochs", type=int, default=0, help="passes over the data (default: by size)")
    p.add_argument(
        "--rehearsal", type=float, default=1.0, help="rehearsal texts per gold text in an epoch"
    )
    p.add_argument(
        "--no-known-names",
        action="store_true",
        help="do not suggest the names learned from the accepted documents where they recur",
    )
    p.add_argument(
        "--no-crossfit",
        action="store_true",
        help="choose on the held-out part alone, even when it has fewer than 10 documents "
        "(faster: no fold models score the training part)",
    )
    p.add_argument(
        "--use",
        choices=["if-better", "always", "never"],
        default="if-better",
        help="suggest with the new model (default: only if it beats what suggests now)",
    )
    p.add_argument("--output", default=None, help="also write the model as a spaCy pipeline folder")
    p.add_argument(
        "--start",
        default="auto",
        metavar="auto|base|DIR",
        help="what fine-tuning starts from: the shipped start model when it fits the project "
        "(auto), the project's pipeline (base), or a spaCy pipeline folder",
    )
    p.add_argument(
        "--curve", action="store_true", help="learning curve: 25/50/75/100%% of the data"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_train)

    p = command("models", "list the project's trained models, or choose one")
    p.add_argument("project")
    p.add_argument("--use", default=None, help="a model id, or 'untrained'")
    p.add_argument(
        "--names",
        default=None,
        metavar="ID",
        help="list the names model ID learned and suggests where they recur",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_models)

    add_team_commands(command)
    add_confidence_commands(command)

    p = command("open", "open the window (also: `annotator [PROJECT]`)")
    p.add_argument("project", nargs="?")
    p.set_defaults(func=_cmd_open)

    p = command("selftest", "check the installation headless: suggest, export, read")
    p.add_argument("--pipeline", default="auto", help="spaCy pipeline to test (default: auto)")
    p.set_defaults(func=_cmd_selftest)
    return parser


def _normalise(argv: list[str], commands: Sequence[str]) -> list[str]:
    """`annotator` and `annotator PROJECT` mean `annotator open [PROJECT]`."""
    positional = [a for a in argv if not a.startswith("-")]
    if "--help" in argv or "-h" in argv or "--version" in argv:
        return argv
    if not positional or positional[0] not in commands:
        flags = [a for a in argv if a.startswith("-")]
        return [*flags, "open", *positional]
    return argv


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _printable_output() -> None:
    """Print what cannot be encoded (a file name that is not UTF-8) as escapes, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _terminal_password(url: str) -> str | None:
    """Ask for a database password on the terminal (never echoed, never stored)."""
    import getpass

    try:
        return getpass.getpass(f"password for {url}: ")
    except (EOFError, KeyboardInterrupt):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    _printable_output()
    set_password_prompt(
        _terminal_password if sys.stdin is not None and sys.stdin.isatty() else None
    )
    if argv is None and threading.current_thread() is threading.main_thread():
        # A command ended by SIGTERM (kill, a service manager) goes through the same cleanup
        # as Ctrl+C: temporary files removed, transactions rolled back.
        signal.signal(signal.SIGTERM, _interrupt)
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    commands = [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]
    args = parser.parse_args(_normalise(raw, commands))
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        status = func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return status
    except BrokenPipeError:
        # `annotator stats P --json | head -1`: the reader has what it wanted. Point standard
        # output at /dev/null so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except Cancelled:
        print("cancelled; nothing half-written was kept", file=sys.stderr)
        return 130
    except (CommandError, *EXPECTED_ERRORS) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # an unexpected failure still ends with one line
        if args.debug:
            traceback.print_exc()
        print(
            f"error: {exc.__class__.__name__}: {exc} (run with --debug for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

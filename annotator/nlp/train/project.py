"""``annotator train``: a project's own model from its accepted annotations.

One run: fix the held-out part (see ``core.model_versions``), label the training part and the
rehearsal texts with one pass of the untrained suggester, fine-tune the installed pipeline's
entity recognizer (``finetune``), score every source on the held-out part (``sources``) next
to what suggests now, choose a source per label, and store the model with its report in the
project, all in one transaction at the very end: a run that is killed or cancelled leaves the
project as it was, with the previous model suggesting. The new model suggests only when its
combination beats what suggests now on the held-out part (or when asked to).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.limits import MAX_TEXT_CHARS
from annotator.core.model import Span
from annotator.core.model_versions import HELDOUT, TRAIN, UNTRAINED_AS_IS, assign_parts
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import ProjectStore, StoreError, text_hash
from annotator.nlp.rule_lifts import LIFTS, lift_tally, wanted_lifts
from annotator.nlp.span_kinds import half_label_f1, kind_tally, unwanted_kinds
from annotator.nlp.suggest import fitting, pipe_texts
from annotator.nlp.train import crossfit
from annotator.nlp.train.accepted import (
    GoldDocument,
    accepted_documents,
    binary_part,
    rehearsal_texts,
)
from annotator.nlp.train.data import (
    LabelledText,
    base_labelled,
    make_examples,
    project_labels_unknown,
)
from annotator.nlp.train.decide import Evidence, Fill, fallback, known_names, pooled_tables, table
from annotator.nlp.train.default import default_of
from annotator.nlp.train.evidence import Group, model_labels, model_outputs
from annotator.nlp.train.finetune import FineTuneOptions, fine_tune
from annotator.nlp.train.known_names import KnownNames
from annotator.nlp.train.report import TrainReport
from annotator.nlp.train.scoring import (
    difference_interval,
    doc_counts,
    scores_of,
)
from annotator.nlp.train.sources import UNTRAINED
from annotator.nlp.train.start import Start, choose_start, unusable
from annotator.nlp.train.start_rehearsal import (
    REHEARSAL_FROM_START,
    start_rehearsal,
)

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.nlp.suggest import SpanSource, Suggester

__all__ = [
    "MIN_HELDOUT",
    "MIN_TRAIN",
    "TrainError",
    "TrainJob",
    "TrainOptions",
    "train_project",
]

MIN_TRAIN = 4
MIN_HELDOUT = 1
# Rehearsal texts prepared per gold document (each epoch samples from them).
_REHEARSAL_POOL = 3
_MAX_REHEARSAL_TEXTS = 400


class TrainError(StoreError):
    """Training cannot run on this project as it is; the message says what to do."""


@dataclass(frozen=True)
class TrainOptions:
    eval_ratio: float | None = None  # None: the project's fixed ratio (0.2 at the first run)
    seed: int | None = None  # None: the project's fixed seed (0 at the first run)
    resplit: bool = False
    epochs: int = 0
    rehearsal_ratio: float = 1.0
    use: str = "if-better"  # or "always", "never"
    output: str | None = None
    train_fraction: float = 1.0  # the learning curve trains on parts of the training part
    keep: bool = True  # False: score only, store nothing (the learning curve)
    start: str = "auto"  # what fine-tuning starts from (``start.choose_start``)
    known_names: bool = True  # learn the names the project knows (``known_names``)
    crossfit: bool = True  # score the training part too, by fold models (``crossfit``)


def _split_settings(store: ProjectStore, options: TrainOptions) -> tuple[float, int, bool]:
    """(ratio, seed, reset): the project's fixed split, or a new one when asked."""
    stored_ratio, stored_seed = store.setting("heldout_ratio"), store.setting("heldout_seed")
    ratio = 0.2 if options.eval_ratio is None else options.eval_ratio
    seed = 0 if options.seed is None else options.seed
    if not stored_ratio or options.resplit:
        return ratio, seed, bool(stored_ratio)
    try:  # a project file is untrusted input: its settings are checked, not believed
        fixed_ratio, fixed_seed = float(stored_ratio), int(stored_seed or 0)
        if not 0.0 <= fixed_ratio < 1.0:
            raise ValueError(stored_ratio)
    except ValueError as exc:
        raise TrainError(
            f"this project's held-out setting is damaged ({stored_ratio!r}, seed "
            f"{stored_seed!r}); pass --resplit to start a new split"
        ) from exc
    if (options.eval_ratio is not None and abs(options.eval_ratio - fixed_ratio) > 1e-9) or (
        options.seed is not None and options.seed != fixed_seed
    ):
        raise TrainError(
            f"this project's held-out part is fixed (share {fixed_ratio:g}, seed {fixed_seed}) "
            "so that the scores of its models stay comparable; leave out --eval-ratio/--seed, "
            "or pass --resplit to start a new split (older scores are then not comparable)"
        )
    return fixed_ratio, fixed_seed, False


def _chosen_start(pipeline: str, labels: Sequence[str], wanted: str) -> Start:
    try:
        return choose_start(pipeline, labels, wanted)
    except ValueError as exc:
        raise TrainError(f"cannot start training: {exc}") from exc


def _start_pipeline(
    pipeline: str, start: Start, like: Language | None = None
) -> tuple[Language, Start]:
    """The pipeline fine-tuning starts from, and what it is; a shipped start model that does
    not load gives way to the project's pipeline (the report says so). ``like``: an earlier
    load of the same start, whose vocabulary and tokenizer are shared (``load_for_ner``)."""
    from annotator.nlp.pipeline import PipelineError, load_for_ner

    try:
        return load_for_ner(start.spec, like), start
    except PipelineError as exc:
        if not start.shipped:
            raise TrainError(f"cannot start training from {start.spec}: {exc}") from exc
        own = unusable(pipeline, exc)
        return load_for_ner(own.spec), own


def _progress_text(epoch: int, epochs: int, loss: float, heldout_f: float | None) -> str:
    tail = f", held-out F1 {heldout_f:.3f}" if heldout_f is not None else ""
    return f"epoch {epoch}/{epochs}, loss {loss:.1f}{tail}"


@dataclass
class _Split:
    """The accepted documents and the fixed held-out part."""

    gold_docs: list[GoldDocument]
    pairs: list[tuple[int, str]]  # (document id, text hash) of every accepted document
    ratio: float
    seed: int
    reset: bool
    train: list[GoldDocument]
    heldout: list[GoldDocument]
    too_long: int  # above the text limit (imported by an older version): not trained on

    @property
    def heldout_texts(self) -> list[str]:
        return [g.text for g in self.heldout]

    @property
    def heldout_gold(self) -> list[list[tuple[int, int, str]]]:
        return [list(g.spans) for g in self.heldout]


def _split(
    store: ProjectStore, options: TrainOptions, labels: Sequence[str], report: TrainReport
) -> _Split:
    """The accepted documents split into the training and the held-out part; TrainError
    when there are too few of either."""
    gold_docs = accepted_documents(store, labels)
    ratio, seed, reset = _split_settings(store, options)
    existing = {} if reset else store.parts()
    pairs = [(g.doc_id, g.text_hash) for g in gold_docs]
    parts = {**existing, **assign_parts(pairs, existing, ratio, seed)}
    too_long = sum(1 for g in gold_docs if len(g.text) > MAX_TEXT_CHARS)
    train = [g for g in gold_docs if parts.get(g.doc_id) == TRAIN and len(g.text) <= MAX_TEXT_CHARS]
    heldout = [g for g in gold_docs if parts.get(g.doc_id) == HELDOUT]
    if len(train) < MIN_TRAIN or (len(heldout) < MIN_HELDOUT and ratio > 0):
        raise TrainError(
            f"training needs at least {MIN_TRAIN} accepted documents to train on and "
            f"{MIN_HELDOUT} held out (this project has {len(gold_docs)} accepted: "
            f"{len(train)} to train on, {len(heldout)} held out); accept more documents in "
            "the window, or import annotated ones with `annotator import --as accepted`"
        )
    if options.train_fraction < 1.0:  # a point of the learning curve
        train = train[: max(1, round(len(train) * options.train_fraction))]
    report.documents = len(gold_docs)
    report.train_documents, report.heldout_documents = len(train), len(heldout)
    return _Split(gold_docs, pairs, ratio, seed, reset, train, heldout, too_long)


@dataclass
class _Prepared:
    """The training part labelled for fine-tuning (gold first, then the rehearsal), and what
    the untrained suggester showed on it."""

    untrained: Suggester
    start: Start
    from_start: list[LabelledText]  # the start model's own annotated documents, if any
    labelled: list[LabelledText]
    suggested: list[list[Span]]  # the untrained suggester's spans, the training part first
    gold_count: int  # gold items first in ``labelled``: training part, binary-only documents

    @property
    def gold_items(self) -> list[LabelledText]:
        return self.labelled[: self.gold_count]

    @property
    def rehearsal_items(self) -> list[LabelledText]:
        return [*self.labelled[self.gold_count :], *self.from_start]


def _prepare(
    store: ProjectStore,
    options: TrainOptions,
    labels: Sequence[str],
    split: _Split,
    report: TrainReport,
    progress: ProgressCallback,
) -> _Prepared:
    """Label the training part and the rehearsal texts with one pass of the untrained
    suggester, and learn what it gets wrong on them: the kinds of suggestion the annotators
    do not accept (``span_kinds``) and the rules that drop their answers (``rule_lifts``)."""
    from annotator.nlp.preannotate import untrained_suggester

    train = split.train
    binary = binary_part(store, labels, train, {g.doc_id for g in split.gold_docs})
    report.binary_documents = len(binary.only)

    progress(0, None, "loading the untrained suggester")
    untrained = untrained_suggester(store)
    report.untrained_from = default_of(untrained)
    chosen = _chosen_start(store.pipeline, labels, options.start)
    from_start, report.rehearsal_problem = start_rehearsal(chosen.folder, labels)
    # The project's own documents are never rehearsed.
    hashes = [text_hash(item.text) for item in from_start]
    in_project = store.existing_hashes(hashes)
    from_start = [item for item, h in zip(from_start, hashes, strict=True) if h not in in_project]
    shipped: list[str] = []
    own: list[str] = []
    if from_start:  # the start model's own annotated documents (``start_rehearsal``)
        report.rehearsal_from = REHEARSAL_FROM_START
    else:
        shipped, own = rehearsal_texts(
            store,
            {g.doc_id for g in split.gold_docs} | set(binary.ids),
            min(_MAX_REHEARSAL_TEXTS, max(20, _REHEARSAL_POOL * len(train))),
        )
    to_rehearse = shipped + own
    report.rehearsal_texts = len(to_rehearse) + len(from_start)
    progress(0, None, f"labelling {len(train) + len(to_rehearse)} texts for training")
    labelled, suggested, lifted = base_labelled(
        untrained,
        [g.text for g in train] + [text for text, _ in binary.only] + to_rehearse,
        [list(g.spans) for g in train]
        + [list(evidence.accepted) for _, evidence in binary.only]
        + [None] * len(to_rehearse),
        tuple(LIFTS),
    )
    gold_count = len(train) + len(binary.only)
    own_start = gold_count + len(shipped)
    labelled[own_start:] = [project_labels_unknown(item, labels) for item in labelled[own_start:]]
    # What the untrained suggester gets wrong on this project's own kind of text (the train
    # texts come first in ``labelled`` and ``suggested``).
    report.kinds = kind_tally(
        [g.text for g in train], suggested[: len(train)], [g.spans for g in train]
    )
    gold_counts = Counter(label for g in train for _, _, label in g.spans)
    report.dropped_kinds = list(unwanted_kinds(report.kinds, gold_counts))
    # Rules the same comparison shows wrong for this project's text (``nlp.rule_lifts``).
    report.lift_counts = lift_tally(
        [g.spans for g in train],
        suggested[: len(train)],
        {name: per_text[: len(train)] for name, per_text in lifted.items()},
    )
    report.lifted = list(wanted_lifts(report.lift_counts, half_label_f1(report.kinds, gold_counts)))
    labelled[:gold_count] = binary.marked(labelled[:gold_count], train)
    return _Prepared(untrained, chosen, from_start, labelled, suggested, gold_count)


@dataclass
class _Fitter:
    """Fine-tunes fresh start pipelines with the run's rehearsal and settings."""

    pipeline: str
    labels: Sequence[str]
    prepared: _Prepared
    tune: FineTuneOptions
    split: _Split
    report: TrainReport
    progress: ProgressCallback
    cancel: CancelToken | None
    first: tuple[Language, Start] | None = None  # the first fit's pipeline and start

    def fit(self, gold_items: Sequence[LabelledText], fold: str = "") -> tuple[Language, int, int]:
        """A fresh start pipeline fine-tuned on ``gold_items`` with the rehearsal; also the
        epochs run and the texts left out (spans off token boundaries). The new model's
        epochs report their loss and held-out F1; a ``fold`` model's say only how far it is.
        What the pipeline started from goes to the report. Every fit of a run shares the
        first fit's vocabulary and tokenizer (``load_for_ner``): the texts and patterns each
        model is run on are split into tokens once."""
        if self.first is None:
            nlp, start = _start_pipeline(self.pipeline, self.prepared.start)
            self.first = (nlp, start)
        else:
            nlp, start = _start_pipeline(self.pipeline, self.first[1], self.first[0])
        if not fold:
            self.report.start, self.report.start_shipped = start.description, start.shipped
            self.report.start_problem = start.problem
        texts, gold, labels = self.split.heldout_texts, self.split.heldout_gold, self.labels

        def on_epoch(epoch: int, epochs: int, loss: float) -> None:
            if fold:
                self.progress(epoch, epochs, f"{fold}: epoch {epoch}/{epochs}")
                return
            self.report.losses.append(round(loss, 3))
            f = None
            if texts:
                docs = nlp.pipe(texts)
                predicted = [[s for s in _ents(doc) if s.label in labels] for doc in docs]
                f = scores_of(gold, predicted, labels).overall()[2]
            self.progress(epoch, epochs, _progress_text(epoch, epochs, loss, f))

        gold_examples, skipped = make_examples(nlp, gold_items)
        rehearsal_examples, skipped_r = make_examples(nlp, self.prepared.rehearsal_items)
        epochs = fine_tune(
            nlp,
            labels,
            gold_examples,
            rehearsal_examples,
            self.tune,
            on_epoch=on_epoch,
            cancel=self.cancel,
        )
        return nlp, epochs, skipped + skipped_r


def _groups(
    store: ProjectStore,
    options: TrainOptions,
    labels: Sequence[str],
    nlp: Language,
    heldout_plain: list[list[Span]],
    fitter: _Fitter,
) -> tuple[list[Group], list[list[int]]]:
    """The evidence groups, each with every source's spans: the held-out part with the new
    model, then, when it is too small, each fold of the training part with a model trained
    without it (``crossfit``); and the folds (indexes into the training part)."""
    split, prepared, report = fitter.split, fitter.prepared, fitter.report
    train = split.train
    groups = [Group(nlp, split.heldout_texts, split.heldout_gold, {UNTRAINED: heldout_plain})]
    folds: list[list[int]] = []
    if options.crossfit and crossfit.wanted(len(split.heldout), len(train)):
        # Every training document scored by a model that did not see it (``crossfit``).
        folds = crossfit.folds(len(train), split.seed)
        for k, fold in enumerate(folds, 1):
            what = f"cross-fitting: training without fold {k} of {len(folds)}"
            fitter.progress(0, None, what)
            left_out = set(fold)
            items = prepared.gold_items
            fit_items = [item for i, item in enumerate(items[: len(train)]) if i not in left_out]
            fold_nlp, _, _ = fitter.fit([*fit_items, *items[len(train) :]], what)
            groups.append(
                Group(
                    fold_nlp,
                    [train[i].text for i in fold],
                    [list(train[i].spans) for i in fold],
                    {UNTRAINED: [prepared.suggested[i] for i in fold]},  # the untrained's
                )
            )
        report.crossfit_documents = len(train)
    for group in groups:
        found = model_outputs(store, labels, group.nlp, group.texts, (), report.lifted)
        group.outputs = {**group.outputs, **found}
    return groups, folds


def train_project(
    store: ProjectStore,
    options: TrainOptions = TrainOptions(),
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> TrainReport:
    """Train, score, store (and maybe use) a model of the project; see the module docstring."""
    from annotator.nlp.preannotate import suggester_for_project
    from annotator.nlp.suppress import with_suppressions
    from annotator.nlp.train.stored import model_to_bytes

    started = time.monotonic()
    labels = store.labels().names
    report = TrainReport(labels=list(labels))
    progress(0, None, "reading the accepted documents")
    split = _split(store, options, labels, report)
    prepared = _prepare(store, options, labels, split, report, progress)
    untrained, train = prepared.untrained, split.train
    if cancel is not None:
        cancel.check()
    tune = FineTuneOptions(
        epochs=options.epochs, rehearsal_ratio=options.rehearsal_ratio, seed=split.seed
    )
    fitter = _Fitter(store.pipeline, labels, prepared, tune, split, report, progress, cancel)
    nlp, report.epochs, skipped = fitter.fit(prepared.gold_items)
    report.skipped_texts = skipped + split.too_long
    config_text, weights = model_to_bytes(nlp)

    progress(0, None, "scoring on the held-out part")
    suppressed = store.suppressed()
    dropped = frozenset(report.dropped_kinds)
    first = store.active_model() is None  # what suggests now is the untrained suggester
    if first:
        current: SpanSource = with_suppressions(untrained, suppressed)
        report.current = UNTRAINED
    else:
        current = suggester_for_project(store)
        report.current = current.version
    # One pass of the untrained pipeline over the held-out texts: its docs serve again if the
    # fallback below needs the suggestions with the lifted rules.
    heldout_texts = split.heldout_texts
    untrained_docs = [
        (doc, fitting(untrained.nlp, text))
        for doc, text in pipe_texts(untrained.nlp, heldout_texts, 32, 1)
    ]
    plain = [untrained.spans_from_doc(doc, text) for doc, text in untrained_docs]
    groups, folds = _groups(store, options, labels, nlp, plain, fitter)
    report.model_labels = model_labels(store, labels, groups, report.lifted)
    evidence = Evidence(groups, suppressed, dropped)
    heldout = evidence.heldout
    choice, rank = evidence.choose(labels)
    tables = {source: table(heldout, spans, labels) for source, spans in evidence.seen[0].items()}
    current_out = list(current.suggest(heldout_texts))  # (filtered by the list already)
    tables["current"] = table(heldout, current_out, labels)
    news = evidence.combined(choice, rank)  # the new suggestions, per group
    known = KnownNames({})
    fill_known: Fill | None = None
    if options.known_names:
        progress(0, None, "learning the names the project knows")
        name_labels = [label for label in labels if label != untrained.label_map.quantity_label]
        documents = []  # each group's: those its model was trained on, and the start's
        for i in range(len(groups)):
            left_out = set(folds[i - 1]) if i else set()
            documents.append(
                [
                    *prepared.from_start,
                    *(
                        LabelledText(g.text, g.spans)
                        for j, g in enumerate(train)
                        if j not in left_out
                    ),
                ]
            )
        named = known_names(evidence, name_labels, documents, news)
        news, known, fill_known = named.combined, named.known, named.fill
    tables["new"] = table(heldout, news[0], labels)
    # The untrained suggester as Restore gives it back: every kind of suggestion it makes.
    as_is = evidence.as_seen(heldout_texts, plain, kinds=False)
    tables[UNTRAINED_AS_IS] = table(heldout, as_is, labels)
    report.tables, report.choice, report.rank = tables, choice, rank
    # A model that serves no label did not win, whatever the table says: what training
    # learned besides it may still win, below (and then no model pass is needed).
    serves = any(source != UNTRAINED for source in choice.values())
    better = serves and report.new_f > report.current_f + 1e-9
    if folds and first:
        # The training part's documents are evidence too; the untrained suggester (what
        # suggests now) as the project sees it: without its suppressed texts.
        nows = [
            current_out,
            *(evidence.as_seen(g.texts, g.outputs[UNTRAINED], kinds=False) for g in groups[1:]),
        ]
        pooled = pooled_tables(evidence, news, nows, labels)
        report.crossfit_tables = pooled
        better = serves and (
            float(pooled["new"]["overall"]["f"]) > float(pooled["current"]["overall"]["f"]) + 1e-9
        )
    use = options.use == "always" or (options.use == "if-better" and better)
    new_out = news[0]
    if not use and options.use == "if-better":
        # The model lost; the untrained suggester may still win with what training learned
        # besides it: without the kinds the project does not accept (``seen`` leaves them
        # out), with the rules it lifted, with the known names, or with several of them.
        bases: list[tuple[list[list[Span]], bool]] = [(evidence.seen[0][UNTRAINED], False)]
        if report.lifted:
            rules = frozenset(report.lifted)
            lifted_out = [untrained.spans_from_doc(d, t, lifted=rules) for d, t in untrained_docs]
            bases.append((evidence.as_seen(heldout_texts, lifted_out), True))
        won = fallback(
            labels,
            heldout,
            bases,
            bool(dropped),
            fill_known if known.labels else None,
            report.current_f,
        )
        if won is not None:
            report.choice, report.rank = won.choice, won.rank
            tables["new"], new_out = won.table, won.suggested
            report.kinds_only = bool(dropped)
            report.known_only = won.names
            report.lifted_only = won.lifts
            report.model_labels = []  # the model serves no label of this version
            use = True
            if not won.lifts:
                report.lifted = []  # the untrained suggester runs as it is
            if not won.names:
                known = KnownNames({})
    report.difference = list(
        difference_interval(
            doc_counts(heldout.gold, current_out, labels),
            doc_counts(heldout.gold, new_out, labels),
        )
    )
    if cancel is not None:
        cancel.check()
    report.known_names = known.to_json() if known.labels else {}
    report.seconds = round(time.monotonic() - started, 1)
    report.used = use
    if options.keep:
        _store_model(store, options, split, untrained, report, config_text, weights)
    return report


def _store_model(
    store: ProjectStore,
    options: TrainOptions,
    split: _Split,
    untrained: Suggester,
    report: TrainReport,
    config_text: str,
    weights: bytes,
) -> None:
    """Store the model with its report in one transaction (and use it when it won); write
    it as a spaCy pipeline when asked (``--output``)."""
    stored_report = report.to_json()
    with store.transaction():
        if split.reset:
            store.reset_parts()
        store.set_setting("heldout_ratio", repr(split.ratio))
        store.set_setting("heldout_seed", str(split.seed))
        store.fix_parts(split.pairs, split.ratio, split.seed)
        report.model_id = store.add_model(
            name=f"{store.path.stem}-trained",
            base=untrained.info.name + "-" + untrained.info.version,
            documents=len(split.train),
            report=stored_report,
            config=config_text,
            weights=weights,
        )
        if report.used:
            store.use_model(report.model_id)
    if options.output and report.model_id is not None:
        from annotator.nlp.train.exported import write_suggesting_pipeline
        from annotator.nlp.train.load import recipe_for
        from annotator.nlp.train.stored import load_model

        out = Path(options.output)
        _, _, sha256 = store.model_files(report.model_id)
        write_suggesting_pipeline(
            load_model(config_text, weights, sha256),
            recipe_for(store, report.model_id),
            out,
            {
                "name": "trained",
                "description": f"trained by the annotator on {store.path.name}",
                "annotator": {"model_id": report.model_id, "choice": report.choice},
            },
        )
        report.output = str(out)


def _ents(doc: Any) -> list[Any]:
    from annotator.core.model import SpanState
    from annotator.nlp.entity_edges import trimmed_entities

    return [
        Span(e.start_char, e.end_char, e.label_, SpanState.SUGGESTED, "model")
        for e in trimmed_entities(doc, doc.ents)
    ]


@dataclass(frozen=True)
class TrainJob:
    """Training as a job of ``formats.task_process.TaskProcess`` (a child process)."""

    options: TrainOptions = TrainOptions()

    @property
    def what(self) -> str:
        return "Training"

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any:
        report = train_project(store, self.options, progress=progress, cancel=cancel)
        # The model's megabytes are in the write-ahead log: folded into the file here, not by
        # the window's next commit (switching to the model), which took tens of ms for it.
        store.checkpoint()
        return report

    def cleanup(self, pid: int) -> None:
        """Nothing to remove: a run writes the project only in its last transaction."""

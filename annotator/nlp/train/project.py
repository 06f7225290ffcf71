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
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.limits import MAX_TEXT_CHARS
from annotator.core.model import Answer, Span
from annotator.core.model_versions import HELDOUT, TRAIN, UNTRAINED_AS_IS, assign_parts
from annotator.core.progress import CancelToken, ProgressCallback, no_progress
from annotator.core.store import ProjectStore, StoreError, text_hash
from annotator.core.team import REVIEWED
from annotator.nlp.rule_lifts import LIFTS, lift_tally, lifted_lines, wanted_lifts
from annotator.nlp.span_kinds import dropped_lines, half_label_f1, kind_tally, unwanted_kinds
from annotator.nlp.suggest import fitting, pipe_texts
from annotator.nlp.train import crossfit
from annotator.nlp.train.binary_spans import BinaryEvidence, binary_evidence
from annotator.nlp.train.data import (
    LabelledText,
    base_labelled,
    make_examples,
    project_labels_unknown,
    shipped_rehearsal_texts,
)
from annotator.nlp.train.default import default_of
from annotator.nlp.train.evidence import (
    Group,
    Outputs,
    as_suggested,
    model_labels,
    model_outputs,
)
from annotator.nlp.train.finetune import FineTuneOptions, fine_tune
from annotator.nlp.train.known_names import (
    KnownNames,
    fallback_words,
    known_names_line,
    learn_known_names,
)
from annotator.nlp.train.scoring import (
    choose_sources,
    difference_interval,
    difference_line,
    doc_counts,
    score_table,
    scores_of,
    surely_better,
    untrained_without_kinds,
)
from annotator.nlp.train.sources import UNTRAINED, combine
from annotator.nlp.train.start import Start, choose_start, unusable
from annotator.nlp.train.start_rehearsal import (
    REHEARSAL_FROM_NEWS,
    REHEARSAL_FROM_START,
    rehearsal_line,
    start_rehearsal,
)

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.nlp.suggest import SpanSource

__all__ = [
    "MIN_HELDOUT",
    "MIN_TRAIN",
    "GoldDocument",
    "TrainError",
    "TrainJob",
    "TrainOptions",
    "TrainReport",
    "accepted_documents",
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


@dataclass
class TrainReport:
    model_id: int | None = None
    used: bool = False
    documents: int = 0
    train_documents: int = 0
    heldout_documents: int = 0
    rehearsal_texts: int = 0
    binary_documents: int = 0  # known only through binary answers (trained, never held out)
    epochs: int = 0
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    labels: list[str] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)  # source -> per-label P/R/F
    choice: dict[str, str] = field(default_factory=dict)
    rank: dict[str, float] = field(default_factory=dict)
    current: str = UNTRAINED  # what suggested before this run
    skipped_texts: int = 0
    output: str | None = None
    kinds: dict[str, tuple[int, int]] = field(default_factory=dict)  # accepted, suggested
    dropped_kinds: list[str] = field(default_factory=list)
    kinds_only: bool = False  # the model lost; the untrained suggester minus the kinds won
    known_only: bool = False  # the model lost; the untrained suggester with known names won
    lifted_only: bool = False  # the model lost; the untrained suggester with the lifts won
    # pattern-served labels whose trained-model spans are used too (evidence.model_labels)
    model_labels: list[str] = field(default_factory=list)
    # rules lifted for the rules over the new model (``nlp.rule_lifts``), and what each lift
    # added and removed on the training part: name -> [accepted added, added, accepted
    # removed, removed]
    lift_counts: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    lifted: list[str] = field(default_factory=list)
    # new F1 minus now F1 on the held-out part, and the middle 90 % of a paired bootstrap
    # over its documents: [difference, low, high] (scoring.difference_interval)
    difference: list[float] = field(default_factory=list)
    start: str = ""  # what fine-tuning started from (``start.Start.description``)
    start_shipped: bool = False  # it was the shipped start model
    start_problem: str = ""  # why the shipped start model could not be used (installation)
    # what the untrained suggester ran over: the start model (start) or the pipeline (base)
    untrained_from: str = "base"
    # what was rehearsed: the start model's annotated documents (start) or shipped news texts
    # labelled by the untrained suggester (news); and why not the start model's, if it has any
    rehearsal_from: str = REHEARSAL_FROM_NEWS
    rehearsal_problem: str = ""
    # the names learned from the training part and the start model's documents, and the
    # labels they are suggested for (``known_names.KnownNames.to_json``); empty: none
    known_names: dict[str, Any] = field(default_factory=dict)
    # training documents scored by fold models (``crossfit``; 0: none), and every source's
    # table over them and the held-out part together, when that decided
    crossfit_documents: int = 0
    crossfit_tables: dict[str, Any] = field(default_factory=dict)

    @property
    def fallback(self) -> str:
        """What won with the untrained suggester when the model itself lost ("" if nothing)."""
        return fallback_words(self.kinds_only, self.known_only, self.lifted_only)

    @property
    def new_f(self) -> float:
        return float(self.tables.get("new", {}).get("overall", {}).get("f", 0.0))

    @property
    def current_f(self) -> float:
        return float(self.tables.get("current", {}).get("overall", {}).get("f", 0.0))

    @property
    def evidence(self) -> str:
        """What the choices were made on, in words."""
        if self.crossfit_documents:
            return "the held-out part and the cross-fitted training documents"
        return "the held-out part"

    def crossfit_line(self) -> str:
        """How the training part's documents served as evidence (``crossfit``)."""
        line = (
            f"Cross-fitted: each of the {self.crossfit_documents} training documents was also "
            f"scored by a model trained without it ({crossfit.FOLDS} folds), for the choices "
            "above"
        )
        pooled = self.crossfit_tables
        if not pooled:
            return line + "."
        total = self.crossfit_documents + self.heldout_documents
        return (
            f"{line}; on them and the held-out part ({total} documents) F1 is "
            f"{float(pooled['new']['overall']['f']):.3f} new against "
            f"{float(pooled['current']['overall']['f']):.3f} now, which decided whether the "
            "new model suggests."
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        lines = [
            f"trained on {self.train_documents} documents "
            f"({self.rehearsal_texts} rehearsal texts, {self.epochs} epochs, "
            f"{self.seconds:.0f} s); held-out part: {self.heldout_documents} documents",
            *([f"started from {self.start}"] if self.start else []),
            rehearsal_line(self.rehearsal_from, self.rehearsal_texts, self.rehearsal_problem),
            _side_by_side(self.tables, self.labels),
        ]
        if self.difference:
            lines.append(difference_line(self.difference, self.heldout_documents))
        if self.crossfit_documents:
            lines.append(self.crossfit_line())
        lines.append("per label: " + ", ".join(f"{k} <- {v}" for k, v in self.choice.items()))
        lines.extend(
            f"{label}: the model's own spans join the gazetteer's (learned on {self.evidence})"
            for label in self.model_labels
        )
        lines.extend(
            f"not suggested: {line}" for line in dropped_lines(self.dropped_kinds, self.kinds)
        )
        lines.extend(f"rule lifted: {line}" for line in lifted_lines(self.lifted, self.lift_counts))
        if self.known_names:
            lines.append(known_names_line(self.known_names, self.rehearsal_from))
        verdict = f"model {self.model_id} stored; " + (
            "the model itself lost on the held-out part, but "
            f"{self.fallback} won: "
            "the untrained suggester suggests now with what this training learned besides it"
            if self.fallback
            else "it suggests now"
            if self.used
            else f"it does not suggest (held-out F1 {self.new_f:.3f} against "
            f"{self.current_f:.3f} now; `annotator models PROJECT --use {self.model_id}` "
            "makes it)"
        )
        lines.append(verdict)
        if self.output:
            lines.append(f"spaCy pipeline written to {self.output}")
        return "\n".join(lines)


def _side_by_side(tables: dict[str, Any], labels: Sequence[str]) -> str:
    if "new" not in tables:
        return ""
    rows = [f"{'label':<10} {'now P/R/F':>20}   {'new P/R/F':>20}   gold"]
    for label in [*labels, "overall"]:
        now, new = tables["current"][label], tables["new"][label]
        rows.append(
            f"{label:<10} {now['p']:6.3f} {now['r']:6.3f} {now['f']:6.3f}   "
            f"{new['p']:6.3f} {new['r']:6.3f} {new['f']:6.3f}   "
            f"{now.get('gold', '')}"
        )
    return "\n".join(rows)


@dataclass(frozen=True)
class GoldDocument:
    doc_id: int
    text_hash: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def accepted_documents(store: ProjectStore, labels: Sequence[str]) -> list[GoldDocument]:
    """One gold record per accepted document: the reviewed annotation where there is one,
    else the latest accepted annotation of it."""
    keep = set(labels)
    found: dict[int, tuple[tuple[bool, float], GoldDocument]] = {}
    for document, annotation in store.iter_annotations((Answer.ACCEPT,)):
        spans = tuple(s.key for s in annotation.accepted if s.label in keep)
        gold = GoldDocument(document.id, document.text_hash, document.text, spans)
        previous = found.get(document.id)
        rank = (annotation.annotator == REVIEWED, annotation.updated)
        if previous is None or rank > previous[0]:
            found[document.id] = (rank, gold)
    return [gold for _, gold in sorted(found.values(), key=lambda pair: pair[1].doc_id)]


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


def _rehearsal_texts(
    store: ProjectStore, exclude: set[int], wanted: int
) -> tuple[list[str], list[str]]:
    """Rehearsal texts: the shipped news texts (never one that is a document of the project),
    then, when more are wanted, the project's unanswered documents. Only the texts used are
    read. See ``data`` for why the project's own texts come last."""
    shipped = shipped_rehearsal_texts()
    in_project = store.existing_hashes([text_hash(t) for t in shipped])
    # The project's own gold is never rehearsed.
    texts = [text for text in shipped if text_hash(text) not in in_project][:wanted]
    answered = store.answered_ids()
    own: list[str] = []
    for doc_id in store.document_ids():
        if len(texts) + len(own) >= wanted:
            break
        if doc_id in exclude or doc_id in answered:
            continue
        text = store.document(doc_id).text
        if len(text) <= MAX_TEXT_CHARS:  # one above the limit (an older import) is left out
            own.append(text)
    return texts, own


@dataclass
class _BinaryPart:
    """The training part's binary evidence: rejected spans of its accepted documents, and
    the documents known only through binary answers (``binary_spans``)."""

    rejected: dict[int, tuple[tuple[int, int, str], ...]] = field(default_factory=dict)
    only: list[tuple[str, BinaryEvidence]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def marked(
        self, items: list[LabelledText], train: Sequence[GoldDocument]
    ) -> list[LabelledText]:
        """The labelled gold texts with their known-wrong spans (and, for binary-only
        documents, the tokens outside their spans missing)."""
        out = [
            replace(item, rejected=self.rejected.get(g.doc_id, ()))
            for item, g in zip(items, train, strict=False)
        ]
        for item, (_, evidence) in zip(items[len(train) :], self.only, strict=True):
            out.append(replace(item, rejected=evidence.rejected, missing=True))
        return out


def _binary_evidence(
    store: ProjectStore, labels: Sequence[str], train: Sequence[GoldDocument], gold: set[int]
) -> _BinaryPart:
    """Binary answers of the project's labels: rejected spans of training documents, and
    the documents that have no accepted full annotation (held-out ones are left alone)."""
    keep = set(labels)
    in_train = {g.doc_id: g for g in train}
    part = _BinaryPart()
    for document, found in store.iter_span_answers((Answer.ACCEPT, Answer.REJECT)):
        found = [a for a in found if a.label in keep]
        part.ids.append(document.id)
        if not found or len(document.text) > MAX_TEXT_CHARS:
            continue
        if document.id in in_train:
            evidence = binary_evidence(found, in_train[document.id].spans)
            part.rejected[document.id] = evidence.rejected
        elif document.id not in gold:
            evidence = binary_evidence(found)
            if evidence.accepted or evidence.rejected:
                part.only.append((document.text, evidence))
    return part


def _chosen_start(pipeline: str, labels: Sequence[str], wanted: str) -> Start:
    try:
        return choose_start(pipeline, labels, wanted)
    except ValueError as exc:
        raise TrainError(f"cannot start training: {exc}") from exc


def _start_pipeline(pipeline: str, start: Start) -> tuple[Language, Start]:
    """The pipeline fine-tuning starts from, and what it is; a shipped start model that does
    not load gives way to the project's pipeline (the report says so)."""
    from annotator.nlp.pipeline import PipelineError, load_for_ner

    try:
        return load_for_ner(start.spec), start
    except PipelineError as exc:
        if not start.shipped:
            raise TrainError(f"cannot start training from {start.spec}: {exc}") from exc
        own = unusable(pipeline, exc)
        return load_for_ner(own.spec), own


def _progress_text(epoch: int, epochs: int, loss: float, heldout_f: float | None) -> str:
    tail = f", held-out F1 {heldout_f:.3f}" if heldout_f is not None else ""
    return f"epoch {epoch}/{epochs}, loss {loss:.1f}{tail}"


def train_project(
    store: ProjectStore,
    options: TrainOptions = TrainOptions(),
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> TrainReport:
    """Train, score, store (and maybe use) a model of the project; see the module docstring."""
    from annotator.nlp.preannotate import suggester_for_project, untrained_suggester
    from annotator.nlp.suppress import with_suppressions
    from annotator.nlp.train.stored import model_to_bytes

    started = time.monotonic()
    labels = store.labels().names
    report = TrainReport(labels=list(labels))
    progress(0, None, "reading the accepted documents")
    gold_docs = accepted_documents(store, labels)
    ratio, seed, reset = _split_settings(store, options)
    existing = {} if reset else store.parts()
    pairs = [(g.doc_id, g.text_hash) for g in gold_docs]
    new_parts = assign_parts(pairs, existing, ratio, seed)
    parts = {**existing, **new_parts}
    # A document above the text limit (imported by an older version) is left out of training.
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

    binary = _binary_evidence(store, labels, train, {g.doc_id for g in gold_docs})
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
        shipped, own = _rehearsal_texts(
            store,
            {g.doc_id for g in gold_docs} | set(binary.ids),
            min(_MAX_REHEARSAL_TEXTS, max(20, _REHEARSAL_POOL * len(train))),
        )
    rehearsal_texts = shipped + own
    report.rehearsal_texts = len(rehearsal_texts) + len(from_start)
    progress(0, None, f"labelling {len(train) + len(rehearsal_texts)} texts for training")
    labelled, suggested, lifted = base_labelled(
        untrained,
        [g.text for g in train] + [text for text, _ in binary.only] + rehearsal_texts,
        [list(g.spans) for g in train]
        + [list(evidence.accepted) for _, evidence in binary.only]
        + [None] * len(rehearsal_texts),
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
    dropped = frozenset(report.dropped_kinds)
    # Rules the same comparison shows wrong for this project's text (``nlp.rule_lifts``).
    report.lift_counts = lift_tally(
        [g.spans for g in train],
        suggested[: len(train)],
        {name: per_text[: len(train)] for name, per_text in lifted.items()},
    )
    report.lifted = list(wanted_lifts(report.lift_counts, half_label_f1(report.kinds, gold_counts)))
    labelled[:gold_count] = binary.marked(labelled[:gold_count], train)
    if cancel is not None:
        cancel.check()
    rehearsal_items = [*labelled[gold_count:], *from_start]
    tune = FineTuneOptions(
        epochs=options.epochs, rehearsal_ratio=options.rehearsal_ratio, seed=seed
    )

    heldout_texts = [g.text for g in heldout]
    heldout_gold = [list(g.spans) for g in heldout]

    def fit(gold_items: Sequence[LabelledText], fold: str = "") -> tuple[Language, Start, int, int]:
        """A fresh start pipeline fine-tuned on ``gold_items`` with the rehearsal; also the
        epochs run and the texts left out (spans off token boundaries). The new model's
        epochs report their loss and held-out F1; a ``fold`` model's say only how far it is."""
        nlp, start = _start_pipeline(store.pipeline, chosen)

        def on_epoch(epoch: int, epochs: int, loss: float) -> None:
            if fold:
                progress(epoch, epochs, f"{fold}: epoch {epoch}/{epochs}")
                return
            report.losses.append(round(loss, 3))
            f = None
            if heldout_texts:
                predicted = [
                    [s for s in _ents(doc) if s.label in labels] for doc in nlp.pipe(heldout_texts)
                ]
                f = scores_of(heldout_gold, predicted, labels).overall()[2]
            progress(epoch, epochs, _progress_text(epoch, epochs, loss, f))

        gold_examples, skipped = make_examples(nlp, gold_items)
        rehearsal_examples, skipped_r = make_examples(nlp, rehearsal_items)
        epochs = fine_tune(
            nlp,
            labels,
            gold_examples,
            rehearsal_examples,
            tune,
            on_epoch=on_epoch,
            cancel=cancel,
        )
        return nlp, start, epochs, skipped + skipped_r

    nlp, start, report.epochs, skipped = fit(labelled[:gold_count])
    report.start, report.start_shipped = start.description, start.shipped
    report.start_problem = start.problem
    report.skipped_texts = skipped + too_long
    config_text, weights = model_to_bytes(nlp)

    progress(0, None, "scoring on the held-out part")
    suppressed = store.suppressed()
    first = store.active_model() is None  # what suggests now is the untrained suggester
    if first:
        current: SpanSource = with_suppressions(untrained, suppressed)
        report.current = UNTRAINED
    else:
        current = suggester_for_project(store)
        report.current = current.version
    # One pass of the untrained pipeline over the held-out texts: its docs serve again if the
    # fallback below needs the suggestions with the lifted rules.
    untrained_docs = [
        (doc, fitting(untrained.nlp, text))
        for doc, text in pipe_texts(untrained.nlp, heldout_texts, 32, 1)
    ]
    plain = [untrained.spans_from_doc(doc, text) for doc, text in untrained_docs]
    groups = [Group(nlp, heldout_texts, heldout_gold, {UNTRAINED: plain})]
    folds: list[list[int]] = []
    if options.crossfit and crossfit.wanted(len(heldout), len(train)):
        # Every training document scored by a model that did not see it (``crossfit``).
        folds = crossfit.folds(len(train), seed)
        for k, fold in enumerate(folds, 1):
            what = f"cross-fitting: training without fold {k} of {len(folds)}"
            progress(0, None, what)
            left_out = set(fold)
            fit_items = [item for i, item in enumerate(labelled[: len(train)]) if i not in left_out]
            fold_nlp, _, _, _ = fit([*fit_items, *labelled[len(train) : gold_count]], what)
            groups.append(
                Group(
                    fold_nlp,
                    [train[i].text for i in fold],
                    [list(train[i].spans) for i in fold],
                    {UNTRAINED: [suggested[i] for i in fold]},  # the untrained suggester's
                )
            )
        report.crossfit_documents = len(train)
    for group in groups:
        found = model_outputs(store, labels, group.nlp, group.texts, (), report.lifted)
        group.outputs = {**group.outputs, **found}
    report.model_labels = model_labels(store, labels, groups, report.lifted)
    helds: list[Outputs] = [as_suggested(g.outputs, g.texts, suppressed, dropped) for g in groups]
    held = helds[0]
    counts = {
        source: [
            c
            for g, h in zip(groups, helds, strict=True)
            for c in doc_counts(g.gold, h[source], labels)
        ]
        for source in held
    }
    choice, rank = choose_sources(counts, labels)
    tables = {
        source: score_table(scores_of(heldout_gold, predicted, labels), labels)
        for source, predicted in held.items()
    }
    current_out = list(current.suggest(heldout_texts))  # (filtered by the list already)
    tables["current"] = score_table(scores_of(heldout_gold, current_out, labels), labels)
    known = KnownNames({})
    fill_known: Callable[[Outputs_, bool], Outputs_] | None = None
    news: list[Outputs_] = []  # the new suggestions, per group

    def seen_on(texts: Sequence[str]) -> Callable[[Outputs_], Outputs_]:
        def seen(spans: Outputs_) -> Outputs_:
            return as_suggested({"": spans}, texts, suppressed, dropped)[""]

        return seen

    if options.known_names:
        progress(0, None, "learning the names the project knows")
    for i, (group, outputs) in enumerate(zip(groups, helds, strict=True)):
        combined = [
            combine({source: outputs[source][j] for source in outputs}, choice, rank)
            for j in range(len(group.texts))
        ]
        if options.known_names:
            left_out = set(folds[i - 1]) if i else set()
            group_known, combined, group_fill = _known_names(
                group.nlp,
                [label for label in labels if label != untrained.label_map.quantity_label],
                [
                    *from_start,
                    *(
                        LabelledText(g.text, g.spans)
                        for j, g in enumerate(train)
                        if j not in left_out
                    ),
                ],
                (group.texts, group.gold),
                combined,
                seen_on(group.texts),
            )
            if i == 0:
                known, fill_known = group_known, group_fill
        news.append(combined)
    combined = news[0]
    tables["new"] = score_table(scores_of(heldout_gold, combined, labels), labels)
    # The untrained suggester as Restore gives it back: every kind of suggestion it makes.
    as_is = as_suggested({UNTRAINED: plain}, heldout_texts, suppressed, frozenset())[UNTRAINED]
    tables[UNTRAINED_AS_IS] = score_table(scores_of(heldout_gold, as_is, labels), labels)
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
            *(
                as_suggested({"": g.outputs[UNTRAINED]}, g.texts, suppressed, frozenset())[""]
                for g in groups[1:]
            ),
        ]
        pooled = {
            "new": _pooled_table(groups, news, labels),
            "current": _pooled_table(groups, nows, labels),
            **{
                source: _pooled_table(groups, [h[source] for h in helds], labels) for source in held
            },
        }
        report.crossfit_tables = pooled
        better = serves and (
            float(pooled["new"]["overall"]["f"]) > float(pooled["current"]["overall"]["f"]) + 1e-9
        )
    use = options.use == "always" or (options.use == "if-better" and better)
    new_out = combined
    if not use and options.use == "if-better" and (dropped or known.labels or report.lifted):
        # The model lost; the untrained suggester may still win with what training learned
        # besides it: without the kinds the project does not accept (``held`` leaves them
        # out), with the rules it lifted, with the known names, or with several of them.
        bases: list[tuple[Outputs_, bool]] = [(held[UNTRAINED], False)]
        if report.lifted:
            rules = frozenset(report.lifted)
            lifted_out = [untrained.spans_from_doc(d, t, lifted=rules) for d, t in untrained_docs]
            bases.append(
                (as_suggested({"": lifted_out}, heldout_texts, suppressed, dropped)[""], True)
            )
        candidates: list[tuple[Outputs_, bool, bool]] = []
        for spans, lifts in bases:
            if dropped or lifts:
                candidates.append((spans, False, lifts))
            if known.labels and fill_known is not None:
                candidates.append((fill_known(spans, False), True, lifts))
        scored = [
            (score_table(scores_of(heldout_gold, spans, labels), labels), spans, names, lifts)
            for spans, names, lifts in candidates
        ]
        table, fallback_out, names, lifts = max(scored, key=lambda c: float(c[0]["overall"]["f"]))
        fallback = untrained_without_kinds({UNTRAINED: table}, labels, report.current_f)
        if fallback is not None:
            report.choice, report.rank = fallback
            tables["new"], new_out = table, fallback_out
            report.kinds_only = bool(dropped)
            report.known_only = names
            report.lifted_only = lifts
            report.model_labels = []  # the model serves no label of this version
            use = True
            if not lifts:
                report.lifted = []  # the untrained suggester runs as it is
            if not names:
                known = KnownNames({})
    report.difference = list(
        difference_interval(
            doc_counts(heldout_gold, current_out, labels),
            doc_counts(heldout_gold, new_out, labels),
        )
    )
    if cancel is not None:
        cancel.check()
    report.known_names = known.to_json() if known.labels else {}
    report.seconds = round(time.monotonic() - started, 1)
    report.used = use
    if not options.keep:
        return report
    stored_report = report.to_json()
    with store.transaction():
        if reset:
            store.reset_parts()
        store.set_setting("heldout_ratio", repr(ratio))
        store.set_setting("heldout_seed", str(seed))
        store.fix_parts(pairs, ratio, seed)
        report.model_id = store.add_model(
            name=f"{store.path.stem}-trained",
            base=untrained.info.name + "-" + untrained.info.version,
            documents=len(train),
            report=stored_report,
            config=config_text,
            weights=weights,
        )
        if use:
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
                "annotator": {"model_id": report.model_id, "choice": choice},
            },
        )
        report.output = str(out)
    return report


Outputs_ = list[list[Span]]


def _pooled_table(
    groups: Sequence[Group], predicted: Sequence[Outputs_], labels: Sequence[str]
) -> dict[str, Any]:
    """The per-label table over the texts of every group together."""
    gold = [keys for group in groups for keys in group.gold]
    spans = [per_text for outputs in predicted for per_text in outputs]
    return score_table(scores_of(gold, spans, labels), labels)


def _known_names(
    nlp: Language,
    labels: Sequence[str],
    documents: Sequence[LabelledText],
    heldout: tuple[Sequence[str], Sequence[Sequence[tuple[int, int, str]]]],
    combined: Outputs_,
    as_seen: Callable[[Outputs_], Outputs_],
) -> tuple[KnownNames, Outputs_, Callable[[Outputs_, bool], Outputs_]]:
    """The names ``documents`` teach, filled for each label of ``labels`` unless the held-out
    part surely shows that label worse with them (``scoring.surely_better``); the held-out
    suggestions with them; and what fills other held-out suggestions with them (``as_seen``:
    as the project would see them)."""
    texts, gold = heldout
    learned = learn_known_names(((d.text, d.spans) for d in documents), labels, nlp)
    candidate = learned.with_labels(learned.counts())
    docs = list(nlp.pipe(texts))

    def filler(known: KnownNames) -> Callable[[Outputs_, bool], Outputs_]:
        """Fills outputs on the trained model's docs (its entities veto names), or on the
        tokens alone (as the untrained suggester is filled: no model pass)."""
        matcher = known.matcher(nlp)

        def fill(outputs: Outputs_, with_model: bool = True) -> Outputs_:
            on = docs if with_model else [nlp.make_doc(text) for text in texts]
            pairs = zip(on, outputs, strict=True)
            return as_seen([known.fill(doc, spans, matcher, labels) for doc, spans in pairs])

        return fill

    if not candidate.labels or not texts:
        return candidate, combined, filler(candidate)
    with_names = filler(candidate)(combined, True)
    counts_with = doc_counts(gold, with_names, labels)
    counts_without = doc_counts(gold, combined, labels)
    keep = [x for x in candidate.labels if not surely_better(counts_with, counts_without, x)]
    if len(keep) == len(candidate.labels):
        return candidate, with_names, filler(candidate)
    known = learned.with_labels(keep)
    fill = filler(known)
    return known, fill(combined, True) if keep else combined, fill


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

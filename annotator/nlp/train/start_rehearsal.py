"""Rehearsal from the start model's own annotated documents.

A project's training mixes rehearsal texts into every epoch so that the model does not forget
what it knew (``data``). Before, these were shipped news texts labelled by the untrained
suggester: its output, errors and all, for the project's labels. A project that fine-tunes the
start model can rehearse on better: the documents the start model itself learned from, with
their gold spans. They are of seven kinds of text, not news only, and their spans are what
annotators accepted, not what the suggester guessed; nothing has to be labelled at training
time.

``build/make_start_model.py`` writes them beside the start model (``rehearsal.jsonl``, its
SHA-256 in the record): each document's text, its gold spans of the start model's labels
(``spans``), and the start model's own entities of the labels it was not trained on (GPE,
DATE...: ``other``), overlapping no gold span, so rehearsing keeps them as well.

Measured over 36 simulated projects of six kinds, each with a start model that never saw its
kind (``tests/bench/learning_grid.py --start-per-set``; README, "Rehearsing on the start
model's own documents"): after training 0.772 against 0.770 F1 with the news texts (0.778
against 0.773 with the model always used), runs with a label more than 0.02 below the
untrained suggester 5 against 7. Half or twice as much rehearsal per epoch did worse.

The file is read like any input: a record that is not what ``write`` writes (wrong types,
spans out of range or overlapping) makes the whole file unusable, and training falls back to
the shipped news texts, saying why in its report. A project's own documents are never
rehearsed (``train.project`` leaves out the texts the project holds).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.nlp.train.data import LabelledText, SpanTuple

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "REHEARSAL_FILE",
    "REHEARSAL_FROM_NEWS",
    "REHEARSAL_FROM_START",
    "file_sha256",
    "read_recorded",
    "read_rehearsal",
    "rehearsal_line",
    "start_rehearsal",
    "write_rehearsal",
]

REHEARSAL_FILE = "rehearsal.jsonl"
#: What a training rehearsed on (``TrainReport.rehearsal_from``).
REHEARSAL_FROM_START, REHEARSAL_FROM_NEWS = "start", "news"
#: Ten times the file the build writes (0.8 MB): a bigger one is not read, so that a start
#: folder given with ``--start DIR`` cannot make training tokenize without end.
_MAX_BYTES = 8 * 1024 * 1024


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _disjoint(spans: Sequence[SpanTuple], size: int) -> bool:
    ordered = sorted(spans)
    if any(not (0 <= s < e <= size) for s, e, _ in ordered):
        return False
    return all(a[1] <= b[0] for a, b in itertools.pairwise(ordered))


def write_rehearsal(
    folder: Path,
    nlp: Language,
    labels: Collection[str],
    documents: Iterable[tuple[str, Sequence[SpanTuple]]],
) -> Path:
    """Write ``folder/rehearsal.jsonl`` from gold documents of ``labels`` (the start model's):
    their spans, and ``nlp``'s entities of other labels, where they overlap no gold span."""
    from annotator.nlp.entity_edges import trimmed_entities

    items = list(documents)
    gold_labels = set(labels)
    lines = []
    docs = nlp.pipe((text for text, _ in items), batch_size=32)
    for (text, spans), doc in zip(items, docs, strict=True):
        taken = sorted((s, e) for s, e, _ in spans)
        other = [
            (ent.start_char, ent.end_char, ent.label_)
            for ent in trimmed_entities(doc, doc.ents)
            if ent.label_ not in gold_labels
            and not any(ent.start_char < te and ts < ent.end_char for ts, te in taken)
        ]
        record = {"text": text, "spans": sorted(spans), "other": other}
        lines.append(json.dumps(record, ensure_ascii=False))
    path = folder / REHEARSAL_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _spans(value: object, where: str) -> list[SpanTuple]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: spans must be a list")
    out: list[SpanTuple] = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in item[:2])
            or not isinstance(item[2], str)
        ):
            raise ValueError(f"{where}: a span must be [start, end, label]")
        out.append((item[0], item[1], item[2]))
    return out


def read_recorded(path: Path, max_bytes: int, expected_sha256: object) -> bytes:
    """The bytes of a file the start model's record holds the SHA-256 of; ValueError naming
    it when it is bigger than ``max_bytes``, cannot be read or was altered."""
    try:
        if path.stat().st_size > max_bytes:
            raise ValueError(f"{path}: larger than {max_bytes} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ValueError(f"{path}: its SHA-256 does not match the start model's record")
    return data


def read_rehearsal(
    folder: Path,
    labels: Collection[str],
    expected_sha256: object,
    start_labels: Collection[str] = (),
) -> list[LabelledText]:
    """The rehearsal texts of the start model in ``folder`` for a project of ``labels``:
    gold spans of those labels and the start model's entities of labels outside its own
    (``start_labels``). Gold of a start label the project lacks is no entity to a project of
    fewer of our labels, and unknown (``unknown`` regions) to one with labels of its own.
    Raises ValueError (naming the file and line) when the file is missing, altered or
    malformed."""
    path = folder / REHEARSAL_FILE
    data = read_recorded(path, _MAX_BYTES, expected_sha256)
    keep = set(labels)
    # A label of the project's own (a VEHICLE) may cover tokens we annotate otherwise (a
    # WEAPON): our gold the project lacks is then unknown to it, neither entity nor O.
    # Rehearsing it as no entity taught a new label against those tokens; a project of fewer
    # of our labels is better taught that they are none of its (README, "Projects with labels
    # of their own").
    own_labels = bool(start_labels) and not keep <= set(start_labels)
    out: list[LabelledText] = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        where = f"{path}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ValueError(f"{where}: not a rehearsal record")
        text = record["text"]
        gold, other = _spans(record.get("spans"), where), _spans(record.get("other"), where)
        if not _disjoint(gold + other, len(text)):
            raise ValueError(f"{where}: spans out of range or overlapping")
        # The project's labels come from gold only, never from the model's ``other``.
        spans = [s for s in gold if s[2] in keep] + [s for s in other if s[2] not in keep]
        unknown = tuple(sorted(s for s in gold if s[2] not in keep)) if own_labels else ()
        out.append(LabelledText(text, tuple(sorted(spans)), unknown=unknown))
    return out


def start_rehearsal(
    start_folder: Path | None, labels: Collection[str]
) -> tuple[list[LabelledText], str]:
    """The rehearsal texts of the start model training starts from, if it has them; else
    nothing and why not ("" when ``start_folder`` is None or has no rehearsal file: a
    pipeline, or a start model built before them)."""
    from annotator.nlp.train.start import read_record

    if start_folder is None or not (start_folder / REHEARSAL_FILE).is_file():
        return [], ""
    try:
        record = read_record(start_folder)
        start_labels = [str(label) for label in record["labels"]]  # type: ignore[attr-defined]
        return read_rehearsal(
            start_folder, labels, record.get("rehearsal_sha256"), start_labels
        ), ""
    except ValueError as exc:  # a UnicodeDecodeError too
        return [], str(exc)


def rehearsal_line(rehearsal_from: str, texts: int, problem: str) -> str:
    """What a training rehearsed on, in a sentence for its report and the window."""
    if rehearsal_from == REHEARSAL_FROM_START:
        return (
            f"Rehearsed on {texts} of the start model's own annotated documents, so that it "
            "keeps what it knew."
        )
    if problem:
        return (
            f"Rehearsed on {texts} shipped news texts: the start model's own documents could "
            f"not be used ({problem})."
        )
    return f"Rehearsed on {texts} shipped news texts."

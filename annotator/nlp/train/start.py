"""Where a project's fine-tuning starts: the shipped start model, or the project's pipeline.

Every project used to fine-tune the installed ``en_core_web_sm`` itself, whose entities follow
OntoNotes, not our guidelines: an office or a programme is no ORG there, "2,000 soldiers" is a
CARDINAL and a weapon nothing at all. A dozen accepted documents then have to teach the scheme
and the project's kind of text at once. The *start model* is that same pipeline's entity
recognizer fine-tuned once, with the learning loop itself (``build/make_start_model.py``, run
by the set-up script on each machine), on every gold document we ship: news, transcripts,
reports, forum threads, history, fiction and legal text. A project's training starts from it,
so its own documents only teach its own kind of text.

Measured with start models built without the kind scored (``tests/bench/learning_grid.py
--start-per-set``), over 30 simulated projects of five kinds: the mean gain over the untrained
suggester went from +0.026 to +0.036 and the worst run from -0.009 to 0.000 (README, "The
learning loop, simulated").

The start model is used when it fits the project: built from the very weights of the
project's pipeline (the SHA-256 of its ``ner/model`` file, so the official ``en_core_web_sm``
and a re-upload of it under another name both fit) and holding at least one label of the
project. A label it never learned (a project's VEHICLE) is learned from the project's
documents alone, as it would be from the installed pipeline; the labels it did learn keep
what it knows. Measured over 16 simulated projects of eight kinds with their WEAPON renamed
VEHICLE and QUANTITY dropped (``tests/bench/simulate_learning.py --relabel``, README,
"Projects with labels of their own"): the untrained suggester 0.566 -> 0.619 F1, after
training 0.623 -> 0.654, against starting from the installed pipeline as before.
Otherwise, or when asked (``annotator train --start base``), training starts from the
project's pipeline. A start model that cannot be read is not used; the report says
why.

``ANNOTATOR_START_MODEL`` (an environment variable: the user's, never a project's) names
another start model folder to take the shipped one's place, to measure one built without a
kind of text (``tests/bench/learning_grid.py --start-per-set``). It is checked like the
shipped one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.core.resources import ResourceError, resource_path

__all__ = [
    "RECORD",
    "START_ENV",
    "START_FOLDER",
    "Start",
    "choose_start",
    "ner_weights_sha256",
    "read_record",
    "shipped_folder",
    "unusable",
]

START_FOLDER = "start_model"
RECORD = "start.json"  # what the start model was built from, beside its config.cfg
AUTO, BASE = "auto", "base"
#: The environment variable naming a start model folder in place of the shipped one.
START_ENV = "ANNOTATOR_START_MODEL"


def shipped_folder() -> Path:
    """The start model's folder: ``ANNOTATOR_START_MODEL`` or the shipped resource (raises
    ResourceError when the shipped one is missing)."""
    override = os.environ.get(START_ENV, "").strip()
    return Path(override) if override else resource_path(START_FOLDER)


@dataclass(frozen=True)
class Start:
    """What ``load_for_ner`` loads to fine-tune, and a line for the report. ``problem``: why
    the shipped start model, which should have been used, could not be (missing, damaged, not
    loading): an installation to repair, unlike a project it does not fit."""

    spec: str
    shipped: bool
    description: str
    problem: str = ""
    folder: Path | None = None  # a start model's folder (shipped or given), not a pipeline's


def read_record(folder: Path) -> dict[str, object]:
    """The start model's record: base pipeline, version, labels, documents. Raises ValueError
    when it is missing or damaged."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{folder / RECORD}: cannot be read ({exc})") from exc
    if not isinstance(record, dict) or not (folder / "config.cfg").is_file():
        raise ValueError(f"{folder}: not a start model (no record or no config.cfg)")
    fields = (("base", str), ("version", str), ("base_ner_sha256", str), ("labels", list))
    for key, kind in (*fields, ("documents", int)):
        if not isinstance(record.get(key), kind):
            raise ValueError(f"{folder / RECORD}: {key!r} is missing or of the wrong type")
    return record


def ner_weights_sha256(pipeline: str) -> str | None:
    """SHA-256 of the pipeline's ``ner/model`` weights file; None without one."""
    from annotator.nlp.pipeline_spec import locate_pipeline

    found = locate_pipeline(pipeline)
    if found.kind == "blank":
        return None
    weights = Path(found.load_target) / "ner" / "model"
    if not weights.is_file():
        return None
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _instead(own: Start, why: str, problem: str = "") -> Start:
    """The project's own start ``own``, saying why the shipped start model is not used."""
    return Start(own.spec, False, f"{own.description} (the shipped start model {why})", problem)


def unusable(pipeline: str, exc: Exception) -> Start:
    """The project's own start after the shipped start model failed to load."""
    return _instead(choose_start(pipeline, (), BASE), f"cannot be used: {exc}", str(exc))


def choose_start(pipeline: str, labels: Sequence[str], wanted: str = AUTO) -> Start:
    """The start of fine-tuning for a project of ``pipeline`` and ``labels``.

    ``wanted``: ``auto`` (the shipped start model when it fits), ``base`` (the project's
    pipeline) or a spaCy pipeline folder (to measure another start).
    """
    from annotator.nlp.pipeline import pipeline_info

    info = pipeline_info(pipeline)
    own = Start(pipeline, False, f"the project's pipeline, {info.name} {info.version}")
    if wanted == BASE:
        return own
    if wanted != AUTO:
        if not wanted.strip():
            raise ValueError("no start given: auto, base or a spaCy pipeline folder")
        return Start(wanted, False, f"the pipeline folder {wanted}", folder=Path(wanted))
    sha = ner_weights_sha256(pipeline)
    if sha is None:
        return own  # a blank pipeline: no weights to start from

    try:
        folder = shipped_folder()
        record = read_record(folder)
    except (ResourceError, ValueError) as exc:
        return _instead(own, f"cannot be used: {exc}", str(exc))
    if record["base_ner_sha256"] != sha:
        return _instead(own, f"was built from other weights, {record['base']} {record['version']}")
    learned = {str(label) for label in record["labels"]}  # type: ignore[attr-defined]
    missing = [label for label in labels if label not in learned]
    if labels and len(missing) == len(labels):
        return _instead(own, f"never learned {', '.join(missing)}")
    kinds = record.get("kinds")
    of = f": {', '.join(map(str, kinds))}" if isinstance(kinds, list) and kinds else ""
    new = f"; {', '.join(missing)} only from this project's documents" if missing else ""
    return Start(
        str(folder),
        True,
        f"the shipped start model ({info.name} {info.version} fine-tuned on "
        f"{record['documents']} annotated documents{of}{new})",
        folder=folder,
    )

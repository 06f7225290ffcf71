"""The learning loop's part of the project file: the fixed held-out split and model versions.

A mixin of ``ProjectStore``, like the suggestion cache. Qt-free and spaCy-free: a model is
stored as the bytes spaCy's own serialisation wrote (``Language.to_bytes``) with the config it
was built from and a SHA-256 of the bytes, so a damaged blob is refused before spaCy reads it.

**The held-out part is fixed.** The first training run that sees an accepted document assigns
it to ``train`` or ``heldout`` for good: a seeded hash orders the new documents and the first
ones go to the held-out part until it holds exactly ``round(ratio * accepted)`` documents. A
document once trained on never moves to the held-out part, and a held-out document is never
trained on, so the scores of successive models are comparable.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from annotator.core.database import Database
from annotator.core.limits import MAX_MODEL_BYTES, MAX_MODEL_REPORT_CHARS

__all__ = [
    "HELDOUT",
    "TRAIN",
    "UNTRAINED_AS_IS",
    "ModelVersion",
    "ModelVersionsMixin",
    "assign_parts",
]

TRAIN = "train"
HELDOUT = "heldout"
#: The report's table of the untrained suggester with every kind of suggestion it makes (its
#: table "untrained" leaves out the kinds the model learned to leave out, as the choice saw it).
UNTRAINED_AS_IS = "untrained as is"


def _order_key(seed: int, text_hash: str) -> str:
    return hashlib.sha256(f"{seed}:{text_hash}".encode()).hexdigest()


def assign_parts(
    accepted: Sequence[tuple[int, str]],
    existing: dict[int, str],
    ratio: float,
    seed: int,
) -> dict[int, str]:
    """Parts for the accepted documents that have none yet.

    ``accepted`` holds (doc_id, text_hash) of every accepted document; ``existing`` the parts
    already fixed. Returns only the new assignments. The held-out part reaches exactly
    ``round(ratio * len(accepted))`` documents whenever the new documents allow it.
    """
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f"the held-out share must be at least 0 and below 1, not {ratio}")
    target = round(ratio * len(accepted))
    held = sum(1 for doc_id, _ in accepted if existing.get(doc_id) == HELDOUT)
    new = sorted(
        (pair for pair in accepted if pair[0] not in existing),
        key=lambda pair: _order_key(seed, pair[1]),
    )
    parts: dict[int, str] = {}
    for doc_id, _ in new:
        if held < target:
            parts[doc_id] = HELDOUT
            held += 1
        else:
            parts[doc_id] = TRAIN
    return parts


def _report(raw: str) -> dict[str, Any]:
    """A stored report, or {} when it is not a JSON object (a damaged or crafted file)."""
    try:
        value = json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class ModelVersion:
    """A stored model without its weights: what lists and menus show."""

    id: int
    created: float
    name: str
    base: str
    documents: int
    report: dict[str, Any]
    size: int

    @property
    def heldout_f(self) -> float:
        """Overall F1 of the model's suggestions on the held-out part when it was trained."""
        return _overall_f(self.report, "new") or 0.0

    @property
    def untrained_f(self) -> float | None:
        """Overall F1 on the same held-out part of the untrained suggester as restoring it
        gives it back (every kind of suggestion it makes); None when the report lacks it."""
        found = _overall_f(self.report, UNTRAINED_AS_IS)
        if found is None and not self.report.get("dropped_kinds"):
            # Reports from before the "as is" table: "untrained" was then the same.
            found = _overall_f(self.report, "untrained")
        return found

    @property
    def untrained_text(self) -> str:
        """What the untrained suggester ran over when this model was measured: the start
        model (the default of new projects, ``nlp.train.default``) or the base pipeline."""
        if self.report.get("untrained_from") == "start":
            return "start model, patterns, rules"
        return "base model, patterns, rules"

    @property
    def choice_text(self) -> str:
        """ "every label ← model+rules", or the labels grouped by the source serving them;
        and how many kinds of suggestion it learned to leave out (``nlp.span_kinds``), rules
        it lifted and names it knows (``nlp.train.known_names``)."""
        choice = self.report.get("choice", {})
        dropped = self.report.get("dropped_kinds", [])
        if not isinstance(choice, dict) or not isinstance(dropped, list):
            return "damaged report"
        sources = sorted({str(source) for source in choice.values()})
        if len(sources) == 1:
            text = f"every label ← {sources[0]}"
        else:
            text = "; ".join(
                f"{', '.join(k for k, v in choice.items() if str(v) == source)} ← {source}"
                for source in sources
            )
        if dropped:
            text += f"; {len(dropped)} kind{'s' if len(dropped) > 1 else ''} of suggestion left out"
        lifted = self.report.get("lifted", [])
        if isinstance(lifted, list) and lifted:
            text += f"; {len(lifted)} rule{'s' if len(lifted) > 1 else ''} lifted"
        known = self.report.get("known_names")
        if isinstance(known, dict) and isinstance(known.get("names"), dict):
            count = sum(len(v) for v in known["names"].values() if isinstance(v, list))
            text += f"; {count:,} known names"
        return text

    @property
    def version(self) -> str:
        """The suggester version prefix of this model (enters the suggestion cache key)."""
        return f"{self.name}-m{self.id}"


def _overall_f(report: dict[str, Any], table: str) -> float | None:
    """``report["tables"][table]["overall"]["f"]``, or None where a step is missing or is not
    what training writes (a damaged or crafted report)."""
    found: Any = report.get("tables")
    for key in (table, "overall", "f"):
        if not isinstance(found, dict):
            return None
        found = found.get(key)
    return float(found) if isinstance(found, int | float) else None


class ModelVersionsMixin:
    _conn: Database
    transaction: Callable[[], AbstractContextManager[Database]]
    setting: Callable[..., str]
    set_setting: Callable[[str, str], None]

    # ------------------------------------------------------------------ splits
    def parts(self) -> dict[int, str]:
        """Every fixed part: doc_id -> "train" | "heldout"."""
        return dict(self._conn.execute("SELECT doc_id, part FROM splits").fetchall())

    def fix_parts(self, accepted: Sequence[tuple[int, str]], ratio: float, seed: int) -> None:
        """Assign parts to the accepted documents that have none (one transaction)."""
        new = assign_parts(accepted, self.parts(), ratio, seed)
        if not new:
            return
        now = time.time()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO splits(doc_id, part, assigned) VALUES (?, ?, ?) "
                "ON CONFLICT (doc_id) DO NOTHING",
                [(doc_id, part, now) for doc_id, part in new.items()],
            )

    def reset_parts(self) -> None:
        """Forget every fixed part (a new split: older models' scores stop being comparable)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM splits")

    # ------------------------------------------------------------------ models
    def add_model(
        self,
        *,
        name: str,
        base: str,
        documents: int,
        report: dict[str, Any],
        config: str,
        weights: bytes,
    ) -> int:
        """Store a trained model; returns its id. Nothing suggests with it until it is used."""
        digest = hashlib.sha256(weights).hexdigest()
        with self.transaction() as conn:
            (model_id,) = conn.execute(
                "INSERT INTO models(created, name, base, documents, report, config, weights, "
                "sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (time.time(), name, base, documents, json.dumps(report), config, weights, digest),
            ).fetchone()
            return int(model_id)

    def models(self) -> list[ModelVersion]:
        """Every stored model, oldest first."""
        rows = self._conn.execute(
            "SELECT id, created, name, base, documents, "
            "CASE WHEN length(report) <= ? THEN report ELSE '{}' END, length(weights) "
            "FROM models ORDER BY id",
            (MAX_MODEL_REPORT_CHARS,),
        )
        return [ModelVersion(r[0], r[1], r[2], r[3], r[4], _report(r[5]), r[6]) for r in rows]

    def model(self, model_id: int) -> ModelVersion:
        for version in self.models():
            if version.id == model_id:
                return version
        raise KeyError(f"no model {model_id} in this project")

    def model_files(self, model_id: int) -> tuple[str, bytes, str]:
        """(config, weights, sha256) of a stored model; KeyError when there is none."""
        sizes = self._conn.execute(
            "SELECT length(weights), length(config) FROM models WHERE id = ?", (model_id,)
        ).fetchone()
        if sizes is None:
            raise KeyError(f"no model {model_id} in this project")
        if sizes[0] > MAX_MODEL_BYTES or sizes[1] > MAX_MODEL_REPORT_CHARS:
            raise ValueError(f"model {model_id} is too large to be a model ({sizes[0]:,} bytes)")
        row = self._conn.execute(
            "SELECT config, weights, sha256 FROM models WHERE id = ?", (model_id,)
        ).fetchone()
        return str(row[0]), bytes(row[1]), str(row[2])

    def check_model(self, model_id: int) -> None:
        """KeyError when there is no such model, ValueError when its bytes are damaged."""
        _, weights, digest = self.model_files(model_id)
        if hashlib.sha256(weights).hexdigest() != digest:
            raise ValueError(
                f"model {model_id} is damaged (its checksum does not match); "
                "train again or use another version"
            )

    def accepted_at_last_training(self) -> int:
        """How many documents were accepted when the newest model was trained (0: none yet),
        from its report (a damaged one reads as 0)."""
        row = self._conn.execute(
            "SELECT CASE WHEN length(report) <= ? THEN report ELSE '{}' END "
            "FROM models ORDER BY id DESC LIMIT 1",
            (MAX_MODEL_REPORT_CHARS,),
        ).fetchone()
        documents = _report(row[0]).get("documents", 0) if row else 0
        return documents if isinstance(documents, int) and documents >= 0 else 0

    def active_model(self) -> int | None:
        """The id of the model that suggests, or None for the untrained suggester."""
        value = self.setting("active_model")
        return int(value) if value.isdigit() else None

    def use_model(self, model_id: int | None) -> None:
        """Make a stored model suggest (None: back to the untrained suggester)."""
        if model_id is not None and (
            self._conn.execute("SELECT 1 FROM models WHERE id = ?", (model_id,)).fetchone() is None
        ):  # (not ``model``: it reads every report, and the window calls this)
            raise KeyError(f"no model {model_id} in this project")
        self.set_setting("active_model", "" if model_id is None else str(model_id))

    def delete_models(self, model_ids: Iterable[int]) -> None:
        active = self.active_model()
        with self.transaction() as conn:
            for model_id in model_ids:
                if model_id == active:
                    raise ValueError(f"model {model_id} suggests now; use another one first")
                conn.execute("DELETE FROM models WHERE id = ?", (model_id,))

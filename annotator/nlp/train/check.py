"""Whether a stored model may suggest: the checks run before a switch to it, as a job.

A stored model is megabytes (hundreds with vectors): reading it from the project file and
hashing it took the window's GUI thread 180-300 ms for a 107 MB model. ``CheckModelJob`` runs
the checks in a child process (``formats.task_process``, as training does); the window switches
only once the answer is in, and what suggests meanwhile keeps suggesting. A refused model
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.progress import CancelToken, ProgressCallback
from annotator.nlp.pipeline_spec import PipelineError

if TYPE_CHECKING:
    from annotator.core.store import ProjectStore

__all__ = ["CheckModelJob", "ModelCheck", "model_problem"]


def model_problem(store: ProjectStore, model_id: int) -> str | None:
    """Why stored model ``model_id`` cannot suggest (missing, too large, damaged, a config or a
    report that is not what training writes), None when it passes every check made before
    spaCy reads its weights. Reads and hashes the whole model: never on the GUI thread."""
    from annotator.nlp.train.load import recipe_for
    from annotator.nlp.train.stored import check_stored

    try:
        recipe_for(store, model_id)  # the stored report (KeyError: no such model)
        check_stored(*store.model_files(model_id))
    except (KeyError, ValueError, PipelineError) as exc:
        return str(exc.args[0]) if exc.args else type(exc).__name__
    return None


@dataclass(frozen=True)
class ModelCheck:
    """The outcome of ``CheckModelJob``: ``problem`` None when the model may suggest."""

    model_id: int
    problem: str | None

    def summary(self) -> str:
        if self.problem is None:
            return f"model {self.model_id} can be used"
        return f"model {self.model_id} cannot be used: {self.problem}"


@dataclass(frozen=True)
class CheckModelJob:
    """Model › Use: ``model_problem`` in a child process (a ``TaskJob``); changes nothing."""

    model_id: int
    what: str = "Model check"

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any:
        progress(0, None, f"checking model {self.model_id}")
        problem = model_problem(store, self.model_id)
        cancel.check()
        return ModelCheck(self.model_id, problem)

    def cleanup(self, pid: int) -> None:
        """Nothing: the check only reads."""

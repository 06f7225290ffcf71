"""Agreement of a project with the project's own tokens, for the CLI and the window.

``core.agreement`` computes the figures from token boundaries; the tokens come from the
project's spaCy tokenizer, so the window runs this in a child process (``AgreementJob``, a
``TaskJob`` for ``TaskProcess``), never in its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.agreement import AgreementReport, agreement_of_project
from annotator.core.progress import CancelToken, ProgressCallback
from annotator.core.store import ProjectStore

__all__ = ["AgreementJob", "project_agreement"]


def project_agreement(
    store: ProjectStore, annotators: Sequence[str] | None = None, most: int = 20
) -> AgreementReport:
    """``core.agreement.agreement_of_project`` with the tokens of the project's pipeline."""
    from annotator.nlp.tokens import Tokenizer

    tokenizer = Tokenizer.for_pipeline(store.pipeline)

    def tokenize(texts: list[str]) -> list[list[tuple[int, int]]]:
        return [list(zip(i.starts, i.ends, strict=True)) for i in tokenizer.indexes(texts)]

    return agreement_of_project(store, tokenize, annotators, most)


@dataclass(frozen=True)
class AgreementJob:
    """Window › Agreement: the figures, computed in a child process."""

    annotators: tuple[str, ...] = ()
    most: int = 50
    what: str = "Agreement"

    def run(self, store: ProjectStore, progress: ProgressCallback, cancel: CancelToken) -> Any:
        progress(0, 0, "tokens")
        return project_agreement(store, self.annotators or None, self.most)

    def cleanup(self, pid: int) -> None:
        """Nothing: the job only reads."""

"""What the two confidence scorers share as pipeline components: they stand in the recognizer's
place and score documents a batch at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from annotator.nlp.confidence.scores import SCORES_KEY

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["BatchComponent"]


class BatchComponent:
    """A pipeline component in the place of the entity recognizer ``ner``: it scores a list
    of documents at once (``_score``), for one document (``__call__``) or a stream of them in
    batches (``pipe``). Every document gets its (possibly empty) list of scored candidates."""

    def __init__(self, ner: Any) -> None:
        self.ner = ner

    def __call__(self, doc: Doc) -> Doc:
        self._parse([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                self._parse(batch)
                yield from batch
                batch = []
        if batch:
            self._parse(batch)
            yield from batch

    def _parse(self, docs: list[Doc]) -> None:
        for doc in docs:
            doc.user_data[SCORES_KEY] = []
        todo = [doc for doc in docs if len(doc)]
        if todo:
            self.ner._ensure_labels_are_added(todo)
            self._score(todo)

    def _score(self, docs: list[Doc]) -> None:
        """Parse ``docs`` (none empty), set their entities and their scored candidates."""
        raise NotImplementedError

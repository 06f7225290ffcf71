"""What the two confidence scorers share as pipeline components: documents a batch at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["BatchComponent"]


class BatchComponent:
    """A pipeline component that parses a list of documents at once (``_parse``), for one
    document (``__call__``) or a stream of them in batches (``pipe``)."""

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
        raise NotImplementedError

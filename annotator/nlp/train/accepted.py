"""What training learns from: the project's accepted documents (one gold record each), its
binary answers (``binary_spans``), and the texts it rehearses on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from annotator.core.limits import MAX_TEXT_CHARS
from annotator.core.model import Answer
from annotator.core.store import ProjectStore, text_hash
from annotator.core.team import REVIEWED
from annotator.nlp.train.binary_spans import BinaryEvidence, binary_evidence
from annotator.nlp.train.data import LabelledText, shipped_rehearsal_texts

__all__ = ["BinaryPart", "GoldDocument", "accepted_documents", "binary_part", "rehearsal_texts"]


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


def rehearsal_texts(
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
class BinaryPart:
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


def binary_part(
    store: ProjectStore, labels: Sequence[str], train: Sequence[GoldDocument], gold: set[int]
) -> BinaryPart:
    """Binary answers of the project's labels: rejected spans of training documents, and
    the documents that have no accepted full annotation (held-out ones are left alone)."""
    keep = set(labels)
    in_train = {g.doc_id: g for g in train}
    part = BinaryPart()
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

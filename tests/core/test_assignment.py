"""Assignment: N annotations per document, claims, and queues that never overlap when N = 1
(on both back ends, with separate connections and separate processes)."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from annotator.cli import main
from annotator.core.model import Answer
from annotator.core.store import NewDocument, ProjectStore


def _docs(project: ProjectStore, n: int) -> list[int]:
    project.add_documents(NewDocument(f"Document number {i} about NATO.", {}) for i in range(n))
    return project.document_ids()


def test_one_per_document_gives_two_annotators_different_documents(
    project: ProjectStore,
) -> None:
    docs = _docs(project, 3)
    other = ProjectStore.open(project.location)  # a second desktop
    try:
        first = project.next_to_do("ann")
        second = other.next_to_do("bob")
        assert first == docs[0] and second == docs[1]
        assert project.claims() == {docs[0]: ["ann"], docs[1]: ["bob"]}
        assert project.count_to_do("ann") == 2 and other.count_to_do("bob") == 2
        other.set_answer(second, "bob", Answer.ACCEPT)  # the answer releases bob's claim
        assert project.claims() == {docs[0]: ["ann"]}
        assert project.next_to_do("ann", after=first) == docs[2]
        assert other.next_to_do("bob", after=second) is None  # the others are ann's
        assert other.count_to_do("bob") == 0
    finally:
        other.close()


def test_two_per_document_gives_both_the_same_documents(project: ProjectStore) -> None:
    docs = _docs(project, 2)
    project.set_per_document(2)
    assert project.next_to_do("ann") == docs[0]
    assert project.next_to_do("bob") == docs[0]
    assert project.next_to_do("cy") == docs[1]  # docs[0] has its two annotators
    project.set_answer(docs[0], "ann", Answer.ACCEPT)
    project.set_answer(docs[0], "bob", Answer.REJECT)
    assert project.count_to_do("cy") == 1  # only docs[1] (claimed by cy) needs cy


def test_an_expired_claim_goes_back_to_the_queue(project: ProjectStore) -> None:
    (doc,) = _docs(project, 1)
    project.claim_seconds = -1.0  # every claim is already expired
    assert project.next_to_do("ann") == doc
    assert project.next_to_do("bob") == doc
    assert project.claims() == {}


def test_taking_an_answer_back_claims_the_document_again(project: ProjectStore) -> None:
    (doc,) = _docs(project, 1)
    project.set_answer(doc, "ann", Answer.ACCEPT)
    assert project.count_to_do("bob") == 0
    project.set_answer(doc, "ann", None)  # undo
    assert project.claims() == {doc: ["ann"]} and project.count_to_do("bob") == 0
    assert project.count_to_do("ann") == 1


def _claim_all(location: str, annotator: str, results: multiprocessing.Queue) -> None:
    store = ProjectStore.open(location)
    taken = []
    doc = store.next_to_do(annotator)
    while doc is not None:
        taken.append(doc)
        store.set_answer(doc, annotator, Answer.ACCEPT)
        doc = store.next_to_do(annotator, after=doc)
    store.close()
    results.put((annotator, taken))


def test_concurrent_annotators_never_share_a_document(project: ProjectStore) -> None:
    docs = _docs(project, 40)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [
        context.Process(target=_claim_all, args=(project.location, f"ann{i}", results))
        for i in range(3)
    ]
    for worker in workers:
        worker.start()
    taken = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    every = [doc for docs_ in taken.values() for doc in docs_]
    assert sorted(every) == docs  # each document answered once, none twice, none lost
    assert project.stats()["answered"] == len(docs)


def test_cli_sets_annotations_per_document(
    project: ProjectStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["settings", project.location, "--per-document", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["per_document"] == 2
    assert project.per_document == 2
    assert main(["settings", project.location, "--per-document", "0"]) == 2
    assert project.per_document == 2


def test_new_takes_annotations_per_document(project_location: str) -> None:
    assert main(["new", project_location, "--pipeline", "blank:en", "--per-document", "2"]) == 0
    with ProjectStore.open(project_location) as store:
        assert store.per_document == 2


@pytest.mark.parametrize("kind", ["least-sure", "random"])
def test_every_order_of_work_claims_so_two_annotators_never_share_a_document(
    project: ProjectStore, kind: str
) -> None:
    from annotator.core.work_order import WorkOrder

    docs = _docs(project, 4)
    order = WorkOrder(kind, seed=3)
    other = ProjectStore.open(project.location)  # a second desktop
    try:
        got = [project.next_in_order("ann", order), other.next_in_order("bob", order)]
        got += [project.next_in_order("ann", order, after=got[0])]
        got += [other.next_in_order("bob", order, after=got[1])]
        assert sorted(d for d in got if d is not None) == docs  # four documents, no twice
        assert sorted(project.claims()) == docs
        assert project.next_in_order("ann", order, after=got[2]) in (got[0], got[2])  # its own
        queue = [entry.doc_id for entry in other.queue("bob", order)]
        assert sorted(queue) == sorted([got[1], got[3]])  # ann's claims are not in bob's queue
    finally:
        other.close()

"""CoNLL/IOB in and out: schemes, errors with their line, sniffing, the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.training.converters import conll_ner_to_docs

from annotator.core.model import Answer, LabelSet, Span
from annotator.core.store import NewDocument, ProjectStore
from annotator.formats.exporting import export_project
from annotator.formats.importing import import_files
from annotator.formats.records import FormatError

LABELS = LabelSet.from_names(["ORG", "MISC", "PER", "LOC"])

CONLL_2003 = """\
-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP I-LOC
1996-08-22 CD I-NP O

The DT B-NP O
European NNP I-NP I-ORG
Commission NNP I-NP I-ORG
said VBD B-VP O
on IN B-PP O
Thursday NNP B-NP O
it PRP B-NP O
disagreed VBD B-VP O
with IN B-PP O
German JJ B-NP I-MISC
advice NN I-NP O
. . O O
"""

TWO_COLUMN_IOB2 = (
    "Angela\tB-PER\nMerkel\tI-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\nNATO\tB-ORG\nsaid\tO\nso\tO\n"
)


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    created = ProjectStore.create(tmp_path / "c.annot", LABELS, pipeline="blank:en")
    yield created
    created.close()


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def _entities(store: ProjectStore) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (doc.text, [(doc.text[s.start : s.end], s.label) for s in a.spans])
        for doc, a in store.iter_annotations()
    ]


def test_conll_2003_iob1_saved_as_txt_keeps_every_label(
    store: ProjectStore, tmp_path: Path
) -> None:
    report = import_files(store, [_write(tmp_path, "train.txt", CONLL_2003)])
    assert report.added == 2 and not report.errors and not report.failed_files
    (first, first_spans), (second, second_spans) = _entities(store)
    assert first == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    assert first_spans == [
        ("EU", "ORG"),
        ("German", "MISC"),
        ("British", "MISC"),
        ("Peter Blackburn", "PER"),
    ]
    assert second.startswith("BRUSSELS 1996-08-22\nThe European Commission")
    assert second_spans == [("BRUSSELS", "LOC"), ("European Commission", "ORG"), ("German", "MISC")]


def test_two_columns_without_docstart_make_a_document_per_sentence(
    store: ProjectStore, tmp_path: Path
) -> None:
    report = import_files(store, [_write(tmp_path, "wnut.iob", TWO_COLUMN_IOB2)])
    assert report.added == 2 and not report.errors
    assert _entities(store) == [
        ("Angela Merkel visited Paris .", [("Angela Merkel", "PER"), ("Paris", "LOC")]),
        ("NATO said so", [("NATO", "ORG")]),
    ]


def test_bioes_and_biluo_tags(store: ProjectStore, tmp_path: Path) -> None:
    bioes = "Angela B-PER\nMerkel E-PER\nin O\nParis S-LOC\n\n"
    bioes += "the O\nU.N. U-ORG\nGeneral B-ORG\nAssembly L-ORG\n"
    import_files(store, [_write(tmp_path, "x.bio", bioes)])
    assert [spans for _, spans in _entities(store)] == [
        [("Angela Merkel", "PER"), ("Paris", "LOC")],
        [("U.N.", "ORG"), ("General Assembly", "ORG")],
    ]


def test_iob1_b_tag_splits_adjacent_entities(store: ProjectStore, tmp_path: Path) -> None:
    iob1 = "Germany I-LOC\nFrance B-LOC\nand O\nItaly I-LOC\n"
    import_files(store, [_write(tmp_path, "x.conll", iob1)])
    assert _entities(store)[0][1] == [("Germany", "LOC"), ("France", "LOC"), ("Italy", "LOC")]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        # I- after O where the file starts entities with B- (IOB2): invalid.
        ("NATO B-ORG\nsaid O\n\nthe O\nPentagon I-ORG\n", 5, "does not continue"),
        # BIOES: B- not closed by E-.
        ("Angela B-PER\nMerkel E-PER\n\nParis B-LOC\nsaid O\n", 5, "ends with E-"),
        # A tag of no known scheme.
        ("Paris LOCATION\nsaid O\n\nNATO B-ORG\n", 1, "is not O or B-"),
        # A line with another column count than the file's.
        ("NATO NNP B-ORG\nsaid O\n\nParis NNP B-LOC\n", 2, "2 columns where"),
        # One column.
        ("NATO B-ORG\nsaid\n\nParis B-LOC\n", 2, "needs a token and a tag"),
    ],
)
def test_bad_documents_are_errors_with_their_line(
    store: ProjectStore, tmp_path: Path, content: str, line: int, words: str
) -> None:
    path = _write(tmp_path, "bad.conll", content)
    report = import_files(store, [path])
    assert [(e.line, e.file) for e in report.errors] == [(line, str(path))]
    assert words in report.errors[0].reason
    assert report.added == 1  # the other sentence went in, whole


def test_prose_txt_stays_one_document(store: ProjectStore, tmp_path: Path) -> None:
    text = "NATO said on Friday\nthat it O\nwould send more troops.\n"
    import_files(store, [_write(tmp_path, "prose.txt", text)])
    assert [d.text for d in store.iter_documents()] == [text]


def test_format_option_forces_a_reader(store: ProjectStore, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="unknown file type"):
        import_files(store, [_write(tmp_path, "prose.dat", "Some text.\n")])
    assert store.count_documents() == 0
    # Any name: the content says CoNLL.
    assert import_files(store, [_write(tmp_path, "columns.dat", TWO_COLUMN_IOB2)]).added == 2
    as_text = _write(tmp_path, "columns.txt", TWO_COLUMN_IOB2)
    assert import_files(store, [as_text], fmt="text").added == 1  # the raw columns, as asked


def _export_text(store: ProjectStore, out: Path, **options: object) -> str:
    export_project(store, out, "conll", **options)  # type: ignore[arg-type]
    return out.read_text(encoding="utf-8")


IOB2_SENTENCES = """\
EU B-ORG
rejects O
German B-MISC
call O
. O

Peter B-PER
Blackburn I-PER

BRUSSELS B-LOC
1996-08-22 O

The O
European B-ORG
Commission I-ORG
said O
it O
disagreed O
"""


def test_round_trip_conll_keeps_tokens_tags_and_breaks(store: ProjectStore, tmp_path: Path) -> None:
    iob2 = IOB2_SENTENCES
    source = _write(tmp_path, "in.conll", iob2)
    import_files(store, [source])
    out = tmp_path / "out.conll"
    assert _export_text(store, out, docstart=False).split() == iob2.split()
    assert out.read_text(encoding="utf-8").strip("\n").split("\n\n") == iob2.strip("\n").split(
        "\n\n"
    )
    # With document breaks, the CoNLL-2003 file comes back with its documents and tokens.
    again = ProjectStore.create(tmp_path / "again.annot", LABELS, pipeline="blank:en")
    import_files(again, [_write(tmp_path, "c.conll", CONLL_2003)])
    written = _export_text(again, tmp_path / "again.conll", scheme="iob")
    assert written.count("-DOCSTART- -X- O O") == 2
    # Every token line comes back with its columns (the tags now IOB2: B- starts entities).
    token_lines = [line for line in written.splitlines() if line and "DOCSTART" not in line]
    iob1_lines = [line for line in CONLL_2003.splitlines() if line and "DOCSTART" not in line]
    assert [line.rsplit(" ", 1)[0] for line in token_lines] == [
        line.rsplit(" ", 1)[0] for line in iob1_lines
    ]
    assert "1996-08-22 CD I-NP O" in token_lines  # a token spaCy would split stays whole
    assert "Peter NNP B-NP B-PER" in token_lines and "Blackburn NNP I-NP I-PER" in token_lines
    assert written.count("\n\n") == CONLL_2003.count("\n\n") + 1  # every sentence break
    back = ProjectStore.create(tmp_path / "back.annot", LABELS, pipeline="blank:en")
    import_files(back, [tmp_path / "again.conll"])
    assert _entities(back) == _entities(again)
    again.close()
    back.close()


def test_biluo_export_and_spacy_reads_it(store: ProjectStore, tmp_path: Path) -> None:
    text = "NATO said Angela Merkel met Joe Biden in Paris. Then NATO left."
    spans = [
        Span(text.index(w), text.index(w) + len(w), label)
        for w, label in (("NATO", "ORG"), ("Angela Merkel", "PER"), ("Paris", "LOC"))
    ]
    store.add_documents([NewDocument(text, {}, spans=tuple(spans), answer=Answer.ACCEPT)])
    written = _export_text(store, tmp_path / "b.conll", scheme="biluo")
    sentences = written.split("-DOCSTART- -X- O O\n\n")[1].strip("\n").split("\n\n")
    assert len(sentences) == 2  # the sentence break from the sentence splitter
    rows = sentences[0].splitlines()
    assert rows[:4] == ["NATO U-ORG", "said O", "Angela B-PER", "Merkel L-PER"]
    iob = _export_text(store, tmp_path / "i.conll")
    docs = list(conll_ner_to_docs(iob, n_sents=0, no_print=True))
    assert [(e.text, e.label_) for d in docs for e in d.ents] == [
        ("NATO", "ORG"),
        ("Angela Merkel", "PER"),
        ("Paris", "LOC"),
    ]


def test_a_sentence_never_ends_inside_a_span(store: ProjectStore, tmp_path: Path) -> None:
    text = "He met St. Louis officials."
    start = text.index("St. Louis")
    span = Span(start, start + len("St. Louis"), "LOC")
    store.add_documents([NewDocument(text, {}, spans=(span,), answer=Answer.ACCEPT)])
    written = _export_text(store, tmp_path / "s.conll", docstart=False)
    assert "St. B-LOC\nLouis I-LOC" in written

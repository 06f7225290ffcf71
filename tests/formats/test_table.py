"""CSV and TSV tables in (issue 12): every row becomes a document with the other columns as
meta; ragged rows and empty texts are bad records with their line; a table without a text
column is refused whole and leaves the project unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.store import ProjectStore
from annotator.formats.importing import import_files

DATA = Path(__file__).resolve().parent / "data"


def _docs(project: ProjectStore) -> list[tuple[str, dict[str, object], int]]:
    return [
        (doc.text, doc.meta, doc.line)
        for doc in (project.document(i) for i in project.document_ids())
    ]


def test_csv_keeps_every_row_with_its_columns_and_line(project: ProjectStore) -> None:
    report = import_files(project, [DATA / "table.csv"])
    assert (report.added, report.errors, report.failed_files) == (3, [], [])
    assert _docs(project) == [
        ("NATO said 2,000 soldiers will travel to Poland.", {"id": "1", "source": "reuters"}, 2),
        ("A quoted text\nover two lines.", {"id": "2", "source": "ap"}, 3),
        ("Plain row without quotes", {"id": "3", "source": "ap"}, 5),
    ]


def test_tsv_text_in_a_sentence_column(project: ProjectStore) -> None:
    report = import_files(project, [DATA / "table.tsv"])
    assert report.added == 2
    assert _docs(project)[1] == (
        "Jens Stoltenberg praised the decision.",
        {"id": "2", "source": "ap"},
        3,
    )


def test_semicolons_are_sniffed(project: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("Content;lang\nBonjour, tout le monde.;fr\nHello, world.;en\n", "utf-8")
    assert import_files(project, [path]).added == 2
    assert _docs(project)[0][:2] == ("Bonjour, tout le monde.", {"lang": "fr"})


def test_ragged_rows_and_empty_texts_are_bad_records_with_their_line(
    project: ProjectStore, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        b"text,source\n"
        b"Good first row.,a\n"
        b"Too,many,fields\n"
        b"\n"
        b"Too few fields\n"
        b'"",b\n'
        b"caf\xe9 au lait,c\n"
        b"Good last row.,d\n"
    )
    report = import_files(project, [path])
    assert report.added == 2
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "3 fields, but the header has 2 columns"),
        (5, "1 fields, but the header has 2 columns"),
        (6, "the text column 'text' is empty"),
        (7, "not UTF-8 text (a byte that is not UTF-8 in the row)"),
    ]
    assert all(e.file == str(path) for e in report.errors)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("id,title\n1,Hello there.\n", "line 1: no text column in the header ('id', 'title')"),
        ("text,text\nA.,B.\n", "line 1: the header names column 'text' twice"),
        ("", "the table is empty"),
    ],
)
def test_a_table_we_cannot_read_is_refused_whole(
    project: ProjectStore, tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(content, "utf-8")
    report = import_files(project, [path])
    (failed,) = report.failed_files
    assert reason in failed.reason and failed.path == str(path)
    assert project.count_documents() == 0


def test_text_column_is_chosen_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.annot"
    assert main(["new", str(project), "--pipeline", "blank:en"]) == 0
    path = tmp_path / "t.tsv"
    path.write_text("title\tabstract\nA title\tThe abstract is the text.\n", "utf-8")
    assert main(["import", str(project), str(path)]) == 3
    assert "--text-column" in capsys.readouterr().err
    assert main(["import", str(project), str(path), "--text-column", "abstract"]) == 0
    with ProjectStore.open(project) as store:
        (doc_id,) = store.document_ids()
        doc = store.document(doc_id)
    assert (doc.text, doc.meta) == ("The abstract is the text.", {"title": "A title"})

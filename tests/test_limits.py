"""Issue 19 item 6: a workbook or CSV file larger than the documented limits is refused before it is loaded."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from evalkit import paths
from evalkit.study import limits
from evalkit.study.storage import convert_study
from evalkit.study.validate import validate_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def rewrite_member(book: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(book) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[member] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    book.write_bytes(buffer.getvalue())


def documents_member(book: Path) -> str:
    from evalkit.study.xlsxparts import sheet_parts

    with zipfile.ZipFile(book) as archive:
        return sheet_parts(archive)["documents"]


def sheet_xml(rows: int, dimension: str | None = None) -> bytes:
    """A documents sheet with ``rows`` rows of three cells, declaring ``dimension`` (default: the truth)."""
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>D{n}</t></is></c><c r="B{n}"><v>1</v></c>'
        f'<c r="C{n}"><v>2</v></c></row>'
        for n in range(2, rows + 2)
    )
    declared = dimension or f"A1:C{rows + 1}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{declared}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>document_id</t></is></c>'
        f"</row>{body}</sheetData></worksheet>"
    ).encode()


@pytest.fixture
def book(tmp_path):
    study = convert_study(DEMO, tmp_path / "book", "xlsx")
    return study, next(study.glob("*.xlsx"))


def test_a_sheet_that_declares_a_million_rows_is_refused_at_once(book):
    study, path = book
    rewrite_member(path, documents_member(path), sheet_xml(3, dimension="A1:C1048576"))
    started = time.perf_counter()
    problems = validate_study(study, use_cache=False)
    assert time.perf_counter() - started < 60
    assert len(problems) == 1, [p.render() for p in problems]
    assert (
        "sheet documents declares 1,048,576 rows, more than the 100,000 evalkit reads in one table"
        in problems[0].message
    )


def test_a_sheet_whose_rows_exceed_the_limit_is_refused_while_counting(book, monkeypatch):
    """The declared size may lie: the rows are counted while the sheet is decompressed."""
    study, path = book
    monkeypatch.setattr(limits, "MAX_ROWS", 500)
    rewrite_member(path, documents_member(path), sheet_xml(2_000, dimension="A1:C3"))
    problems = validate_study(study, use_cache=False)
    assert [p.message for p in problems] == [
        f"{path.name}, sheet documents has more than 500 rows, the most evalkit reads in one table."
    ]


def test_the_cells_of_a_workbook_are_bounded(book, monkeypatch):
    study, path = book
    monkeypatch.setattr(limits, "MAX_CELLS", 100)
    problems = validate_study(study, use_cache=False)
    assert len(problems) == 1 and "past 100 cells, the most evalkit reads in one workbook" in problems[0].message


def test_counting_across_piece_boundaries_is_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "CHUNK", 7)  # tags split across every piece
    path = tmp_path / "w.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml(40))
    with zipfile.ZipFile(path) as archive:
        count = limits.count_sheet(archive, "xl/worksheets/sheet1.xml", 10_000, "w")
    assert (count.rows, count.cells, count.formulas) == (41, 121, False)


def test_a_csv_file_over_the_limits_is_refused_with_one_line(tmp_path, monkeypatch):
    study = convert_study(DEMO, tmp_path / "csv", "csv")
    documents = study / "documents.csv"
    lines = documents.read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(limits, "MAX_ROWS", len(lines) - 2)
    problems = validate_study(study, use_cache=False)
    assert [p.render() for p in problems if p.file == "documents.csv"] == [
        f"documents.csv: documents.csv has more than {len(lines) - 2:,} lines, the most evalkit reads in one table. "
        + limits.too_large_fix()
    ]
    monkeypatch.setattr(limits, "MAX_ROWS", 100_000)
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 100)
    problems = validate_study(study, use_cache=False)
    assert any("MB, more than the 0 MB evalkit reads in one table" in p.message for p in problems)


def test_a_survey_export_over_the_limits_is_refused(tmp_path, capsys, monkeypatch):
    from evalkit.cli import main

    study = convert_study(DEMO, tmp_path / "csv", "csv")
    export = tmp_path / "svar.csv"
    export.write_text("coordinator_id\n" + "C1\n" * 50, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    assert main(["survey", "import", str(export), "--study", str(study)]) == 1
    assert "svar.csv has more than 10 lines" in capsys.readouterr().out

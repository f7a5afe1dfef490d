"""The safety checks apply to workbook studies as well: characters, mojibake and personal data in sheets."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from evalkit import paths
from evalkit.study.storage import convert_study
from evalkit.study.validate import inspect_study, personal_data

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def set_sheet_cell(study: Path, sheet: str, column: str, row: int, value: str) -> None:
    descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
    book_path = study / descriptor["resources"][0]["path"]
    book = openpyxl.load_workbook(book_path)
    header = [cell.value for cell in book[sheet][1]]
    book[sheet].cell(row=row, column=header.index(column) + 1, value=value)
    book.save(book_path)


def test_bidi_characters_mojibake_and_personal_data_in_sheets_are_found(tmp_path):
    study = convert_study(DEMO, tmp_path / "demo", "xlsx")
    set_sheet_cell(study, "documents", "description", 3, "Plan \u202eevil")
    set_sheet_cell(study, "municipalities", "county", 2, "VÃ¤stmanlands lÃ¤n")
    set_sheet_cell(study, "interviews", "source", 2, "Intervju med Anna Andersson, anna@example.se")
    inspection = inspect_study(study)
    lines = [problem.render() for problem in inspection.problems]
    assert any("sheet documents, row 3" in line and "U+202E" in line for line in lines), lines
    assert any("sheet municipalities, row 2" in line and "'Västmanlands län'" in line for line in lines), lines
    assert "\u202e" not in " ".join(lines)
    found = {(hit.row, hit.column, hit.kind) for hit in personal_data(inspection)}
    assert found == {(2, "source", "personal name"), (2, "source", "e-mail address")}

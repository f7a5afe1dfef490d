"""Studies kept in one Excel workbook: reading, validation messages, `new --excel`, `convert`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evalkit import paths
from evalkit.analysis.findings import study_findings
from evalkit.cli import main
from evalkit.study import load_study
from evalkit.study.storage import ConvertError, convert_study
from evalkit.study.validate import inspect_study, validate_study
from evalkit.study.workbook import cell_text, column_letter

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def workbook_of(study: Path) -> Path:
    descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
    return study / descriptor["resources"][0]["path"]


def edit(book_path: Path, sheet: str, changes: dict[str, object]) -> None:
    book = openpyxl.load_workbook(book_path)
    for cell, value in changes.items():
        book[sheet][cell] = value
    book.save(book_path)


@pytest.fixture(scope="module")
def default_as_workbook(tmp_path_factory) -> Path:
    return convert_study(paths.DEFAULT_STUDY_DIR, tmp_path_factory.mktemp("wb") / "vastmanland-xlsx", "xlsx")


def test_default_study_round_trip_gives_identical_files_and_findings(default_as_workbook, tmp_path):
    assert validate_study(default_as_workbook) == []
    back = convert_study(default_as_workbook, tmp_path / "back", "csv")
    for original in sorted(paths.DEFAULT_STUDY_DIR.rglob("*")):
        if original.is_file():
            copy = back / original.relative_to(paths.DEFAULT_STUDY_DIR)
            assert copy.read_bytes() == original.read_bytes(), original.name
    csv_study, sheet_study = load_study(paths.DEFAULT_STUDY_DIR), load_study(default_as_workbook)
    for name in csv_study.tables:
        pd.testing.assert_frame_equal(csv_study.tables[name], sheet_study.tables[name], check_names=False)
    pd.testing.assert_frame_equal(study_findings(csv_study), study_findings(sheet_study))


def test_workbook_has_a_sheet_per_table_with_comments_drop_downs_and_a_frozen_header(default_as_workbook):
    book = openpyxl.load_workbook(workbook_of(default_as_workbook))
    assert book.sheetnames[0] == "README"
    assert {"municipalities", "assessments", "codebook_indicators"} <= set(book.sheetnames)
    sheet = book["assessments"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    value_column = column_letter(header.index("value"))
    comment = sheet[f"{value_column}1"].comment.text
    assert comment.startswith("sv: ") and "\n\nen: yes, partly, no or unknown" in comment
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists[value_column] == '"Ja,Delvis,Nej,Okänt"'  # the default study is Swedish (evalkit:language sv)
    assert sheet.column_dimensions["D"].number_format == "@"  # text columns stay text


def test_sheet_problems_name_workbook_sheet_row_and_column_letter(tmp_path):
    study = convert_study(DEMO, tmp_path / "demo", "xlsx")
    edit(workbook_of(study), "municipalities", {"D3": "mellan"})
    problems = validate_study(study)
    assert [p.render() for p in problems] == [
        "demo.xlsx, sheet municipalities, row 3, column D (size_band): value 'mellan' is not an allowed code. "
        "Expected one of small, medium, large, unknown; correct the value."
    ]
    assert problems[0].column == "size_band" and problems[0].column_letter == "D"


def test_swedish_labels_in_a_workbook_validate_with_notes(tmp_path):
    study = convert_study(DEMO, tmp_path / "demo", "xlsx")
    book = workbook_of(study)
    edit(book, "municipalities", {"E2": "Egen samordnare", "F2": " Fungerar väl "})
    edit(book, "assessments", {"C2": "Ja", "C3": "delvis", "C4": "JA", "C5": "Nej"})
    inspection = inspect_study(study)
    assert inspection.problems == []
    notes = [note.render() for note in inspection.notes]
    assert "demo.xlsx, sheet assessments, row 2, column C (value): 'Ja' read as the code 'yes'." in notes
    assert (
        "demo.xlsx, sheet municipalities, row 2, column E (model): 'Egen samordnare' read as the code "
        "'own_coordinator'." in notes
    )
    assert any("' Fungerar väl ' read as the code 'well'" in note for note in notes)
    pd.testing.assert_frame_equal(load_study(study).tables["assessments"], load_study(DEMO).tables["assessments"])


def test_swedish_labels_are_accepted_in_csv_studies_too(tmp_path):
    study = tmp_path / "demo"
    convert_study(DEMO, study, "csv")
    text = (study / "assessments.csv").read_text(encoding="utf-8")
    (study / "assessments.csv").write_text(text.replace(",K01,yes,", ",K01, okänt ,", 1), encoding="utf-8")
    inspection = inspect_study(study)
    assert inspection.problems == []
    assert [n.render() for n in inspection.notes] == [
        "assessments.csv, row 2, column value: ' okänt ' read as the code 'unknown'."
    ]


def test_a_label_that_fits_no_code_is_still_a_problem(tmp_path):
    study = convert_study(DEMO, tmp_path / "demo", "xlsx")
    edit(workbook_of(study), "assessments", {"C2": "kanske"})
    assert [p.message for p in validate_study(study)] == ["value 'kanske' is not an allowed code."]


def test_formulas_merged_cells_and_hidden_sheets_are_reported(tmp_path):
    study = convert_study(DEMO, tmp_path / "demo", "xlsx")
    book_path = workbook_of(study)
    book = openpyxl.load_workbook(book_path)
    book["case_statistics"]["D2"] = "=1+1"  # openpyxl saves no calculated value
    book["documents"].merge_cells("E2:E3")
    book["codebook_measures"].sheet_state = "hidden"
    book.save(book_path)
    inspection = inspect_study(study)
    rendered = [p.render() for p in inspection.problems]
    assert any(
        line.startswith(
            "demo.xlsx, sheet case_statistics, row 2, column D (value): the cell holds the formula =1+1 "
            "but no calculated value is saved"
        )
        for line in rendered
    )
    assert any(
        line.startswith("demo.xlsx, sheet documents, row 2, column E (description): cells E2:E3 are merged")
        for line in rendered
    )
    assert any("sheet codebook_measures is hidden" in n.render() for n in inspection.notes)


def test_a_formula_with_a_saved_value_is_read_as_that_value_with_a_note(tmp_path):
    study = convert_study(DEMO, tmp_path / "demo", "xlsx")
    book_path = workbook_of(study)
    original = openpyxl.load_workbook(book_path)["case_statistics"]["D2"].value
    # Excel stores a formula and its last result side by side: <c><f>…</f><v>…</v></c>
    with zipfile.ZipFile(book_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    book = openpyxl.load_workbook(book_path)
    index = book.sheetnames.index("case_statistics") + 1
    sheet_xml = f"xl/worksheets/sheet{index}.xml"
    text = members[sheet_xml].decode("utf-8")
    start = text.index('<c r="D2"')
    end = text.index("</c>", start) + len("</c>")
    members[sheet_xml] = (text[:start] + f'<c r="D2"><f>{original}*1</f><v>{original}</v></c>' + text[end:]).encode()
    with zipfile.ZipFile(book_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    inspection = inspect_study(study)
    assert inspection.problems == []
    assert f"formula ={original}*1 read as its saved value '{original}'." in [n.message for n in inspection.notes]


def test_a_damaged_or_hostile_workbook_is_a_problem_not_a_traceback(tmp_path):
    study = convert_study(DEMO, tmp_path / "demo", "xlsx")
    workbook_of(study).write_text("not a workbook", encoding="utf-8")
    problems = validate_study(study)
    assert len(problems) == 1
    assert problems[0].render().startswith("demo.xlsx: demo.xlsx is not an Excel workbook (.xlsx): it is not a zip")
    with zipfile.ZipFile(workbook_of(study), "w") as archive:
        archive.writestr("../../evil.xml", "x")
    assert "zip slip" in validate_study(study)[0].message


def test_new_excel_study_validates_and_has_no_csv_tables(tmp_path, capsys):
    assert main(["new", str(tmp_path / "uppsala-2026"), "--excel"]) == 0
    folder = tmp_path / "uppsala-2026"
    assert (folder / "uppsala-2026.xlsx").is_file()
    assert not list(folder.rglob("*.csv"))
    assert validate_study(folder) == []
    book = openpyxl.load_workbook(folder / "uppsala-2026.xlsx")
    model_list = [dv.formula1 for dv in book["municipalities"].data_validations.dataValidation]
    # a Swedish workbook (the default) offers the Swedish labels, which evalkit reads as the codes
    expected = '"Egen kvinnofridssamordnare,Delad kvinnofridssamordnare,Familjefridsteam utan samordnare,Ingen särskild organisering"'
    assert expected in model_list
    assert main(["new", str(tmp_path / "english"), "--excel", "--language", "en"]) == 0
    book = openpyxl.load_workbook(tmp_path / "english" / "english.xlsx")
    value_list = [dv.formula1 for dv in book["assessments"].data_validations.dataValidation]
    assert '"Yes,Partly,No,Unknown"' in value_list and "study_information" in book.sheetnames


def test_readiness_names_the_sheet_of_a_workbook_study(tmp_path, capsys):
    """An empty workbook study is not ready; what is missing is named where the evaluator types it."""
    from evalkit.study.readiness import readiness_table

    assert main(["new", str(tmp_path / "uppsala-2026"), "--excel"]) == 0
    table = readiness_table(load_study(tmp_path / "uppsala-2026"))
    tables = ", ".join(table["tables"])
    assert "uppsala-2026.xlsx, sheet municipalities" in tables
    assert "municipalities.csv" not in tables and "municipalities.csv" not in " ".join(table["missing_en"])
    assert main(["run", str(tmp_path / "uppsala-2026"), "--no-pdf", "--reports-root", str(tmp_path / "r")]) != 0
    out = capsys.readouterr()
    assert "uppsala-2026.xlsx, sheet municipalities" in out.out + out.err


def test_convert_never_overwrites(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConvertError, match="never overwrites"):
        convert_study(DEMO, target, "xlsx")
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert main(["convert", str(DEMO), str(target), "--to", "xlsx"]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (12.0, "12"), (16.7, "16.7"), (3, "3"), (True, "TRUE"), ("  x ", "  x ")],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_every_column_has_a_swedish_meaning_for_the_header_comments():
    from evalkit.study.model import template_descriptor
    from evalkit.study.storage import column_note

    for resource in template_descriptor()["resources"]:
        for spec in resource["schema"]["fields"]:
            note = column_note(resource["name"], spec)
            assert note.startswith("sv: ") and "\n\nen: " in note, (resource["name"], spec["name"])

"""Layer 1 of validation for tables stored as sheets of a workbook (``study.xlsx``).

A workbook is opened once (:func:`read_sheet_table` keeps it in ``books``);
each table is one sheet, named by the resource's ``evalkit:sheet``. What the
workbook reader noticed in a sheet (formulas, Excel errors, merged or hidden
cells) becomes problems and notes, and every problem located in a sheet
gets the column letter Excel shows (:func:`with_column_letters`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from evalkit.study import workbook
from evalkit.study.validate.files import TableInput
from evalkit.study.validate.problems import Problem
from evalkit.study.validate.schema import DESCRIPTOR_FILE, short_name


def listed_sheets(descriptor: dict) -> dict[str, str]:
    """Return the sheet each workbook-backed resource of the study descriptor names, by resource name."""
    sheets = {}
    for resource in descriptor.get("resources", []):
        if isinstance(resource, dict) and isinstance(resource.get("name"), str):
            sheet = workbook.resource_sheet(resource)
            if sheet is not None:
                sheets[resource["name"]] = sheet
    return sheets


def sheet_label(file: str, sheet: str) -> str:
    """How problems name a sheet of a workbook: ``study.xlsx, sheet municipalities``."""
    return f"{file}, sheet {sheet}"


def read_sheet_table(
    study_dir: Path, resource: dict, file: str, sheet: str, books: dict[str, object]
) -> tuple[workbook.SheetTable | None, list[Problem]]:
    """Read one table stored in a workbook sheet; ``books`` caches each workbook opened."""
    label = sheet_label(file, sheet)
    if file not in books:
        if not (study_dir / file).is_file():
            books[file] = None
        else:
            try:
                books[file] = workbook.load_workbook(study_dir / file)
            except workbook.WorkbookError as error:
                books[file] = error
    book = books[file]
    if book is None:
        if not resource.get("evalkit:required"):
            return None, []
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                f"the workbook {file} that holds the table '{short_name(resource['name'])}' is missing.",
                f"Put {file} in the study folder, or correct the resource's path in {DESCRIPTOR_FILE}.",
                code="missing-file",
            )
        ]
    if isinstance(book, workbook.WorkbookError):
        return None, [Problem(file, None, None, None, str(book), book.fix, code="bad-workbook")]
    if sheet not in book.sheet_names:
        if not resource.get("evalkit:required"):
            return None, []
        return None, [
            Problem(
                label,
                None,
                None,
                None,
                f"the required table '{short_name(resource['name'])}' is missing: {file} has no sheet called {sheet}.",
                f"Add a sheet {sheet} with the header row of the evalkit study format (the workbook has "
                f"{', '.join(book.sheet_names)}), or correct the sheet name in {DESCRIPTOR_FILE}.",
                code="missing-sheet",
            )
        ]
    table = workbook.read_sheet(book, sheet)
    if not table.header:
        return None, [
            Problem(
                label,
                None,
                None,
                None,
                "the sheet is empty.",
                "Expected at least the header row of the evalkit study format in row 1; add it.",
                code="empty-file",
            )
        ]
    return table, []


def sheet_findings(table: TableInput) -> tuple[list[Problem], list[Problem]]:
    """The problems and notes the workbook reader found in one sheet."""
    problems, notes = [], []
    for finding in getattr(table.csv, "findings", ()):
        column = None
        if finding.column is not None and finding.column < len(table.csv.header):
            column = table.csv.header[finding.column] or None
        letter = None if finding.column is None else workbook.column_letter(finding.column)
        item = Problem(table.file, finding.row, column, None, finding.message, finding.fix, letter, code=finding.code)
        (problems if finding.problem else notes).append(item)
    return problems, notes


def with_column_letters(items: list[Problem], tables: dict[str, TableInput]) -> list[Problem]:
    """Add Excel's column letter to every problem located in a workbook sheet."""
    headers = {table.file: table.csv.header for table in tables.values() if isinstance(table.csv, workbook.SheetTable)}
    located = []
    for item in items:
        header = headers.get(item.file)
        if header is not None and item.column is not None and item.column in header:
            item = dataclasses.replace(item, column_letter=workbook.column_letter(header.index(item.column)))
        located.append(item)
    return located

"""Study tables stored as sheets of one Excel workbook (.xlsx).

A study's descriptor may point a table at a sheet of a workbook instead of a
CSV file: the resource's ``path`` is the workbook and its dialect names the
sheet (the Frictionless Excel dialect, written ``{"excel": {"sheet": "..."}}``
by frictionless 5; ``{"sheet": ...}`` and ``{"sheetName": ...}`` are read
too). This module reads such a sheet into a :class:`SheetTable` that the
validator treats exactly like a CSV table (header row 1, data from row 2, every
cell as text), and writes workbooks for ``evalkit new --excel`` and
``evalkit convert``.

Reading uses openpyxl (see ``docs/decisions.md``): it is the kept library that
reads and writes .xlsx, tells a formula from its cached result, and exposes
merged cells, hidden sheets and data validation. openpyxl parses the workbook's
XML through defusedxml when it is installed (evalkit depends on it), and the
archive is checked with :mod:`evalkit.safezip` before openpyxl sees it.

What a sheet holds that a CSV cannot is reported, never silently used:

* a formula is read as the value Excel last calculated and saved (a note); a
  formula without a saved value is a problem (open and save the file in Excel
  or LibreOffice, or type the value);
* an Excel error value (``#N/A``, ``#DIV/0!``, …) is a problem;
* merged cells that touch the table are a problem (only the first cell of a
  merged range holds the value);
* a hidden sheet, hidden rows and hidden columns are notes (they are read).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from evalkit.safezip import MB, UnsafeArchiveError, ZipLimits, open_zip

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
XLSX_MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_LIMITS = ZipLimits(max_file_bytes=50 * MB, max_members=2_000, max_member_bytes=200 * MB)
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


class WorkbookError(ValueError):
    """A workbook cannot be read; ``str(error)`` says why, :attr:`fix` what to do."""

    def __init__(self, message: str, fix: str):
        self.fix = fix
        super().__init__(message)


@dataclass(frozen=True)
class SheetFinding:
    """Something about a sheet that the validator reports.

    Attributes
    ----------
    row : int or None
        Row as Excel shows it (header = 1); ``None`` for the whole sheet.
    column : int or None
        0-based column position in the sheet; ``None`` for a whole row or sheet.
    message, fix : str
        Sentences ending with a full stop (``fix`` may be empty for a note).
    problem : bool
        ``True`` for a problem that makes the study invalid, ``False`` for a note.
    code : str
        The kind of finding, a code of :data:`evalkit.study.validate.problems.CODES`.
    """

    row: int | None
    column: int | None
    message: str
    fix: str
    problem: bool
    code: str = ""


@dataclass(frozen=True)
class SheetTable:
    """The cells of one sheet as text, shaped like :class:`evalkit.study.csvio.CsvTable`.

    Attributes
    ----------
    path : pathlib.Path
        The workbook.
    sheet : str
        Sheet name.
    header : list of str
        Row 1, stripped; padded with ``""`` to the width of the widest row.
    rows : list of list of str
        Rows 2 onwards, each as wide as the header; trailing empty rows dropped.
    findings : tuple of SheetFinding
    """

    path: Path
    sheet: str
    header: list[str]
    rows: list[list[str]]
    findings: tuple[SheetFinding, ...] = ()
    # Rows of a sheet are never misaligned and cells need no quotes; these keep the CsvTable interface.
    delimiter: str = ","
    had_bom: bool = False
    quote_problems: tuple = ()

    @property
    def row_lines(self) -> list[int]:
        """The row each data row starts on (a sheet row is one line)."""
        return list(range(2, len(self.rows) + 2))

    @property
    def row_count(self) -> int:
        return len(self.rows)


def column_letter(position: int) -> str:
    """Excel's letter for a 0-based column position (0 → ``A``, 26 → ``AA``)."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def is_workbook_path(path: str) -> bool:
    """Whether a resource path names an Excel workbook."""
    return str(path).lower().endswith(WORKBOOK_SUFFIXES)


def resource_sheet(resource: dict) -> str | None:
    """The sheet a resource descriptor names in its dialect, if any."""
    dialect = resource.get("dialect")
    if not isinstance(dialect, dict):
        return None
    excel = dialect.get("excel")
    for candidate in (excel.get("sheet") if isinstance(excel, dict) else None, dialect.get("sheet")):
        if isinstance(candidate, str) and candidate:
            return candidate
    name = dialect.get("sheetName")
    return name if isinstance(name, str) and name else None


def sheet_dialect(sheet: str) -> dict:
    """The dialect that names ``sheet``, as frictionless 5 writes it."""
    return {"excel": {"sheet": sheet}}


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
@dataclass
class LoadedWorkbook:
    """A workbook opened once for all the sheets read from it."""

    path: Path
    values: object  # openpyxl Workbook with cached formula results
    formulas: object | None = None  # the same workbook with formulas, when it has any
    sheet_names: list[str] = field(default_factory=list)


def load_workbook(path: Path) -> LoadedWorkbook:
    """Open a workbook for reading (never for writing), after measuring it (:mod:`evalkit.study.limits`).

    Raises
    ------
    WorkbookError
        If the file is missing, unsafe, or not a workbook openpyxl can read.
    """
    import openpyxl

    from evalkit.study import limits

    path = Path(path)
    try:
        with open_zip(path, WORKBOOK_LIMITS, "an Excel workbook (.xlsx)") as archive:
            with_formulas = limits.check_workbook(path, archive)
    except UnsafeArchiveError as error:
        raise WorkbookError(str(error), "Save the workbook again from Excel or LibreOffice as .xlsx.") from None
    except limits.TooLarge as error:
        raise WorkbookError(str(error), error.fix) from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise WorkbookError(
            f"{path.name} cannot be read as an Excel workbook ({type(error).__name__}: {error}).",
            "Open it in Excel or LibreOffice and save it as 'Excel workbook (.xlsx)'.",
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not keep
            values = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False) if with_formulas else None
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise WorkbookError(
            f"{path.name} cannot be read as an Excel workbook ({type(error).__name__}: {reason}).",
            "Open it in Excel or LibreOffice and save it as 'Excel workbook (.xlsx)'.",
        ) from None
    return LoadedWorkbook(path, values, formulas, list(values.sheetnames))


def cell_text(value: object) -> str:
    """The text evalkit reads from one cell value, as a CSV file would hold it.

    Whole numbers lose their ``.0``; other numbers use the shortest exact
    decimal form; a date at midnight becomes ``YYYY-MM-DD``; ``None`` is ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def read_sheet(book: LoadedWorkbook, sheet: str) -> SheetTable:
    """Read one sheet as text cells, with its findings.

    Raises
    ------
    KeyError
        If the workbook has no sheet called ``sheet``.
    """
    worksheet = book.values[sheet]
    formulas = book.formulas[sheet] if book.formulas is not None else None
    findings: list[SheetFinding] = []
    grid: list[list[str]] = []
    for row_cells in worksheet.iter_rows():
        grid.append([cell_text(cell.value) for cell in row_cells])
    while grid and not any(text.strip() for text in grid[-1]):
        grid.pop()
    width = max((last_filled(row) for row in grid), default=0)
    grid = [row[:width] + [""] * (width - len(row[:width])) for row in grid]
    header = [text.strip() for text in grid[0]] if grid else []
    rows = grid[1:]
    if formulas is not None:
        findings += formula_findings(formulas, rows, width)
    findings += error_findings(rows)
    findings += merged_findings(worksheet, len(grid), width)
    findings += hidden_findings(worksheet, sheet, len(grid), width)
    return SheetTable(book.path, sheet, header, rows, tuple(findings))


def last_filled(row: list[str]) -> int:
    """1 + the position of the last non-empty cell of a row (0 if none)."""
    for position in range(len(row) - 1, -1, -1):
        if row[position].strip():
            return position + 1
    return 0


def formula_findings(formulas, rows: list[list[str]], width: int) -> list[SheetFinding]:
    """Notes for formulas read as their saved result; problems for formulas without one."""
    findings = []
    for row_number, row_cells in enumerate(formulas.iter_rows(min_row=2, max_row=len(rows) + 1), start=2):
        for position, cell in enumerate(row_cells[:width]):
            if cell.data_type != "f":
                continue
            formula = str(cell.value)
            saved = rows[row_number - 2][position]
            if saved == "":
                findings.append(
                    SheetFinding(
                        row_number,
                        position,
                        f"the cell holds the formula {formula} but no calculated value is saved with it.",
                        "Open and save the workbook in Excel or LibreOffice (which store the result), or type the "
                        "value instead of the formula.",
                        True,
                        code="sheet-formula",
                    )
                )
            else:
                findings.append(
                    SheetFinding(
                        row_number,
                        position,
                        f"formula {formula} read as its saved value '{saved}'.",
                        "",
                        False,
                        code="formula-read",
                    )
                )
    return findings


def error_findings(rows: list[list[str]]) -> list[SheetFinding]:
    """Problems for cells holding an Excel error value."""
    return [
        SheetFinding(
            row_number,
            position,
            f"the cell holds the Excel error {text}.",
            "Correct the formula or type the value.",
            True,
            code="sheet-error",
        )
        for row_number, row in enumerate(rows, start=2)
        for position, text in enumerate(row)
        if text.strip() in EXCEL_ERRORS
    ]


def merged_findings(worksheet, height: int, width: int) -> list[SheetFinding]:
    """Problems for merged ranges that overlap the table."""
    findings = []
    for merged in sorted(worksheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if merged.min_row > height or merged.min_col > width:
            continue
        findings.append(
            SheetFinding(
                merged.min_row,
                merged.min_col - 1,
                f"cells {merged.coord} are merged; only the first cell holds a value and the others read as empty.",
                "Unmerge the cells (Home > Merge & Center) and fill in every cell.",
                True,
                code="merged-cells",
            )
        )
    return findings


def hidden_findings(worksheet, sheet: str, height: int, width: int) -> list[SheetFinding]:
    """Notes for a hidden sheet and for hidden rows and columns inside the table."""
    findings = []
    if worksheet.sheet_state != "visible":
        findings.append(
            SheetFinding(
                None,
                None,
                f"the sheet {sheet} is hidden in Excel; evalkit reads it all the same.",
                "",
                False,
                code="hidden-cells",
            )
        )
    hidden_rows = [n for n, d in worksheet.row_dimensions.items() if d.hidden and n <= height]
    if hidden_rows:
        shown = ", ".join(str(n) for n in sorted(hidden_rows)[:10]) + (" …" if len(hidden_rows) > 10 else "")
        findings.append(
            SheetFinding(
                min(hidden_rows),
                None,
                f"rows {shown} are hidden in Excel; evalkit reads them all the same.",
                "",
                False,
                code="hidden-cells",
            )
        )
    hidden_columns = []
    for key, dimension in worksheet.column_dimensions.items():
        if dimension.hidden:
            from openpyxl.utils import column_index_from_string

            first = column_index_from_string(key)
            last = max(first, dimension.max or first)
            hidden_columns += [c for c in range(first, last + 1) if c <= width]
    if hidden_columns:
        letters = ", ".join(column_letter(c - 1) for c in sorted(set(hidden_columns)))
        findings.append(
            SheetFinding(
                None,
                None,
                f"columns {letters} are hidden in Excel; evalkit reads them all the same.",
                "",
                False,
                code="hidden-cells",
            )
        )
    return findings


def normalise_decimal_commas(table: SheetTable, number_columns: Iterable[str]) -> SheetTable:
    """Return ``table`` with text such as ``12,5`` in number columns read as ``12.5``.

    A number typed with a decimal comma in a workbook whose language uses a
    point is stored as text; in a number column it can only mean a decimal.
    """
    wanted = set(number_columns)
    positions = [i for i, name in enumerate(table.header) if name in wanted]
    if not positions:
        return table
    rows = []
    for row in table.rows:
        row = list(row)
        for i in positions:
            if DECIMAL_COMMA.match(row[i]):
                row[i] = row[i].strip().replace(",", ".")
        rows.append(row)
    return SheetTable(table.path, table.sheet, table.header, rows, table.findings)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
@dataclass
class SheetSpec:
    """One sheet to write.

    Attributes
    ----------
    name : str
        Sheet name (at most 31 characters).
    fields : list of dict
        Table Schema fields in column order (``name``, ``type``, ``constraints``).
    rows : list of list of str
        Cell texts; number and integer fields are written as numbers when they parse.
    notes : dict of str to str
        Column name → comment on its header cell (meaning in Swedish and English).
    choices : dict of str to list of str
        Column name → allowed codes, offered as a drop-down list.
    prompts : dict of str to str
        Column name → short input message shown when a cell of the column is selected.
    """

    name: str
    fields: list[dict]
    rows: list[list[str]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    prompts: dict[str, str] = field(default_factory=dict)


VALIDATION_ROWS = 2000  # drop-down lists cover this many rows below the header
INLINE_LIST_LIMIT = 255  # Excel's limit for a list typed into the validation


def typed_cell(text: str, field_type: str) -> object:
    """The value to store for a cell: a number for number columns when it parses, else the text."""
    if text == "" or field_type not in ("number", "integer"):
        return text if text != "" else None
    candidate = text.strip().replace(",", ".") if DECIMAL_COMMA.match(text) else text.strip()
    try:
        number = float(candidate)
    except ValueError:
        return text
    if field_type == "integer" and number.is_integer() and re.fullmatch(r"[-+]?\d+", candidate):
        return int(number)
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return int(number) if number.is_integer() and re.fullmatch(r"[-+]?\d+", candidate) else number


def set_cell(cell, value: object) -> None:
    """Put ``value`` into an openpyxl cell, a text always as text.

    openpyxl stores any text that begins with ``=`` as a formula; a text that a
    spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab,
    carriage return first) is stored as a string with Excel's quote prefix, so
    it stays a text even when the cell is edited in Excel.
    """
    from evalkit.safeio import needs_neutralising

    cell.value = value
    if isinstance(value, str) and (cell.data_type == "f" or needs_neutralising(value)):
        cell.data_type = "s"
        cell.quotePrefix = True


def add_sheet(book, spec: SheetSpec, lists_sheet) -> None:
    """Add one table sheet: header, comments, widths, text format, drop-downs, frozen header."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.create_sheet(spec.name)
    names = [f["name"] for f in spec.fields]
    for position, name in enumerate(names, start=1):
        set_cell(sheet.cell(row=1, column=position), name)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for position, name in enumerate(names):
        cell = sheet.cell(row=1, column=position + 1)
        cell.font, cell.fill = bold, fill
        if spec.notes.get(name):
            comment = Comment(spec.notes[name], "evalkit")
            comment.width, comment.height = 320, 160
            cell.comment = comment
        letter = column_letter(position)
        sheet.column_dimensions[letter].width = min(max(len(name) + 4, 14), 48)
        if spec.fields[position].get("type", "string") == "string":
            sheet.column_dimensions[letter].number_format = "@"
    types = [f.get("type", "string") for f in spec.fields]
    for number, row in enumerate(spec.rows, start=2):
        for position, (text, kind) in enumerate(zip(row, types), start=1):
            value = typed_cell(text, kind)
            if value is not None:
                set_cell(sheet.cell(row=number, column=position), value)
    for row in sheet.iter_rows(min_row=2):
        for cell, kind in zip(row, types):
            if kind == "string" and cell.value is not None:
                cell.number_format = "@"
    for position, name in enumerate(names):
        codes = spec.choices.get(name)
        letter = column_letter(position)
        area = f"{letter}2:{letter}{VALIDATION_ROWS}"
        if codes:
            inline = ",".join(codes)
            if len(inline) + 2 <= INLINE_LIST_LIMIT and not any("," in code for code in codes):
                formula = f'"{inline}"'
            else:
                formula = lists_sheet(name, codes)
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
            validation.showErrorMessage = True
            validation.errorStyle = "warning"  # a Swedish label may be typed instead; validate reads it
            validation.errorTitle = "evalkit"
            validation.error = "Välj en kod i listan / choose a code from the list."
        elif spec.prompts.get(name):
            validation = DataValidation(allow_blank=True)
        else:
            continue
        if spec.prompts.get(name):
            validation.showInputMessage = True
            validation.promptTitle = name[:32]
            validation.prompt = spec.prompts[name][:255]
        validation.add(area)
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    if names:
        sheet.auto_filter.ref = f"A1:{column_letter(len(names) - 1)}{max(len(spec.rows) + 1, 1)}"


def write_workbook(
    path: Path,
    sheets: list[SheetSpec],
    readme: list[tuple[str, str]] | None = None,
    information: tuple[str, list[list[object]]] | None = None,
) -> None:
    """Write a workbook with one sheet per spec, atomically (never over an existing file).

    Parameters
    ----------
    path : pathlib.Path
        Workbook to create; must not exist.
    sheets : list of SheetSpec
    readme : list of (str, str), optional
        Rows of a first sheet "README" (heading, text) that explains the workbook.
    information : (str, list of list), optional
        The study information sheet (:mod:`evalkit.study.information`): its name and rows (header first),
        placed after the README.

    Raises
    ------
    FileExistsError
        If ``path`` exists.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    book = Workbook()
    first = book.active
    if readme:
        first.title = "README"
        for number, (heading, text) in enumerate(readme, start=1):
            set_cell(first.cell(row=number, column=1), heading)
            set_cell(first.cell(row=number, column=2), text)
        for cell in first["A"]:
            cell.font = Font(bold=True)
        first.column_dimensions["A"].width = 28
        first.column_dimensions["B"].width = 110
        for cell in first["B"]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    lists: dict[str, str] = {}

    def lists_sheet(name: str, codes: list[str]) -> str:
        if "codes" not in book.sheetnames:
            book.create_sheet("codes")
        sheet = book["codes"]
        column = len(lists) + 1
        set_cell(sheet.cell(row=1, column=column), name)
        for offset, code in enumerate(codes, start=2):
            set_cell(sheet.cell(row=offset, column=column), code)
        letter = column_letter(column - 1)
        lists[name] = f"codes!${letter}$2:${letter}${len(codes) + 1}"
        return lists[name]

    if information is not None:
        name, rows = information
        sheet = book.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for position, value in enumerate(row, start=1):
                if value not in (None, ""):
                    set_cell(sheet.cell(row=number, column=position), value)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABC", (16, 60, 48)):
            sheet.column_dimensions[letter].width = width
        sheet.column_dimensions["B"].number_format = "@"
        sheet.freeze_panes = "A2"
    for spec in sheets:
        add_sheet(book, spec, lists_sheet)
    if not readme:
        book.remove(first)
    if "codes" in book.sheetnames:
        book.move_sheet("codes", offset=len(book.sheetnames))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        if path.exists():
            raise FileExistsError(path)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

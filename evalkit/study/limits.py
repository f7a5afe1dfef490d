"""How much evalkit reads: a table too large for a study is refused before it is loaded.

A study is small (a county has tens of municipalities and a few hundred
assessments), but a file is easily made huge by mistake or on purpose: a
14 MB workbook can hold a sheet of a million rows that takes gigabytes and
many minutes to load (openpyxl builds one object per cell). So every
workbook and CSV file is measured first, cheaply, and refused with one line
when it exceeds a limit:

=========================  ==========================  ===================================
limit                       value                        measured
=========================  ==========================  ===================================
rows per table              :data:`MAX_ROWS` (100 000)   a sheet's declared ``<dimension>``,
                                                         then its ``<row>`` elements counted
                                                         while decompressing; a CSV file's
                                                         lines
cells per workbook          :data:`MAX_CELLS`            ``<c>`` elements of every sheet,
                            (1 000 000)                  counted while decompressing
bytes of one sheet          :data:`MAX_SHEET_BYTES`      uncompressed, as the archive
                            (100 MB)                     declares it and as it decompresses
bytes of a CSV file         :data:`MAX_CSV_BYTES`        the file's size on disk
                            (50 MB)
=========================  ==========================  ===================================

The counts stream through the decompressed XML in 1 MB pieces and stop at
the first limit passed, so measuring never needs more memory than a piece.
The limits leave room for studies a hundred times the size of the default
one (about 2 000 rows) and keep the peak memory of reading a workbook under
about half a gigabyte.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
#: Rows in one table (a sheet, or data lines of a CSV file).
MAX_ROWS = 100_000
#: Cells in all sheets of one workbook together.
MAX_CELLS = 1_000_000
#: Uncompressed bytes of one sheet's XML.
MAX_SHEET_BYTES = 100 * MB
#: Bytes of one CSV file.
MAX_CSV_BYTES = 50 * MB
CHUNK = MB
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
CARRY = 16


class TooLarge(ValueError):
    """A file is larger than evalkit reads; ``str(error)`` says what, :attr:`fix` what to do."""

    def __init__(self, message: str, fix: str):
        self.fix = fix
        super().__init__(message)


@dataclass
class SheetCount:
    """What one sheet's XML holds."""

    rows: int = 0
    cells: int = 0
    formulas: bool = False


def count_sheet(archive: zipfile.ZipFile, member: str, cells_left: int, label: str) -> SheetCount:
    """Count the rows and cells of one sheet while decompressing it; stop at the first limit passed.

    Raises
    ------
    TooLarge
        If the sheet declares or holds more than :data:`MAX_ROWS` rows, more
        cells than ``cells_left``, or more than :data:`MAX_SHEET_BYTES` bytes.
    """
    count = SheetCount()
    produced, carry, first = 0, b"", True
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(CHUNK)
            produced += len(chunk)
            if produced > MAX_SHEET_BYTES:
                raise TooLarge(
                    f"{label} holds more than {MAX_SHEET_BYTES // MB} MB of cell data; evalkit does not read it.",
                    too_large_fix(),
                )
            if first:
                first = False
                declared = DIMENSION.search(chunk[:4096])
                if declared and int(declared.group(1)) > MAX_ROWS + 1:
                    raise TooLarge(
                        f"{label} declares {int(declared.group(1)):,} rows, more than the {MAX_ROWS:,} evalkit reads "
                        "in one table.",
                        too_large_fix(),
                    )
            buffer = carry + chunk
            # Count tags that start before the last CARRY bytes; those are counted with the next piece.
            end = len(buffer) if not chunk else max(len(buffer) - CARRY, 0)
            count.rows += sum(1 for match in ROW_TAG.finditer(buffer) if match.start() < end)
            count.cells += sum(1 for match in CELL_TAG.finditer(buffer) if match.start() < end)
            count.formulas = count.formulas or any(m.start() < end for m in FORMULA_TAG.finditer(buffer))
            if count.rows > MAX_ROWS + 1:
                raise TooLarge(
                    f"{label} has more than {MAX_ROWS:,} rows, the most evalkit reads in one table.", too_large_fix()
                )
            if count.cells > cells_left:
                raise TooLarge(
                    f"{label} takes the workbook past {MAX_CELLS:,} cells, the most evalkit reads in one workbook.",
                    too_large_fix(),
                )
            if not chunk:
                return count
            carry = buffer[end:]


def too_large_fix() -> str:
    return (
        "A study's tables are far smaller: check that no rows or cells below or beside the table were filled or "
        "formatted by mistake (select them, Delete, and save), or split the data."
    )


def check_workbook(path: Path, archive: zipfile.ZipFile) -> bool:
    """Measure every sheet of a workbook; return whether any sheet holds a formula.

    Raises
    ------
    TooLarge
        If a sheet or the workbook exceeds a limit (see the module docstring).
    """
    from evalkit.study.xlsxparts import UnreadablePart, sheet_parts

    try:
        parts = sheet_parts(archive)
    except UnreadablePart:
        parts = {}
    named = {member: name for name, member in parts.items()}
    members = [m for m in archive.namelist() if m.startswith("xl/worksheets/") and m.endswith(".xml")]
    cells_left, formulas = MAX_CELLS, False
    for member in members:
        label = f"{path.name}, sheet {named[member]}" if member in named else f"{path.name}: {member}"
        declared = archive.getinfo(member).file_size
        if declared > MAX_SHEET_BYTES:
            raise TooLarge(
                f"{label} would expand to {declared / MB:.0f} MB of cell data, more than the {MAX_SHEET_BYTES // MB} "
                "MB evalkit reads.",
                too_large_fix(),
            )
        count = count_sheet(archive, member, cells_left, label)
        cells_left -= count.cells
        formulas = formulas or count.formulas
    return formulas


def check_csv_file(path: Path) -> None:
    """Refuse a CSV file larger than :data:`MAX_CSV_BYTES` or with more than :data:`MAX_ROWS` data lines.

    Lines are counted while reading in 1 MB pieces (a quoted cell with line
    breaks counts once per line, so the bound is on lines, not rows).

    Raises
    ------
    TooLarge
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise TooLarge(
            f"{path.name} is {size / MB:.0f} MB, more than the {MAX_CSV_BYTES // MB} MB evalkit reads in one table.",
            too_large_fix(),
        )
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            lines += chunk.count(b"\n")
            if lines > MAX_ROWS + 1:
                raise TooLarge(
                    f"{path.name} has more than {MAX_ROWS:,} lines, the most evalkit reads in one table.",
                    too_large_fix(),
                )

"""Reading study CSV files the way spreadsheet programs write them.

A study folder is usually edited in Excel or LibreOffice by municipal
evaluators. This module reads what those programs produce without asking the
user to fiddle with export settings:

* UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8" adds one);
* comma- or semicolon-separated (Swedish Excel uses semicolons), detected from
  the header line;
* decimal commas (``12,5``) in number columns of semicolon files, converted to
  ``12.5`` in memory.

Files that are not UTF-8 (for example Excel's plain "CSV" on Windows, which
writes cp1252) raise :class:`CsvEncodingError` with the byte offset, the row
and how to re-save the file. Input files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


class CsvEncodingError(ValueError):
    """A CSV file is not valid UTF-8.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    byte_offset : int
        Offset (0-based, counted from the start of the file) of the first
        byte that is not valid UTF-8.
    row : int
        Spreadsheet row (header = 1) holding that byte.
    byte_value : int
        The offending byte.
    """

    def __init__(self, path: Path, byte_offset: int, row: int, byte_value: int):
        self.path = Path(path)
        self.byte_offset = byte_offset
        self.row = row
        self.byte_value = byte_value
        super().__init__(
            f"{self.path.name} is not UTF-8: byte 0x{byte_value:02x} at byte offset "
            f"{byte_offset} (row {row}) cannot be decoded"
        )


@dataclass(frozen=True)
class CsvTable:
    """The raw text content of one CSV file.

    Attributes
    ----------
    path : pathlib.Path
        File the table was read from.
    header : list of str
        Column names as written in the header row (surrounding spaces removed).
    rows : list of list of str
        Data rows as strings, in file order; ``rows[0]`` is spreadsheet row 2.
        Rows keep their own length (a short or long row is not padded).
    delimiter : str
        ``","`` or ``";"``.
    had_bom : bool
        Whether the file started with a UTF-8 byte-order mark.
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    delimiter: str
    had_bom: bool

    @property
    def row_count(self) -> int:
        """Number of data rows (header excluded)."""
        return len(self.rows)


def decode_utf8(path: Path, data: bytes) -> tuple[str, bool]:
    """Decode ``data`` as UTF-8, dropping a leading byte-order mark.

    Parameters
    ----------
    path : pathlib.Path
        Used only in the error.
    data : bytes
        Raw file content.

    Returns
    -------
    text : str
        Decoded text.
    had_bom : bool
        Whether a byte-order mark was removed.

    Raises
    ------
    CsvEncodingError
        If the bytes are not valid UTF-8.
    """
    had_bom = data.startswith(UTF8_BOM)
    body = data[len(UTF8_BOM) :] if had_bom else data
    try:
        return body.decode("utf-8"), had_bom
    except UnicodeDecodeError as error:
        offset = error.start + (len(UTF8_BOM) if had_bom else 0)
        row = data.count(b"\n", 0, offset) + 1
        raise CsvEncodingError(path, offset, row, data[offset]) from None


def detect_delimiter(header_line: str) -> str:
    """Return ``";"`` if the header line has more semicolons than commas, else ``","``."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def parse_csv_text(path: Path, text: str, had_bom: bool = False) -> CsvTable:
    """Split decoded CSV text into a header and data rows.

    Completely empty lines at the end of the file are dropped (spreadsheets
    often leave them); empty lines in the middle are kept as empty rows so
    that row numbers match what the user sees.
    """
    first_line = text.split("\n", 1)[0]
    delimiter = detect_delimiter(first_line)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    header = [name.strip() for name in records[0]] if records else []
    rows = [list(record) for record in records[1:]]
    return CsvTable(path=Path(path), header=header, rows=rows, delimiter=delimiter, had_bom=had_bom)


def read_csv(path: Path) -> CsvTable:
    """Read one CSV file of a study (read-only).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    CsvTable

    Raises
    ------
    CsvEncodingError
        If the file is not UTF-8.
    FileNotFoundError
        If the file does not exist.
    """
    path = Path(path)
    data = path.read_bytes()
    text, had_bom = decode_utf8(path, data)
    return parse_csv_text(path, text, had_bom)


def normalise_decimal_commas(table: CsvTable, number_columns: Iterable[str]) -> CsvTable:
    """Return ``table`` with decimal commas in number columns turned into points.

    Only semicolon-separated files are converted: in a comma-separated file a
    comma cannot be part of an unquoted value, and a quoted ``"12,5"`` is
    more likely a mistake the validator should report.

    Parameters
    ----------
    table : CsvTable
        The raw table.
    number_columns : iterable of str
        Names of the columns whose Table Schema type is ``number`` or
        ``integer``.

    Returns
    -------
    CsvTable
        A new table; the input is not changed.
    """
    if table.delimiter != ";":
        return table
    positions = [i for i, name in enumerate(table.header) if name in set(number_columns)]
    if not positions:
        return table
    converted = []
    for row in table.rows:
        new_row = list(row)
        for i in positions:
            if i < len(new_row) and DECIMAL_COMMA.match(new_row[i]):
                new_row[i] = new_row[i].strip().replace(",", ".")
        converted.append(new_row)
    return CsvTable(
        path=table.path,
        header=table.header,
        rows=converted,
        delimiter=table.delimiter,
        had_bom=table.had_bom,
    )

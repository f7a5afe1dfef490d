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
and how to re-save the file. A workbook or UTF-16 text saved under a ``.csv``
name raises :class:`CsvFormatError` naming what the file really is. Input
files are only ever opened for reading.

Nothing is lost silently while parsing:

* a cell may hold up to :data:`MAX_FIELD_CHARS` characters; a longer one
  raises :class:`CsvStructureError` naming the line where it starts (often
  the sign of a quote that is never closed);
* a quote that is still open at the end of the file, or that swallows lines
  which look like rows of their own, is recorded in
  :attr:`CsvTable.quote_problems` with the line where the quoted cell began;
* so is a quoted cell whose closing quote is followed by more text (a stray
  ``"`` inside a quoted text, which :mod:`csv` would silently drop or move).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
#: The longest cell accepted, in characters (documented in docs/study-format.md).
MAX_FIELD_CHARS = 1_000_000
#: A cell's first line-break-separated part that looks like the start of a row: an id.
ROW_START = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: A double-quoted CSV field (doubled quotes inside it are part of the field).
QUOTED_FIELD = re.compile(r'"(?:[^"]|"")*"')
#: Signatures of files that are not text: (leading bytes, what the file is, how to fix it).
FOREIGN_SIGNATURES = (
    (
        b"PK\x03\x04",
        "an Excel workbook (.xlsx) or another zip file",
        "open it in Excel and use 'Save as' > 'CSV UTF-8'",
    ),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)", "open it in Excel and use 'Save as' > 'CSV UTF-8'"),
    (b"\xff\xfe", "UTF-16 text (Excel's 'Unicode text')", "use 'Save as' > 'CSV UTF-8' instead"),
    (b"\xfe\xff", "UTF-16 text", "save it as UTF-8 CSV instead"),
    (b"%PDF", "a PDF document", "export the table as CSV UTF-8"),
)


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


class CsvFormatError(ValueError):
    """A file named as a CSV table is something else (a workbook, UTF-16 text, a PDF).

    Attributes
    ----------
    path : pathlib.Path
    what : str
        What the file is, in words.
    fix : str
        How to turn it into a CSV file.
    """

    def __init__(self, path: Path, what: str, fix: str):
        self.path, self.what, self.fix = Path(path), what, fix
        super().__init__(f"{self.path.name} is not a CSV text file but {what}")


class CsvStructureError(ValueError):
    """A CSV file cannot be split into cells (a cell longer than :data:`MAX_FIELD_CHARS`).

    Attributes
    ----------
    path : pathlib.Path
    line : int
        Physical line (1-based) where the offending cell's row begins.
    row : int
        Spreadsheet row (header = 1) of that record.
    """

    def __init__(self, path: Path, line: int, row: int, message: str):
        self.path, self.line, self.row = Path(path), line, row
        super().__init__(message)


@dataclass(frozen=True)
class QuoteProblem:
    """A quoted cell whose closing quote is missing or comes far too late.

    Attributes
    ----------
    row : int
        Spreadsheet row (header = 1) of the record holding the cell.
    column : int
        0-based position of the cell in its record.
    start_line : int
        Physical line of the file on which the quoted cell begins.
    end_line : int
        Last physical line read into the cell.
    at_end_of_file : bool
        True when the quote is never closed (the cell runs to the end of the file).
    swallowed_line : int or None
        First line inside the cell that looks like a row of its own.
    stray_text : str or None
        For a quote that closes the cell before its end: the text that follows it (up to 40 characters, on its line).
    """

    row: int
    column: int
    start_line: int
    end_line: int
    at_end_of_file: bool
    swallowed_line: int | None = None
    stray_text: str | None = None


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
    row_lines : list of int
        Physical line (1-based) on which each data row begins; empty when not known.
    quote_problems : tuple of QuoteProblem
        Quoted cells that are never closed or swallow what look like rows.
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    delimiter: str
    had_bom: bool
    row_lines: list[int] = field(default_factory=list)
    quote_problems: tuple = ()

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
    """Return ``";"`` if the header line has more semicolons than commas, else ``","``.

    Commas and semicolons inside a quoted header (``"Kommun, namn";id``) are text,
    not separators, so they are not counted.
    """
    separators = QUOTED_FIELD.sub("", header_line)
    return ";" if separators.count(";") > separators.count(",") else ","


def detect_foreign_format(path: Path, data: bytes) -> None:
    """Raise :class:`CsvFormatError` if ``data`` is a workbook, UTF-16 text or a PDF, not CSV text."""
    for signature, what, fix in FOREIGN_SIGNATURES:
        if data.startswith(signature):
            raise CsvFormatError(path, what, fix)


def read_records(path: Path, text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Split ``text`` into records; return them with the physical line each one starts on.

    Raises
    ------
    CsvStructureError
        If a cell is longer than :data:`MAX_FIELD_CHARS` characters.
    """
    if csv.field_size_limit() != MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, starts = [], []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "field larger than field limit" not in str(error):
                raise
            raise CsvStructureError(
                path,
                start,
                len(records) + 1,
                f"a cell in the row that begins on line {start} is longer than {MAX_FIELD_CHARS:,} characters",
            ) from None
        records.append(record)
        starts.append(start)
    return records, starts


def open_quote_at_end(record_text: str, delimiter: str) -> tuple[int, int] | None:
    """Find a quoted cell that is still open at the end of ``record_text``.

    Follows the quoting rules of :mod:`csv` (a quote opens a cell only as its
    first character; ``""`` inside quotes is a literal quote).

    Returns
    -------
    (column, line offset) or None
        0-based cell position and 0-based line (within ``record_text``) on
        which the unclosed quoted cell begins; None if every quote is closed.
    """
    column, line, in_quotes, at_start, opened = 0, 0, False, True, None
    index, length = 0, len(record_text)
    while index < length:
        char = record_text[index]
        if in_quotes:
            if char == '"':
                if index + 1 < length and record_text[index + 1] == '"':
                    index += 1
                else:
                    in_quotes = False
            elif char == "\n":
                line += 1
        elif char == '"' and at_start:
            in_quotes, opened = True, (column, line)
        elif char == delimiter:
            column += 1
            at_start = True
            index += 1
            continue
        elif char == "\n":
            line += 1
        at_start = False
        index += 1
    return opened if in_quotes else None


def quote_closed_early(record_text: str, delimiter: str) -> tuple[int, int, str] | None:
    """Find a quoted cell whose closing quote is followed by more text (``"a "b" c",``).

    :mod:`csv` reads such a cell without complaint but not as written: the
    quote is dropped and the rest of the text is joined to the cell, or split
    into cells of its own. Spaces between the closing quote and the delimiter
    are allowed.

    Returns
    -------
    (column, line offset, following text) or None
        0-based cell position, 0-based line (within ``record_text``) on which
        the quoted cell begins, and up to 40 characters after its closing quote.
    """
    index, length, column = 0, len(record_text), 0
    while index < length:
        if record_text[index] == '"':
            opened, search = index, index + 1
            while True:
                close = record_text.find('"', search)
                if close < 0:
                    return None  # never closed: find_quote_problems reports it
                if record_text.startswith('"', close + 1):
                    search = close + 2
                    continue
                break
            index = close + 1
            while index < length and record_text[index] in " \t":
                index += 1
            if index < length and record_text[index] not in (delimiter, "\n", "\r"):
                following = record_text[close + 1 : close + 41].split("\n")[0].rstrip("\r")
                return column, record_text.count("\n", 0, opened), following
        else:
            found = record_text.find(delimiter, index)
            index = length if found < 0 else found
        if index >= length or record_text[index] != delimiter:
            return None
        column += 1
        index += 1
    return None


def looks_like_row(line: str, delimiter: str, width: int) -> bool:
    """Whether one line of text read into a cell looks like a row of the table on its own."""
    if width < 3 or line.count(delimiter) < width - 2:
        return False
    first = next(csv.reader([line], delimiter=delimiter), [""])
    return bool(first) and bool(ROW_START.match(first[0].strip()))


def find_quote_problems(
    records: list[list[str]], starts: list[int], lines: list[str], delimiter: str, width: int
) -> list[QuoteProblem]:
    """Quoted cells that swallow lines looking like rows or close too early, and a quote left open at the end."""
    problems = []
    for index, record in enumerate(records):
        start = starts[index]
        last = index == len(records) - 1
        end = len(lines) if last else starts[index + 1] - 1
        record_text = "".join(lines[start - 1 : end])
        found = len(problems)
        if last:
            opened = open_quote_at_end(record_text, delimiter)
            if opened is not None:
                column, offset = opened
                problems.append(QuoteProblem(index + 1, column, start + offset, end, True))
                continue
        for column, cell in enumerate(record if end > start else ()):  # one physical line: nothing swallowed
            parts = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            swallowed = next(
                (n for n, part in enumerate(parts[1:], start=1) if looks_like_row(part, delimiter, width)), None
            )
            if swallowed is not None:
                cell_start = start + _line_of_cell(record, column)
                problems.append(
                    QuoteProblem(
                        index + 1, column, cell_start, cell_start + len(parts) - 1, False, cell_start + swallowed
                    )
                )
                break
        early = quote_closed_early(record_text, delimiter) if len(problems) == found and '"' in record_text else None
        if early is not None:
            column, offset, following = early
            problems.append(QuoteProblem(index + 1, column, start + offset, start + offset, False, None, following))
    return problems


def _line_of_cell(record: list[str], column: int) -> int:
    """0-based line, within its record, on which cell ``column`` begins (line breaks in earlier cells)."""
    return sum(cell.count("\n") + cell.count("\r") - cell.count("\r\n") for cell in record[:column])


def parse_csv_text(path: Path, text: str, had_bom: bool = False) -> CsvTable:
    """Split decoded CSV text into a header and data rows.

    Completely empty lines at the end of the file are dropped (spreadsheets
    often leave them); empty lines in the middle are kept as empty rows so
    that row numbers match what the user sees.

    Raises
    ------
    CsvStructureError
        If a cell is longer than :data:`MAX_FIELD_CHARS` characters.
    """
    first_line = text.split("\n", 1)[0]
    delimiter = detect_delimiter(first_line)
    records, starts = read_records(path, text, delimiter)
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
        starts.pop()
    header = [name.strip() for name in records[0]] if records else []
    rows = [list(record) for record in records[1:]]
    quote_problems = ()
    if records and len(records) > 1:
        lines = io.StringIO(text, newline="").readlines()
        quote_problems = tuple(find_quote_problems(records, starts, lines, delimiter, len(header)))
    return CsvTable(
        path=Path(path),
        header=header,
        rows=rows,
        delimiter=delimiter,
        had_bom=had_bom,
        row_lines=starts[1:],
        quote_problems=quote_problems,
    )


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
    CsvFormatError
        If the file is a workbook, UTF-16 text or a PDF rather than CSV text.
    CsvStructureError
        If a cell is longer than :data:`MAX_FIELD_CHARS` characters.
    evalkit.study.limits.TooLarge
        If the file is larger than :mod:`evalkit.study.limits` allows (checked before it is read).
    FileNotFoundError
        If the file does not exist.
    """
    from evalkit.study.limits import check_csv_file

    path = Path(path)
    check_csv_file(path)
    data = path.read_bytes()
    detect_foreign_format(path, data)
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
    return dataclasses.replace(table, rows=converted)

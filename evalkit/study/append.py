"""Adding rows to a table of a study without changing the rows already there.

``evalkit qda import`` adds interviews, ``evalkit qda confirm`` adds accepted
assessments and ``evalkit survey import`` adds survey answers. Each appends
to the table where it lives (a CSV file or a sheet of the study's workbook):

* the rows already in the table are never changed: a CSV file keeps its bytes
  and only gets lines at the end (in its own delimiter, byte-order mark and
  line ends); a sheet gets rows below its last filled row;
* a column the new rows need and the table lacks (``coder``) is added at the
  end, with empty cells in the existing rows;
* cells are written exactly as given (they are the study's own data, so no
  formula prefix is added: see :func:`evalkit.study.storage.csv_text`);
* the file is replaced in one step (a temporary file renamed into place).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from evalkit.safeio import write_bytes_atomic
from evalkit.study import csvio, workbook
from evalkit.study.storage import csv_text


class AppendError(ValueError):
    """The rows cannot be added; the message says why and what to do."""


def append_rows(study_dir: Path, table_name: str, rows: list[dict]) -> int:
    """Append ``rows`` (column name -> text) to the study's table ``table_name``.

    Parameters
    ----------
    study_dir : pathlib.Path
        The study folder.
    table_name : str
        Resource name, e.g. ``"assessments"``.
    rows : list of dict
        The new rows; missing columns are written empty.

    Returns
    -------
    int
        The number of rows added.

    Raises
    ------
    AppendError
        If the table cannot be read or the workbook cannot be saved safely.
    """
    from evalkit.study.validate import inspect_study

    if not rows:
        return 0
    table = inspect_study(Path(study_dir)).tables.get(table_name)
    if table is None or table.csv is None:
        raise AppendError(
            f"the {table_name} table of {study_dir} cannot be read; check the study with: evalkit validate {study_dir}"
        )
    header = list(table.csv.header)
    added = [name for row in rows for name in row if name not in header]
    header += list(dict.fromkeys(added))
    if isinstance(table.csv, workbook.SheetTable):
        append_to_sheet(table.csv.path, table.csv.sheet, header, len(table.csv.header), rows)
    else:
        append_to_csv(table.csv.path, header, len(table.csv.header), rows)
    return len(rows)


def append_to_csv(path: Path, header: list[str], old_width: int, rows: list[dict]) -> None:
    """Append to a CSV file; with new columns, rewrite it with every existing cell kept as it is."""
    original = csvio.read_csv(path)
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    new = csv_text([[str(row.get(column, "") or "") for column in header] for row in rows], original.delimiter)
    if len(header) > old_width:
        width = len(header) - old_width
        old = [list(original.header) + header[old_width:]] + [list(raw) + [""] * width for raw in original.rows]
        text = csv_text(old, original.delimiter)
    elif text and not text.endswith(("\n", "\r")):
        text += "\n"
    body = (text + new).replace("\r\n", "\n").replace("\n", newline)
    write_bytes_atomic(path, (("\ufeff" if original.had_bom else "") + body).encode("utf-8"))


def append_to_sheet(path: Path, sheet: str, header: list[str], old_width: int, rows: list[dict]) -> None:
    """Append to a workbook sheet below its last filled row; refused when saving would lose charts or images."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    if any(getattr(ws, "_charts", None) or getattr(ws, "_images", None) for ws in book.worksheets):
        raise AppendError(
            f"{path.name} holds charts or images, which the Excel library would drop on saving; add the rows to the "
            f"sheet {sheet} by hand."
        )
    worksheet = book[sheet]
    for position in range(old_width + 1, len(header) + 1):
        worksheet.cell(row=1, column=position, value=header[position - 1])
    last = worksheet.max_row
    while last > 1 and all(cell.value in (None, "") for cell in worksheet[last]):
        last -= 1
    for offset, row in enumerate(rows, start=1):
        for position, column in enumerate(header, start=1):
            value = row.get(column, "")
            if value not in ("", None):
                worksheet.cell(row=last + offset, column=position, value=str(value))
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

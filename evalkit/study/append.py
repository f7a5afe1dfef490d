"""Adding rows to a study's tables without changing anything else, all in one step.

``evalkit survey import`` adds survey answers, ``evalkit qda import`` adds
interviews and writes coded segments, ``evalkit qda confirm`` adds accepted
assessments. Each goes through a :class:`StudyWriter`, which writes to the
table where it lives, a CSV file or a sheet of the study's workbook:

* the rows already in the table are never changed: a CSV file keeps its bytes
  and only gets lines at the end (in its own delimiter, byte-order mark and
  line ends); a sheet gets rows below its last filled row and every other cell
  of the workbook stays as it was (:mod:`evalkit.study.xlsxedit`; formulas
  keep their saved values, comments and drop-down lists stay);
* in a workbook, numbers are written as numbers (the schema says which
  columns hold numbers) and text as text, never as a formula; in a CSV file a
  text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
  tab, carriage return first) gets a leading ``'``
  (:func:`evalkit.safeio.neutralise_cell`);
* a column the new rows need and the table lacks (``coder``) is added at the
  end, with empty cells in the existing rows;
* a table the study lacks (``coded_segments``) is added where the study keeps
  its tables: a sheet of its workbook, or a CSV file, and registered in
  ``datapackage.json``;
* every file of one command is written together or not at all
  (:mod:`evalkit.study.writeset`); a read-only folder or a full disk is one
  line, :class:`AppendError`, and nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evalkit import paths
from evalkit.safeio import neutralise_cell
from evalkit.study import csvio, workbook, xlsxedit
from evalkit.study.storage import csv_text
from evalkit.study.writeset import FileSet, WriteError


class AppendError(ValueError):
    """The rows cannot be added; the message says why and what to do. Nothing was written."""


@dataclass
class Change:
    """New rows for one table, and which rows already there an import replaces."""

    rows: list[dict] = field(default_factory=list)
    remove: Callable[[dict], bool] | None = None


def field_types(table_name: str) -> dict[str, str]:
    """Column -> Table Schema type, from the canonical schema."""
    from evalkit.study.model import template_descriptor

    for resource in template_descriptor()["resources"]:
        if resource["name"] == table_name:
            return {spec["name"]: spec.get("type", "string") for spec in resource["schema"]["fields"]}
    return {}


class StudyWriter:
    """Collects the changes of one command to a study's tables and files, then writes them together.

    Parameters
    ----------
    study_dir : pathlib.Path
        The study folder.
    inspection : evalkit.study.validate.StudyInspection, optional
        The study as just inspected (read again when not given).
    """

    def __init__(self, study_dir: Path, inspection=None):
        from evalkit.study.validate import inspect_study

        self.study_dir = Path(study_dir)
        self.inspection = inspection if inspection is not None else inspect_study(self.study_dir)
        self.changes: dict[str, Change] = {}
        self.files: dict[Path, bytes] = {}
        self.registered: list[str] = []  # tables the commit added to the descriptor

    def append(self, table_name: str, rows: list[dict]) -> None:
        """Add ``rows`` (column -> text) at the end of a table."""
        self.changes.setdefault(table_name, Change()).rows.extend(rows)

    def replace(self, table_name: str, remove: Callable[[dict], bool], rows: list[dict]) -> None:
        """Remove the rows for which ``remove(record)`` is true, then add ``rows``."""
        change = self.changes.setdefault(table_name, Change())
        change.remove = remove
        change.rows.extend(rows)

    def write_file(self, path: Path, data: bytes) -> None:
        """Write a whole file (a review file) with the same all-or-nothing guarantee."""
        self.files[Path(path)] = data

    # ------------------------------------------------------------------ where each table lives

    def descriptor(self) -> dict:
        path = self.study_dir / paths.STUDY_DESCRIPTOR
        return json.loads(path.read_text(encoding="utf-8"))

    def workbook_file(self) -> str | None:
        """The workbook that holds the study's tables, if it keeps them in one."""
        for resource in self.inspection.descriptor.get("resources", []):
            if isinstance(resource, dict) and workbook.is_workbook_path(str(resource.get("path", ""))):
                return resource["path"]
        return None

    def commit(self) -> dict[str, int]:
        """Write every change; return the rows added per table.

        Raises
        ------
        AppendError
            If a table cannot be read or a file cannot be written; nothing was changed.
        """
        from evalkit.study.model import template_descriptor

        files = FileSet()
        sheet_edits: dict[Path, list[xlsxedit.SheetEdit]] = {}
        descriptor, registered = None, []
        added = {}
        for table_name, change in self.changes.items():
            if not change.rows and change.remove is None:
                continue
            table = self.inspection.tables.get(table_name)
            types = field_types(table_name)
            if table is None:
                canonical = next((r for r in template_descriptor()["resources"] if r["name"] == table_name), None)
                if canonical is None or canonical.get("evalkit:required"):
                    raise AppendError(
                        f"the {table_name} table of {self.study_dir} cannot be read; check the study with: evalkit "
                        f"validate {self.study_dir}"
                    )
                header = [spec["name"] for spec in canonical["schema"]["fields"]]
                book = self.workbook_file()
                descriptor = descriptor or self.descriptor()
                resource = dict(canonical)
                if book is not None:
                    resource.update(
                        path=book,
                        format="xlsx",
                        mediatype=workbook.XLSX_MEDIATYPE,
                        dialect=workbook.sheet_dialect(table_name),
                    )
                    resource.pop("encoding", None)
                    rows = [
                        [workbook.typed_cell(str(r.get(c, "") or ""), types.get(c, "string")) for c in header]
                        for r in change.rows
                    ]
                    sheet_edits.setdefault(self.study_dir / book, []).append(
                        xlsxedit.SheetEdit(table_name, header, rows)
                    )
                else:
                    target = self.study_dir / canonical["path"]
                    if target.exists():
                        raise AppendError(
                            f"{target} exists but {paths.STUDY_DESCRIPTOR} does not list it as the table {table_name}; "
                            "evalkit never overwrites it. Add it to the descriptor (evalkit validate then checks it) "
                            "or move it out of the study folder, then run the command again."
                        )
                    text = csv_text([header] + [[neutral(r.get(c, "")) for c in header] for r in change.rows])
                    files.stage(target, text.encode("utf-8"))
                descriptor.setdefault("resources", []).append(resource)
                registered.append(table_name)
                added[table_name] = len(change.rows)
                continue
            header = list(table.csv.header)
            new_columns = [name for row in change.rows for name in row if name not in header]
            header += list(dict.fromkeys(new_columns))
            records = [dict(zip(table.csv.header, raw)) for raw in table.csv.rows]
            removed = {i for i, record in enumerate(records) if change.remove is not None and change.remove(record)}
            if isinstance(table.csv, workbook.SheetTable):
                rows = [
                    [workbook.typed_cell(str(r.get(c, "") or ""), types.get(c, "string")) for c in header]
                    for r in change.rows
                ]
                sheet_edits.setdefault(Path(table.csv.path), []).append(
                    xlsxedit.SheetEdit(table.csv.sheet, header, rows, {i + 2 for i in removed})
                )
            else:
                files.stage(table.csv.path, csv_bytes(table.csv.path, header, change.rows, removed))
            added[table_name] = len(change.rows)
        for book_path, edits in sheet_edits.items():
            try:
                files.stage(book_path, xlsxedit.edited_workbook(book_path, edits))
            except xlsxedit.EditError as error:
                raise AppendError(f"{book_path.name} cannot be changed safely: {error}") from None
        if descriptor is not None:
            text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
            files.stage(self.study_dir / paths.STUDY_DESCRIPTOR, text.encode("utf-8"))
        for path, data in self.files.items():
            files.stage(path, data)
        try:
            files.commit()
        except WriteError as error:
            raise AppendError(str(error)) from None
        self.registered = registered
        return added


def neutral(value: object) -> str:
    """A cell for a CSV file of the study: text that would be a formula in a spreadsheet gets a leading ``'``."""
    return str(neutralise_cell(str(value or "")))


def csv_bytes(path: Path, header: list[str], rows: list[dict], removed: set[int]) -> bytes:
    """A CSV file with ``rows`` added (and ``removed`` rows left out), every other cell kept as written.

    Without new columns or removed rows the existing text is kept byte for byte and the new lines are appended.
    """
    original = csvio.read_csv(path)
    data = Path(path).read_bytes()
    text = data.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    new = csv_text([[neutral(row.get(column, "")) for column in header] for row in rows], original.delimiter)
    old_width = len(original.header)
    if len(header) > old_width or removed:
        width = len(header) - old_width
        kept = [list(raw) + [""] * width for i, raw in enumerate(original.rows) if i not in removed]
        text = csv_text([list(original.header) + header[old_width:]] + kept, original.delimiter)
    elif text and not text.endswith(("\n", "\r")):
        text += "\n"
    body = (text + new).replace("\r\n", "\n").replace("\n", newline)
    return (("\ufeff" if original.had_bom else "") + body).encode("utf-8")


def append_rows(study_dir: Path, table_name: str, rows: list[dict], inspection=None) -> int:
    """Append ``rows`` (column name -> text) to the study's table ``table_name`` (see :class:`StudyWriter`).

    Returns
    -------
    int
        The number of rows added.

    Raises
    ------
    AppendError
        If the table cannot be read or the file cannot be written (nothing is written then).
    """
    if not rows:
        return 0
    writer = StudyWriter(study_dir, inspection)
    writer.append(table_name, rows)
    return writer.commit().get(table_name, 0)

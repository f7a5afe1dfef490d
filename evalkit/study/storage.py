"""A study's tables as CSV files or as sheets of one workbook: ``evalkit convert``.

The study format is one Frictionless data package whatever the storage: each
resource is either a CSV file or a sheet of one ``.xlsx`` workbook (see
:mod:`evalkit.study.workbook`). :func:`convert_study` writes the same study in
the other storage into a new folder; everything else in the folder (README,
DATALOG, commentary, forms) is copied unchanged. The source study is only
read, the target folder must not exist (or be empty), and it appears only when
complete.

A workbook written here is meant to be worked in: one sheet per table with a
bold, frozen header; a comment on every header cell with the column's meaning
in Swedish and English; drop-down lists with the allowed codes in every coded
column (a Swedish label may be typed instead, see
:mod:`evalkit.study.codes`); text format in text columns so Excel does not turn
``2017-03`` into a date; and a README sheet that says how the workbook works.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evalkit import paths
from evalkit.safeio import neutralise_cell, write_text_atomic
from evalkit.study import workbook
from evalkit.study.model import template_descriptor

STORAGES = ("csv", "xlsx")


class ConvertError(Exception):
    """The study cannot be converted; ``str(error)`` says why and what to do."""


@dataclass
class RawTable:
    """One table of a study as text: the resource descriptor, header and rows as read."""

    resource: dict
    header: list[str]
    rows: list[list[str]]


@lru_cache(maxsize=1)
def column_help_sv() -> dict[tuple[str, str], str]:
    """Swedish meaning of every column: ``(table or '*', column) -> text``."""
    with open(paths.SCHEMA_DIR / "column_help_sv.csv", encoding="utf-8", newline="") as handle:
        return {(row["table"], row["column"]): row["description_sv"] for row in csv.DictReader(handle)}


def column_note(resource_name: str, field: dict) -> str:
    """The comment on a header cell: the column's meaning in Swedish and English."""
    help_sv = column_help_sv()
    swedish = help_sv.get((resource_name, field["name"])) or help_sv.get(("*", field["name"]), "")
    english = field.get("description", "")
    parts = [f"sv: {swedish}" if swedish else "", f"en: {english}" if english else ""]
    return "\n\n".join(part for part in parts if part)


def canonical_resource(name: str) -> dict | None:
    """The canonical resource called ``name``, or ``None``."""
    return next((r for r in template_descriptor()["resources"] if r["name"] == name), None)


def vocabulary_codes(tables: list[RawTable]) -> dict[str, list[tuple[str, str]]]:
    """Codes and Swedish labels by vocabulary, from the study's own vocabularies table."""
    table = next((t for t in tables if t.resource["name"] == "codebook_vocabularies"), None)
    found: dict[str, list[tuple[str, str]]] = {}
    if table is None:
        return found
    for row in table.rows:
        record = dict(zip(table.header, row))
        if record.get("vocabulary") and record.get("code"):
            found.setdefault(record["vocabulary"], []).append((record["code"], record.get("label_sv", "")))
    return found


def sheet_spec(table: RawTable, vocabularies: dict[str, list[tuple[str, str]]]) -> workbook.SheetSpec:
    """How one table becomes a sheet: fields, rows, comments, drop-downs and prompts."""
    name = table.resource["name"]
    canonical = canonical_resource(name) or table.resource
    specs = {f["name"]: f for f in canonical.get("schema", {}).get("fields", [])}
    fields = [specs.get(column, {"name": column, "type": "string"}) for column in table.header]
    is_codebook = bool(canonical.get("evalkit:codebook"))
    choices, prompts, notes = {}, {}, {}
    for spec in fields:
        column = spec["name"]
        if column in specs:
            notes[column] = column_note(name, spec)
        enum = spec.get("constraints", {}).get("enum")
        coded = enum or (not is_codebook and column in vocabularies and column in ("respondent_role", "document_type"))
        if not coded:
            continue
        labelled = vocabularies.get(column, [])
        codes = list(enum) if enum else [code for code, _ in labelled]
        choices[column] = codes
        labels = dict(labelled)
        prompt = ", ".join(f"{code} = {labels[code]}" if labels.get(code) else code for code in codes)
        prompts[column] = f"Kod eller svensk etikett / code or Swedish label: {prompt}"
    rows = [row + [""] * (len(table.header) - len(row)) for row in table.rows]
    return workbook.SheetSpec(name, fields, rows, notes, choices, prompts)


README_ROWS = [
    ("evalkit", "Studiens tabeller, en flik per tabell. / The study's tables, one sheet per table."),
    (
        "Så fyller du i",
        "Rad 1 är rubrikraden: ändra den inte. En rad per post från rad 2. Håll muspekaren över en rubrik för att se "
        "vad kolumnen betyder. Kodade kolumner har en rullista; svenska etiketter (ja, delvis, nej, okänt …) går "
        "också bra. Tom cell = okänt. Slå inte ihop celler och skriv värden, inte formler.",
    ),
    (
        "How to fill it in",
        "Row 1 is the header: do not change it. One row per record from row 2. Hover over a header to see what the "
        "column means. Coded columns have a drop-down list; Swedish labels (ja, delvis, nej, okänt …) are accepted "
        "too. An empty cell means unknown. Do not merge cells; type values, not formulas.",
    ),
    ("Kontroll / check", "evalkit validate <studiemapp / study folder>"),
    ("datapackage.json", "Beskriver vilken flik som är vilken tabell. / Says which sheet holds which table."),
]


def write_tables(folder: Path, descriptor: dict, tables: list[RawTable], storage: str, workbook_name: str) -> dict:
    """Write ``tables`` into ``folder`` in ``storage`` and return the descriptor pointing at them.

    Parameters
    ----------
    folder : pathlib.Path
        An empty folder being built.
    descriptor : dict
        The study descriptor to adapt (not changed).
    tables : list of RawTable
    storage : {"csv", "xlsx"}
    workbook_name : str
        File name of the workbook (for ``xlsx``).

    Returns
    -------
    dict
        The descriptor, with each written table's resource pointing at its file or sheet.
    """
    descriptor = copy.deepcopy(descriptor)
    written = {table.resource["name"]: table for table in tables}
    if storage == "xlsx":
        vocabularies = vocabulary_codes(tables)
        workbook.write_workbook(
            folder / workbook_name, [sheet_spec(table, vocabularies) for table in tables], readme=README_ROWS
        )
    else:
        for table in tables:
            path = folder / csv_path(table.resource)
            path.parent.mkdir(parents=True, exist_ok=True)
            rows = [[str(neutralise_cell(cell)) for cell in row] for row in table.rows]
            write_text_atomic(path, csv_text([table.header, *rows]))
    resources = descriptor.get("resources", [])
    for position, resource in enumerate(resources):
        if not isinstance(resource, dict) or resource.get("name") not in written:
            continue
        if storage == "xlsx":
            updates = {
                "path": workbook_name,
                "format": "xlsx",
                "mediatype": workbook.XLSX_MEDIATYPE,
                "dialect": workbook.sheet_dialect(resource["name"]),
            }
            dropped = {"encoding"}
        else:
            updates = {"path": csv_path(resource), "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
            dropped = {"dialect"}
        resources[position] = retargeted(resource, updates, dropped)
    return descriptor


def retargeted(resource: dict, updates: dict, dropped: set[str]) -> dict:
    """``resource`` with ``updates`` applied in place of the old values (key order kept) and ``dropped`` removed."""
    new_keys = [key for key in updates if key not in resource]
    new = {}
    for key, value in resource.items():
        if key in dropped:
            if new_keys:  # the new key takes the dropped key's place: csv <-> xlsx round trips keep the order
                added = new_keys.pop(0)
                new[added] = updates[added]
            continue
        new[key] = updates.get(key, value)
    for key in new_keys:
        new[key] = updates[key]
    schema = new.pop("schema", None)
    if schema is not None:
        new["schema"] = schema
    return new


def csv_text(records: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV text, quoted only where needed, every cell kept exactly as it is.

    Cells are written as given: a cell is quoted when it holds the delimiter,
    a double quote or a line break, and nothing else is touched. Callers that
    write a study's table neutralise formula-like text first
    (:func:`evalkit.safeio.neutralise_cell`), as :func:`write_tables` does.
    """
    lines = []
    for record in records:
        cells = []
        for cell in record:
            text = str(cell)
            if any(mark in text for mark in (delimiter, '"', "\n", "\r")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells) + "\n")
    return "".join(lines)


def csv_path(resource: dict) -> str:
    """The CSV path of a resource: its canonical path, or ``<name>.csv``."""
    canonical = canonical_resource(resource["name"])
    return canonical["path"] if canonical else f"{resource['name']}.csv"


def read_raw_tables(study_dir: Path) -> tuple[dict, list[RawTable], set[str]]:
    """Read every table of a study as text.

    Returns
    -------
    descriptor : dict
    tables : list of RawTable
        In the canonical order.
    files : set of str
        Paths (relative to the study) of the files holding the tables.

    Raises
    ------
    ConvertError
        If the descriptor or a table the descriptor lists cannot be read.
    """
    from evalkit.study.validate import DESCRIPTOR_FILE, inspect_study

    inspection = inspect_study(study_dir)
    if not inspection.descriptor:
        problems = "\n".join(problem.render() for problem in inspection.problems)
        raise ConvertError(f"{study_dir} cannot be converted:\n{problems}")
    listed = {r.get("name") for r in inspection.descriptor.get("resources", []) if isinstance(r, dict)}
    missing = sorted(name for name in listed if canonical_resource(name) and name not in inspection.tables)
    if missing:
        problems = "\n".join(p.render() for p in inspection.problems if p.row is None and p.file != DESCRIPTOR_FILE)
        raise ConvertError(
            f"{study_dir} cannot be converted: the tables {', '.join(missing)} cannot be read.\n{problems}\n"
            "Correct these first (evalkit validate lists every problem)."
        )
    tables, files = [], set()
    for table in inspection.tables.values():
        tables.append(RawTable(table.resource, list(table.csv.header), [list(row) for row in table.csv.rows]))
        files.add(str(Path(table.csv.path).resolve().relative_to(Path(study_dir).resolve())))
    return inspection.descriptor, tables, files


def copy_other_files(source: Path, target: Path, skip: set[str]) -> None:
    """Copy every file of ``source`` except ``skip`` (relative paths) and the descriptor."""
    from evalkit.study.validate import DESCRIPTOR_FILE

    skip = {Path(p).as_posix() for p in skip} | {DESCRIPTOR_FILE}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_dir() or relative in skip or path.is_symlink():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


def convert_study(study_dir: Path, target: Path, storage: str) -> Path:
    """Write the study at ``study_dir`` into the new folder ``target`` with tables in ``storage``.

    Parameters
    ----------
    study_dir : pathlib.Path
        The study (never changed).
    target : pathlib.Path
        Folder to create; must not exist, or be empty.
    storage : {"csv", "xlsx"}

    Returns
    -------
    pathlib.Path
        ``target``.

    Raises
    ------
    ConvertError
        If the target exists and is not empty, or the study cannot be read.
    """
    from evalkit.study.validate import DESCRIPTOR_FILE

    study_dir, target = Path(study_dir), Path(target)
    if storage not in STORAGES:
        raise ConvertError(f"unknown storage {storage!r}; choose csv or xlsx.")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConvertError(
            f"{target} already exists and is not empty; evalkit convert never overwrites. Choose a new folder."
        )
    if target.resolve() == study_dir.resolve() or study_dir.resolve() in target.resolve().parents:
        raise ConvertError("the target folder must lie outside the study folder.")
    descriptor, tables, files = read_raw_tables(study_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        copy_other_files(study_dir, building, files)
        new_descriptor = write_tables(building, descriptor, tables, storage, f"{target.name}.xlsx")
        (building / DESCRIPTOR_FILE).write_text(
            json.dumps(new_descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if target.exists():
            target.rmdir()
        os.replace(building, target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target


def configure_parser(parser) -> None:
    """Add the arguments of ``evalkit convert``."""
    parser.add_argument("study", type=Path, metavar="STUDY", help="study folder to read (never changed)")
    parser.add_argument("output", type=Path, metavar="OUT", help="new folder to write (must not exist or be empty)")
    parser.add_argument(
        "--to",
        choices=STORAGES,
        required=True,
        help="xlsx: one workbook with a sheet per table; csv: one file per table",
    )


def cli_convert(args) -> int:
    """``evalkit convert STUDY OUT --to xlsx|csv``."""
    try:
        folder = convert_study(args.study, args.output, args.to)
    except ConvertError as error:
        print(f"error: {error}")
        return 1
    except workbook.WorkbookError as error:
        print(f"error: {error} {error.fix}")
        return 1
    print(f"Wrote {folder} with its tables as {'one workbook' if args.to == 'xlsx' else 'CSV files'}.")
    print(f"Check it with: evalkit validate {folder}")
    return 0

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
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evalkit import paths
from evalkit.safeio import neutralise_cell, new_folder, write_text_atomic
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


def vocabulary_codes(tables: list[RawTable], language: str = "sv") -> dict[str, list[tuple[str, str]]]:
    """Codes and their labels in ``language`` by vocabulary, from the study's own vocabularies table."""
    table = next((t for t in tables if t.resource["name"] == "codebook_vocabularies"), None)
    found: dict[str, list[tuple[str, str]]] = {}
    if table is None:
        return found
    for row in table.rows:
        record = dict(zip(table.header, row))
        if record.get("vocabulary") and record.get("code"):
            found.setdefault(record["vocabulary"], []).append((record["code"], record.get(f"label_{language}", "")))
    return found


def sheet_spec(
    table: RawTable, vocabularies: dict[str, list[tuple[str, str]]], language: str | None = None
) -> workbook.SheetSpec:
    """How one table becomes a sheet: fields, rows, comments, drop-downs and prompts.

    ``vocabularies`` hold the labels in ``language``: with a language, a coded column offers the labels in
    that language (when every code has one, and they are distinct), so that picking one raises no warning
    in Excel; without, it offers the codes. Either is read as the code (:mod:`evalkit.study.codes`).
    """
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
        labels = dict(labelled)
        offered = [labels.get(code, "") for code in codes]
        if language and all(offered) and len(set(offered)) == len(offered):
            choices[column] = offered
            prompt = ", ".join(f"{labels[code]} = {code}" for code in codes)
            prompts[column] = (
                f"Välj i listan, eller skriv koden: {prompt}"
                if language == "sv"
                else f"Choose from the list, or type the code: {prompt}"
            )
        else:
            choices[column] = codes
            prompt = ", ".join(f"{code} = {labels[code]}" if labels.get(code) else code for code in codes)
            prompts[column] = f"Kod eller etikett / code or label: {prompt}"
    rows = [row + [""] * (len(table.header) - len(row)) for row in table.rows]
    return workbook.SheetSpec(name, fields, rows, notes, choices, prompts)


README_ROWS = [
    ("evalkit", "Studiens tabeller, en flik per tabell. / The study's tables, one sheet per table."),
    (
        "Så fyller du i",
        "Rad 1 är rubrikraden: ändra den inte. En rad per post från rad 2. Håll muspekaren över en rubrik för att se "
        "vad kolumnen betyder. Kodade kolumner har en rullista; både etiketterna i listan (ja, delvis, nej, okänt …) "
        "och koderna (yes, partly, no, unknown …) går bra. Lämna en cell tom när värdet inte är känt, utom i "
        "kolumner som alltid ska fyllas i (till exempel value i assessments och conditions): skriv okänt där. Slå "
        "inte ihop celler och skriv värden, inte formler.",
    ),
    (
        "How to fill it in",
        "Row 1 is the header: do not change it. One row per record from row 2. Hover over a header to see what the "
        "column means. Coded columns have a drop-down list; both the labels in the list (yes, partly, no, unknown …) "
        "and the codes are accepted. Leave a cell empty when the value is not known, except in columns that must "
        "always be filled in (such as value in assessments and conditions): write unknown there. Do not merge cells; "
        "type values, not formulas.",
    ),
    (
        "Studieinformation / study information",
        "Fliken studieinformation (study_information) håller studiens titel, län, år och utgivare; skriv i kolumn B. "
        "/ The sheet study_information (studieinformation) holds the study's title, county, year and publisher; "
        "write in column B.",
    ),
    (
        "Import",
        "evalkit survey import, qda import och qda confirm lägger till rader i flikarna och ändrar inget annat i "
        "arbetsboken; stäng den i Excel först. / The imports add rows to the sheets and change nothing else in the "
        "workbook; close it in Excel first.",
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
    from evalkit.study import information

    descriptor = copy.deepcopy(descriptor)
    written = {table.resource["name"]: table for table in tables}
    if storage == "xlsx":
        language = descriptor.get("evalkit:language")
        language = language if language in information.LANGUAGES else None
        vocabularies = vocabulary_codes(tables, language or "sv")
        sheet_name = information.SHEET_NAMES[language or "en"]
        workbook.write_workbook(
            folder / workbook_name,
            [sheet_spec(table, vocabularies, language) for table in tables],
            readme=README_ROWS,
            information=(sheet_name, information.information_rows(descriptor, language or "en")),
        )
        descriptor[information.INFORMATION_KEY] = {"path": workbook_name, "sheet": sheet_name}
    else:
        descriptor.pop(information.INFORMATION_KEY, None)
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
    with new_folder(target) as building:
        copy_other_files(study_dir, building, files)
        new_descriptor = write_tables(building, descriptor, tables, storage, f"{target.name}.xlsx")
        (building / DESCRIPTOR_FILE).write_text(
            json.dumps(new_descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
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

"""``evalkit validate STUDY``: check a study folder and report every problem.

Validation runs in three layers and always reports every problem it finds:

1. **Files** – the study descriptor ``datapackage.json`` exists, parses and
   lists every required table; each table file exists and is UTF-8 (see
   :mod:`evalkit.study.csvio`); the header has exactly the expected columns.
2. **Cells** – each table is checked with the ``frictionless`` library against
   the *canonical* Table Schema in ``evalkit/schema/study.datapackage.json``
   (types, required cells, allowed codes, patterns, minimum and maximum,
   unique keys). The study's own copy of the schema is not trusted.
3. **Consistency** – checks across tables: ids that must exist elsewhere,
   indicator populations and their assessments, the organisation model of
   each municipality against its coordinators, the coordinator survey against
   the coordinator-municipality link, dates, codebook codes, provenance and
   the structural conditions.

A cell that fails layer 2 is reported once and then ignored by layer 3, so a
single typing mistake does not cascade into many messages.

Each problem is a :class:`Problem` rendered as one line, for example::

    coordinator_municipalities.csv, row 4, column share_of_post_pct: value '120'
    is above the maximum 100. Expected a share of a full-time post from 1 to 100
    percent; correct the value.

Rows are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as _dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from evalkit import paths
from evalkit.safeio import write_text_atomic
from evalkit.study import coders, codes, content, csvio, limits, workbook
from evalkit.study import commentary as study_commentary
from evalkit.study import information as study_information
from evalkit.study import kind as study_kind
from evalkit.study.hints import date_serial_hint
from evalkit.study.model import template_descriptor
from evalkit.terminal import safe_json, safe_text

DESCRIPTOR_FILE = paths.STUDY_DESCRIPTOR
CODEBOOK_PREFIX = "codebook_"
ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
SUM_TOLERANCE = 0.5
CACHE_VERSION = "2"
FIRST_YEAR = 1990
LAST_YEAR = 2100
MUNICIPAL_COORDINATOR_MODELS = ("own_coordinator", "shared_coordinator")
NO_COORDINATOR_MODELS = ("team", "none")
Q3_PARTS = ("q3_strategic_pct", "q3_individual_pct", "q3_direct_client_pct", "q3_other_pct")
FREE_CODE_COLUMNS = ("respondent_role", "document_type")
#: Cell problems listed per table at most; beyond this the table is reported as having more.
MAX_CELL_ERRORS = 1000
#: Longest value quoted in a message, in characters; longer values are shortened.
MAX_QUOTED_CHARS = 80
#: Row numbers listed in one message at most ("also used in rows ...").
MAX_LISTED_ROWS = 10
#: Validation-cache files kept at most (oldest used are removed first).
CACHE_MAX_FILES = 256


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a study, located as precisely as possible.

    Attributes
    ----------
    file : str
        File relative to the study folder (``"codebook/indicators.csv"``).
    row : int or None
        Spreadsheet row (header = 1, first data row = 2); ``None`` for a
        problem with the whole file or with the study.
    column : str or None
        Column name, if the problem is in one column.
    value : str or None
        The offending value as written in the file.
    message : str
        What is wrong, one sentence ending with a full stop.
    fix : str
        What is expected and how to fix it, one sentence ending with a full stop.
    column_letter : str or None
        For a table stored in a workbook sheet: the column's letter as Excel
        shows it (``file`` then names the workbook and the sheet).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str
    column_letter: str | None = None

    def render(self) -> str:
        """Return the problem as one line of text."""
        location = self.file
        if self.row is not None:
            location += f", row {self.row}"
        if self.column_letter is not None:
            location += f", column {self.column_letter}" + (f" ({self.column})" if self.column else "")
        elif self.column is not None:
            location += f", column {self.column}"
        return safe_text(f"{location}: {self.message} {self.fix}".rstrip(), keep_newlines=False)

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict:
        """Return the problem as a JSON-ready dict (with the rendered line)."""
        return {**asdict(self), "text": self.render()}


class StudyValidationError(ValueError):
    """Raised by :func:`evalkit.study.load_study` for an invalid study.

    Attributes
    ----------
    problems : list of Problem
        Every problem found, in report order.
    """

    def __init__(self, problems: list[Problem], study: Path | str | None = None):
        self.problems = list(problems)
        self.study = study
        super().__init__(self._text())

    def _text(self) -> str:
        where = f" {self.study}" if self.study is not None else ""
        lines = [f"The study{where} is not valid ({problem_count_phrase(len(self.problems))}):"]
        lines += [problem.render() for problem in self.problems]
        return "\n".join(lines)


def problem_count_phrase(count: int) -> str:
    """Return ``'1 problem'`` or ``'N problems'``."""
    return f"{count} problem" + ("" if count == 1 else "s")


def note_count_phrase(count: int) -> str:
    """Return ``'1 note'`` or ``'N notes'``."""
    return f"{count} note" + ("" if count == 1 else "s")


def quoted(value: object) -> str:
    """Quote a cell value for a message: ``'120'``; a very long value is shortened."""
    return f"'{shortened(value)}'"


def shortened(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """Return ``value`` as text, cut to ``limit`` characters with a note of the full length."""
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}… ({len(text):,} characters)"


def listed_rows(rows: list[str]) -> str:
    """Join row numbers, listing at most :data:`MAX_LISTED_ROWS` and counting the rest."""
    if len(rows) <= MAX_LISTED_ROWS:
        return ", ".join(rows)
    return ", ".join(rows[:MAX_LISTED_ROWS]) + f" and {len(rows) - MAX_LISTED_ROWS} more"


def joined(ids: Iterable[str]) -> str:
    """Join ids with '|' the way the study format writes lists."""
    return "|".join(ids)


def with_article(noun: str) -> str:
    """Prefix ``noun`` with 'a' or 'an'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def number_text(value: float) -> str:
    """Format a number without a needless ``.0``."""
    return f"{value:g}"


# ---------------------------------------------------------------------------
# Schema helpers
# ---------------------------------------------------------------------------
def canonical_resources() -> list[dict]:
    """Return the resources of the canonical descriptor, in their order."""
    return template_descriptor()["resources"]


def file_order() -> dict[str, int]:
    """Return the sort position of every file: descriptor first, then the tables."""
    order = {DESCRIPTOR_FILE: 0}
    for position, resource in enumerate(canonical_resources(), start=1):
        order[resource["path"]] = position
    return order


def field_specs(resource: dict) -> dict[str, dict]:
    """Return the Table Schema fields of a resource by name."""
    return {spec["name"]: spec for spec in resource["schema"]["fields"]}


def numeric_columns(resource: dict) -> list[str]:
    """Return the names of the number and integer fields of a resource."""
    return [spec["name"] for spec in resource["schema"]["fields"] if spec.get("type") in ("number", "integer")]


def short_name(resource_name: str) -> str:
    """Return a resource name without the ``codebook_`` prefix."""
    return resource_name[len(CODEBOOK_PREFIX) :] if resource_name.startswith(CODEBOOK_PREFIX) else resource_name


# What a valid value looks like, in words, for columns where the generic
# description from the constraints would be too vague.
FIELD_EXPECTATIONS = {
    "share_of_post_pct": "a share of a full-time post from 1 to 100 percent",
    "q2_share_of_post_pct": "the share of a full-time post worked as coordinator, from 1 to 100 percent",
    "q3_strategic_pct": "a percentage of the post from 0 to 100",
    "q3_individual_pct": "a percentage of the post from 0 to 100",
    "q3_direct_client_pct": "a percentage of the post from 0 to 100",
    "q3_other_pct": "a percentage of the post from 0 to 100",
    "start_date": "a date written YYYY, YYYY-MM or YYYY-MM-DD, or an empty cell if not known",
    "year": "a calendar year from 1990 to 2100",
    "order": "a whole number from 1 upwards",
    "q1_municipalities": "municipality ids separated by '|', e.g. 'K01|K02'",
}
TABLE_FIELD_EXPECTATIONS = {
    ("case_statistics", "value"): "a count of 0 or more, or an empty cell if not available",
}


def expectation(resource_name: str, spec: dict) -> str:
    """Describe in words what a valid value of a field looks like."""
    name = spec["name"]
    if (resource_name, name) in TABLE_FIELD_EXPECTATIONS:
        return TABLE_FIELD_EXPECTATIONS[(resource_name, name)]
    if name in FIELD_EXPECTATIONS:
        return FIELD_EXPECTATIONS[name]
    constraints = spec.get("constraints", {})
    if "enum" in constraints:
        return "one of " + ", ".join(constraints["enum"])
    if constraints.get("pattern") == ID_PATTERN:
        return "an id of letters, digits, '_', '.' or '-' that starts with a letter or digit and has no spaces"
    kind = {"number": "a number", "integer": "a whole number"}.get(spec.get("type", "string"), "a text")
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is not None and high is not None:
        return f"{kind} from {low} to {high}"
    if low is not None:
        return f"{kind} of {low} or more"
    if high is not None:
        return f"{kind} of at most {high}"
    return kind


# ---------------------------------------------------------------------------
# Layer 1: descriptor and files
# ---------------------------------------------------------------------------
@dataclass
class TableInput:
    """One table as read from disk, before type conversion.

    Attributes
    ----------
    resource : dict
        The canonical resource (name, path, schema).
    file : str
        Path relative to the study folder, as used in problems.
    csv : CsvTable or None
        The raw table; ``None`` if the file is missing or unreadable.
    columns : list of str
        Canonical columns present in the header, in file order.
    rows : list of list of str
        Data rows restricted to ``columns`` (padded with '' where short).
    """

    resource: dict
    file: str
    csv: csvio.CsvTable | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    misaligned_rows: set[int] = field(default_factory=set)
    capped: bool = False

    @property
    def name(self) -> str:
        return self.resource["name"]


@dataclass
class StudyInspection:
    """Everything :func:`inspect_study` learned about a study folder.

    Attributes
    ----------
    path : pathlib.Path
        The study folder.
    descriptor : dict
        The study's ``datapackage.json`` (empty if missing or broken).
    tables : dict of str to TableInput
        Tables that could be read, by resource name (``codebook_`` prefix kept).
    problems : list of Problem
        Every problem, in report order.
    notes : list of Problem
        What evalkit read in a way the user should know about but that is not
        wrong (a Swedish label read as a code, a formula read as its saved
        value, a hidden sheet), in report order.
    """

    path: Path
    descriptor: dict
    tables: dict[str, TableInput]
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)


def read_descriptor(study_dir: Path) -> tuple[dict, list[Problem]]:
    """Read and parse the study's ``datapackage.json``."""
    path = study_dir / DESCRIPTOR_FILE
    template = "evalkit/schema/study.datapackage.json"
    if not path.is_file():
        return {}, [
            Problem(
                DESCRIPTOR_FILE,
                None,
                None,
                None,
                f"the study descriptor is missing from {study_dir}.",
                f"Expected a {DESCRIPTOR_FILE} in the study folder; copy it from {template} "
                "(or create the study with 'evalkit new') and set name and title.",
            )
        ]
    try:
        data = path.read_bytes()
        text, _ = csvio.decode_utf8(path, data)
        descriptor = json.loads(text)
    except csvio.CsvEncodingError as error:
        return {}, [
            Problem(
                DESCRIPTOR_FILE,
                None,
                None,
                None,
                f"the file is not UTF-8 (byte offset {error.byte_offset}, line {error.row}).",
                "Save it as UTF-8 text.",
            )
        ]
    except RecursionError:
        return {}, [
            Problem(
                DESCRIPTOR_FILE,
                None,
                None,
                None,
                "the file nests lists or objects too deeply to be read (thousands of levels).",
                f"A study descriptor needs only a few levels; compare it with {template} and remove the nesting.",
            )
        ]
    except json.JSONDecodeError as error:
        return {}, [
            Problem(
                DESCRIPTOR_FILE,
                None,
                None,
                None,
                f"the file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
                f"Correct the JSON syntax (compare with {template}).",
            )
        ]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return {}, [
            Problem(
                DESCRIPTOR_FILE,
                None,
                None,
                None,
                "the descriptor has no list of resources.",
                f"Expected a Data Package with a 'resources' list; copy the structure from {template}.",
            )
        ]
    return descriptor, []


def check_study_settings(descriptor: dict) -> list[Problem]:
    """Check the study's own settings in the descriptor (today: the coders' agreement threshold)."""
    from evalkit.study.coders import THRESHOLD_KEY, threshold_problem

    if THRESHOLD_KEY not in descriptor:
        return []
    message = threshold_problem(descriptor[THRESHOLD_KEY])
    if message is None:
        return []
    return [
        Problem(
            DESCRIPTOR_FILE,
            None,
            None,
            str(descriptor[THRESHOLD_KEY]),
            message + ".",
            f"Write a number such as 0.667 (Krippendorff's lowest for tentative conclusions), or remove "
            f"'{THRESHOLD_KEY}' to use 0.667.",
        )
    ]


def listed_paths(descriptor: dict) -> dict[str, object]:
    """Return the resource paths the study descriptor lists, by resource name."""
    listed = {}
    for resource in descriptor.get("resources", []):
        if isinstance(resource, dict) and isinstance(resource.get("name"), str):
            listed[resource["name"]] = resource.get("path")
    return listed


def is_safe_relative_path(path: object) -> bool:
    """Whether ``path`` is a relative path inside the study folder."""
    if not isinstance(path, str) or not path:
        return False
    posix = PurePosixPath(path.replace("\\", "/"))
    return not posix.is_absolute() and ".." not in posix.parts


def resolve_table_files(descriptor: dict, descriptor_ok: bool) -> tuple[dict[str, str], list[Problem]]:
    """Decide which file holds each canonical resource.

    The study descriptor's path is used when it lists the resource with a
    usable path; otherwise the canonical path. A required resource the
    descriptor does not list is a problem (unless the descriptor itself is
    missing or broken, which is already reported).
    """
    listed = listed_paths(descriptor)
    files, problems = {}, []
    for resource in canonical_resources():
        name, canonical_path = resource["name"], resource["path"]
        files[name] = canonical_path
        if name in listed:
            if is_safe_relative_path(listed[name]):
                files[name] = listed[name]
                if any(part.startswith(".") for part in PurePosixPath(listed[name].replace("\\", "/")).parts):
                    problems.append(
                        Problem(
                            DESCRIPTOR_FILE,
                            None,
                            None,
                            listed[name],
                            f"resource '{name}' is in the hidden file {quoted(listed[name])}; hidden files are not "
                            "recorded in a report's manifest, so evalkit run refuses them.",
                            f"Rename the file without the leading '.' and change its path in {DESCRIPTOR_FILE}.",
                        )
                    )
            else:
                problems.append(
                    Problem(
                        DESCRIPTOR_FILE,
                        None,
                        None,
                        str(listed[name]),
                        f"resource '{name}' has the path {quoted(listed[name])}, which is not a file inside the study folder.",
                        f"Expected a relative path such as '{canonical_path}'; correct the path.",
                    )
                )
        elif descriptor_ok and resource.get("evalkit:required"):
            problems.append(
                Problem(
                    DESCRIPTOR_FILE,
                    None,
                    None,
                    name,
                    f"the required resource '{name}' is not listed.",
                    f"Add the resource '{name}' (path '{canonical_path}') to the resources list; "
                    "copy it from evalkit/schema/study.datapackage.json.",
                )
            )
    return files, problems


def linked_path_problem(study_dir: Path, file: str) -> Problem | None:
    """Refuse a table file reached through a symbolic link (to a file or a folder).

    The link may point outside the study folder, and a report's manifest
    records only the regular files inside it, so ``evalkit run`` refuses such a
    study; validation says so before reading anything through the link.
    """
    path = study_dir
    for part in PurePosixPath(file.replace("\\", "/")).parts:
        path = path / part
        if path.is_symlink():
            link = path.relative_to(study_dir).as_posix()
            return Problem(
                link,
                None,
                None,
                None,
                f"the {'folder' if path.is_dir() else 'file'} is a symbolic link (to {os.readlink(path)}); evalkit "
                "reads only regular files inside the study folder, so that a report's manifest records every input.",
                "Replace the link by a copy of what it points to.",
            )
    return None


def read_table_file(study_dir: Path, resource: dict, file: str) -> tuple[csvio.CsvTable | None, list[Problem]]:
    """Read one table file, turning missing files and bad encodings into problems."""
    path = study_dir / file
    if not path.is_file():
        if not resource.get("evalkit:required"):
            return None, []
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                f"the required table '{short_name(resource['name'])}' is missing: there is no file {file} in the study folder.",
                f"Add the file {file} with the header row of the evalkit study format "
                "(see evalkit/schema/study.datapackage.json).",
            )
        ]
    try:
        table = csvio.read_csv(path)
    except limits.TooLarge as error:
        return None, [Problem(file, None, None, None, str(error), error.fix)]
    except csvio.CsvEncodingError as error:
        return None, [
            Problem(
                file,
                error.row,
                None,
                None,
                f"the file is not UTF-8: the byte 0x{error.byte_value:02x} at byte offset {error.byte_offset} "
                "cannot be read (probably an å, ä or ö saved in an older Windows encoding such as cp1252 or latin-1).",
                "In Excel use 'Save as' > 'CSV UTF-8 (comma delimited)'; in LibreOffice choose the character set "
                "Unicode (UTF-8). The study files must be UTF-8.",
            )
        ]
    except csvio.CsvFormatError as error:
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                f"the file is not a CSV text file: it is {error.what}.",
                f"Keep the table as CSV: {error.fix}, and give the result the name {file}.",
            )
        ]
    except csvio.CsvStructureError as error:
        return None, [
            Problem(
                file,
                error.row,
                None,
                None,
                f"the file cannot be read: {error} (line {error.line}). Nothing of this file was checked.",
                f"Cells may hold at most {csvio.MAX_FIELD_CHARS:,} characters. If the cell should be shorter, look "
                "for a double quote that opens a cell but is never closed; otherwise shorten the text.",
            )
        ]
    if not table.header:
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                "the file is empty.",
                "Expected at least the header row of the evalkit study format; add it.",
            )
        ]
    return table, []


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
            )
        ]
    if isinstance(book, workbook.WorkbookError):
        return None, [Problem(file, None, None, None, str(book), book.fix)]
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
        item = Problem(table.file, finding.row, column, None, finding.message, finding.fix, letter)
        (problems if finding.problem else notes).append(item)
    return problems, notes


def coded_vocabularies() -> dict[str, dict[str, list[str]]]:
    """For each resource: coded column -> its allowed codes (empty: any code of its vocabulary)."""
    coded: dict[str, dict[str, list[str]]] = {}
    for resource_name, column in coded_columns():
        resource = next(r for r in canonical_resources() if r["name"] == resource_name)
        allowed = field_specs(resource)[column].get("constraints", {}).get("enum", [])
        coded.setdefault(resource_name, {})[column] = list(allowed)
    return coded


def vocabulary_rows(table: TableInput | None) -> list[dict]:
    """The rows of the vocabularies table as dicts, as read (empty when it could not be read)."""
    if table is None:
        return []
    return [dict(zip(table.csv.header, row)) for row in table.csv.rows]


def read_labels_as_codes(table: TableInput, lookup: dict) -> list[Problem]:
    """Replace Swedish (or English, or mis-cased) labels in coded columns by codes; return the notes."""
    coded = coded_vocabularies().get(table.name, {})
    table.rows, readings = codes.read_codes(table.columns, table.rows, coded, lookup)
    return [
        Problem(table.file, reading.rows[0], reading.column, reading.text, reading.message(), "")
        for reading in readings
    ]


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


def check_header(table: TableInput) -> list[Problem]:
    """Report missing, unexpected and repeated columns of one table."""
    problems = []
    expected = [spec["name"] for spec in table.resource["schema"]["fields"]]
    header = table.csv.header
    seen = set()
    for name in header:
        if name in seen:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name,
                    name,
                    f"the column '{name}' appears more than once in the header.",
                    "Keep one column of that name; delete or rename the other.",
                )
            )
        elif name == "":
            problems.append(
                Problem(
                    table.file,
                    1,
                    None,
                    "",
                    "the header has a column without a name.",
                    "Name the column or delete it (check for a stray delimiter at the end of the header).",
                )
            )
        elif name not in expected:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name,
                    name,
                    f"unexpected column '{name}'.",
                    f"Expected only the columns {', '.join(expected)}; delete the column or correct its name.",
                )
            )
        seen.add(name)
    optional = {spec["name"] for spec in table.resource["schema"]["fields"] if spec.get("evalkit:optional")}
    for name in expected:
        if name not in seen and name not in optional:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name,
                    None,
                    f"the column '{name}' is missing.",
                    f"Add a column '{name}' to the header row (cells may stay empty where the schema allows it).",
                )
            )
    return problems


def project_rows(table: TableInput) -> list[Problem]:
    """Keep the canonical columns of each row; report rows of the wrong length.

    Sets ``table.columns``, ``table.rows`` and ``table.misaligned_rows`` (the
    spreadsheet rows whose cells are shifted; their cell checks are not
    reported, as they would only describe the shift).
    """
    problems = []
    expected = {spec["name"] for spec in table.resource["schema"]["fields"]}
    header = table.csv.header
    positions = {}
    for position, name in enumerate(header):
        if name in expected and name not in positions:
            positions[name] = position
    table.columns = list(positions)
    width = len(header)
    for number, raw in enumerate(table.csv.rows, start=2):
        if number in table.misaligned_rows:
            pass  # a quote problem, already reported with its line
        elif len(raw) != width and any(cell.strip() for cell in raw):
            table.misaligned_rows.add(number)
            problems.append(
                Problem(
                    table.file,
                    number,
                    None,
                    None,
                    f"the row has {len(raw)} cells but the header has {width} columns.",
                    f"Check the row for a missing or extra '{table.csv.delimiter}' (a text containing "
                    f"'{table.csv.delimiter}' must be in double quotes).",
                )
            )
        table.rows.append([raw[i] if i < len(raw) else "" for i in positions.values()])
    return problems


def check_quotes(table: TableInput) -> list[Problem]:
    """Report quoted cells that are never closed or that swallow lines looking like rows.

    The rows concerned are marked misaligned: their cells are not checked
    one by one, since their content is not what the user meant.
    """
    problems = []
    header = table.csv.header
    for quote in table.csv.quote_problems:
        column = header[quote.column] if quote.column < len(header) and header[quote.column] else None
        fix = (
            f"Add the missing closing double quote at the end of the cell's text on line {quote.start_line} "
            '(a double quote inside a text is written twice: "").'
        )
        if quote.stray_text is not None:
            message = (
                f"the double quote that opens this cell on line {quote.start_line} is closed in the middle of the "
                f"cell, before {quoted(quote.stray_text)}, so the cell is not read as written."
            )
            fix = (
                'Write each double quote inside the text twice (""), or add the missing closing double quote at '
                f"the end of the cell's text on line {quote.start_line}."
            )
        elif quote.at_end_of_file:
            message = (
                f"the double quote that opens this cell on line {quote.start_line} is never closed, so everything "
                f"from there to the end of the file (line {quote.end_line}) is read as one cell."
            )
        else:
            message = (
                f"the double quote that opens this cell on line {quote.start_line} is closed only on line "
                f"{quote.end_line}, so lines that look like rows of their own (from line {quote.swallowed_line}) "
                "are read into this one cell."
            )
        problems.append(
            Problem(
                table.file,
                quote.row,
                column,
                None,
                message,
                fix,
            )
        )
        table.misaligned_rows.add(quote.row)
    return problems


def check_characters(table: TableInput) -> tuple[list[Problem], set[tuple[int, str]]]:
    """Refuse control and bidi characters in any cell; flag text garbled by a wrong encoding.

    Returns
    -------
    problems : list of Problem
    invalid_cells : set of (row, column)
    """
    problems, invalid = [], set()
    for number, row in enumerate(table.rows, start=2):
        if number in table.misaligned_rows:
            continue
        for column, cell in zip(table.columns, row):
            if not cell:
                continue
            bad = content.bad_characters(cell)
            if bad:
                first = bad[0]
                more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
                problems.append(
                    Problem(
                        table.file,
                        number,
                        column,
                        cell,
                        f"the cell contains the invisible character {first.code} {first.name} at position "
                        f"{first.position}{more}.",
                        "Control and text-direction characters cannot be shown in a report; delete them (retype the "
                        "text if you cannot see them).",
                    )
                )
                invalid.add((number, column))
                continue
            garbled = content.mojibake(cell)
            if garbled:
                problems.append(
                    Problem(
                        table.file,
                        number,
                        column,
                        cell,
                        f"the text looks garbled by a wrong character encoding: {quoted(garbled[0])} is how "
                        f"{quoted(garbled[1])} looks when UTF-8 is read as Windows-1252; the cell probably means "
                        f"{quoted(content.repaired_text(cell))}.",
                        "Correct the text (the file was probably opened with the wrong encoding and saved again); "
                        "open UTF-8 files with 'Data' > 'From Text/CSV' and the encoding 65001: Unicode (UTF-8).",
                    )
                )
                invalid.add((number, column))
    return problems, invalid


# ---------------------------------------------------------------------------
# Layer 2: cells, with frictionless
# ---------------------------------------------------------------------------
CONSTRAINT_NOTE = re.compile(r'constraint "(\w+)" is "(.*)"')
#: What a broken constraint means, per constraint (``{value}`` is the quoted cell).
CONSTRAINT_MESSAGES = {
    "enum": "value {value} is not an allowed code.",
    "pattern": "value {value} does not have the expected form.",
    "minimum": "value {value} is below the minimum {limit}.",
    "maximum": "value {value} is above the maximum {limit}.",
}
SAME_ROW_NOTE = re.compile(r"position (\d+)")


@dataclass(frozen=True)
class CellError:
    """The parts of a frictionless error that evalkit uses (cacheable as JSON)."""

    type: str
    row_number: int | None
    field_name: str | None
    cell: str | None
    note: str
    message: str


def frictionless_schema(table: TableInput) -> dict:
    """The canonical Table Schema restricted to the columns the file has, in file order."""
    schema = table.resource["schema"]
    by_name = field_specs(table.resource)
    descriptor = {"fields": [by_name[name] for name in table.columns], "missingValues": [""]}
    # A key with an optional column (assessments' coder) is checked by check_coder_keys, where an empty
    # coder means 'agreed'; without the column the rest of the key applies here.
    key = list(schema.get("primaryKey", []))
    optional = [name for name in key if by_name[name].get("evalkit:optional")]
    if optional and any(name in table.columns for name in optional):
        return descriptor
    key = [name for name in key if name not in optional]
    if key and all(name in table.columns for name in key):
        descriptor["primaryKey"] = key
    return descriptor


def run_frictionless(table: TableInput, schema: dict) -> list[CellError]:
    """Validate the rows of one table with frictionless."""
    from frictionless import Resource, Schema  # imported here: it takes a noticeable time

    resource = Resource(data=[list(table.columns)] + table.rows, schema=Schema.from_descriptor(schema))
    report = resource.validate(limit_errors=MAX_CELL_ERRORS + 1)
    return [
        CellError(
            type=error.type,
            row_number=getattr(error, "row_number", None),
            field_name=getattr(error, "field_name", None),
            cell=None if getattr(error, "cell", None) is None else str(error.cell),
            note=error.note or "",
            message=error.message,
        )
        for error in report.tasks[0].errors
    ]


@lru_cache(maxsize=1)
def frictionless_version() -> str:
    """The installed frictionless version (part of the cache key), without importing it."""
    try:
        from importlib.metadata import version

        return version("frictionless")
    except Exception:  # pragma: no cover - metadata missing
        return "unknown"


def cache_key(table: TableInput, schema: dict) -> str:
    """Hash of everything the frictionless result depends on."""
    payload = json.dumps([CACHE_VERSION, frictionless_version(), schema, table.columns, table.rows], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_payload(key: str, errors: list[CellError]) -> dict:
    """The JSON stored for one cache entry, with a checksum over key and errors."""
    items = [asdict(error) for error in errors]
    return {"format": CACHE_VERSION, "key": key, "errors": items, "checksum": _checksum(key, items)}


def _checksum(key: str, items: list) -> str:
    return hashlib.sha256(json.dumps([key, items], sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def cached_errors(payload: object, key: str, table: TableInput) -> list[CellError] | None:
    """Return the errors of a cache entry if it is intact and fits ``table``; None otherwise.

    An entry is used only if its format, key and checksum match and every
    error points at a row and column the table has, with the value the table
    holds there. The checksum detects damaged, truncated or hand-edited
    entries; the cache lives in the user's own cache folder and is as trusted
    as the study files themselves.
    """
    if not isinstance(payload, dict) or payload.get("format") != CACHE_VERSION or payload.get("key") != key:
        return None
    items = payload.get("errors")
    if not isinstance(items, list) or payload.get("checksum") != _checksum(key, items):
        return None
    try:
        errors = [CellError(**item) for item in items]
    except TypeError:
        return None
    for error in errors:
        if error.row_number is None:
            continue
        if not isinstance(error.row_number, int) or not 2 <= error.row_number <= len(table.rows) + 1:
            return None
        if error.field_name is not None and error.type in ("type-error", "constraint-error"):
            if error.field_name not in table.columns:
                return None
            actual = table.rows[error.row_number - 2][table.columns.index(error.field_name)]
            if error.cell is not None and error.cell != actual:
                return None
    return errors


def prune_cache(folder: Path, keep: int | None = None) -> None:
    """Remove the least recently used validation-cache files beyond ``keep`` (default :data:`CACHE_MAX_FILES`)."""
    keep = CACHE_MAX_FILES if keep is None else keep
    try:
        entries = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
        for stale in entries[keep:]:
            stale.unlink(missing_ok=True)
        for leftover in folder.glob("*.tmp"):
            if leftover.stat().st_mtime < _dt.datetime.now().timestamp() - 3600:
                leftover.unlink(missing_ok=True)
    except OSError:
        pass


def cell_errors(table: TableInput, use_cache: bool = True) -> list[CellError]:
    """Frictionless errors of one table, from the cache when this exact content was checked before.

    The frictionless library needs a few seconds to start in a fresh process,
    which every notebook would pay. Its result depends only on the schema and
    the cell values, so it is cached under ``paths.CACHE_DIR`` (never in the
    study folder), keyed by a hash of both. An entry is verified before use
    (:func:`cached_errors`); at most :data:`CACHE_MAX_FILES` entries are kept.
    A cache that cannot be read or written is ignored.
    """
    schema = frictionless_schema(table)
    if not use_cache:
        return run_frictionless(table, schema)
    key = cache_key(table, schema)
    folder = paths.CACHE_DIR / "validation"
    cache_file = folder / f"{key}.json"
    try:
        errors = cached_errors(json.loads(cache_file.read_text(encoding="utf-8")), key, table)
    except (OSError, ValueError, RecursionError):
        errors = None
    if errors is not None:
        with contextlib.suppress(OSError):
            os.utime(cache_file)  # most recently used: kept longest
        return errors
    errors = run_frictionless(table, schema)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(cache_file, json.dumps(cache_payload(key, errors), ensure_ascii=False))
        prune_cache(folder)
    except OSError:
        pass
    return errors


def translate_error(table: TableInput, error: CellError) -> Problem | None:
    """Turn one frictionless error into a :class:`Problem` (``None`` to drop it)."""
    row = error.row_number
    kind = error.type
    if kind == "blank-row":
        return Problem(table.file, row, None, None, "the row is empty.", "Delete the empty row.")
    if kind == "primary-key":
        return translate_primary_key_error(table, row, error.note)
    if kind not in ("type-error", "constraint-error"):
        return Problem(table.file, row, error.field_name, error.cell, error.message + ".", "Correct the row.")
    spec = field_specs(table.resource)[error.field_name]
    cell = "" if error.cell is None else error.cell
    expected = expectation(table.name, spec)
    if kind == "type-error":
        kind_word = {"number": "a number", "integer": "a whole number"}.get(spec.get("type"), spec.get("type"))
        hint = " (write decimals with a point, or save the file with ';' as delimiter)" if "," in cell else ""
        return Problem(
            table.file,
            row,
            spec["name"],
            cell,
            f"value {quoted(cell)} is not {kind_word}{hint}.",
            f"Expected {expected}; correct the value.",
        )
    match = CONSTRAINT_NOTE.search(error.note)
    constraint, limit = (match.group(1), match.group(2)) if match else ("", "")
    if constraint == "required":
        unknown_hint = (
            " (write 'unknown' if it is not known)" if "unknown" in spec.get("constraints", {}).get("enum", []) else ""
        )
        return Problem(
            table.file,
            row,
            spec["name"],
            cell,
            "the cell is empty but a value is required.",
            f"Expected {expected}; fill in the value{unknown_hint}.",
        )
    template = CONSTRAINT_MESSAGES.get(constraint, "value {value} breaks the constraint {constraint} {limit}.")
    return Problem(
        table.file,
        row,
        spec["name"],
        cell,
        template.format(value=quoted(cell), constraint=constraint, limit=limit) + date_serial_hint(spec["name"], cell),
        f"Expected {expected}; correct the value.",
    )


def translate_primary_key_error(table: TableInput, row: int, note: str) -> Problem | None:
    """Describe a duplicate key; drop the error for rows whose key cells are empty."""
    if "all" in (note or "") and "None" in (note or ""):
        return None  # an empty key: already reported as a required cell or a blank row
    key = [name for name in table.resource["schema"]["primaryKey"] if name in table.columns]
    values = dict(zip(table.columns, table.rows[row - 2]))
    described = ", ".join(f"{name} {quoted(values.get(name, ''))}" for name in key)
    match = SAME_ROW_NOTE.search(note or "")
    first = f" as row {match.group(1)}" if match else " as an earlier row"
    columns = " and ".join(key)
    return Problem(
        table.file,
        row,
        key[0] if len(key) == 1 else None,
        "|".join(values.get(name, "") for name in key),
        f"duplicate key: {described} is the same{first}.",
        f"Each row must have its own {columns}"
        + (" combination" if len(key) > 1 else "")
        + "; delete the duplicate row or correct it.",
    )


def check_cells(table: TableInput, use_cache: bool = True) -> tuple[list[Problem], set[tuple[int, str]]]:
    """Run the frictionless checks on one table.

    At most :data:`MAX_CELL_ERRORS` problems are listed; a table with more
    gets one problem saying so and is then left out of the consistency checks
    (``table.capped``), whose messages would only repeat the same cause.

    Returns
    -------
    problems : list of Problem
    invalid_cells : set of (row, column)
        Cells that failed a check; the consistency checks ignore them.
    """
    problems, invalid = [], set()
    errors = cell_errors(table, use_cache)
    if len(errors) > MAX_CELL_ERRORS:
        table.capped = True
        errors = errors[:MAX_CELL_ERRORS]
        problems.append(
            Problem(
                table.file,
                None,
                None,
                None,
                f"the table has more than {MAX_CELL_ERRORS} problems in its cells; only the first "
                f"{MAX_CELL_ERRORS} are listed, and the checks across tables skip this table.",
                "Fix the listed problems (one cause, such as a wrong delimiter or shifted columns, often explains "
                "many) and validate again.",
            )
        )
    for error in errors:
        problem = translate_error(table, error)
        if problem is None:
            continue
        if error.type in ("type-error", "constraint-error") and problem.column:
            invalid.add((problem.row, problem.column))
        if problem.row not in table.misaligned_rows:
            problems.append(problem)
    return problems, invalid


# ---------------------------------------------------------------------------
# Layer 3: consistency across tables
# ---------------------------------------------------------------------------
Record = dict  # one data row: column -> str | float | None, plus "_row" (spreadsheet row number)


@dataclass
class Checked:
    """Valid cell values of the readable tables, for the consistency checks.

    ``records[name]`` is a list of dicts, one per data row, with ``_row`` the
    spreadsheet row. Empty and invalid cells are ``None``; number and integer
    cells are floats. ``columns[name]`` holds the canonical columns the file
    has and ``files[name]`` its path relative to the study folder.
    ``incomplete`` names the tables with a quote problem: some of their rows
    are not read as written (or were swallowed into one cell), so ids missing
    from them are not reported one by one.
    """

    records: dict[str, list[Record]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)
    incomplete: set[str] = field(default_factory=set)

    def has(self, name: str, *columns: str) -> bool:
        """Whether table ``name`` was read and has every one of ``columns``."""
        return name in self.records and all(column in self.columns[name] for column in columns)

    def rows(self, name: str) -> list[Record]:
        """The records of a table (empty if it could not be read)."""
        return self.records.get(name, [])

    def ids(self, name: str, column: str) -> set[str]:
        """The distinct non-empty values of one column."""
        return {record[column] for record in self.rows(name) if record.get(column) is not None}


def checked_records(table: TableInput, invalid: set[tuple[int, str]]) -> list[Record]:
    """Build the records of one table: empty and invalid cells become ``None``."""
    numeric = set(numeric_columns(table.resource))
    records = []
    for number, row in enumerate(table.rows, start=2):
        record: Record = {"_row": number}
        for column, cell in zip(table.columns, row):
            value: object = cell if cell != "" and (number, column) not in invalid else None
            if value is not None and column in numeric:
                try:
                    value = float(value)
                except ValueError:
                    value = None
            record[column] = value
        records.append(record)
    return records


def problem_at(
    checked: Checked, table: str, record: Record | None, column: str | None, value: object, message: str, fix: str
) -> Problem:
    """Build a problem located at ``record`` of ``table``."""
    row = record["_row"] if record is not None else None
    shown = None if value is None else (number_text(value) if isinstance(value, float) else str(value))
    return Problem(checked.files[table], row, column, shown, message, fix)


@dataclass(frozen=True)
class Reference:
    """One foreign key of the canonical schema: ``table.column`` names a row of ``target.target_column``.

    Attributes
    ----------
    table, column : str
        The referring resource and column.
    target, target_column : str
        The referred-to resource and its key column.
    what : str
        What the id is, as messages name it (``"municipality id"``, ``"indicator"``).
    """

    table: str
    column: str
    target: str
    target_column: str
    what: str


def reference_noun(target: str, target_column: str) -> str:
    """How a message names an id of ``target``: ``municipality id``, or for a codebook table ``indicator``."""
    words = target_column.replace("_", " ")
    if target.startswith(CODEBOOK_PREFIX) and words.endswith(" id"):
        words = words[: -len(" id")]
    return words


@lru_cache(maxsize=1)
def references() -> tuple[Reference, ...]:
    """The foreign keys declared in the canonical schema (``foreignKeys``), in schema order.

    Only single-column keys are declared; the check
    (:func:`evalkit.study.validate.consistency.check_references`) reports
    every referring cell whose id the target table lacks.
    """
    found = []
    for resource in canonical_resources():
        for key in resource["schema"].get("foreignKeys", []):
            (column,) = key["fields"]
            target = key["reference"]["resource"]
            (target_column,) = key["reference"]["fields"]
            found.append(
                Reference(resource["name"], column, target, target_column, reference_noun(target, target_column))
            )
    return tuple(found)


def check_references(checked: Checked) -> Iterator[Problem]:
    """Every id that refers to another table must exist there.

    When the referred-to table has no rows at all, one problem says so
    (with the number of references) instead of one per referring cell.
    """
    unresolved: dict[str, dict[str, int]] = {}
    for table, column, target, target_column, what in (
        (r.table, r.column, r.target, r.target_column, r.what) for r in references()
    ):
        if not (checked.has(table, column) and checked.has(target, target_column)) or target in checked.incomplete:
            continue
        if not checked.rows(target):
            uses = sum(1 for record in checked.rows(table) if record.get(column) is not None)
            if uses:
                counts = unresolved.setdefault(target, {})
                counts[checked.files[table]] = counts.get(checked.files[table], 0) + uses
            continue
        known = checked.ids(target, target_column)
        target_file = checked.files[target]
        in_codebook = target.startswith(CODEBOOK_PREFIX)
        for record in checked.rows(table):
            value = record.get(column)
            if value is None or value in known:
                continue
            if in_codebook:
                fix = (
                    f"Expected {with_article(target_column)} from {target_file}; add the {what} to the "
                    "codebook or correct the value."
                )
            else:
                fix = f"Expected {with_article(target_column)} from {target_file}; add it there or correct the value."
            yield problem_at(checked, table, record, column, value, f"unknown {what} {quoted(value)}.", fix)
    for target, counts in unresolved.items():
        total = sum(counts.values())
        where = ", ".join(f"{count} in {file}" for file, count in counts.items())
        yield Problem(
            checked.files[target],
            None,
            None,
            None,
            f"the table has no rows (only the header), but {total} cell{'s' if total != 1 else ''} in other files "
            f"refer to its ids ({where}).",
            f"Fill in the rows of {checked.files[target]}, or check whether they were deleted by mistake.",
        )


def check_case_duplicates(checked: Checked) -> Iterator[Problem]:
    """Keys that differ only in upper and lower case are duplicates (``I05`` and ``i05``)."""
    for resource in canonical_resources():
        name, key = resource["name"], resource["schema"].get("primaryKey")
        if not key or not checked.has(name, *key):
            continue
        seen: dict[tuple, Record] = {}
        for record in checked.rows(name):
            values = tuple(record.get(column) for column in key)
            if any(value is None for value in values):
                continue
            folded = tuple(str(value).casefold() for value in values)
            first = seen.setdefault(folded, record)
            if first is record or tuple(first.get(column) for column in key) == values:
                continue  # the first of its kind, or an exact duplicate (reported by the cell checks)
            described = ", ".join(f"{column} {quoted(value)}" for column, value in zip(key, values))
            earlier = "|".join(str(first.get(column)) for column in key)
            yield problem_at(
                checked,
                name,
                record,
                key[0] if len(key) == 1 else None,
                "|".join(str(value) for value in values),
                f"duplicate key: {described} differs from row {first['_row']} ({quoted(earlier)}) only in upper "
                "and lower case.",
                f"Ids are compared without regard to case, so each row needs its own {' and '.join(key)}; correct "
                "the id or delete the duplicate row.",
            )


def split_ids(text: str | None) -> list[str]:
    """Split a '|'-separated list of ids (spaces around ids are ignored)."""
    if text is None:
        return []
    return [part.strip() for part in text.split("|") if part.strip()]


def municipalities_by_coordinator(checked: Checked) -> dict[str, list[str]]:
    """Return the municipality ids each coordinator serves, in file order."""
    served: dict[str, list[str]] = {}
    for record in checked.rows("coordinator_municipalities"):
        coordinator, municipality = record.get("coordinator_id"), record.get("municipality_id")
        if coordinator is not None and municipality is not None:
            served.setdefault(coordinator, []).append(municipality)
    return served


def coordinators_by_municipality(checked: Checked) -> dict[str, list[str]]:
    """Return the coordinator ids serving each municipality, in file order."""
    serving: dict[str, list[str]] = {}
    for coordinator, municipalities in municipalities_by_coordinator(checked).items():
        for municipality in municipalities:
            serving.setdefault(municipality, []).append(coordinator)
    return serving


def expected_model(coordinators: list[str], served: dict[str, list[str]]) -> str:
    """The model implied by the coordinators serving one municipality."""
    shared = any(len(served.get(coordinator, [])) > 1 for coordinator in coordinators)
    return "shared_coordinator" if shared else "own_coordinator"


def check_municipality_models(checked: Checked) -> Iterator[Problem]:
    """Each municipality's model and functioning must match its coordinators."""
    if not (
        checked.has("municipalities", "municipality_id", "model")
        and checked.has("coordinator_municipalities", "coordinator_id", "municipality_id")
    ):
        return
    served = municipalities_by_coordinator(checked)
    serving = coordinators_by_municipality(checked)
    link_file = checked.files["coordinator_municipalities"]
    for record in checked.rows("municipalities"):
        municipality, model = record.get("municipality_id"), record.get("model")
        if municipality is None or model is None:
            continue
        coordinators = serving.get(municipality, [])
        if model in NO_COORDINATOR_MODELS and coordinators:
            yield problem_at(
                checked,
                "municipalities",
                record,
                "model",
                model,
                f"municipality {quoted(municipality)} has the model {quoted(model)} but is served by "
                f"coordinator {joined(coordinators)} in {link_file}.",
                "A municipality with model team or none has no coordinator; change the model "
                f"or remove its rows from {link_file}.",
            )
        elif model in MUNICIPAL_COORDINATOR_MODELS and not coordinators:
            yield problem_at(
                checked,
                "municipalities",
                record,
                "model",
                model,
                f"municipality {quoted(municipality)} has the model {quoted(model)} but no coordinator "
                f"serves it in {link_file}.",
                f"Add its coordinator to {link_file}, or change the model to team or none.",
            )
        elif model in MUNICIPAL_COORDINATOR_MODELS and model != expected_model(coordinators, served):
            wanted = expected_model(coordinators, served)
            if wanted == "shared_coordinator":
                sharing = next(c for c in coordinators if len(served.get(c, [])) > 1)
                reason = (
                    f"its coordinator {sharing} serves {len(served[sharing])} municipalities "
                    f"({joined(served[sharing])})"
                )
                rule = "a coordinator who also serves other municipalities means shared_coordinator"
            else:
                reason = f"its coordinator {joined(coordinators)} serves only this municipality"
                rule = "a coordinator who serves one municipality only means own_coordinator"
            yield problem_at(
                checked,
                "municipalities",
                record,
                "model",
                model,
                f"municipality {quoted(municipality)} has the model {quoted(model)} but {reason}.",
                f"Expected {wanted} ({rule}); correct the model or {link_file}.",
            )
        functioning = record.get("coordinator_functioning")
        if functioning is None:
            continue
        if model in NO_COORDINATOR_MODELS and functioning != "not_applicable":
            yield problem_at(
                checked,
                "municipalities",
                record,
                "coordinator_functioning",
                functioning,
                f"municipality {quoted(municipality)} has no coordinator (model {quoted(model)}) but the "
                f"coordinator function is judged {quoted(functioning)}.",
                "Expected not_applicable for a municipality with model team or none; correct the value.",
            )
        elif model in MUNICIPAL_COORDINATOR_MODELS and functioning == "not_applicable":
            yield problem_at(
                checked,
                "municipalities",
                record,
                "coordinator_functioning",
                functioning,
                f"municipality {quoted(municipality)} has a coordinator (model {quoted(model)}) but the "
                "coordinator function is marked not_applicable.",
                "Expected well, poorly or unknown for a municipality with a coordinator; correct the value.",
            )


def check_survey_municipalities(checked: Checked) -> Iterator[Problem]:
    """Survey Q1 must list known municipalities, the same ones as the link table."""
    if not checked.has("survey_responses", "coordinator_id", "q1_municipalities"):
        return
    known = (
        checked.ids("municipalities", "municipality_id")
        if checked.has("municipalities", "municipality_id") and checked.rows("municipalities")
        else None  # a municipalities table without rows is reported once by check_references
    )
    served = (
        municipalities_by_coordinator(checked)
        if checked.has("coordinator_municipalities", "coordinator_id", "municipality_id")
        else None
    )
    link_file = checked.files["coordinator_municipalities"]
    for record in checked.rows("survey_responses"):
        listed = split_ids(record.get("q1_municipalities"))
        unknown = [m for m in listed if known is not None and m not in known]
        for municipality in unknown:
            yield problem_at(
                checked,
                "survey_responses",
                record,
                "q1_municipalities",
                record["q1_municipalities"],
                f"unknown municipality id {quoted(municipality)}.",
                f"Expected municipality ids from {checked.files['municipalities']} separated by '|'; correct the list.",
            )
        coordinator = record.get("coordinator_id")
        if unknown or served is None or coordinator is None or coordinator not in served:
            continue
        if set(listed) != set(served[coordinator]):
            yield problem_at(
                checked,
                "survey_responses",
                record,
                "q1_municipalities",
                record.get("q1_municipalities"),
                f"the municipalities do not match {link_file}, where coordinator {coordinator} serves "
                f"{joined(served[coordinator])}.",
                f"List exactly the municipalities the coordinator serves, separated by '|', or correct {link_file}.",
            )


def check_shares_of_post(checked: Checked) -> Iterator[Problem]:
    """A coordinator's shares add up to 1-100 percent and match survey Q2."""
    if not checked.has("coordinator_municipalities", "coordinator_id", "municipality_id", "share_of_post_pct"):
        return
    links: dict[str, list[Record]] = {}
    for record in checked.rows("coordinator_municipalities"):
        if record.get("coordinator_id") is not None:
            links.setdefault(record["coordinator_id"], []).append(record)
    totals = {}
    for coordinator, records in links.items():
        shares = [record.get("share_of_post_pct") for record in records]
        if any(share is None for share in shares):
            continue
        totals[coordinator] = sum(shares)
        if totals[coordinator] > 100 + SUM_TOLERANCE:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                records[0],
                "share_of_post_pct",
                records[0]["share_of_post_pct"],
                f"the shares of coordinator {coordinator} add up to {number_text(totals[coordinator])} percent, "
                "more than one full-time post.",
                "Expected a total of 1 to 100 percent over the coordinator's municipalities; correct the shares.",
            )
    if not checked.has("survey_responses", "coordinator_id", "q2_share_of_post_pct"):
        return
    link_file = checked.files["coordinator_municipalities"]
    for record in checked.rows("survey_responses"):
        coordinator, answer = record.get("coordinator_id"), record.get("q2_share_of_post_pct")
        if answer is None or coordinator not in totals:
            continue
        if abs(totals[coordinator] - answer) > SUM_TOLERANCE:
            parts = " + ".join(
                f"{link['municipality_id']} {number_text(link['share_of_post_pct'])}" for link in links[coordinator]
            )
            yield problem_at(
                checked,
                "survey_responses",
                record,
                "q2_share_of_post_pct",
                answer,
                f"value {quoted(number_text(answer))} differs from the total {number_text(totals[coordinator])} "
                f"of share_of_post_pct for coordinator {coordinator} in {link_file} ({parts}).",
                f"Expected the survey share to equal the sum of the shares per municipality; correct Q2 or {link_file}.",
            )


def check_time_split(checked: Checked) -> Iterator[Problem]:
    """Survey Q3: the four parts of the post add up to 100 percent when all are given."""
    if not checked.has("survey_responses", *Q3_PARTS):
        return
    for record in checked.rows("survey_responses"):
        parts = [record.get(column) for column in Q3_PARTS]
        if any(part is None for part in parts):
            given = [part for part in parts if part is not None]
            if given and sum(given) > 100 + SUM_TOLERANCE:
                shown = " + ".join("(empty)" if part is None else number_text(part) for part in parts)
                yield problem_at(
                    checked,
                    "survey_responses",
                    record,
                    None,
                    None,
                    f"the known parts of the time split in Q3 already add up to {number_text(sum(given))} percent "
                    f"({shown}), more than 100.",
                    "Expected q3_strategic_pct, q3_individual_pct, q3_direct_client_pct and q3_other_pct to add up "
                    "to at most 100 even when some are not known; correct them.",
                )
            continue
        total = sum(parts)
        if abs(total - 100) > SUM_TOLERANCE:
            shown = " + ".join(number_text(part) for part in parts)
            yield problem_at(
                checked,
                "survey_responses",
                record,
                None,
                None,
                f"the time split in Q3 adds up to {number_text(total)} percent ({shown}), not 100.",
                "Expected q3_strategic_pct, q3_individual_pct, q3_direct_client_pct and q3_other_pct to add up "
                "to 100; correct them, or leave the parts that are not known empty.",
            )


def latest_allowed_year(checked: Checked) -> tuple[int, str]:
    """The last year a start date may have, and why."""
    years = [record["year"] for record in checked.rows("case_statistics") if record.get("year") is not None]
    if years:
        latest = int(max(years))
        return latest + 1, f"the year after the latest case statistics ({latest})"
    return LAST_YEAR, "the last year the format accepts"


def parse_partial_date(text: str) -> _dt.date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``None`` if not a real date."""
    parts = [int(part) for part in text.split("-")]
    parts += [1] * (3 - len(parts))
    try:
        return _dt.date(*parts)
    except ValueError:
        return None


def check_start_dates(checked: Checked) -> Iterator[Problem]:
    """Start dates are real dates within the years the study can cover."""
    if not checked.has("coordinator_municipalities", "start_date"):
        return
    last_year, why = latest_allowed_year(checked)
    for record in checked.rows("coordinator_municipalities"):
        text = record.get("start_date")
        if text is None:
            continue
        date = parse_partial_date(text)
        if date is None:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                record,
                "start_date",
                text,
                f"value {quoted(text)} is not a real date.",
                "Expected a date written YYYY, YYYY-MM or YYYY-MM-DD with a month from 01 to 12 and a day that "
                "exists in that month; correct the date.",
            )
        elif date.year < FIRST_YEAR:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                record,
                "start_date",
                text,
                f"value {quoted(text)} is before {FIRST_YEAR}.",
                f"Expected a start date from {FIRST_YEAR} to {last_year}; correct the date.",
            )
        elif date.year > last_year:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                record,
                "start_date",
                text,
                f"value {quoted(text)} lies after {last_year}, {why}.",
                f"Expected a start date from {FIRST_YEAR} to {last_year}; correct the date.",
            )


def population_members(checked: Checked) -> dict[str, tuple[str, set[str] | None, set[str] | None]]:
    """For each population: (subject table, all ids of that table, member ids).

    Id sets are ``None`` when the table needed to decide them is unusable, or
    has no rows at all (reported once by :func:`check_references`).
    """
    municipalities = (
        checked.rows("municipalities")
        if checked.has("municipalities", "municipality_id", "model") and checked.rows("municipalities")
        else None
    )

    def municipality_ids(models: tuple[str, ...] | None) -> set[str] | None:
        if municipalities is None:
            return None
        return {
            r["municipality_id"]
            for r in municipalities
            if r.get("municipality_id") is not None and (models is None or r.get("model") in models)
        }

    coordinators = (
        checked.ids("coordinators", "coordinator_id")
        if checked.has("coordinators", "coordinator_id") and checked.rows("coordinators")
        else None
    )
    interviews = (
        checked.rows("interviews")
        if checked.has("interviews", "interview_id", "respondent_group") and checked.rows("interviews")
        else None
    )
    interview_ids = {r["interview_id"] for r in interviews if r.get("interview_id")} if interviews is not None else None
    partner_ids = (
        {
            r["interview_id"]
            for r in interviews
            if r.get("interview_id") and r.get("respondent_group") == "external_partner"
        }
        if interviews is not None
        else None
    )
    all_municipalities = municipality_ids(None)
    return {
        "all_municipalities": ("municipalities", all_municipalities, all_municipalities),
        "municipalities_with_coordinator": (
            "municipalities",
            all_municipalities,
            municipality_ids(MUNICIPAL_COORDINATOR_MODELS),
        ),
        "team_municipalities": ("municipalities", all_municipalities, municipality_ids(("team",))),
        "coordinators": ("coordinators", coordinators, coordinators),
        "external_partner_interviews": ("interviews", interview_ids, partner_ids),
    }


POPULATION_RULES = {
    "all_municipalities": "every municipality",
    "municipalities_with_coordinator": "municipalities with model own_coordinator or shared_coordinator",
    "team_municipalities": "municipalities with model team",
    "coordinators": "every coordinator",
    "external_partner_interviews": "interviews with respondent_group external_partner",
}
SUBJECT_COLUMNS = {"municipalities": "municipality_id", "coordinators": "coordinator_id", "interviews": "interview_id"}


def check_assessments(checked: Checked) -> Iterator[Problem]:
    """Assessment subjects belong to the indicator's population.

    A member of the population without a row is not a problem: the assessments are filled as the fieldwork
    goes on, and readiness (:mod:`evalkit.study.readiness`) says which are still missing.
    """
    if not (
        checked.has("assessments", "indicator_id", "subject_id")
        and checked.has("codebook_indicators", "indicator_id", "population")
    ):
        return
    populations = {
        r["indicator_id"]: r.get("population")
        for r in checked.rows("codebook_indicators")
        if r.get("indicator_id") is not None
    }
    members_of = population_members(checked)
    for record in checked.rows("assessments"):
        indicator, subject = record.get("indicator_id"), record.get("subject_id")
        population = populations.get(indicator)
        if subject is None or population not in members_of:
            continue
        table, known, members = members_of[population]
        if known is None or members is None:
            continue
        subject_file = checked.files[table]
        if subject not in known:
            yield problem_at(
                checked,
                "assessments",
                record,
                "subject_id",
                subject,
                f"unknown subject {quoted(subject)}: indicator {indicator} is assessed for {POPULATION_RULES[population]} "
                f"(population {population}).",
                f"Expected {with_article(SUBJECT_COLUMNS[table])} from {subject_file}; correct the subject_id.",
            )
        elif subject not in members:
            yield problem_at(
                checked,
                "assessments",
                record,
                "subject_id",
                subject,
                f"{quoted(subject)} is not in the population of indicator {indicator}, which is assessed for "
                f"{POPULATION_RULES[population]} (population {population}).",
                "Delete the row, or correct the subject_id or the indicator's population.",
            )


def coded_columns() -> list[tuple[str, str]]:
    """The (resource, column) pairs whose values must be codebook vocabulary codes."""
    pairs = []
    for resource in canonical_resources():
        is_codebook = resource.get("evalkit:codebook", False)
        for spec in resource["schema"]["fields"]:
            enumerated = "enum" in spec.get("constraints", {})
            if not is_codebook and (enumerated or spec["name"] in FREE_CODE_COLUMNS):
                pairs.append((resource["name"], spec["name"]))
            elif resource["name"] == "codebook_indicators" and spec["name"] == "population":
                pairs.append((resource["name"], spec["name"]))
    return pairs


def check_vocabulary_codes(checked: Checked) -> Iterator[Problem]:
    """Every code used in a coded column has a row in codebook/vocabularies.csv."""
    if not checked.has("codebook_vocabularies", "vocabulary", "code") or "codebook_vocabularies" in checked.incomplete:
        return
    defined = {
        (r["vocabulary"], r["code"])
        for r in checked.rows("codebook_vocabularies")
        if r.get("vocabulary") is not None and r.get("code") is not None
    }
    vocab_file = checked.files["codebook_vocabularies"]
    for table, column in coded_columns():
        if not checked.has(table, column):
            continue
        uses: dict[str, list[Record]] = {}
        for record in checked.rows(table):
            code = record.get(column)
            if code is not None and (column, code) not in defined:
                uses.setdefault(code, []).append(record)
        for code, records in uses.items():
            others = [str(r["_row"]) for r in records[1:]]
            also = f" (also used in row{'s' if len(others) > 1 else ''} {listed_rows(others)})" if others else ""
            yield problem_at(
                checked,
                table,
                records[0],
                column,
                code,
                f"code {quoted(code)} has no row in {vocab_file} for the vocabulary '{column}'{also}.",
                f"Add a row with vocabulary {column}, code {code} and its Swedish and English labels to "
                f"{vocab_file}, or correct the code.",
            )


def check_survey_question_columns(checked: Checked) -> Iterator[Problem]:
    """The survey question codebook names real survey_responses columns."""
    if not checked.has("codebook_survey_questions", "columns"):
        return
    survey = next(r for r in canonical_resources() if r["name"] == "survey_responses")
    known = set(field_specs(survey))
    for record in checked.rows("codebook_survey_questions"):
        for column in split_ids(record.get("columns")):
            if column not in known:
                yield problem_at(
                    checked,
                    "codebook_survey_questions",
                    record,
                    "columns",
                    record["columns"],
                    f"{quoted(column)} is not a column of survey_responses.csv.",
                    "Expected column names of survey_responses.csv separated by '|'; correct the name.",
                )


def check_provenance(checked: Checked) -> Iterator[Problem]:
    """Reconstructed rows state their assumption and name real columns."""
    for resource in canonical_resources():
        name = resource["name"]
        if resource.get("evalkit:codebook") or not checked.has(name, "basis"):
            continue
        columns = set(field_specs(resource))
        for record in checked.rows(name):
            if (
                record.get("basis") == "reconstructed"
                and "assumption" in checked.columns[name]
                and record.get("assumption") is None
            ):
                yield problem_at(
                    checked,
                    name,
                    record,
                    "assumption",
                    None,
                    "the row's basis is reconstructed but no assumption is given.",
                    "Write the assumption that fixes the reconstructed values, in plain words.",
                )
            for column in split_ids(record.get("reconstructed_fields")):
                if column not in columns:
                    yield problem_at(
                        checked,
                        name,
                        record,
                        "reconstructed_fields",
                        record["reconstructed_fields"],
                        f"{quoted(column)} is not a column of {checked.files[name]}.",
                        "Expected column names of this table separated by '|' (or an empty cell, meaning every "
                        "value column); correct the name.",
                    )


def _any_known(values: list[object], predicate: Callable[[object], bool]) -> bool | None:
    """Whether ``predicate`` holds for any value; ``None`` if a value is missing or unknown."""
    if any(value is None or value == "unknown" for value in values):
        return None
    return any(predicate(value) for value in values)


def _combined_with_casework(coordinators: list[Record], served: dict[str, list[str]]) -> bool | None:
    """A serving coordinator combines the post with casework."""
    return _any_known([c.get("combined_with") for c in coordinators], lambda v: v == "casework")


def _shared_post(coordinators: list[Record], served: dict[str, list[str]]) -> bool | None:
    """A serving coordinator serves more than one municipality."""
    return any(len(served.get(c["coordinator_id"], [])) > 1 for c in coordinators)


def _purely_strategic_role(coordinators: list[Record], served: dict[str, list[str]]) -> bool | None:
    """A serving coordinator has a strategic role."""
    return _any_known([c.get("role") for c in coordinators], lambda v: v == "strategic")


# condition_id -> (the rule in words, predicate over the municipality's coordinators)
STRUCTURAL_CONDITIONS: dict[str, tuple[str, Callable[[list[Record], dict[str, list[str]]], bool | None]]] = {
    "combined_with_casework": (
        "its coordinator combines the post with casework (coordinators.csv, combined_with)",
        _combined_with_casework,
    ),
    "shared_post": ("its coordinator serves more than one municipality (coordinator_municipalities.csv)", _shared_post),
    "purely_strategic_role": ("its coordinator has a strategic role (coordinators.csv, role)", _purely_strategic_role),
}


def check_structural_conditions(checked: Checked) -> Iterator[Problem]:
    """Conditions that follow from the organisation must agree with it."""
    if not (
        checked.has("conditions", "municipality_id", "condition_id", "value")
        and checked.has("codebook_conditions", "condition_id")
        and checked.has("coordinators", "coordinator_id")
        and checked.has("coordinator_municipalities", "coordinator_id", "municipality_id")
    ):
        return
    in_codebook = checked.ids("codebook_conditions", "condition_id")
    coordinators = {r["coordinator_id"]: r for r in checked.rows("coordinators") if r.get("coordinator_id")}
    served = municipalities_by_coordinator(checked)
    serving = coordinators_by_municipality(checked)
    for record in checked.rows("conditions"):
        condition, value = record.get("condition_id"), record.get("value")
        if condition not in STRUCTURAL_CONDITIONS or condition not in in_codebook or value is None:
            continue
        ids = serving.get(record.get("municipality_id"), [])
        if not ids or any(i not in coordinators for i in ids):
            continue
        rule, predicate = STRUCTURAL_CONDITIONS[condition]
        holds = predicate([coordinators[i] for i in ids], served)
        if holds is None or holds == (value == "yes"):
            continue
        if holds:
            message = f"condition {condition} is {quoted(value)} but {rule} for coordinator {joined(ids)}."
            fix = "Expected yes, as the condition follows from the organisation; correct the value or the structure."
        else:
            message = (
                f"condition {condition} is 'yes' but it is not the case that {rule} for coordinator {joined(ids)}."
            )
            fix = "Expected no, as the condition follows from the organisation; correct the value or the structure."
        yield problem_at(checked, "conditions", record, "value", value, message, fix)


INTERVIEW_LINKS = {
    "municipal_manager": ("municipality_id", "the municipality the manager works in"),
    "municipal_staff": ("municipality_id", "the municipality the respondent works in"),
    "coordinator": ("coordinator_id", "the coordinator interviewed"),
    "external_partner": ("organisation", "the kind of organisation, e.g. police or women's shelter (no names)"),
}


def check_interview_links(checked: Checked) -> Iterator[Problem]:
    """Each interview names whom it is about, as its respondent group requires."""
    if not checked.has("interviews", "respondent_group"):
        return
    for record in checked.rows("interviews"):
        group = record.get("respondent_group")
        if group not in INTERVIEW_LINKS:
            continue
        column, what = INTERVIEW_LINKS[group]
        if column in checked.columns["interviews"] and record.get(column) is None:
            yield problem_at(
                checked,
                "interviews",
                record,
                column,
                "",
                f"a {group} interview needs a {column}, but the cell is empty.",
                f"Fill in {what}.",
            )


AGREED = "agreed"


def check_coder_keys(checked: Checked) -> Iterator[Problem]:
    """With a coder column: one row per indicator, subject and coder (an empty coder is 'agreed')."""
    if not checked.has("assessments", "indicator_id", "subject_id", "coder"):
        return
    first: dict[tuple, int] = {}
    for record in checked.rows("assessments"):
        indicator, subject = record.get("indicator_id"), record.get("subject_id")
        if indicator is None or subject is None:
            continue
        coder = record.get("coder") or AGREED
        key = (indicator, subject, coder)
        if key in first:
            yield problem_at(
                checked,
                "assessments",
                record,
                "coder",
                record.get("coder") or "",
                f"duplicate key: indicator_id {quoted(indicator)}, subject_id {quoted(subject)} and coder "
                f"{quoted(coder)} are the same as row {first[key]}"
                + (" (an empty coder means 'agreed')." if not record.get("coder") else "."),
                "Each coder has one row per indicator and subject; delete the duplicate row or correct it.",
            )
        else:
            first[key] = record["_row"]


CONSISTENCY_CHECKS = (
    check_case_duplicates,
    check_coder_keys,
    check_references,
    check_municipality_models,
    check_survey_municipalities,
    check_shares_of_post,
    check_time_split,
    check_start_dates,
    check_assessments,
    check_vocabulary_codes,
    check_survey_question_columns,
    check_provenance,
    check_structural_conditions,
    check_interview_links,
)


# ---------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------
def sort_problems(problems: Iterable[Problem], labels: dict[str, str] | None = None) -> list[Problem]:
    """Order problems by file (descriptor order), row, column (schema order), message.

    ``labels`` maps how a table is named in problems (a workbook sheet) to its
    canonical path, so sheets sort like the files they stand for.
    """
    labels = labels or {}
    files = file_order()
    columns = {}
    for resource in canonical_resources():
        for position, spec in enumerate(resource["schema"]["fields"]):
            columns[(resource["path"], spec["name"])] = position

    def key(problem: Problem):
        canonical = labels.get(problem.file, problem.file)
        return (
            files.get(canonical, len(files)),
            problem.file,
            -1 if problem.row is None else problem.row,
            -1 if problem.column is None else columns.get((canonical, problem.column), 10_000),
            problem.column or "",
            problem.value or "",
            problem.message,
        )

    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=key)


def inspect_study(study_dir: Path | str, use_cache: bool = True) -> StudyInspection:
    """Read a study folder once and check everything.

    Parameters
    ----------
    study_dir : path-like
        The study folder.
    use_cache : bool, optional
        Reuse cell-check results for table contents checked before (see
        :func:`cell_errors`). The result is the same either way.

    Returns
    -------
    StudyInspection
        The descriptor, every readable table and every problem. Nothing in
        the folder is written.
    """
    study_dir = Path(study_dir)
    if not study_dir.is_dir():
        problem = Problem(
            str(study_dir),
            None,
            None,
            None,
            "the study folder does not exist.",
            "Give the path of a study folder (one holding datapackage.json), or create one with 'evalkit new'.",
        )
        return StudyInspection(study_dir, {}, {}, [problem])
    descriptor, problems = read_descriptor(study_dir)
    problems += check_study_settings(descriptor)
    files, file_problems = resolve_table_files(descriptor, descriptor_ok=not problems)
    if descriptor:
        problems += [
            Problem(DESCRIPTOR_FILE, None, None, value, message, fix)
            for message, fix, value in study_kind.descriptor_problems(descriptor)
        ]
    problems += file_problems
    sheets = listed_sheets(descriptor)
    books: dict[str, object] = {}
    notes: list[Problem] = []

    def read_table(resource: dict) -> tuple[TableInput | None, list[Problem]]:
        name, file = resource["name"], files[resource["name"]]
        linked = linked_path_problem(study_dir, file)
        if linked is not None:
            return None, [linked]
        if workbook.is_workbook_path(file):
            sheet = sheets.get(name, name)
            raw, read_problems = read_sheet_table(study_dir, resource, file, sheet, books)
            if raw is None:
                return None, read_problems
            raw = workbook.normalise_decimal_commas(raw, numeric_columns(resource))
            return TableInput(resource, sheet_label(file, sheet), raw), read_problems
        raw, read_problems = read_table_file(study_dir, resource, file)
        if raw is None:
            return None, read_problems
        return TableInput(resource, file, csvio.normalise_decimal_commas(raw, numeric_columns(resource))), read_problems

    # The vocabularies are read first: their labels say how to read the coded columns of every table.
    vocabulary_resource = next(r for r in canonical_resources() if r["name"] == "codebook_vocabularies")
    read_first = {vocabulary_resource["name"]: read_table(vocabulary_resource)}
    lookup = codes.vocabulary_lookup(vocabulary_rows(read_first[vocabulary_resource["name"]][0]))
    tables: dict[str, TableInput] = {}
    checked = Checked()
    for resource in canonical_resources():
        name = resource["name"]
        table, read_problems = read_first[name] if name in read_first else read_table(resource)
        checked.files[name] = table.file if table is not None else files[name]
        problems += read_problems
        if table is None:
            continue
        sheet_problems, sheet_notes = sheet_findings(table)
        problems += sheet_problems
        notes += sheet_notes
        problems += check_header(table)
        problems += check_quotes(table)
        problems += project_rows(table)
        notes += read_labels_as_codes(table, lookup)
        cell_problems, invalid = check_cells(table, use_cache)
        problems += cell_problems
        character_problems, unreadable = check_characters(table)
        problems += character_problems
        tables[name] = table
        if table.capped:
            continue
        checked.records[name] = checked_records(table, invalid | unreadable)
        checked.columns[name] = set(table.columns)
        if table.csv.quote_problems:
            checked.incomplete.add(name)
    for check in CONSISTENCY_CHECKS:
        problems.extend(check(checked))
    notes += coders.agreed_unknown_notes(checked)
    descriptor, information_problems = study_information.apply(study_dir, descriptor, books)
    problems += information_problems
    problems += [
        Problem(file, line, None, None, message, fix)
        for file, line, message, fix in study_commentary.commentary_problems(study_dir)
    ]
    labels = {table.file: table.resource["path"] for table in tables.values()}
    return StudyInspection(
        study_dir,
        descriptor,
        tables,
        with_column_letters(sort_problems(problems, labels), tables),
        with_column_letters(sort_problems(notes, labels), tables),
    )


def personal_data(inspection: StudyInspection) -> list:
    """Personal data in the free-text cells of a study (see :mod:`evalkit.privacy`).

    Returns
    -------
    list of evalkit.privacy.PersonalData
        Every hit, located by file, row and column, shown masked; in file order.
    """
    from evalkit import privacy

    found = privacy.scan_descriptor(inspection.descriptor)
    for table in inspection.tables.values():
        found += privacy.scan_rows(table.file, table.columns, table.rows, privacy.free_text_columns(table.resource))
    return found


def validate_study(study_dir: Path | str, use_cache: bool = True) -> list[Problem]:
    """Check a study folder and return every problem (an empty list if it is valid).

    Parameters
    ----------
    study_dir : path-like
        The study folder.
    use_cache : bool, optional
        Reuse cell-check results for unchanged table contents (default).

    Returns
    -------
    list of Problem
        In a stable order: by file (descriptor first, then the tables in the
        order of the study format), row, then column.
    """
    return inspect_study(study_dir, use_cache).problems


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit validate``."""
    parser.add_argument(
        "study",
        metavar="STUDY",
        nargs="?",
        default=str(paths.DEFAULT_STUDY_DIR),
        help=f"study folder (default: {paths.DEFAULT_STUDY_DIR})",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output as readable lines (text, default) or as JSON",
    )
    parser.add_argument(
        "--allow-personal-data",
        action="store_true",
        help="list personal data found in free text as a note instead of failing (as evalkit run --allow-personal-data)",
    )


def cli_validate(args: argparse.Namespace) -> int:
    """Validate a study and print the result; return 1 if there are problems."""
    from evalkit.study.completeness import completeness

    study_dir = Path(getattr(args, "study", None) or paths.DEFAULT_STUDY_DIR)
    inspection = inspect_study(study_dir)
    problems = inspection.problems
    personal = personal_data(inspection)
    allowed = bool(getattr(args, "allow_personal_data", False))
    table_count = len(inspection.tables)
    row_count = sum(len(table.rows) for table in inspection.tables.values())
    checks = completeness(study_dir, inspection) if not problems else None
    if checks is not None:
        problems = checks.problems
    if getattr(args, "format", "text") == "json":
        print(
            safe_json(
                json.dumps(
                    {
                        "study": str(study_dir),
                        "valid": not problems,
                        "tables": table_count,
                        "rows": row_count,
                        "problems": [problem.to_dict() for problem in problems],
                        "notes": [note.to_dict() for note in inspection.notes],
                        **(checks.to_dict() if checks is not None else {}),
                        "personal_data": [{**asdict(hit), "text": hit.render()} for hit in personal],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        )
        return 1 if problems or (personal and not allowed) else 0
    if inspection.notes:
        print(f"Read with {note_count_phrase(len(inspection.notes))} (not problems; check they are what you meant):")
        for note in inspection.notes:
            print(safe_text("  note: " + note.render(), keep_newlines=False))
    for problem in problems:
        print(problem.render())
    for hit in personal:
        print(safe_text(f"personal data: {hit.render()}", keep_newlines=False))
    if personal:
        verdict = "allowed by --allow-personal-data" if allowed else "evalkit run refuses the study"
        print(
            f"{len(personal)} cell{'s' if len(personal) != 1 else ''} with personal data ({verdict}). Outputs "
            "name roles, never people: remove names, personal identity numbers, e-mail addresses and phone "
            "numbers from the free text."
        )
    if problems:
        print(safe_text(f"{problem_count_phrase(len(problems))} found in {study_dir}; the study is not valid."))
    elif personal and not allowed:
        print(safe_text(f"{study_dir} is a valid study but holds personal data."))
    else:
        print(safe_text(f"OK: {study_dir} is a valid study ({table_count} tables, {row_count} rows)"))
    if checks is not None:
        print()
        print(safe_text(checks.render(str(study_dir))))
    return 1 if problems or (personal and not allowed) else 0

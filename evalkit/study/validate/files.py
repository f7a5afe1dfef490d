"""Layer 1 of validation: the study descriptor, the table files and what is in them as text.

The descriptor ``datapackage.json`` exists, parses and lists every required
table; each table file exists, is UTF-8 (see :mod:`evalkit.study.csvio`) and
is a CSV file; its header has exactly the expected columns; each row has as
many cells as the header; quoted cells are closed; no cell holds a control
character or text garbled by a wrong encoding. Tables stored as sheets of a
workbook are read by :mod:`evalkit.study.validate.sheets`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from evalkit.study import codes, content, csvio, limits
from evalkit.study.coders import THRESHOLD_KEY, threshold_problem
from evalkit.study.validate.problems import Problem, quoted
from evalkit.study.validate.schema import (
    DESCRIPTOR_FILE,
    canonical_resources,
    coded_columns,
    field_specs,
    short_name,
)


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
                code="missing-descriptor",
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
                code="bad-encoding",
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
                code="bad-json",
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
                code="bad-json",
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
                code="bad-descriptor",
            )
        ]
    return descriptor, []


def check_study_settings(descriptor: dict) -> list[Problem]:
    """Check the study's own settings in the descriptor (today: the coders' agreement threshold)."""
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
            code="bad-setting",
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
                            code="hidden-file",
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
                        code="bad-path",
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
                    code="missing-resource",
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
                code="linked-file",
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
                code="missing-file",
            )
        ]
    try:
        table = csvio.read_csv(path)
    except limits.TooLarge as error:
        return None, [Problem(file, None, None, None, str(error), error.fix, code="too-large")]
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
                code="bad-encoding",
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
                code="not-csv",
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
                code="unreadable-file",
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
                code="empty-file",
            )
        ]
    return table, []


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
        Problem(
            table.file, reading.rows[0], reading.column, reading.text, reading.message(), "", code="label-read-as-code"
        )
        for reading in readings
    ]


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
                    code="duplicate-column",
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
                    code="unnamed-column",
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
                    code="unexpected-column",
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
                    code="missing-column",
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
                    code="row-length",
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
        code = "swallowed-rows"
        if quote.stray_text is not None:
            code = "stray-quote"
            message = (
                f"the double quote that opens this cell on line {quote.start_line} is closed in the middle of the "
                f"cell, before {quoted(quote.stray_text)}, so the cell is not read as written."
            )
            fix = (
                'Write each double quote inside the text twice (""), or add the missing closing double quote at '
                f"the end of the cell's text on line {quote.start_line}."
            )
        elif quote.at_end_of_file:
            code = "unclosed-quote"
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
                code=code,
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
                        code="invisible-character",
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
                        code="garbled-text",
                    )
                )
                invalid.add((number, column))
    return problems, invalid

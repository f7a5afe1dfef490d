"""Validation put together: read a study folder once and run the three layers over it.

:func:`inspect_study` reads the descriptor and every table (layer 1,
:mod:`~evalkit.study.validate.files` and :mod:`~evalkit.study.validate.sheets`),
checks every cell (layer 2, :mod:`~evalkit.study.validate.cells`), then checks
across tables (layer 3, :mod:`~evalkit.study.validate.consistency`), and
returns every problem in a stable order together with the tables as read,
which :func:`evalkit.study.load_study` types without reading again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from evalkit.study import coders, codes, csvio, workbook
from evalkit.study import commentary as study_commentary
from evalkit.study import information as study_information
from evalkit.study import interpretation as study_interpretation
from evalkit.study import kind as study_kind
from evalkit.study import metadata as study_metadata
from evalkit.study.validate.cells import check_cells
from evalkit.study.validate.consistency import CONSISTENCY_CHECKS
from evalkit.study.validate.files import (
    TableInput,
    check_characters,
    check_header,
    check_quotes,
    check_study_settings,
    linked_path_problem,
    project_rows,
    read_descriptor,
    read_labels_as_codes,
    read_table_file,
    resolve_table_files,
    vocabulary_rows,
)
from evalkit.study.validate.problems import Problem
from evalkit.study.validate.records import Checked, Record
from evalkit.study.validate.schema import DESCRIPTOR_FILE, canonical_resources, file_order, numeric_columns
from evalkit.study.validate.sheets import (
    listed_sheets,
    read_sheet_table,
    sheet_findings,
    sheet_label,
    with_column_letters,
)


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
            code="missing-study",
        )
        return StudyInspection(study_dir, {}, {}, [problem])
    descriptor, problems = read_descriptor(study_dir)
    problems += check_study_settings(descriptor)
    files, file_problems = resolve_table_files(descriptor, descriptor_ok=not problems)
    if descriptor:
        problems += [
            Problem(DESCRIPTOR_FILE, None, None, value, message, fix, code="study-kind")
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
        Problem(DESCRIPTOR_FILE, None, None, value, message, fix, code="study-information")
        for message, fix, value in study_metadata.descriptor_problems(descriptor)
    ]
    problems += [
        Problem(file, line, None, None, message, fix, code="commentary")
        for file, line, message, fix in study_commentary.commentary_problems(study_dir)
    ]
    problems += [
        Problem(file, line, None, None, message, fix, code="interpretation")
        for file, line, message, fix in study_interpretation.interpretation_problems(
            study_dir, *study_interpretation.codebook_ids(checked)
        )
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

    found = privacy.scan_descriptor(inspection.descriptor) + study_metadata.personal_data(inspection.descriptor)
    found += study_interpretation.personal_data(inspection.path)
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

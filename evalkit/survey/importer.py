"""``evalkit survey import EXPORT.csv|xlsx --study DIR [--mapping MAP.csv]``: a web-survey export into ``survey_responses``.

A web-survey tool (Microsoft Forms, Google Forms, Netigate, esMaker …)
exports one row per respondent and one column per question, headed by the
question's text. The import:

1. **finds the column of each item**: a header that names an item
   (:func:`evalkit.survey.items.header_columns`: the form's texts in Swedish
   or English, or the column id) needs no mapping; ``MAP.csv`` maps other
   headers (columns ``export_column, column``) and, in rows with ``column``,
   ``answer`` and ``code``, answers worded otherwise to codes, municipality
   ids or numbers;
2. **reads every answer**: the coordinator id (a coordinator of the study),
   municipalities (names or ids, separated by commas, semicolons or "och"),
   percentages (``50``, ``50 %``, ``12,5``), a choice (its code or its
   Swedish or English label) and free text (line breaks become spaces);
3. **lists** every export column it does not import (a timestamp, an
   e-mail address or a name never enters the study) and every answer it
   cannot read, with row and column. If any answer cannot be read, nothing
   is written;
4. **guards** what it is about to write as ``evalkit run`` would
   (:mod:`evalkit.study.importguard`): personal data and text that begins
   like a formula are refused unless ``--allow-personal-data``, invisible
   control and text-direction characters always, each named with the
   export's row and column;
5. **appends** one row per respondent to ``survey_responses`` (CSV file or
   workbook sheet, numbers as numbers; :mod:`evalkit.study.append`) with basis
   ``observed`` and the export as source. A coordinator who already has a row
   keeps it: the import never changes a row.

The study need not be complete: the import checks only the tables it uses
(:data:`evalkit.study.partial.SURVEY_IMPORT`) and then says what state the
rest of the study is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from evalkit.study import codes as code_labels
from evalkit.study import csvio, importguard, limits, workbook
from evalkit.study.append import AppendError, StudyWriter
from evalkit.survey.items import ID_COLUMN, header_columns, header_key, item_definitions, text_of

MAPPING_COLUMNS = ("export_column", "column", "answer", "code")
SEPARATORS = re.compile(r"\s*(?:[,;|/\n]|\boch\b|\band\b|&)\s*", re.IGNORECASE)
PERCENT_WORDS = re.compile(r"\s*(?:%|procent|percent|pct)\s*$", re.IGNORECASE)
NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")
SHOWN = 60


class SurveyImportError(ValueError):
    """The import cannot go ahead; the message lists every reason."""


@dataclass
class Export:
    """The export as text cells: header and rows (row 2 = the first respondent, as a spreadsheet counts)."""

    path: Path
    header: list[str]
    rows: list[list[str]]


@dataclass
class SurveyMapping:
    """Export header -> column, and answers worded otherwise -> their codes."""

    columns: dict[int, str] = field(default_factory=dict)  # export column position -> survey_responses column
    answers: dict[tuple[str, str], str] = field(default_factory=dict)  # (column, folded answer) -> text
    problems: list[str] = field(default_factory=list)


@dataclass
class SurveyImportResult:
    """What an import wrote and found."""

    added: list[str]
    kept: list[str]
    unmapped: list[str]
    notes: list[str]
    state: list[str] = field(default_factory=list)


def shown(text: str) -> str:
    """A header or answer for a message: one line, at most 60 characters."""
    one_line = " ".join(str(text).split())
    return one_line if len(one_line) <= SHOWN else one_line[: SHOWN - 1] + "…"


def read_export(path: Path) -> Export:
    """Read a CSV (comma or semicolon, UTF-8) or the first visible sheet of an .xlsx workbook.

    Raises
    ------
    SurveyImportError
        If the file cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        raise SurveyImportError(f"{path} does not exist or is not a file.")
    if workbook.is_workbook_path(path.name):
        try:
            book = workbook.load_workbook(path)
        except workbook.WorkbookError as error:
            raise SurveyImportError(f"{error} {getattr(error, 'fix', '')}".strip()) from None
        visible = [name for name in book.sheet_names if book.values[name].sheet_state == "visible"]
        table = workbook.read_sheet(book, (visible or book.sheet_names)[0])
        return Export(path, list(table.header), [list(row) for row in table.rows])
    try:
        limits.check_csv_file(path)
        data = path.read_bytes()
        csvio.detect_foreign_format(path, data)
        text, _ = csvio.decode_utf8(path, data)
        records = export_records(path, text)
    except limits.TooLarge as error:
        raise SurveyImportError(f"{error} {error.fix}") from None
    except (csvio.CsvEncodingError, csvio.CsvFormatError, csvio.CsvStructureError, OSError, ValueError) as error:
        raise SurveyImportError(
            f"{path.name} cannot be read as a CSV file ({error}). Export the survey as CSV (UTF-8) or as an Excel "
            "workbook (.xlsx)."
        ) from None
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        raise SurveyImportError(f"{path.name} is empty; export the survey's answers again.")
    header = [cell.strip() for cell in records[0]]
    width = len(header)
    return Export(path, header, [list(row) + [""] * (width - len(row)) for row in records[1:]])


def export_records(path: Path, text: str) -> list[list[str]]:
    """The records of the export, split by ``;`` or ``,``: whichever gives every row the header's width.

    Question texts often hold commas, and a semicolon-separated export does
    not quote them, so counting the separators of the header is not enough.
    """
    best, best_score = [], (-1.0, 0)
    for delimiter in (";", ","):
        records, _ = csvio.read_records(path, text, delimiter)
        rows = [record for record in records[1:] if any(cell.strip() for cell in record)]
        width = len(records[0]) if records else 0
        consistent = sum(1 for record in rows if len(record) == width) / len(rows) if rows else 1.0
        score = (consistent if width > 1 else -1.0, width)
        if score > best_score:
            best, best_score = records, score
    return best


def read_mapping(path: Path | None, export: Export, codebook) -> SurveyMapping:
    """The columns of the export to import, from the form's texts and ``MAP.csv``; every problem is collected."""
    mapping = SurveyMapping()
    known = header_columns(codebook)
    columns = set(item_definitions())
    for position, header in enumerate(export.header):
        column = known.get(header_key(header))
        if column:
            mapping.columns[position] = column
    if path is None:
        return check_columns(mapping, export)
    try:
        table = csvio.read_csv(Path(path))
    except (OSError, ValueError) as error:
        mapping.problems.append(f"{Path(path).name} cannot be read ({error}).")
        return mapping
    name = Path(path).name
    if "column" not in table.header or not ({"export_column", "answer"} & set(table.header)):
        mapping.problems.append(f"{name}: the header must have the columns {', '.join(MAPPING_COLUMNS)}.")
        return mapping
    positions = {header_key(header): position for position, header in enumerate(export.header)}
    for number, raw in enumerate(table.rows, start=2):
        row = {column: (raw[i].strip() if i < len(raw) else "") for i, column in enumerate(table.header)}
        where = f"{name}, row {number}"
        column, header, answer = row.get("column", ""), row.get("export_column", ""), row.get("answer", "")
        if not column and not header and not answer:
            continue
        if column not in columns:
            mapping.problems.append(
                f"{where}, column column: {shown(column)!r} is not a column of survey_responses "
                f"({', '.join(sorted(columns))})."
            )
            continue
        if answer:
            mapping.answers[(column, code_labels.fold(answer))] = row.get("code", "")
            continue
        position = positions.get(header_key(header))
        if position is None:
            mapping.problems.append(f"{where}, column export_column: the export has no column {shown(header)!r}.")
            continue
        mapping.columns[position] = column
    return check_columns(mapping, export)


def check_columns(mapping: SurveyMapping, export: Export) -> SurveyMapping:
    """Each column of ``survey_responses`` comes from one export column at most, and the id from one."""
    by_column: dict[str, list[int]] = {}
    for position, column in mapping.columns.items():
        by_column.setdefault(column, []).append(position)
    for column, positions in by_column.items():
        if len(positions) > 1:
            headers = ", ".join(repr(shown(export.header[p])) for p in positions)
            mapping.problems.append(
                f"the export columns {headers} all map to {column}; keep one (map the others to nothing by leaving "
                "them out of the mapping, or rename them)."
            )
    if ID_COLUMN not in by_column:
        mapping.problems.append(
            "no export column holds the coordinator id; add a question for it to the survey (the form's first "
            "question), or map the export's column to coordinator_id in the mapping."
        )
    return mapping


@dataclass
class Reader:
    """Reads one answer of one kind, against the study's ids and vocabularies."""

    municipalities: dict[str, str]  # folded id or name -> id
    coordinators: dict[str, str]  # folded id -> id
    vocabularies: dict[str, dict[str, set[str]]]
    allowed: dict[str, list[str]]
    limits: dict[str, tuple[float | None, float | None]]
    answers: dict[tuple[str, str], str]

    def municipality(self, text: str) -> str | None:
        """The municipality an answer names: its id or name, also written "X kommun", "X kommuns" or "Xs kommun"."""
        for candidate in municipality_names(text):
            found = self.municipalities.get(code_labels.fold(candidate))
            if found:
                return found
        return None

    def read(self, column: str, kind: str, text: str) -> tuple[str, str | None]:
        """The cell to write and, when the answer cannot be read, why."""
        text = " ".join(text.split())
        if not text:
            return "", None
        mapped = self.answers.get((column, code_labels.fold(text)))
        if mapped is not None:
            text = mapped
        if kind == "id":
            found = self.coordinators.get(code_labels.fold(text))
            return (found, None) if found else ("", "is not a coordinator id of the study (coordinators)")
        if kind == "municipalities":
            ids, unknown = [], []
            for part in SEPARATORS.split(text):
                if part:
                    part = self.answers.get((column, code_labels.fold(part)), part)
                    found = self.municipality(part)
                    (ids if found else unknown).append(found or part)
            if unknown:
                return "", f"names no municipality of the study: {', '.join(repr(shown(u)) for u in unknown)}"
            return "|".join(dict.fromkeys(ids)), None
        if kind == "percent":
            number = PERCENT_WORDS.sub("", text).replace(" ", "")
            if not NUMBER.match(number):
                return "", "is not a number"
            value = float(number.replace(",", "."))
            low, high = self.limits.get(column, (None, None))
            if (low is not None and value < low) or (high is not None and value > high):
                return "", f"is outside {low if low is not None else '-∞'}–{high if high is not None else '∞'}"
            return (str(int(value)) if value.is_integer() else repr(value)), None
        if kind == "choice":
            code = code_labels.code_for(text, self.allowed.get(column, []), self.vocabularies.get(column, {}))
            return (code, None) if code else ("", "is not one of the choices (a code or its Swedish or English label)")
        return text, None


MUNICIPALITY_WORDS = re.compile(r"\s+(?:kommuns?|stads?|municipality)$", re.IGNORECASE)


def municipality_names(text: str) -> list[str]:
    """How a respondent may write a municipality's name: as it is, without "kommun"/"kommuns"/"stad", without a genitive s.

    Examples
    --------
    >>> municipality_names("Fjärdholm kommun")
    ['Fjärdholm kommun', 'Fjärdholm']
    >>> municipality_names("Köpings kommun")
    ['Köpings kommun', 'Köpings', 'Köping']
    """
    text = " ".join(text.split())
    names = [text]
    stripped = MUNICIPALITY_WORDS.sub("", text)
    if stripped != text and stripped:
        names.append(stripped)
        if stripped.endswith("s") and len(stripped) > 2:
            names.append(stripped[:-1])
    return names


def reader_for(study, mapping: SurveyMapping) -> Reader:
    """A :class:`Reader` for the study's municipalities, coordinators, vocabularies and column limits."""
    from evalkit.study.codes import vocabulary_lookup
    from evalkit.study.model import resource_schema

    municipalities = {}
    for row in study.tables["municipalities"].itertuples():
        municipalities[code_labels.fold(row.municipality_id)] = row.municipality_id
        name = text_of(getattr(row, "name", ""))
        if name:
            municipalities.setdefault(code_labels.fold(name), row.municipality_id)
    coordinators = {code_labels.fold(c): c for c in study.tables["coordinators"]["coordinator_id"]}
    rows = study.codebook["vocabularies"].astype(object)
    vocabularies = vocabulary_lookup(rows.where(rows.notna(), None).to_dict("records"))
    fields = {spec["name"]: spec for spec in resource_schema("survey_responses")["fields"]}
    allowed = {name: spec.get("constraints", {}).get("enum", []) for name, spec in fields.items()}
    limits = {
        name: (spec.get("constraints", {}).get("minimum"), spec.get("constraints", {}).get("maximum"))
        for name, spec in fields.items()
    }
    return Reader(municipalities, coordinators, vocabularies, allowed, limits, mapping.answers)


def responses(
    study, export: Export, mapping: SurveyMapping, label: str
) -> tuple[list[dict], list[str], list[tuple[str, list[importguard.Cell]]]]:
    """One row per respondent, every answer that cannot be read, and each respondent's cells to guard.

    Returns
    -------
    rows : list of dict
    problems : list of str
        Every answer that cannot be read (row, column, header, answer, why).
    cells : list of (str, list of importguard.Cell)
        Coordinator id -> the text cells of that respondent's row, located in the export.
    """
    from evalkit import privacy
    from evalkit.study.model import resource_schema

    resource = {"name": "survey_responses", "schema": resource_schema("survey_responses")}
    free_text = set(privacy.free_text_columns(resource))
    cells: list[tuple[str, list[importguard.Cell]]] = []

    reader = reader_for(study, mapping)
    kinds = {column: spec["kind"] for column, spec in item_definitions().items()}
    required = {
        spec["name"]
        for spec in resource_schema("survey_responses")["fields"]
        if spec.get("constraints", {}).get("required") and spec["name"] in kinds
    }
    rows, problems, seen = [], [], {}
    name = export.path.name
    for number, raw in enumerate(export.rows, start=2):
        if not any(cell.strip() for position, cell in enumerate(raw) if position in mapping.columns):
            continue  # an empty line of the export
        record, row_problems, row_cells = {}, [], []
        for position, column in mapping.columns.items():
            answer = raw[position] if position < len(raw) else ""
            value, why = reader.read(column, kinds.get(column, "text"), answer)
            where = (
                f"{name}, row {number}, column {workbook.column_letter(position)} ({shown(export.header[position])!r})"
            )
            if why:
                row_problems.append(f"{where}: {shown(answer)!r} {why}.")
            elif not value and column in required:
                row_problems.append(f"{where}: no answer, but {column} needs one.")
            elif value:
                row_cells.append(importguard.Cell(where, value, column in free_text))
            record[column] = value
        problems += row_problems
        if row_problems:
            continue
        coordinator = record[ID_COLUMN]
        if coordinator in seen:
            problems.append(
                f"{name}, row {number}: coordinator {coordinator} answered again (also row {seen[coordinator]}); "
                "keep one answer per coordinator in the export."
            )
            continue
        seen[coordinator] = number
        rows.append(record | {"basis": "observed", "source": label})
        cells.append((coordinator, row_cells))
    return rows, problems, cells


def import_survey(
    export_path: Path, study_dir: Path, mapping_path: Path | None = None, allow_personal_data: bool = False
) -> SurveyImportResult:
    """Import a web-survey export into the study's ``survey_responses`` (see the module docstring).

    Parameters
    ----------
    export_path, study_dir : pathlib.Path
    mapping_path : pathlib.Path, optional
    allow_personal_data : bool
        Write personal data and formula-like text all the same (the latter as plain text).

    Raises
    ------
    SurveyImportError
        If a table the import uses has problems, the export or the mapping
        cannot be read, an answer cannot be read, an answer holds what the
        guard refuses, or the study cannot be written (nothing is written then).
    """
    from evalkit.study.partial import SURVEY_IMPORT, NeedsError, load_for, study_state

    study_dir = Path(study_dir)
    export = read_export(export_path)
    try:
        basis = load_for(study_dir, SURVEY_IMPORT, "evalkit survey import")
    except NeedsError as error:
        raise SurveyImportError(str(error)) from None
    study = basis.study
    mapping = read_mapping(mapping_path, export, study.codebook)
    if mapping.problems:
        raise SurveyImportError("The columns cannot be matched (nothing was written):\n" + "\n".join(mapping.problems))
    label = f"{export.path.name} (evalkit survey import)"
    rows, problems, cells = responses(study, export, mapping, label)
    unmapped = [
        shown(header) or f"column {workbook.column_letter(p)}"
        for p, header in enumerate(export.header)
        if p not in mapping.columns
    ]
    if problems:
        listed = "\n".join(problems)
        raise SurveyImportError(
            f"{len(problems)} answer{'s' if len(problems) != 1 else ''} cannot be read (nothing was written):\n{listed}\n"
            "Correct the export, or map such answers in the mapping (a row with column, answer and code)."
        )
    existing = set(study.tables["survey_responses"]["coordinator_id"])
    new = [row for row in rows if row[ID_COLUMN] not in existing]
    kept = [row[ID_COLUMN] for row in rows if row[ID_COLUMN] in existing]
    written = {row[ID_COLUMN] for row in new}
    guarded = [cell for coordinator, row_cells in cells if coordinator in written for cell in row_cells]
    verdict = importguard.check(guarded, allow_personal_data)
    if verdict.refused:
        raise SurveyImportError(verdict.message(f"The export {export.path.name}"))
    writer = StudyWriter(study_dir, basis.inspection)
    writer.append("survey_responses", new)
    try:
        writer.commit()
    except AppendError as error:
        raise SurveyImportError(str(error)) from None
    notes = [f"written as allowed by --allow-personal-data: {hit.render()}" for hit in verdict.allowed]
    if kept:
        notes.append(
            f"{', '.join(kept)} already had answers in survey_responses; those rows were kept unchanged (the import "
            "never changes a row)."
        )
    return SurveyImportResult([row[ID_COLUMN] for row in new], kept, unmapped, notes, study_state(study_dir))


def mapping_template(export: Export, codebook) -> list[list[str]]:
    """Rows of a mapping to fill in: every export column with the column it was matched to (or empty)."""
    known = header_columns(codebook)
    rows = [list(MAPPING_COLUMNS)]
    for header in export.header:
        rows.append([header, known.get(header_key(header), ""), "", ""])
    return rows

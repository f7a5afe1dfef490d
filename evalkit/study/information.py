"""What a study is called and who publishes it: the study information.

A report's title page needs the study's title in each language, the
publisher, the year and, when the publisher uses them, a subtitle, a date, a
series number, a diary number and an ISBN. They live in the study descriptor
``datapackage.json`` under these keys (:data:`FIELDS`); this module reads and
checks each value, :mod:`evalkit.study.metadata` reads the title page of an
edition from them and checks the values against each other:

===================  ==========================  ==========================================
descriptor key        sheet key                   meaning
===================  ==========================  ==========================================
``title``             ``title``                   the study's title (Swedish edition)
``evalkit:title_en``  ``title_en``                the title of the English edition (default: ``title``)
``evalkit:county``    ``county``                  the county (``Norrlandia län``)
``evalkit:year``      ``year``                    the year of publication (an integer)
``evalkit:publisher`` ``publisher``               who publishes the report
``evalkit:series``    ``series``                  series and number, optional (``Rapport 2026:4``)
``evalkit:diary_number`` ``diary_number``         the publisher's diary number, optional
``evalkit:isbn``      ``isbn``                    ISBN, optional (checked: ISBN-10 or ISBN-13)
``evalkit:language``  ``language``                the study's language, ``sv`` or ``en``: its workbook's and its free text's
``evalkit:subtitle_sv`` ``subtitle``              the subtitle of the Swedish edition, optional
``evalkit:subtitle_en`` ``subtitle_en``           the subtitle of the English edition, optional
``evalkit:date``      ``date``                    the date of publication, optional (``YYYY-MM-DD`` or ``YYYY-MM``)
===================  ==========================  ==========================================

A study kept in a workbook has them on a sheet as well, so that nobody needs
to open ``datapackage.json``: ``evalkit new --excel`` writes a sheet
``studieinformation`` (``study_information`` in an English workbook) with
one row per key (columns ``key``, ``value`` and an explanation) and names it
in the descriptor as ``"evalkit:information": {"path": "<workbook>.xlsx",
"sheet": "studieinformation"}``. A value filled in on the sheet takes the
place of the descriptor's; an empty cell leaves the descriptor's value.
:func:`apply` does this when the study is read and checks every value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from evalkit.study.metadata import FIRST_YEAR, LAST_YEAR, date_problem, edition_title, isbn_valid

INFORMATION_KEY = "evalkit:information"
LANGUAGES = ("sv", "en")
SHEET_NAMES = {"sv": "studieinformation", "en": "study_information"}


@dataclass(frozen=True)
class Field:
    """One piece of study information."""

    key: str  # as written on the sheet
    descriptor_key: str
    sv: str
    en: str
    kind: str = "text"  # text, year, isbn, language, date


FIELDS = (
    Field("title", "title", "Studiens titel (svenska)", "The study's title (Swedish edition)"),
    Field("title_en", "evalkit:title_en", "Titel på engelska", "The study's title (English edition)"),
    Field("county", "evalkit:county", "Län", "County"),
    Field("year", "evalkit:year", "Utgivningsår", "Year of publication", "year"),
    Field("publisher", "evalkit:publisher", "Utgivare", "Publisher"),
    Field("series", "evalkit:series", "Serie och nummer (valfritt)", "Series and number (optional)"),
    Field("diary_number", "evalkit:diary_number", "Diarienummer (valfritt)", "Diary number (optional)"),
    Field("isbn", "evalkit:isbn", "ISBN (valfritt)", "ISBN (optional)", "isbn"),
    Field(
        "language",
        "evalkit:language",
        "Arbetsbokens språk: sv eller en",
        "The workbook's language: sv or en",
        "language",
    ),
    Field("subtitle", "evalkit:subtitle_sv", "Undertitel (svenska, valfri)", "Subtitle, Swedish edition (optional)"),
    Field(
        "subtitle_en", "evalkit:subtitle_en", "Undertitel på engelska (valfri)", "Subtitle, English edition (optional)"
    ),
    Field(
        "date",
        "evalkit:date",
        "Utgivningsdatum ÅÅÅÅ-MM-DD (valfritt)",
        "Date of publication YYYY-MM-DD (optional)",
        "date",
    ),
)
BY_KEY = {field.key: field for field in FIELDS}


def value_problem(field: Field, value: object) -> tuple[str, str] | None:
    """Why ``value`` cannot be this piece of information (message, fix), or ``None``."""
    if field.kind == "year":
        number = value
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
            number = int(value)
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, bool) or not isinstance(number, int) or not FIRST_YEAR <= number <= LAST_YEAR:
            return (
                f"{field.key} is {value!r}, not a year from {FIRST_YEAR} to {LAST_YEAR}.",
                "Write the year of publication as four digits, e.g. 2026.",
            )
        return None
    if not isinstance(value, str):
        return f"{field.key} is {value!r}; it must be a text.", f"Write the {field.en.lower()} as text."
    if field.kind == "date" and date_problem(value) is not None:
        return (
            f"date is {value!r}, which {date_problem(value)}.",
            "Write the date of publication as YYYY-MM-DD (or YYYY-MM), e.g. 2026-03-15, or leave it empty.",
        )
    if field.kind == "language" and value not in LANGUAGES:
        return f"language is {value!r}, not sv or en.", "Write sv or en."
    if field.kind == "isbn" and value.strip() and not isbn_valid(value):
        return (
            f"isbn {value!r} is not a valid ISBN (its check digit does not fit, or it has not 10 or 13 digits).",
            "Copy the ISBN from the publisher's allocation, e.g. 978-91-7281-799-9, or leave it empty.",
        )
    return None


def typed(field: Field, value: object) -> object:
    """The value as the descriptor stores it (a year as an integer, text stripped)."""
    if field.kind == "year" and not value_problem(field, value):
        return int(float(value)) if isinstance(value, (str, float)) else value
    return value.strip() if isinstance(value, str) else value


def descriptor_problems(descriptor: dict) -> list[tuple[str, str, str]]:
    """Problems with the study information keys of a descriptor: (message, fix, value)."""
    problems = []
    for field in FIELDS:
        if field.descriptor_key == "title" or field.descriptor_key not in descriptor:
            continue
        value = descriptor[field.descriptor_key]
        problem = value_problem(field, value)
        if problem:
            problems.append((f"'{field.descriptor_key}': {problem[0]}", problem[1], str(value)))
    information = descriptor.get(INFORMATION_KEY)
    if information is not None and not (
        isinstance(information, dict)
        and isinstance(information.get("path"), str)
        and isinstance(information.get("sheet"), str)
    ):
        problems.append(
            (
                f"'{INFORMATION_KEY}' must name the workbook and sheet of the study information.",
                f'Write "{INFORMATION_KEY}": {{"path": "<workbook>.xlsx", "sheet": "studieinformation"}}, or remove it.',
                str(information),
            )
        )
    return problems


@dataclass(frozen=True)
class SheetProblem:
    """A problem on the information sheet: its row (as Excel numbers it), message and fix."""

    row: int | None
    message: str
    fix: str


def read_sheet(book, sheet: str) -> tuple[dict[str, object], list[SheetProblem]]:
    """The values on an information sheet (``key`` in column A, ``value`` in column B), with their problems."""
    values, problems = {}, []
    worksheet = book.values[sheet]
    for number, row in enumerate(worksheet.iter_rows(min_row=2, max_col=2, values_only=True), start=2):
        key, value = (row + (None, None))[:2]
        if key is None and value is None:
            continue
        key = str(key or "").strip()
        if key not in BY_KEY:
            problems.append(
                SheetProblem(
                    number,
                    f"column A holds {key!r}, which is not a key of the study information.",
                    f"Keep the keys evalkit wrote ({', '.join(BY_KEY)}); write only in column B.",
                )
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        problem = value_problem(BY_KEY[key], value)
        if problem:
            problems.append(SheetProblem(number, *problem))
            continue
        values[key] = typed(BY_KEY[key], value)
    return values, problems


def apply(study_dir: Path, descriptor: dict, books: dict) -> tuple[dict, list]:
    """The descriptor with the information sheet's values in place, and every problem with the information.

    Parameters
    ----------
    study_dir : pathlib.Path
    descriptor : dict
        The study's descriptor as read.
    books : dict
        Workbooks already opened while reading the study (path -> LoadedWorkbook or error), reused here.

    Returns
    -------
    descriptor : dict
        A copy with the sheet's non-empty values under the descriptor keys.
    problems : list of evalkit.study.validate.Problem
    """
    from evalkit.study import workbook
    from evalkit.study.validate.problems import Problem
    from evalkit.study.validate.schema import DESCRIPTOR_FILE
    from evalkit.study.validate.sheets import sheet_label

    if not descriptor:
        return descriptor, []
    problems = [
        Problem(DESCRIPTOR_FILE, None, None, value, message, fix, code="study-information")
        for message, fix, value in descriptor_problems(descriptor)
    ]
    information = descriptor.get(INFORMATION_KEY)
    if problems or not isinstance(information, dict):
        return descriptor, problems
    file, sheet = information["path"], information["sheet"]
    book = books.get(file)
    if book is None and (Path(study_dir) / file).is_file() and workbook.is_workbook_path(file):
        try:
            book = books[file] = workbook.load_workbook(Path(study_dir) / file)
        except workbook.WorkbookError as error:
            book = books[file] = error
    if book is None or isinstance(book, Exception) or sheet not in book.sheet_names:
        if not isinstance(book, Exception):  # a broken workbook is reported with its tables
            problems.append(
                Problem(
                    DESCRIPTOR_FILE,
                    None,
                    None,
                    f"{file}, {sheet}",
                    f"'{INFORMATION_KEY}' names the sheet {sheet} of {file}, which the study folder does not hold.",
                    f"Correct '{INFORMATION_KEY}' or remove it (the study information is then read from {DESCRIPTOR_FILE}).",
                    code="study-information",
                )
            )
        return descriptor, problems
    values, sheet_problems = read_sheet(book, sheet)
    label = sheet_label(file, sheet)
    problems += [
        Problem(label, p.row, "value", None, p.message, p.fix, code="study-information") for p in sheet_problems
    ]
    merged = dict(descriptor)
    for key, value in values.items():
        merged[BY_KEY[key].descriptor_key] = value
    return merged, problems


def information_rows(descriptor: dict, language: str) -> list[list[object]]:
    """The rows of an information sheet for ``descriptor`` (header first), in the workbook's language."""
    header = ["key", "value", "förklaring" if language == "sv" else "meaning"]
    rows = [header]
    for field in FIELDS:
        value = descriptor.get(field.descriptor_key, "")
        rows.append([field.key, value if value is not None else "", field.sv if language == "sv" else field.en])
    return rows


def titles(descriptor: dict, name: str) -> dict[str, str]:
    """The study's title per language (``sv``, ``en``), as the publication's title page gives it.

    Never the other language's title: without one, a title is made from the county
    (:func:`evalkit.study.metadata.edition_title`), or the folder name without a county.
    """
    found = {language: edition_title(descriptor, language) for language in LANGUAGES}
    if not descriptor.get("evalkit:county") and not any(descriptor.get(k) for k in ("title", "evalkit:title_en")):
        return {language: name for language in LANGUAGES}
    return found

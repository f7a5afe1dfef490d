"""A problem with a study, its stable code, and the helpers that phrase problems.

Every :class:`Problem` carries a *code* naming its kind (``missing-file``,
``bad-code``, ``unknown-id`` …). Codes are part of the interface of
``evalkit validate --format json``: a script or a test can rely on them while
the sentences are reworded (or translated). :data:`CODES` lists every code
with what it means; a code is never reused for another kind of problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from evalkit.terminal import safe_text

#: Longest value quoted in a message, in characters; longer values are shortened.
MAX_QUOTED_CHARS = 80
#: Row numbers listed in one message at most ("also used in rows ...").
MAX_LISTED_ROWS = 10

#: Every problem code, with the kind of problem (or note) it names.
CODES = {
    # the study folder and its descriptor
    "missing-study": "the study folder does not exist",
    "missing-descriptor": "the study has no datapackage.json",
    "bad-json": "datapackage.json cannot be parsed as JSON",
    "bad-descriptor": "datapackage.json has no list of resources",
    "bad-setting": "a study setting in datapackage.json has an impossible value",
    "study-kind": "datapackage.json does not say, or says wrongly, what kind of study this is",
    "study-information": "the study information (descriptor or information sheet) is incomplete or wrong",
    "missing-resource": "a required table is not listed in datapackage.json",
    "bad-path": "a table's path is not a file inside the study folder",
    "hidden-file": "a table is stored in a hidden file",
    "linked-file": "a table is reached through a symbolic link",
    # layer 1: files
    "missing-file": "a required table file (or the workbook holding it) is missing",
    "missing-sheet": "a workbook has no sheet for a required table",
    "too-large": "a file is larger than evalkit reads",
    "bad-encoding": "a file is not UTF-8",
    "not-csv": "a .csv file is really another format (a workbook, a PDF …)",
    "unreadable-file": "a CSV file's structure cannot be read (an endless quoted cell)",
    "bad-workbook": "a workbook cannot be opened",
    "empty-file": "a table file or sheet has no header row",
    "duplicate-column": "a header names a column twice",
    "unnamed-column": "a header has a column without a name",
    "unexpected-column": "a header has a column the study format does not know",
    "missing-column": "a header lacks a column of the study format",
    "row-length": "a row has more or fewer cells than the header",
    "unclosed-quote": "a double quote that opens a cell is never closed",
    "stray-quote": "a double quote closes a cell in the middle of its text",
    "swallowed-rows": "a quoted cell runs over lines that look like rows of their own",
    "invisible-character": "a cell holds a control or text-direction character",
    "garbled-text": "a cell's text was garbled by a wrong character encoding",
    "sheet-formula": "a workbook cell holds a formula without a saved value",
    "sheet-error": "a workbook cell holds an Excel error value",
    "merged-cells": "workbook cells are merged",
    "commentary": "a file of the study's commentary folder is misnamed or malformed",
    "interpretation": "a file of the evaluator's interpretation (publication/) is misnamed or malformed",
    # layer 2: cells
    "too-many-problems": "a table has more cell problems than are listed",
    "blank-row": "a row is empty",
    "bad-row": "a row breaks the table's structure in another way",
    "bad-type": "a value is not of the column's type (a number, a whole number)",
    "empty-cell": "a required cell is empty",
    "missing-translation": "a text given in one language is empty in the other (label_sv / label_en …)",
    "bad-code": "a value is not one of the column's allowed codes",
    "bad-form": "a value does not have the column's form (an id, a date)",
    "below-minimum": "a value is below the column's minimum",
    "above-maximum": "a value is above the column's maximum",
    "bad-value": "a value breaks another constraint of its column",
    "duplicate-key": "two rows have the same key (also when they differ only in case)",
    # layer 3: consistency across tables
    "unknown-id": "an id refers to a row that does not exist in the table it names",
    "empty-table": "a table has no rows although other tables refer to it",
    "undefined-code": "a code has no row in codebook/vocabularies.csv",
    "unknown-column": "a cell names a column the table does not have",
    "outside-population": "an assessment's subject is not in its indicator's population",
    "model-mismatch": "a municipality's model does not match its coordinators",
    "functioning-mismatch": "a municipality's coordinator functioning does not match its model",
    "survey-link-mismatch": "survey Q1 does not list the municipalities the coordinator serves",
    "share-over-post": "a coordinator's shares of post add up to more than one full-time post",
    "survey-share-mismatch": "survey Q2 differs from the coordinator's shares of post",
    "time-split-sum": "the parts of the time split in survey Q3 do not add up to 100",
    "bad-date": "a date does not exist",
    "date-out-of-range": "a date lies outside the years the study can cover",
    "missing-assumption": "a reconstructed row states no assumption",
    "condition-mismatch": "a structural condition contradicts the organisation it follows from",
    "missing-link": "an interview does not name whom it is about",
    "unknown-finding": "a published claim names a finding the study does not produce",
    "segment-target": "a coded segment names neither or both of an indicator and a condition",
    "quote-unfit": "an excerpt marked quotable cannot be published (empty, too long, personal data, a municipality)",
    "quote-contradicts": "an excerpt marked quotable disagrees with the assessment or condition it illustrates",
    # notes (read in a way the user should know about; not problems)
    "label-read-as-code": "note: a label was read as its code",
    "formula-read": "note: a formula was read as its saved value",
    "hidden-cells": "note: a hidden sheet, row or column was read",
    "agreed-unknown": "note: an agreed 'unknown' sits beside coders' known values",
}


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
    code : str
        The kind of problem, one of :data:`CODES` (stable across wordings).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str
    column_letter: str | None = None
    code: str = ""

    def __post_init__(self):
        if self.code and self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}; add it to evalkit.study.validate.problems.CODES")

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


def codes_of(problems: Iterable[Problem]) -> list[str]:
    """The codes of ``problems``, in their order (what tests and scripts compare)."""
    return [problem.code for problem in problems]


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

"""The valid cells of a study's tables, as the consistency checks (layer 3) see them.

:class:`Checked` holds one record per data row; a cell that failed layer 1 or
2 is ``None`` here, so a single typing mistake does not cascade into many
messages. :func:`problem_at` builds a problem located at a record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evalkit.study.validate.problems import Problem, number_text

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


def problem_at(
    checked: Checked,
    table: str,
    record: Record | None,
    column: str | None,
    value: object,
    message: str,
    fix: str,
    *,
    code: str,
) -> Problem:
    """Build a problem (of kind ``code``) located at ``record`` of ``table``."""
    row = record["_row"] if record is not None else None
    shown = None if value is None else (number_text(value) if isinstance(value, float) else str(value))
    return Problem(checked.files[table], row, column, shown, message, fix, code=code)


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

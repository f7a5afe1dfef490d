"""Layer 2 of validation: every cell against the canonical Table Schema, with ``frictionless``.

Each table is checked with the frictionless library against the *canonical*
Table Schema (types, required cells, allowed codes, patterns, minimum and
maximum, unique keys); the study's own copy of the schema is not trusted.
frictionless' errors are translated into problems that name the file, row
and column and say what a valid value looks like.

``import frictionless`` costs a few seconds in every fresh process (each
notebook kernel loads the study), so its result is cached by content in the
content store (:func:`cell_errors`, :mod:`evalkit.cache`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from evalkit.study import translations
from evalkit.study.hints import date_serial_hint
from evalkit.study.validate.files import TableInput
from evalkit.study.validate.problems import Problem, quoted
from evalkit.study.validate.schema import expectation, field_specs

CACHE_VERSION = "2"
#: Cell problems listed per table at most; beyond this the table is reported as having more.
MAX_CELL_ERRORS = 1000
#: The content-store kind of frictionless' cached verdicts (:mod:`evalkit.cache`).
CACHE_KIND = "validation"
CONSTRAINT_NOTE = re.compile(r'constraint "(\w+)" is "(.*)"')
#: What a broken constraint means, per constraint (``{value}`` is the quoted cell).
CONSTRAINT_MESSAGES = {
    "enum": "value {value} is not an allowed code.",
    "pattern": "value {value} does not have the expected form.",
    "minimum": "value {value} is below the minimum {limit}.",
    "maximum": "value {value} is above the maximum {limit}.",
}
#: The problem code of a broken constraint, per constraint (others: ``bad-value``).
CONSTRAINT_CODES = {"enum": "bad-code", "pattern": "bad-form", "minimum": "below-minimum", "maximum": "above-maximum"}
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
    """Key of everything the frictionless result depends on (:func:`evalkit.cache.key`)."""
    from evalkit.cache import key

    return key(
        CACHE_KIND,
        {
            "format": CACHE_VERSION,
            "frictionless": frictionless_version(),
            "schema": schema,
            "columns": table.columns,
            "rows": table.rows,
        },
    )


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


def cell_errors(table: TableInput, use_cache: bool = True) -> list[CellError]:
    """Frictionless errors of one table, from the cache when this exact content was checked before.

    The frictionless library needs a few seconds to start in a fresh process,
    which every notebook would pay. Its result depends only on the schema and
    the cell values, so it is kept in the content store (:mod:`evalkit.cache`,
    kind ``validation``; never in the study folder), keyed by both. An entry is
    used only when its record is signed with the user's cache secret and its
    errors fit the table (:func:`cached_errors`); the store is bounded and
    pruned by every run. A cache that cannot be read or written is ignored.
    """
    from evalkit.cache import ContentStore

    schema = frictionless_schema(table)
    if not use_cache:
        return run_frictionless(table, schema)
    key = cache_key(table, schema)
    store = ContentStore()
    data = store.get_value(CACHE_KIND, key)
    if data is not None:
        try:
            errors = cached_errors(json.loads(data), key, table)
        except (ValueError, RecursionError):
            errors = None
        if errors is not None:
            return errors
    errors = run_frictionless(table, schema)
    with contextlib.suppress(OSError):
        store.put_value(CACHE_KIND, key, json.dumps(cache_payload(key, errors), ensure_ascii=False).encode("utf-8"))
    return errors


def translate_error(table: TableInput, error: CellError) -> Problem | None:
    """Turn one frictionless error into a :class:`Problem` (``None`` to drop it)."""
    row = error.row_number
    kind = error.type
    if kind == "blank-row":
        return Problem(table.file, row, None, None, "the row is empty.", "Delete the empty row.", code="blank-row")
    if kind == "primary-key":
        return translate_primary_key_error(table, row, error.note)
    if kind not in ("type-error", "constraint-error"):
        return Problem(
            table.file, row, error.field_name, error.cell, error.message + ".", "Correct the row.", code="bad-row"
        )
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
            code="bad-type",
        )
    match = CONSTRAINT_NOTE.search(error.note)
    constraint, limit = (match.group(1), match.group(2)) if match else ("", "")
    if constraint == "required" and translations.twin(spec["name"]) in table.columns and row is not None:
        values = dict(zip(table.columns, table.rows[row - 2])) if 2 <= row < len(table.rows) + 2 else {}
        other = values.get(translations.twin(spec["name"]), "").strip()
        if other:
            message, fix = translations.missing_translation(spec["name"], other)
            return Problem(table.file, row, spec["name"], cell, message, fix, code="missing-translation")
        message, fix = translations.missing_both(spec["name"])
        return Problem(table.file, row, spec["name"], cell, message, fix, code="empty-cell")
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
            code="empty-cell",
        )
    template = CONSTRAINT_MESSAGES.get(constraint, "value {value} breaks the constraint {constraint} {limit}.")
    return Problem(
        table.file,
        row,
        spec["name"],
        cell,
        template.format(value=quoted(cell), constraint=constraint, limit=limit) + date_serial_hint(spec["name"], cell),
        f"Expected {expected}; correct the value.",
        code=CONSTRAINT_CODES.get(constraint, "bad-value"),
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
        code="duplicate-key",
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
                code="too-many-problems",
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

"""Every allocation consistent with the report: a study's reconstruction as a constraint problem.

An anonymised report states counts ("seven of eight municipalities") without saying who is
counted. A study records one allocation of those counts to municipalities and coordinators and
marks the cells it had to choose as ``reconstructed``. This module asks which *other* allocations
the report also allows, and how many there are:

* every reconstructed cell of a modelled field (:data:`MODELLED_FIELDS`) is a **variable** over
  the values it could take (:func:`cell_domain`); every other cell is a constant;
* every published claim that counts modelled cells is a **count constraint**
  (:func:`claim_constraints`);
* the qualitative statements the study's data log relies on are **constraints** too, written in
  the study folder as ``constraints.csv``, one per row with its report section
  (:func:`read_constraints`; the rule language is described there).

:func:`build_model` turns these into a model and :func:`solve` enumerates it with OR-Tools
CP-SAT. Enumerating every allocation one by one is not feasible when a few cells are left open
by the report (each free yes/partly/no cell triples the number), so the solution space is
*factorised*: the organisation cells (functioning, role, seat; the *hub*) are enumerated
first, and for every hub solution the remaining cells fall into independent components, each
enumerated exactly. The number of allocations is the sum over hub solutions of the product of
the component sizes, an exact integer; :meth:`Allocations.projection` and
:meth:`Allocations.count_distribution` give exact weighted distributions of any set of cells
without listing the product. A study with no reconstructed cells has exactly one allocation.

Cells read by no finding and no QCA solution (sizes, placement of interviews, survey time
splits, documents) are not modelled; :func:`unmodelled_cells` lists them with the reason.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import product
from pathlib import Path

import pandas as pd

from evalkit.analysis.populations import (
    coordinators_of_municipality,
    population_members,
    row_is_reconstructed,
)
from evalkit.study.model import DATA_TABLES, PROVENANCE_COLUMNS, resource_schema

#: Fields whose reconstructed cells are variables of the model.
MODELLED_FIELDS = {
    "municipalities": ("coordinator_functioning",),
    "coordinators": ("role", "seat_in_management_group"),
    "assessments": ("value",),
    "conditions": ("value",),
    "case_statistics": ("municipality_id",),
}
#: Tables whose variables form the hub (enumerated first; the rest is conditioned on them).
HUB_TABLES = ("municipalities", "coordinators")
#: Key columns of each modelled table, in the order used in cell references.
KEYS = {
    "municipalities": ("municipality_id",),
    "coordinators": ("coordinator_id",),
    "assessments": ("indicator_id", "subject_id"),
    "conditions": ("municipality_id", "condition_id"),
    # One cell per table of yearly counts: the rows that share a municipality move together.
    "case_statistics": ("municipality_id",),
}
CONSTRAINTS_FILE = "constraints.csv"
CONSTRAINT_COLUMNS = ("constraint_id", "for_each", "rule", "source", "note")
#: Values of the optional ``standing`` column of ``constraints.csv`` (empty or absent: reading).
STANDINGS = ("stated", "reading")
#: Largest number of solutions of one component that is enumerated.
MAX_COMPONENT_SOLUTIONS = 200_000

Cell = tuple  # (table, key, field); key joins the key values with '/'


class ConstraintError(ValueError):
    """A constraint that cannot be read, names an unknown cell, or admits no allocation."""


def cell_text(cell: Cell) -> str:
    """``table[key].field``, the form used in ``constraints.csv``."""
    table, key, name = cell
    return f"{table}[{key}].{name}"


# Cells and domains ------------------------------------------------------------------------

#: What the model reads of the case statistics: which municipality each series belongs to.
CASE_MODEL_COLUMNS = ("municipality_id", "basis", "reconstructed_fields")


def _modelled_table(study, table: str) -> pd.DataFrame:
    """A modelled table as the model reads it; of the case statistics only :data:`CASE_MODEL_COLUMNS`.

    So a changed case count (not modelled) does not change what depends on the model
    (:func:`evalkit.study.tracing.columns`).
    """
    if table == "case_statistics":
        from evalkit.study.tracing import columns

        return columns(study, table, CASE_MODEL_COLUMNS)
    return study.tables[table]


def study_cells(study) -> dict[Cell, str]:
    """Every cell of a modelled field with its value in the study (as text; ``''`` when empty)."""
    cells: dict[Cell, str] = {}
    for table, fields in MODELLED_FIELDS.items():
        frame = _modelled_table(study, table)
        if table == "case_statistics":
            for municipality in sorted(frame["municipality_id"].dropna().unique()):
                cells[(table, str(municipality), "municipality_id")] = str(municipality)
            continue
        for _, row in frame.iterrows():
            key = "/".join(str(row[k]) for k in KEYS[table])
            for name in fields:
                value = row[name]
                cells[(table, key, name)] = "" if pd.isna(value) else str(value)
    return cells


def _reconstructed_cells(study) -> set[Cell]:
    out = set()
    for table, fields in MODELLED_FIELDS.items():
        frame = _modelled_table(study, table)
        for _, row in frame.iterrows():
            for name in fields:
                if row_is_reconstructed(row["basis"], row["reconstructed_fields"], [name]):
                    key = str(row["municipality_id"]) if table == "case_statistics" else None
                    key = key or "/".join(str(row[k]) for k in KEYS[table])
                    out.add((table, key, name))
    return out


def cell_domain(study, cell: Cell, current: str) -> tuple[str, ...]:
    """The values a reconstructed cell could take.

    ``value`` of assessments and conditions: yes and no, and partly when the study uses partly
    for the same indicator or condition (an initiative was taken or not; knowledge can rise in
    part); functioning: well, poorly; role:
    operational, mixed, strategic; seat: yes, no; the municipality of a table of case counts: any
    municipality with a coordinator. The current value is always included; narrower domains are
    written as constraints, with their source.
    """
    table, key, name = cell
    if name == "value":
        domain = ["yes", "no"]
        if _uses_partly(study, table, key):
            domain.insert(1, "partly")
    elif name == "coordinator_functioning":
        domain = ["well", "poorly"]
    elif name == "role":
        domain = ["operational", "mixed", "strategic"]
    elif name == "seat_in_management_group":
        domain = ["yes", "no"]
    elif table == "case_statistics":
        domain = population_members(study, "municipalities_with_coordinator")
    else:  # pragma: no cover - MODELLED_FIELDS lists every case
        raise KeyError(cell)
    if current and current not in domain:
        domain.append(current)
    return tuple(domain)


def _uses_partly(study, table: str, key: str) -> bool:
    frame = study.tables[table]
    if table == "assessments":
        own = frame[frame["indicator_id"] == key.split("/")[0]]
    else:
        own = frame[frame["condition_id"] == key.split("/")[1]]
    return bool((own["value"] == "partly").any())


@cache
def _schema_fields(table: str) -> tuple:
    return tuple(resource_schema(table)["fields"])


def _full_key(table: str) -> list[str]:
    key = resource_schema(table).get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def _primary_key(table: str) -> list[str]:
    """The key of a loaded table: optional key columns (assessments' coder, always 'agreed' there) left out."""
    optional = {f["name"] for f in _schema_fields(table) if f.get("evalkit:optional")}
    return [name for name in _full_key(table) if name not in optional]


def _value_columns(table: str) -> list[str]:
    """Columns of a data table other than its primary key and the provenance columns."""
    key = set(_full_key(table))
    return [f["name"] for f in _schema_fields(table) if f["name"] not in key and f["name"] not in PROVENANCE_COLUMNS]


def _key_text(row, key: list[str]) -> str:
    return "/".join(str(row[k]) for k in key)


def reconstructed_values(study) -> pd.DataFrame:
    """Every reconstructed cell of the study's data tables.

    ``reconstructed_fields`` names the reconstructed columns of a row (key
    columns included when named); empty means every value column. Missing cells are listed only when named
    explicitly. ``published_claims`` is not input to the findings and is skipped.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, key (primary-key values joined by '/'), key_columns, row
        (position in the table), field, value (as text, NA if empty), assumption,
        source``; tables in ``DATA_TABLES`` order, rows in file order, fields in
        schema order.
    """
    rows = []
    for table in DATA_TABLES:
        if table == "published_claims":
            continue
        frame = study.tables[table]
        key = _primary_key(table)
        columns = _value_columns(table)
        all_columns = [f["name"] for f in _schema_fields(table) if f["name"] not in PROVENANCE_COLUMNS]
        for position, row in frame.reset_index(drop=True).iterrows():
            if row["basis"] != "reconstructed":
                continue
            listed = row["reconstructed_fields"]
            explicit = not pd.isna(listed) and str(listed).strip() != ""
            # Explicitly listed fields count even when they are key columns.
            fields = (
                [f for f in all_columns if f in {x.strip() for x in str(listed).split("|")}] if explicit else columns
            )
            for name in fields:
                if name not in frame.columns:
                    continue
                value = row[name]
                if pd.isna(value) and not explicit:
                    continue
                rows.append(
                    {
                        "table": table,
                        "key": _key_text(row, key),
                        "key_columns": "/".join(key),
                        "row": int(position),
                        "field": name,
                        "value": pd.NA if pd.isna(value) else _text(value),
                        "assumption": row["assumption"],
                        "source": row["source"],
                    }
                )
    columns = ["table", "key", "key_columns", "row", "field", "value", "assumption", "source"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"table": "string", "key": "string", "field": "string", "value": "string"}
    )


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        if float(value) == int(float(value)) and not isinstance(value, str):
            return str(int(float(value)))
    except (TypeError, ValueError):
        pass
    return str(value)


def unmodelled_cells(study) -> pd.DataFrame:
    """Reconstructed cells outside the model, each with the reason it is left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, field, n_cells, reason``.
    """
    cells = reconstructed_values(study)
    modelled = {(t, f) for t, fields in MODELLED_FIELDS.items() for f in fields}
    reasons = {
        "interviews": "any placement of an interview gives the same counts of interviews and roles",
        "documents": "no finding or QCA solution reads the documents table",
        "survey_responses": "illustration only (time split) or not read by any finding",
        "municipalities": "no finding or QCA solution reads this field",
        "coordinators": "no finding or QCA solution reads this field",
        "coordinator_municipalities": "every value in the stated range gives the same counts; the start date "
        "moves with the table of case counts",
    }
    rows = []
    for (table, name), group in cells.groupby(["table", "field"], sort=True):
        if (table, name) in modelled:
            continue
        rows.append(
            {
                "table": table,
                "field": name,
                "n_cells": len(group),
                "reason": reasons.get(table, "no finding or QCA solution reads this field"),
            }
        )
    return pd.DataFrame(rows, columns=["table", "field", "n_cells", "reason"])


# Constraints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Atom:
    """``cell`` takes one of ``values`` (``negated``: none of them)."""

    cell: Cell
    values: frozenset
    negated: bool = False

    def holds(self, value: str) -> bool:
        return (value in self.values) != self.negated


@dataclass(frozen=True)
class Constraint:
    """One constraint on the cells.

    ``kind`` is ``count`` (``atoms``, ``comparison``, ``number``), ``implies``, ``iff``, ``or``,
    ``atom``, ``same`` (``cells`` all equal) or ``distinct`` (``cells`` pairwise different).
    ``standing`` is ``stated`` when the rule restates what its source says (a published count
    is one) and ``reading`` when it is the study's reading of the source, where another reader
    could differ; a rule that does not say is a reading.
    """

    constraint_id: str
    kind: str
    source: str
    atoms: tuple = ()
    cells: tuple = ()
    comparison: str = "=="
    number: int = 0
    note: str = ""
    standing: str = "reading"

    @property
    def cells_used(self) -> tuple:
        return tuple(dict.fromkeys([a.cell for a in self.atoms] + list(self.cells)))

    def holds(self, value_of: Mapping) -> bool:
        """Whether the constraint holds for the values ``value_of[cell]``."""
        truth = [a.holds(value_of[a.cell]) for a in self.atoms]
        if self.kind == "count":
            return _compare(sum(truth), self.comparison, self.number)
        if self.kind == "implies":
            return (not truth[0]) or truth[1]
        if self.kind == "iff":
            return truth[0] == truth[1]
        if self.kind == "or":
            return any(truth)
        if self.kind == "atom":
            return truth[0]
        values = [value_of[c] for c in self.cells]
        if self.kind == "same":
            return len(set(values)) == 1
        if self.kind == "distinct":
            return len(set(values)) == len(values)
        raise ValueError(self.kind)  # pragma: no cover


def _compare(left: int, comparison: str, right: int) -> bool:
    return {
        "==": left == right,
        "!=": left != right,
        ">=": left >= right,
        "<=": left <= right,
        ">": left > right,
        "<": left < right,
    }[comparison]


_REF = r"(?P<table>\w+)\[(?P<key>[^\]]+)\]\.(?P<field>\w+)"
_ATOM = re.compile(
    rf"^\s*{_REF}\s*(?:(?P<op>==|!=)\s*(?P<value>[\w-]+)|(?P<notin>not\s+)?in\s*\{{(?P<set>[^}}]*)\}})\s*$"
)
_REF_ONLY = re.compile(rf"^\s*{_REF}\s*$")
_COUNT = re.compile(r"^\s*count\((?P<atom>.+)\)\s*(?P<cmp>==|!=|>=|<=|>|<)\s*(?P<n>\d+)\s*$")
_CALL = re.compile(r"^\s*(?P<name>same|distinct)\((?P<args>.+)\)\s*$")


def _resolve_keys(study, table: str, key: str, where: str) -> list[str]:
    """Concrete keys matching ``key`` (``*`` matches any value of that key column)."""
    if table not in KEYS:
        raise ConstraintError(f"{where}: table {table!r} is not modelled (use one of {', '.join(KEYS)}).")
    parts = key.split("/")
    columns = KEYS[table]
    if len(parts) != len(columns):
        raise ConstraintError(f"{where}: a key of {table} has {len(columns)} parts ({'/'.join(columns)}), got {key!r}.")
    frame = _modelled_table(study, table)
    if table == "case_statistics":
        known = sorted(str(m) for m in frame["municipality_id"].dropna().unique())
        keys = [k for k in known if parts[0] in ("*", k)]
    else:
        keys = []
        for values in zip(*(frame[c].astype(str) for c in columns)):
            if all(p in ("*", v) for p, v in zip(parts, values)):
                keys.append("/".join(values))
    if not keys:
        raise ConstraintError(f"{where}: no row of {table} has the key {key!r}.")
    return keys


def _parse_atom(study, text: str, where: str, allow_wildcard: bool) -> list[Atom]:
    match = _ATOM.match(text)
    if not match:
        raise ConstraintError(f"{where}: cannot read {text.strip()!r} (expected e.g. table[key].field == value).")
    table, key, name = match["table"], match["key"], match["field"]
    if name not in MODELLED_FIELDS.get(table, ()):
        raise ConstraintError(f"{where}: {table}.{name} is not a modelled field.")
    if "*" in key and not allow_wildcard:
        raise ConstraintError(f"{where}: '*' is allowed only inside count(...).")
    if match["op"]:
        values, negated = frozenset({match["value"]}), match["op"] == "!="
    else:
        values = frozenset(v.strip() for v in match["set"].split(",") if v.strip())
        negated = bool(match["notin"])
    return [Atom((table, k, name), values, negated) for k in _resolve_keys(study, table, key, where)]


def _parse_rule(study, constraint_id: str, rule: str, source: str, note: str, where: str) -> Constraint:
    base = {"constraint_id": constraint_id, "source": source, "note": note}
    count = _COUNT.match(rule)
    if count:
        atoms = _parse_atom(study, count["atom"], where, allow_wildcard=True)
        return Constraint(kind="count", atoms=tuple(atoms), comparison=count["cmp"], number=int(count["n"]), **base)
    call = _CALL.match(rule)
    if call:
        cells = []
        for argument in call["args"].split(","):
            ref = _REF_ONLY.match(argument)
            if not ref:
                raise ConstraintError(f"{where}: {argument.strip()!r} is not a cell reference.")
            keys = _resolve_keys(study, ref["table"], ref["key"], where)
            if len(keys) != 1:
                raise ConstraintError(f"{where}: {argument.strip()!r} must name one cell.")
            cells.append((ref["table"], keys[0], ref["field"]))
        return Constraint(kind=call["name"], cells=tuple(cells), **base)
    for operator, kind in (("<->", "iff"), ("->", "implies")):
        if operator in rule:
            left, right = rule.split(operator, 1)
            atoms = [_parse_atom(study, part, where, allow_wildcard=False)[0] for part in (left, right)]
            return Constraint(kind=kind, atoms=tuple(atoms), **base)
    if re.search(r"\s+or\s+", rule):
        parts = re.split(r"\s+or\s+", rule)
        atoms = [_parse_atom(study, part, where, allow_wildcard=False)[0] for part in parts]
        return Constraint(kind="or", atoms=tuple(atoms), **base)
    return Constraint(kind="atom", atoms=tuple(_parse_atom(study, rule, where, allow_wildcard=False)), **base)


def _iteration(study, for_each: str, where: str) -> list[dict]:
    """The placeholder values of one constraint row (``{m}`` municipality, ``{c}`` coordinator)."""
    if not for_each:
        return [{}]
    served = coordinators_of_municipality(study)
    municipalities = study.tables["municipalities"].set_index("municipality_id")["model"]
    if for_each == "coordinators":
        return [{"c": c} for c in population_members(study, "coordinators")]
    if for_each == "municipalities_with_coordinator":
        members = population_members(study, for_each)
    elif for_each in ("own_coordinator", "shared_coordinator"):
        members = sorted(str(m) for m, model in municipalities.items() if model == for_each)
    else:
        members = [m.strip() for m in for_each.split("|") if m.strip()]
        coordinators = set(population_members(study, "coordinators"))
        if members and all(m in coordinators for m in members):
            return [{"c": c} for c in members]
        unknown = [m for m in members if m not in municipalities.index]
        if unknown:
            raise ConstraintError(
                f"{where}: {', '.join(unknown)} in for_each is neither a municipality nor a coordinator."
            )
    out = []
    for m in members:
        coordinators = served.get(m, [])
        out.append({"m": m, "c": coordinators[0] if len(coordinators) == 1 else None})
    return out


def read_constraints(study, path: Path | str | None = None) -> list[Constraint]:
    """The study's qualitative constraints (``constraints.csv`` in the study folder).

    Columns: ``constraint_id, for_each, rule, source, note`` and optionally ``standing``
    (``stated`` or ``reading``, see :class:`Constraint`). ``for_each`` is empty (one
    constraint), ``municipalities_with_coordinator``, ``own_coordinator``, ``shared_coordinator``,
    ``coordinators`` or a list of municipality ids joined by ``|``; the rule is then written once
    per member, with ``{m}`` the municipality and ``{c}`` its coordinator (or the coordinator, for
    ``coordinators``). A rule is one of::

        table[key].field == value          (also !=, in {a, b}, not in {a, b})
        ATOM -> ATOM                       (if the first holds, so does the second)
        ATOM <-> ATOM                      (both or neither)
        ATOM or ATOM [or ATOM ...]
        count(table[key].field == value) >= n     (key may contain *; also ==, !=, <=, <, >)
        same(CELL, CELL, ...)              distinct(CELL, CELL, ...)

    Keys join the key columns with ``/`` (``assessments[knowledge_improved/A].value``,
    ``conditions[A/right_person].value``); the table of case counts is keyed by the municipality
    it is attributed to in the study (``case_statistics[D].municipality_id``).

    Raises
    ------
    ConstraintError
        Naming the file, row and column of a rule that cannot be read or names an unknown cell.
    """
    if path is None:
        if study.path is None:
            return []
        path = Path(study.path) / CONSTRAINTS_FILE
    path = Path(path)
    if not path.exists():
        return []
    constraints = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CONSTRAINT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConstraintError(
                f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(CONSTRAINT_COLUMNS)}."
            )
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}, row {line}, column rule"
            if not (row["source"] or "").strip():
                raise ConstraintError(
                    f"{path.name}, row {line}, column source: every constraint needs its report section."
                )
            standing = (row.get("standing") or "").strip() or "reading"
            if standing not in STANDINGS:
                raise ConstraintError(
                    f"{path.name}, row {line}, column standing: {standing!r} is not one of "
                    f"{', '.join(STANDINGS)}; write stated for a rule that restates its source, reading otherwise."
                )
            for placeholders in _iteration(
                study, (row["for_each"] or "").strip(), f"{path.name}, row {line}, column for_each"
            ):
                rule = row["rule"]
                for name, value in placeholders.items():
                    if "{" + name + "}" in rule and value is None:
                        raise ConstraintError(f"{where}: {{{name}}} has no single value for {placeholders}.")
                    rule = rule.replace("{" + name + "}", str(value))
                suffix = f"[{placeholders.get('m') or placeholders.get('c')}]" if placeholders else ""
                parsed = _parse_rule(
                    study, row["constraint_id"] + suffix, rule, row["source"], row["note"] or "", where
                )
                constraints.append(dataclasses.replace(parsed, standing=standing))
    return constraints


def count_finding_cells(study, finding_id: str) -> tuple[list[Cell], str] | None:
    """The cells a counted finding counts and the value it counts, for the families the model knows.

    ``qa.<indicator>`` (assessments equal to yes), ``sf.<condition>`` (conditions of the
    municipalities with a coordinator equal to yes), ``org.functioning.<code>``,
    ``org.role.<code>`` and ``org.seat_in_management_group``. Returns None for other findings.
    """
    parts = finding_id.split(".")
    if parts[0] == "qa" and len(parts) == 2:
        indicators = study.codebook["indicators"].set_index("indicator_id")["population"]
        if parts[1] not in indicators.index:
            return None
        members = set(population_members(study, str(indicators[parts[1]])))
        frame = study.tables["assessments"]
        keys = [
            f"{i}/{s}" for i, s in zip(frame["indicator_id"], frame["subject_id"]) if i == parts[1] and s in members
        ]
        return [("assessments", k, "value") for k in keys], "yes"
    if parts[0] == "sf" and len(parts) == 2:
        members = set(population_members(study, "municipalities_with_coordinator"))
        frame = study.tables["conditions"]
        keys = [
            f"{m}/{c}"
            for m, c in zip(frame["municipality_id"], frame["condition_id"])
            if c == parts[1] and m in members
        ]
        return [("conditions", k, "value") for k in keys], "yes"
    if finding_id.startswith("org.functioning.") and len(parts) == 3:
        members = population_members(study, "municipalities_with_coordinator")
        return [("municipalities", m, "coordinator_functioning") for m in members], parts[2]
    if finding_id.startswith("org.role.") and len(parts) == 3:
        return [("coordinators", c, "role") for c in population_members(study, "coordinators")], parts[2]
    if finding_id == "org.seat_in_management_group":
        return [
            ("coordinators", c, "seat_in_management_group") for c in population_members(study, "coordinators")
        ], "yes"
    return None


def claim_constraints(study, variables=()) -> list[Constraint]:
    """A count constraint for every published claim of a family the model knows (see :func:`count_finding_cells`)
    that counts at least one of ``variables``."""
    out = []
    claims = study.tables["published_claims"]
    for _, claim in claims.iterrows():
        cells = count_finding_cells(study, str(claim["finding_id"]))
        if cells is None:
            continue
        cells, value = cells
        if not any(c in variables for c in cells):
            continue  # a claim on stated cells only is checked by compare_with_published_claims
        atoms = tuple(Atom(cell, frozenset({value})) for cell in cells)
        out.append(
            Constraint(
                constraint_id=str(claim["claim_id"]),
                kind="count",
                source=str(claim["source"]),
                atoms=atoms,
                comparison="==",
                number=int(claim["numerator"]),
                note=str(claim["claim_en"]),
                standing="stated" if claim["basis"] == "stated" else "reading",
            )
        )
    return out


def count_range_under_stated(study, finding_id: str, model: AllocationModel | None = None) -> tuple[int, int] | None:
    """The least and greatest count a counted finding can take under the *stated* rules alone.

    The rules are the study's published counts with basis ``stated`` and the constraints whose
    ``standing`` is ``stated`` (readings are left out: a count they force is the study's reading,
    not the source's). When both ends are equal, the count is forced by what the source states
    (two of eight function poorly, so six of eight function well), whichever municipalities or
    coordinators it falls on. Returns None for a finding :func:`count_finding_cells` does not know,
    or when the stated rules admit no allocation.
    """
    counted = count_finding_cells(study, finding_id)
    if counted is None:
        return None
    cells, value = counted
    model = model if model is not None else build_model(study)
    stated = [k for k in model.constraints if k.standing == "stated"]
    variables = tuple(
        dict.fromkeys(
            [c for c in cells if c in model.variables]
            + [c for k in stated for c in k.cells_used if c in model.variables]
        )
    )
    constant = sum(1 for c in cells if c not in model.variables and model.baseline[c] == value)
    counted_variables = [c for c in cells if c in model.variables]
    if not counted_variables:
        return constant, constant
    from ortools.sat.python import cp_model

    built = _cp_model(model, variables, stated, {})
    if built is None:
        return None
    cp, chosen = built
    total = sum(chosen[c][value] for c in counted_variables if value in chosen[c])
    if isinstance(total, int):
        return constant + total, constant + total
    ends = []
    for sense in (cp.Minimize, cp.Maximize):
        sense(total)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        if solver.Solve(cp) != cp_model.OPTIMAL:
            return None
        ends.append(constant + int(round(solver.ObjectiveValue())))
    return ends[0], ends[1]


def stated_sources(study, finding_id: str, model: AllocationModel | None = None) -> list[str]:
    """The report sections of the stated counts and stated rules on the cells a finding counts.

    These are the passages that fix a count the report does not state itself (six of eight
    function well: the two of eight that function poorly, and D's post); only counts and
    single-cell rules that name nothing but the counted cells are taken.
    """
    counted = count_finding_cells(study, finding_id)
    if counted is None:
        return []
    cells = set(counted[0])
    model = model if model is not None else build_model(study)
    out: list[str] = []
    for k in model.constraints:
        if k.standing != "stated" or k.kind not in ("count", "atom") or not set(k.cells_used) <= cells:
            continue
        for part in str(k.source).split("; "):
            if part.strip() and part.strip() not in out:
                out.append(part.strip())
    return out


# The model ----------------------------------------------------------------------------------


@dataclass
class AllocationModel:
    """Cells, variables (reconstructed cells with their domains) and constraints of a study.

    Attributes
    ----------
    baseline : dict
        Every modelled cell with its value in the study.
    variables : dict
        Reconstructed cell -> domain (tuple of values).
    constraints : list of Constraint
        Claims first, then the study's constraints file.
    """

    study: object
    baseline: dict
    variables: dict
    constraints: list

    @cached_property
    def hub(self) -> tuple:
        return tuple(c for c in self.variables if c[0] in HUB_TABLES)

    @cached_property
    def components(self) -> list[tuple]:
        """Groups of non-hub variables linked by constraints (through non-hub cells only)."""
        parent = {c: c for c in self.variables if c[0] not in HUB_TABLES}

        def root(c):
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for constraint in self.constraints:
            linked = [c for c in constraint.cells_used if c in parent]
            for other in linked[1:]:
                parent[root(other)] = root(linked[0])
        groups: dict = {}
        for c in parent:
            groups.setdefault(root(c), []).append(c)
        return sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: g[0])

    @cached_property
    def _constraints_of(self) -> dict:
        """Component index (or 'hub') -> constraints touching it."""
        where = {c: i for i, comp in enumerate(self.components) for c in comp}
        out: dict = {"hub": []}
        for constraint in self.constraints:
            touched = {where[c] for c in constraint.cells_used if c in where}
            if not touched:
                if any(c in self.variables for c in constraint.cells_used):
                    out["hub"].append(constraint)
                continue
            (index,) = touched  # components are closed under constraints
            out.setdefault(index, []).append(constraint)
        return out

    @cached_property
    def component_of(self) -> dict:
        """Non-hub variable -> index of its component."""
        return {c: i for i, comp in enumerate(self.components) for c in comp}

    def hub_cells_of(self, index: int) -> tuple:
        """Hub variables the constraints of component ``index`` refer to."""
        hub = set(self.hub)
        cells = {c for k in self._constraints_of.get(index, []) for c in k.cells_used if c in hub}
        return tuple(sorted(cells))

    def constraints_of(self, index) -> list:
        return self._constraints_of.get(index, [])

    def check_constants(self) -> None:
        """Raise if a constraint on stated cells only is false (the data contradict the constraint)."""
        for constraint in self.constraints:
            if all(c not in self.variables for c in constraint.cells_used):
                if not constraint.holds(self.baseline):
                    raise ConstraintError(
                        f"constraint {constraint.constraint_id} ({constraint.source}) is false for the stated "
                        "values alone; correct the data or the constraint."
                    )

    def is_consistent(self, assignment: Mapping) -> list[str]:
        """Ids of the constraints an allocation breaks (empty: consistent).

        ``assignment`` gives values for some or all variables; the rest keep their baseline values.
        A value outside a cell's domain is reported as ``domain:<cell>``.
        """
        values = {**self.baseline, **assignment}
        broken = [f"domain:{cell_text(c)}" for c, v in assignment.items() if v not in self.variables.get(c, ())]
        return broken + [k.constraint_id for k in self.constraints if not k.holds(values)]


def build_model(study, constraints_path: Path | str | None = None) -> AllocationModel:
    """Variables, domains and constraints of a study (claims and ``constraints.csv``).

    Raises
    ------
    ConstraintError
        If the constraints file cannot be read, or a constraint on stated cells alone is false.
    """
    baseline = study_cells(study)
    variables = {c: cell_domain(study, c, baseline[c]) for c in sorted(_reconstructed_cells(study)) if c in baseline}
    constraints = claim_constraints(study, variables) + read_constraints(study, constraints_path)
    model = AllocationModel(study=study, baseline=baseline, variables=variables, constraints=constraints)
    model.check_constants()
    return model


# Solving --------------------------------------------------------------------------------------


def _add_comparison(cp, total, comparison: str, number: int) -> None:
    if comparison == "==":
        cp.Add(total == number)
    elif comparison == "!=":
        cp.Add(total != number)
    elif comparison == ">=":
        cp.Add(total >= number)
    elif comparison == "<=":
        cp.Add(total <= number)
    elif comparison == ">":
        cp.Add(total > number)
    else:
        cp.Add(total < number)


def _cp_model(model: AllocationModel, cells: tuple, constraints: list, fixed: Mapping):
    """A CP-SAT model of ``cells`` under ``constraints``: ``(cp, chosen)``, or None when a
    constraint on fixed cells alone is false. ``chosen[cell][value]`` is the cell's literal."""
    from ortools.sat.python import cp_model

    cp = cp_model.CpModel()
    chosen = {c: {v: cp.NewBoolVar(f"{cell_text(c)}={v}") for v in model.variables[c]} for c in cells}
    for options in chosen.values():
        cp.AddExactlyOne(options.values())
    values = {**model.baseline, **fixed}

    def literal(atom: Atom):
        if atom.cell in chosen:
            return sum(var for v, var in chosen[atom.cell].items() if atom.holds(v))
        return int(atom.holds(values[atom.cell]))

    for k in constraints:
        terms = [literal(a) for a in k.atoms]
        if k.kind == "count":
            total = sum(terms)
            if isinstance(total, int):
                if not _compare(total, k.comparison, k.number):
                    return None
                continue
            _add_comparison(cp, total, k.comparison, k.number)
        elif k.kind == "implies":
            cp.Add(terms[0] <= terms[1])
        elif k.kind == "iff":
            cp.Add(terms[0] == terms[1])
        elif k.kind in ("or", "atom"):
            cp.Add(sum(terms) >= 1)
        else:
            domain = sorted({v for c in k.cells for v in (model.variables.get(c) or (values[c],))})
            for v in domain:
                indicators = [chosen[c][v] if c in chosen else int(values[c] == v) for c in k.cells]
                if k.kind == "same":
                    for other in indicators[1:]:
                        cp.Add(indicators[0] == other)
                else:
                    cp.Add(sum(indicators) <= 1)
    return cp, chosen


def _enumerate(model: AllocationModel, cells: tuple, constraints: list, fixed: Mapping) -> list[tuple]:
    """Every assignment of ``cells`` that satisfies ``constraints`` (other cells from ``fixed``/baseline)."""
    if not constraints:
        return [tuple(v) for v in product(*(model.variables[c] for c in cells))]
    from ortools.sat.python import cp_model

    built = _cp_model(model, cells, constraints, fixed)
    if built is None:
        return []
    cp, chosen = built
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    found: list[tuple] = []

    class _Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            found.append(tuple(next(v for v, var in chosen[c].items() if self.Value(var)) for c in cells))
            if len(found) > MAX_COMPONENT_SOLUTIONS:
                self.StopSearch()

    solver.Solve(cp, _Collect())
    if len(found) > MAX_COMPONENT_SOLUTIONS:
        raise ConstraintError(
            f"more than {MAX_COMPONENT_SOLUTIONS} allocations of the cells {', '.join(cell_text(c) for c in cells[:5])}, "
            "...; add the constraints the report gives for them."
        )
    return sorted(set(found))


@dataclass
class Allocations:
    """The consistent allocations of a model, factorised (see the module docstring).

    Attributes
    ----------
    model : AllocationModel
    hub_solutions : list of dict
        Consistent assignments of the hub variables that admit at least one completion.
    """

    model: AllocationModel
    hub_solutions: list
    _solutions: dict = field(default_factory=dict, repr=False)
    _projections: dict = field(default_factory=dict, repr=False)

    def component_solutions(self, index: int, hub: Mapping) -> list[tuple]:
        """Solutions of component ``index`` given a hub assignment (memoised on the hub cells it touches)."""
        touched = self.model.hub_cells_of(index)
        key = (index, tuple(hub[c] for c in touched))
        if key not in self._solutions:
            cells = self.model.components[index]
            self._solutions[key] = _enumerate(
                self.model, cells, self.model.constraints_of(index), {c: hub[c] for c in touched}
            )
        return self._solutions[key]

    def weight(self, hub: Mapping) -> int:
        """Number of allocations that extend a hub assignment."""
        total = 1
        for index in range(len(self.model.components)):
            total *= len(self.component_solutions(index, hub))
            if not total:
                return 0
        return total

    @cached_property
    def _hub_weights(self) -> list:
        return [self.weight(h) for h in self.hub_solutions]

    @cached_property
    def count(self) -> int:
        """The exact number of consistent allocations."""
        return sum(self._hub_weights)

    def _touching(self, cells: Iterable[Cell]) -> list[int]:
        return sorted({self.model.component_of[c] for c in cells if c in self.model.component_of})

    def parts(self, hub: Mapping, cells: list, weight: int | None = None) -> tuple[int, list]:
        """Given a hub assignment: the number of completions of the components that do not touch
        ``cells``, and for each component that does, ``(positions in cells, Counter of the values it
        gives those cells -> number of its solutions)``. Hub and constant cells are not in any part."""
        position = {c: i for i, c in enumerate(cells)}
        rest = self.weight(hub) if weight is None else weight
        parts = []
        for index in self._touching(cells):
            comp = self.model.components[index]
            solutions = self.component_solutions(index, hub)
            if not solutions:
                return 0, []
            rest //= len(solutions)
            idx = [i for i, c in enumerate(comp) if c in position]
            key = (index, tuple(hub[c] for c in self.model.hub_cells_of(index)), tuple(idx))
            if key not in self._projections:
                self._projections[key] = Counter(tuple(s[i] for i in idx) for s in solutions)
            parts.append(([position[comp[i]] for i in idx], self._projections[key]))
        return rest, parts

    def projection(self, cells: Iterable[Cell]) -> Counter:
        """Exact distribution of the values of ``cells`` over all consistent allocations.

        Returns
        -------
        collections.Counter
            Tuple of values (in the order of ``cells``) -> number of allocations.
        """
        cells = list(cells)
        out: Counter = Counter()
        for hub, weight in zip(self.hub_solutions, self._hub_weights):
            rest, parts = self.parts(hub, cells, weight)
            if not rest:
                continue
            base = [hub.get(c, self.model.baseline[c]) for c in cells]
            combos = [([], 1)]
            for positions, counter in parts:
                combos = [
                    (chosen + [(positions, values)], w * n) for chosen, w in combos for values, n in counter.items()
                ]
            for chosen, w in combos:
                values = list(base)
                for positions, part in chosen:
                    for p, v in zip(positions, part):
                        values[p] = v
                out[tuple(values)] += w * rest
        return out

    def count_distribution(self, cells: Iterable[Cell], value: str) -> Counter:
        """Exact distribution of how many of ``cells`` equal ``value`` (number -> allocations)."""
        cells = list(cells)
        wanted = set(cells)
        touching = self._touching(cells)
        constant = sum(1 for c in cells if c not in self.model.variables and self.model.baseline[c] == value)
        out: Counter = Counter()
        for hub, weight in zip(self.hub_solutions, self._hub_weights):
            distribution = Counter({constant + sum(1 for c in cells if c in hub and hub[c] == value): 1})
            rest = weight
            for index in touching:
                comp = self.model.components[index]
                solutions = self.component_solutions(index, hub)
                rest //= len(solutions)
                idx = [i for i, c in enumerate(comp) if c in wanted]
                local = Counter(sum(s[i] == value for i in idx) for s in solutions)
                merged: Counter = Counter()
                for k, n in distribution.items():
                    for j, m in local.items():
                        merged[k + j] += n * m
                distribution = merged
            for k, n in distribution.items():
                out[k] += n * rest
        return out

    def iter_allocations(self, limit: int | None = None) -> Iterator[dict]:
        """Every consistent allocation as ``{cell: value}`` for the variables (lazily; ``limit`` stops early)."""
        produced = 0
        for hub in self.hub_solutions:
            pieces = [
                [dict(zip(comp, s)) for s in self.component_solutions(i, hub)]
                for i, comp in enumerate(self.model.components)
            ]
            for combination in product(*pieces):
                allocation = dict(hub)
                for piece in combination:
                    allocation.update(piece)
                yield allocation
                produced += 1
                if limit is not None and produced >= limit:
                    return

    def sample(self, n: int, seed: int = 0) -> list[dict]:
        """``n`` allocations drawn uniformly at random (with replacement), reproducibly from ``seed``."""
        import random

        rng = random.Random(seed)
        weights = self._hub_weights
        out = []
        for _ in range(n):
            hub = rng.choices(self.hub_solutions, weights=weights)[0]
            allocation = dict(hub)
            for index, comp in enumerate(self.model.components):
                allocation.update(zip(comp, rng.choice(self.component_solutions(index, hub))))
            out.append(allocation)
        return out


def solve(model: AllocationModel) -> Allocations:
    """Enumerate the hub and prepare the factorised solution space of ``model``.

    Raises
    ------
    ConstraintError
        If no allocation satisfies every constraint.
    """
    hub_constraints = model.constraints_of("hub")
    hub_cells = model.hub
    hub_solutions = (
        [dict(zip(hub_cells, s)) for s in _enumerate(model, hub_cells, hub_constraints, {})] if hub_cells else [{}]
    )
    allocations = Allocations(model=model, hub_solutions=hub_solutions)
    allocations.hub_solutions = [h for h in hub_solutions if allocations.weight(h)]
    if not allocations.hub_solutions:
        raise ConstraintError("no allocation satisfies every claim and constraint; see the constraints file.")
    return allocations


def consistent_allocations(study, constraints_path: Path | str | None = None) -> Allocations:
    """Build and solve the model of ``study`` (see :func:`build_model` and :func:`solve`)."""
    return solve(build_model(study, constraints_path))


def apply_allocation(study, allocation: Mapping):
    """A copy of ``study`` with the cells of ``allocation`` set (for checks against the analysis code).

    Moving a table of case counts to another municipality moves its rows and the start date of
    the coordinator post it belongs to.
    """
    tables = dict(study.tables)
    by_table: dict = {}
    for (table, key, name), value in allocation.items():
        by_table.setdefault(table, []).append((key, name, value))
    for table, changes in by_table.items():
        frame = tables[table].copy()
        if table == "case_statistics":
            moves = {key: value for key, _, value in changes if key != value}
            if moves:
                links = tables["coordinator_municipalities"].copy()
                original = frame["municipality_id"].copy()
                starts = dict(zip(links["municipality_id"], links["start_date"]))
                for source, target in moves.items():
                    frame.loc[original == source, "municipality_id"] = target
                    links.loc[links["municipality_id"] == target, "start_date"] = starts.get(source)
                for source in moves:
                    if source not in moves.values():
                        links.loc[links["municipality_id"] == source, "start_date"] = pd.NA
                tables["coordinator_municipalities"] = links
            tables[table] = frame
            continue
        keys = KEYS[table]
        index = frame[list(keys)].astype(str).agg("/".join, axis=1)
        for key, name, value in changes:
            frame.loc[index == key, name] = value
        tables[table] = frame
    return dataclasses.replace(study, tables=tables)


__all__ = [
    "MODELLED_FIELDS",
    "Atom",
    "Constraint",
    "ConstraintError",
    "AllocationModel",
    "Allocations",
    "study_cells",
    "cell_domain",
    "cell_text",
    "unmodelled_cells",
    "read_constraints",
    "claim_constraints",
    "count_finding_cells",
    "build_model",
    "solve",
    "consistent_allocations",
    "apply_allocation",
]

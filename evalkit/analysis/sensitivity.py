"""Which findings rest on reconstructed values?

Where the source report leaves a value open, the study records it with
``basis = reconstructed``, an ``assumption`` and the reconstructed columns.
This module lists every such cell (:func:`reconstructed_values`) and, for each,
recomputes the findings table with every alternative value the cell could
plausibly take (:func:`sensitivity_table`), listing the findings that change.
:func:`finding_sensitivity` turns that around: for each finding, the
assumptions it rests on.

Alternatives (the *domain* of a cell)
-------------------------------------
* ``value`` columns (assessments, conditions) and ``seat_in_management_group``:
  the other values of ``yes / partly / no``.
* other enum columns: the other codes of the schema's enum, without
  ``unknown`` and ``not_applicable``.
* ``respondent_role``: the other roles used by the study's interviews of the
  same ``respondent_group``.
* id columns referring to another table (``municipality_id``,
  ``coordinator_id``, ``based_in``): the other ids of that table.
* numbers: the other distinct values seen in the same column (for case
  counts: in the same municipality's series of the same measure), at most
  :data:`MAX_NUMERIC_ALTERNATIVES`, the nearest first.
* other strings (e.g. ``start_date``, ``q1_municipalities``): the other
  distinct values seen in the column.
* free text (:data:`TEXT_FIELDS`): no alternatives.

Recomputation is limited to the parts of the findings table that read the
changed field (:data:`FIELD_SECTIONS`); a field that no finding reads is
reported with ``n_changed = 0`` and a note, without recomputing.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import pandas as pd

from evalkit.analysis.findings import SECTIONS, sections_reading
from evalkit.analysis.populations import row_is_reconstructed
from evalkit.analysis.quality_areas import indicator_findings
from evalkit.analysis.success_factors import success_factor_findings
from evalkit.study.model import DATA_TABLES, PROVENANCE_COLUMNS, resource_schema

MAX_NUMERIC_ALTERNATIVES = 4
VALUE_DOMAIN = ("yes", "partly", "no")
EXCLUDED_CODES = {"unknown", "not_applicable"}
#: Free-text fields: listed as reconstructed, never perturbed.
TEXT_FIELDS = {
    "municipalities": {"name", "county"},
    "survey_responses": {
        "q3_other_specified",
        "q4_advantages",
        "q4_disadvantages",
        "q5_achievement_1",
        "q5_achievement_2",
        "q5_achievement_3",
    },
    "interviews": {"organisation"},
    "assessments": {"evidence"},
    "conditions": {"evidence"},
    "documents": {"description"},
    "published_claims": {"claim_en"},
}
#: Sections of the findings table that read each field. Fields not listed for
#: a table fall back to every section reading the table; an empty tuple means
#: no finding reads the field (checked by the tests on hand-made studies).
FIELD_SECTIONS = {
    "municipalities": {"size_band": (), "name": (), "county": (), "coordinator_functioning": ("organisation",)},
    "coordinators": {
        "based_in": (),
        "role": ("organisation",),
        "combined_with": ("organisation",),
        "seat_in_management_group": ("organisation",),
    },
    "coordinator_municipalities": {"start_date": (), "share_of_post_pct": ("organisation",)},
    "survey_responses": {
        "q3_strategic_pct": (),
        "q3_individual_pct": (),
        "q3_direct_client_pct": (),
        "q3_other_pct": (),
        "q3_other_specified": (),
        "q4_advantages": (),
        "q4_disadvantages": (),
        "q5_achievement_1": (),
        "q5_achievement_2": (),
        "q5_achievement_3": (),
        "q2_share_of_post_pct": ("organisation",),
        "q4_placement": ("organisation",),
        "q1_municipalities": (),
    },
    "interviews": {
        "mode": (),
        "organisation": (),
        "coordinator_id": (),
        "municipality_id": ("study",),
        "respondent_role": ("study",),
    },
    "documents": {"document_type": (), "municipality_id": (), "coordinator_id": (), "description": (), "year": ()},
    "published_claims": {},
}
_REFERENCES = {"municipality_id": "municipalities", "based_in": "municipalities", "coordinator_id": "coordinators"}


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


def value_columns(table: str) -> list[str]:
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
        columns = value_columns(table)
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
            for field in fields:
                if field not in frame.columns:
                    continue
                value = row[field]
                if pd.isna(value) and not explicit:
                    continue
                rows.append(
                    {
                        "table": table,
                        "key": _key_text(row, key),
                        "key_columns": "/".join(key),
                        "row": int(position),
                        "field": field,
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


def alternatives(study, table: str, row: int, field: str) -> list:
    """The alternative values of one cell (see the module docstring for the domains).

    Returns
    -------
    list
        Values in the column's type (str, or float for numbers), current value
        excluded, in a deterministic order.
    """
    if field in TEXT_FIELDS.get(table, set()):
        return []
    frame = study.tables[table].reset_index(drop=True)
    current = frame.at[row, field]
    spec = next(f for f in _schema_fields(table) if f["name"] == field)
    enum = spec.get("constraints", {}).get("enum")
    if (table, field) in (
        ("assessments", "value"),
        ("conditions", "value"),
        ("coordinators", "seat_in_management_group"),
    ):
        options = list(VALUE_DOMAIN)
    elif enum:
        options = [c for c in enum if c not in EXCLUDED_CODES]
    elif field == "respondent_role":
        group = frame.at[row, "respondent_group"]
        options = sorted(frame.loc[frame["respondent_group"] == group, "respondent_role"].dropna().unique())
    elif field in _REFERENCES:
        reference = _REFERENCES[field]
        key = "municipality_id" if reference == "municipalities" else "coordinator_id"
        options = sorted(study.tables[reference][key].dropna().unique())
    elif spec.get("type") in ("number", "integer"):
        column = frame[field]
        if table == "case_statistics":
            same = (frame["municipality_id"] == frame.at[row, "municipality_id"]) & (
                frame["measure"] == frame.at[row, "measure"]
            )
            column = frame.loc[same, field]
        seen = sorted({float(v) for v in column.dropna()})
        if pd.isna(current):
            return seen[:MAX_NUMERIC_ALTERNATIVES]
        others = [v for v in seen if v != float(current)]
        others.sort(key=lambda v: (abs(v - float(current)), v))
        return sorted(others[:MAX_NUMERIC_ALTERNATIVES])
    else:
        options = sorted(str(v) for v in frame[field].dropna().unique())
    return [o for o in options if pd.isna(current) or str(o) != str(current)]


def _sections_for(table: str, field: str) -> list[str]:
    table_fields = FIELD_SECTIONS.get(table, {})
    if field in table_fields:
        return list(table_fields[field])
    return sections_reading(table)


def _with_value(study, table: str, row: int, field: str, value):
    frame = study.tables[table].reset_index(drop=True).copy()
    if pd.api.types.is_numeric_dtype(frame[field].dtype):
        frame[field] = frame[field].astype("Float64")
        frame.at[row, field] = float(value)
        frame[field] = frame[field].astype(study.tables[table][field].dtype)
    else:
        frame.at[row, field] = value
    tables = dict(study.tables)
    tables[table] = frame
    return dataclasses.replace(study, tables=tables)


def _counts(frame: pd.DataFrame) -> dict:
    return {fid: (num, den) for fid, num, den in zip(frame["finding_id"], frame["numerator"], frame["denominator"])}


def _fmt(pair) -> str:
    if pair is None:
        return "absent"
    num, den = pair
    num_text = "NA" if pd.isna(num) else _text(float(num))
    return num_text if pd.isna(den) else f"{num_text}/{_text(float(den))}"


def _local_findings(study, table: str, row: int, field: str, sections: list[str]):
    """Findings a change to this cell can affect, computed as narrowly as is exact."""
    frame = study.tables[table].reset_index(drop=True)
    if table == "assessments" and field == "value":
        return indicator_findings(study, None, [frame.at[row, "indicator_id"]])
    if table == "conditions" and field == "value":
        return success_factor_findings(study, [frame.at[row, "condition_id"]])
    if table == "case_statistics":
        tables = dict(study.tables)
        tables[table] = frame.iloc[[row]]
        return SECTIONS["cases"](dataclasses.replace(study, tables=tables))
    out = [SECTIONS[name](study) for name in sections]
    return pd.concat(out, ignore_index=True) if out else None


def _scope_key(study, table: str, row: int, field: str, sections: list[str]) -> tuple:
    """Identify the baseline findings of a cell (cells with the same key share one baseline)."""
    frame = study.tables[table].reset_index(drop=True)
    if table == "assessments" and field == "value":
        return ("indicator", frame.at[row, "indicator_id"])
    if table == "conditions" and field == "value":
        return ("condition", frame.at[row, "condition_id"])
    if table == "case_statistics":
        return ("case_row", row)
    return ("sections", tuple(sections))


def sensitivity_table(study) -> pd.DataFrame:
    """Recompute the findings for every alternative of every reconstructed value.

    Returns
    -------
    pandas.DataFrame
        One row per reconstructed cell x alternative value: ``table, key, field,
        value, alternative, n_changed, changed_findings ('|'-joined ids), changes
        (e.g. 'qa.x: 3/8 -> 4/8; ...'), note``. Cells without alternatives get one
        row with ``alternative`` NA and a note. Order: as
        :func:`reconstructed_values`, alternatives in domain order.
    """
    cells = reconstructed_values(study)
    rows = []
    baselines: dict = {}
    for _, cell in cells.iterrows():
        table, row, field = cell["table"], int(cell["row"]), cell["field"]
        base = {"table": table, "key": cell["key"], "field": field, "value": cell["value"]}
        options = alternatives(study, table, row, field)
        if not options:
            rows.append(
                {
                    **base,
                    "alternative": pd.NA,
                    "n_changed": 0,
                    "changed_findings": "",
                    "changes": "",
                    "note": "no alternative value (free text or single-valued domain)",
                }
            )
            continue
        sections = _sections_for(table, field)
        if not sections and not (table in ("assessments", "conditions") and field == "value"):
            for option in options:
                rows.append(
                    {
                        **base,
                        "alternative": _text(option),
                        "n_changed": 0,
                        "changed_findings": "",
                        "changes": "",
                        "note": "no finding reads this field",
                    }
                )
            continue
        scope = _scope_key(study, table, row, field, sections)
        if scope not in baselines:
            baselines[scope] = _counts(_local_findings(study, table, row, field, sections))
        before = baselines[scope]
        for option in options:
            changed_study = _with_value(study, table, row, field, option)
            after = _counts(_local_findings(changed_study, table, row, field, sections))
            changed = sorted(fid for fid in set(before) | set(after) if _fmt(before.get(fid)) != _fmt(after.get(fid)))
            rows.append(
                {
                    **base,
                    "alternative": _text(option),
                    "n_changed": len(changed),
                    "changed_findings": "|".join(changed),
                    "changes": "; ".join(
                        f"{fid}: {_fmt(before.get(fid))} -> {_fmt(after.get(fid))}" for fid in changed
                    ),
                    "note": "",
                }
            )
    columns = ["table", "key", "field", "value", "alternative", "n_changed", "changed_findings", "changes", "note"]
    return pd.DataFrame(rows, columns=columns)


def finding_sensitivity(study, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each finding, the reconstructed cells whose alternatives change it.

    Parameters
    ----------
    study : Study
    table : pandas.DataFrame, optional
        A :func:`sensitivity_table` (computed when not given).

    Returns
    -------
    pandas.DataFrame
        Columns ``finding_id, n_cells, cells ('; '-joined 'table[key].field')``, only
        findings that some alternative changes; sorted by ``n_cells`` descending, then id.
    """
    if table is None:
        table = sensitivity_table(study)
    depends: dict[str, set] = {}
    for _, r in table.iterrows():
        if not r["changed_findings"]:
            continue
        cell = f"{r['table']}[{r['key']}].{r['field']}"
        for fid in str(r["changed_findings"]).split("|"):
            depends.setdefault(fid, set()).add(cell)
    rows = [
        {"finding_id": fid, "n_cells": len(cells), "cells": "; ".join(sorted(cells))} for fid, cells in depends.items()
    ]
    frame = pd.DataFrame(rows, columns=["finding_id", "n_cells", "cells"])
    return frame.sort_values(["n_cells", "finding_id"], ascending=[False, True]).reset_index(drop=True)


__all__ = [
    "reconstructed_values",
    "alternatives",
    "sensitivity_table",
    "finding_sensitivity",
    "value_columns",
    "row_is_reconstructed",
]

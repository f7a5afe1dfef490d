"""Two or more coders: from the coders' assessments to the one value the findings use.

``assessments`` may carry a ``coder`` column. A row whose coder is empty or
``agreed`` is the agreed value of its subject and indicator; a row with any
other coder id (``coder1``, ``coder2``) is that coder's own assessment. A study
without the column has one agreed value per subject and indicator, as before.

The findings use, for every subject and indicator:

1. the agreed row, when there is one and it holds a known value (yes, partly,
   no), or when no coder knows more: an agreed ``unknown`` never hides what
   the coders found. A row typed as a placeholder while the coding was under
   way (an empty coder and ``unknown``) would otherwise silently turn the
   coders' values into "not known"; ``evalkit validate`` notes every agreed
   ``unknown`` beside coders' known values (:func:`agreed_unknown_notes`);
2. otherwise, when only coders' rows exist, the **cautious rule**: the value
   the coders share if they agree; if they differ, the lowest of their known
   values on the scale no < partly < yes (a coder's ``unknown`` is left out;
   ``unknown`` only when no coder knows). A disagreement can therefore never
   raise a count. The row is marked ``coder = resolved_by_rule`` and the run
   lists it among the disagreements to resolve.

The agreement threshold (below it the run warns and the report says so) is a
setting of the study, ``"evalkit:agreement_threshold"`` in ``datapackage.json``
(default 0.667), so that the run and every notebook use the same value and a
changed threshold changes the run key.
"""

from __future__ import annotations

import pandas as pd

AGREED = "agreed"
BY_RULE = "resolved_by_rule"
ORDER = {"no": 0, "partly": 1, "yes": 2}
KEY = ["indicator_id", "subject_id"]
THRESHOLD_KEY = "evalkit:agreement_threshold"
DEFAULT_THRESHOLD = 0.667


def agreement_threshold(descriptor) -> float:
    """The study's agreement threshold (``evalkit:agreement_threshold``, default 0.667).

    A value that :func:`threshold_problem` rejects falls back to the default
    (validation reports it).
    """
    value = (descriptor or {}).get(THRESHOLD_KEY, DEFAULT_THRESHOLD)
    return DEFAULT_THRESHOLD if threshold_problem(value) else float(value)


def threshold_problem(value) -> str | None:
    """Why ``value`` cannot be an agreement threshold (``None`` when it can): a number above 0, at most 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        return f"'{THRESHOLD_KEY}' is {value!r}; it must be a number above 0 and at most 1"
    return None


def is_agreed(coder: pd.Series) -> pd.Series:
    """Whether each row's coder marks the agreed value (empty or ``agreed``)."""
    return coder.isna() | (coder.astype("string").str.strip().fillna("") == "") | (coder == AGREED)


def cautious_value(values: list[str]) -> str:
    """The cautious rule: the shared value, else the lowest known value, else ``unknown``."""
    known = [value for value in values if value in ORDER]
    if not known:
        return "unknown"
    return min(known, key=ORDER.__getitem__)


def split_assessments(assessments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split assessments into the values the findings use and the coders' own rows.

    Parameters
    ----------
    assessments : pandas.DataFrame
        The typed ``assessments`` table, with or without a ``coder`` column.

    Returns
    -------
    resolved : pandas.DataFrame
        One row per indicator and subject, in file order: the agreed row, or
        a row made by the cautious rule (``coder = resolved_by_rule``).
        ``coder`` is ``agreed`` on agreed rows.
    by_coder : pandas.DataFrame
        The rows of individual coders (empty when there are none).
    """
    frame = assessments.reset_index(drop=True)
    if "coder" not in frame.columns:
        frame = frame.assign(coder=pd.Series(pd.NA, index=frame.index, dtype="string"))
    agreed_mask = is_agreed(frame["coder"])
    agreed = frame[agreed_mask].copy()
    agreed["coder"] = pd.Series(AGREED, index=agreed.index, dtype="string")
    by_coder = frame[~agreed_mask].copy()
    if by_coder.empty:
        return agreed.reset_index(drop=True), by_coder.reset_index(drop=True)
    coder_known = by_coder[by_coder["value"].isin(list(ORDER))]
    known_keys = set(map(tuple, coder_known[KEY].astype(str).to_numpy()))
    unknown = agreed["value"].astype(object).where(agreed["value"].notna(), "unknown") == "unknown"
    beside_known = [tuple(map(str, key)) in known_keys for key in agreed[KEY].to_numpy()]
    agreed = agreed[~(unknown.to_numpy(dtype=bool) & pd.Series(beside_known, dtype=bool).to_numpy())]
    have = set(map(tuple, agreed[KEY].astype(str).to_numpy()))
    added = []
    for key, group in by_coder.groupby(KEY, sort=False):
        if tuple(map(str, key)) in have:
            continue
        row = group.iloc[0].copy()
        row["value"] = cautious_value(list(group["value"].dropna()))
        row["coder"] = BY_RULE
        row["evidence"] = "; ".join(dict.fromkeys(str(e) for e in group["evidence"].dropna())) or pd.NA
        added.append(row)
    resolved = pd.concat([agreed, pd.DataFrame(added)]) if added else agreed
    order = {key: position for position, key in enumerate(dict.fromkeys(map(tuple, frame[KEY].astype(str).to_numpy())))}
    resolved = resolved.assign(_order=[order[tuple(map(str, k))] for k in resolved[KEY].to_numpy()])
    resolved = resolved.sort_values("_order", kind="stable").drop(columns="_order")
    return resolved.astype(assessments.dtypes.to_dict() | {"coder": "string"}).reset_index(
        drop=True
    ), by_coder.reset_index(drop=True)


def rows_as_written(study, table: str) -> pd.DataFrame:
    """A table's rows as the study holds them: for ``assessments``, the agreed rows and every coder's rows.

    ``study.tables["assessments"]`` holds one value per subject and indicator (what the findings use), which
    is fewer rows than the sheet has when coders write their own rows; counts of rows use this instead.
    (An agreed ``unknown`` set aside beside coders' known values is not counted.)
    """
    frame = study.tables[table]
    if table != "assessments":
        return frame
    agreed = frame[frame["coder"].astype("string").fillna("") != BY_RULE] if "coder" in frame.columns else frame
    coders = getattr(study, "coder_assessments", None)
    if coders is None or coders.empty:
        return agreed
    return pd.concat([agreed, coders], ignore_index=True)


def agreed_unknown_notes(checked) -> list:
    """Notes for agreed ``unknown`` rows beside coders' known values (the coders' values are used instead).

    Parameters
    ----------
    checked : evalkit.study.validate.records.Checked
        The study's checked records.

    Returns
    -------
    list of evalkit.study.validate.Problem
        One note per such agreed row, at its row and ``value`` column.
    """
    from evalkit.study.validate.records import problem_at

    if not checked.has("assessments", "indicator_id", "subject_id", "value", "coder"):
        return []
    known: dict[tuple, list[str]] = {}
    for record in checked.rows("assessments"):
        coder = record.get("coder")
        if coder not in (None, AGREED) and record.get("value") in ORDER:
            known.setdefault((record.get("indicator_id"), record.get("subject_id")), []).append(
                f"{coder} {record['value']}"
            )
    notes = []
    for record in checked.rows("assessments"):
        key = (record.get("indicator_id"), record.get("subject_id"))
        if record.get("coder") in (None, AGREED) and record.get("value") in (None, "unknown") and key in known:
            notes.append(
                problem_at(
                    checked,
                    "assessments",
                    record,
                    "value",
                    record.get("value") or "",
                    f"an agreed unknown for {key[0]} and {key[1]} sits beside the coders' known values "
                    f"({', '.join(known[key])}); the findings use the coders' values (the cautious rule), not unknown.",
                    "",
                    code="agreed-unknown",
                )
            )
    return notes

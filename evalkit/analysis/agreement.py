"""Agreement between coders: Krippendorff's alpha and the disagreements to resolve.

When two or more coders assessed the same subject and indicator (rows of
``assessments`` with a coder id, see :mod:`evalkit.study.coders`), agreement
is measured with Krippendorff's alpha, computed by the kept ``krippendorff``
package:

* a **unit** is one subject × indicator; a **value** is one coder's
  assessment of it;
* the level of measurement is **ordinal**: no < partly < yes;
* ``unknown`` is a missing value (the coder could not say), never "no";
* alpha is computed per quality area (units whose indicator belongs to it)
  and over all units; only units that two or more coders valued count
  (Krippendorff's "pairable" values);
* alpha is undefined when the pairable values show no variation at all
  (every coder said the same thing on every unit); it is then reported as
  not defined, never as 1.

Below the study's threshold (``"evalkit:agreement_threshold"`` in
``datapackage.json``, default 0.667, the lowest value Krippendorff accepts for
tentative conclusions) the run warns and the report says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit.study.coders import DEFAULT_THRESHOLD, ORDER, agreement_threshold

OVERALL = "all"


def reliability_data(coder_rows: pd.DataFrame) -> tuple[np.ndarray, list[str], list[tuple[str, str]]]:
    """Coders × units matrix of ordinal values (0 no, 1 partly, 2 yes; NaN missing or unknown).

    Parameters
    ----------
    coder_rows : pandas.DataFrame
        Rows with ``indicator_id``, ``subject_id``, ``coder`` and ``value``.

    Returns
    -------
    data : numpy.ndarray
        Shape (coders, units).
    coders : list of str
        Row labels, sorted.
    units : list of (indicator_id, subject_id)
        Column labels, in first-seen order.
    """
    coders = sorted(coder_rows["coder"].dropna().unique())
    units = list(dict.fromkeys(zip(coder_rows["indicator_id"], coder_rows["subject_id"])))
    data = np.full((len(coders), len(units)), np.nan)
    coder_index = {coder: i for i, coder in enumerate(coders)}
    unit_index = {unit: j for j, unit in enumerate(units)}
    for row in coder_rows.itertuples(index=False):
        value = ORDER.get(row.value)
        if value is not None:
            data[coder_index[row.coder], unit_index[(row.indicator_id, row.subject_id)]] = value
    return data, coders, units


def alpha(data: np.ndarray) -> float:
    """Ordinal Krippendorff's alpha of a coders × units matrix (NaN when not defined)."""
    import krippendorff

    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    if pairable.size == 0 or len(np.unique(pairable[~np.isnan(pairable)])) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=[0, 1, 2]))


def study_threshold(study) -> float:
    """The agreement threshold of ``study`` (its descriptor's setting, default 0.667)."""
    return agreement_threshold(getattr(study, "descriptor", None))


def agreement_table(study, threshold: float | None = None) -> pd.DataFrame:
    """Krippendorff's alpha per quality area and over all indicators.

    Parameters
    ----------
    study : Study
    threshold : float, optional
        Alpha below this is flagged; default the study's threshold.

    Returns
    -------
    pandas.DataFrame
        One row per quality area that has units coded by two or more coders,
        then ``quality_area_id = "all"``: ``units`` (subject × indicator
        valued by two or more coders), ``coders``, ``pairable_values``,
        ``alpha`` (NaN when not defined) and ``below_threshold``. Empty when
        the study has no coders' rows.
    """
    columns = ["quality_area_id", "units", "coders", "pairable_values", "alpha", "below_threshold"]
    threshold = study_threshold(study) if threshold is None else threshold
    rows = study.coder_assessments
    if rows is None or rows.empty:
        return pd.DataFrame(columns=columns)
    areas = study.codebook["indicators"].set_index("indicator_id")["quality_area_id"]
    rows = rows.assign(quality_area_id=rows["indicator_id"].map(areas))
    order = list(study.codebook["quality_areas"].sort_values("order")["quality_area_id"])
    records = []
    for area, group in [(a, rows[rows["quality_area_id"] == a]) for a in order] + [(OVERALL, rows)]:
        if group.empty:
            continue
        data, coders, _ = reliability_data(group)
        valued = (~np.isnan(data)).sum(axis=0)
        units = int((valued >= 2).sum())
        if units == 0 and area != OVERALL:
            continue
        value = alpha(data)
        records.append(
            {
                "quality_area_id": area,
                "units": units,
                "coders": len(coders),
                "pairable_values": int(valued[valued >= 2].sum()),
                "alpha": value,
                "below_threshold": bool(not np.isnan(value) and value < threshold),
            }
        )
    return pd.DataFrame(records, columns=columns)


def disagreements(study) -> pd.DataFrame:
    """Every subject × indicator on which coders' known values differ, with what the findings use.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``subject_id``, one column per coder with the
        coder's value, ``used`` (the value the findings use) and ``how``
        (``agreed`` or ``resolved_by_rule``), in file order.
    """
    rows = study.coder_assessments
    if rows is None or rows.empty:
        return pd.DataFrame(columns=["indicator_id", "subject_id", "used", "how"])
    wide = rows.pivot_table(
        index=["indicator_id", "subject_id"], columns="coder", values="value", aggfunc="first", sort=False
    )
    known = wide.apply(lambda r: {v for v in r.dropna() if v in ORDER}, axis=1)
    wide = wide[known.map(len) > 1].reset_index()
    wide.columns.name = None
    used = study.tables["assessments"].set_index(["indicator_id", "subject_id"])
    keys = list(zip(wide["indicator_id"], wide["subject_id"]))
    wide["used"] = [used["value"].get(key, pd.NA) for key in keys]
    wide["how"] = [used["coder"].get(key, pd.NA) for key in keys]
    return wide


def agreement_warning(
    table: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD, area_names: dict | None = None
) -> str | None:
    """The run's warning when alpha, overall or in a quality area, is below ``threshold`` (``None`` otherwise).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`agreement_table`.
    threshold : float
        The study's threshold (:func:`study_threshold`).
    area_names : dict, optional
        Quality-area id -> the name the warning shows (the codebook's label); an
        area missing from it is shown by its id.
    """
    low = table[table["alpha"].notna() & (table["alpha"] < threshold)]
    if low.empty:
        return None
    names = area_names or {}
    parts = [
        f"{'overall' if row.quality_area_id == OVERALL else names.get(row.quality_area_id, row.quality_area_id)} "
        f"{row.alpha:.2f} ({row.units} units)"
        for row in low.itertuples()
    ]
    return (
        f"coder agreement is below the threshold {threshold:g}: Krippendorff's alpha {', '.join(parts)}. "
        "Resolve the disagreements (disagreements.csv) and record agreed values before relying on the findings."
    )

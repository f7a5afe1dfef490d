"""Chapter 03 (second half): case statistics before and after a coordinator started.

The source report uses yearly case counts with care: counts are missing for
many years, and where a count rose it had often begun to rise before the
coordinator arrived. This module makes that reasoning computable:

* :func:`case_series` tags every yearly value as before / start year / after;
* :func:`before_after_summary` compares means on each side, leaving the start
  year itself out of both sides (the coordinator was there for part of it);
* :func:`pre_existing_trend` tests whether an increase was already under way
  before the start (the slope's 95 % confidence interval above zero), in which
  case a later increase cannot be credited to the coordinator; a slope whose
  interval includes zero cannot be told from chance;
* :func:`level_change_model` fits, at most, a small exploratory level-change
  regression with honest uncertainty. With a handful of yearly counts it
  cannot establish an effect; it is labelled exploratory everywhere.

Every table these functions return has passed the small-cell rule
(:func:`evalkit.privacy.suppress_small_cells`): a count below the threshold
for a small municipality, and every statistic of its series, is a
:class:`evalkit.privacy.Suppressed` marker, so no consumer can print it.
The computations themselves use the counts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from evalkit.analysis.populations import coordinator_links, findings_frame, row_is_reconstructed
from evalkit.privacy import suppress_small_cells

CHAPTER = "comparison"  # case statistics are part of the comparison chapter (notebook 03)
PERIODS = ("before", "start_year", "after")


def coordinator_start(study) -> pd.DataFrame:
    """When a coordinator first started in each municipality.

    The earliest ``start_date`` among the municipality's coordinator links
    (dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the comparison is on
    the string, which sorts correctly for that format).

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, start_date, start_year`` (Int64) for every
        municipality with a link; NA where no start date is known.
    """
    links = coordinator_links(study)
    rows = []
    for municipality, group in links.groupby("municipality_id", sort=True):
        dates = sorted(str(d) for d in group["start_date"].dropna())
        start = dates[0] if dates else pd.NA
        rows.append(
            {"municipality_id": municipality, "start_date": start, "start_year": int(start[:4]) if dates else pd.NA}
        )
    frame = pd.DataFrame(rows, columns=["municipality_id", "start_date", "start_year"])
    frame["start_date"] = frame["start_date"].astype("string")
    frame["start_year"] = frame["start_year"].astype("Int64")
    return frame


def case_series(study) -> pd.DataFrame:
    """Yearly case counts with each municipality's coordinator start.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, measure, year, value (Float64, NA if not
        available; a protected count is a ``Suppressed`` marker), start_date,
        start_year, period, basis, source``; ``period`` is
        ``before``, ``start_year`` or ``after``, or ``no_coordinator`` /
        ``start_unknown``. Sorted by municipality, measure, year.
    """
    return suppress_small_cells(_counted_series(study), study)


def _counted_series(study) -> pd.DataFrame:
    """:func:`case_series` with every count, for the computations of this module (never shown as such)."""
    stats = study.tables["case_statistics"]
    starts = coordinator_start(study).set_index("municipality_id")
    rows = []
    for _, r in stats.iterrows():
        mid = r["municipality_id"]
        start_year = starts["start_year"].get(mid, pd.NA) if len(starts) else pd.NA
        start_date = starts["start_date"].get(mid, pd.NA) if len(starts) else pd.NA
        if mid not in starts.index:
            period = "no_coordinator"
        elif pd.isna(start_year):
            period = "start_unknown"
        else:
            year = int(r["year"])
            period = "before" if year < start_year else ("start_year" if year == start_year else "after")
        rows.append(
            {
                "municipality_id": mid,
                "measure": r["measure"],
                "year": r["year"],
                "value": r["value"],
                "start_date": start_date,
                "start_year": start_year,
                "period": period,
                "basis": "reconstructed"
                if row_is_reconstructed(r["basis"], r["reconstructed_fields"], ["value"])
                else "stated",
                "source": r["source"],
            }
        )
    columns = ["municipality_id", "measure", "year", "value", "start_date", "start_year", "period", "basis", "source"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.astype(
        {
            "municipality_id": "string",
            "measure": "string",
            "year": "Int64",
            "value": "Float64",
            "start_date": "string",
            "start_year": "Int64",
            "period": "string",
            "basis": "string",
            "source": "string",
        }
    )
    return frame.sort_values(["municipality_id", "measure", "year"]).reset_index(drop=True)


def _series_groups(study):
    series = _counted_series(study)
    series = series[series["period"].isin(PERIODS) & series["value"].notna()]
    return series.groupby(["municipality_id", "measure"], sort=True)


def before_after_summary(study) -> pd.DataFrame:
    """Mean yearly count before and after the coordinator started.

    The start year is excluded from both sides: the coordinator was in post
    for only part of it. Years with a missing count are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, measure, start_year, n_before, n_after, mean_before,
        mean_after, abs_change, rel_change (NaN when mean_before is 0 or missing),
        start_year_value, start_year_excluded (always True), note`` (the code
        ``start_year_excluded``; labelled by the ``case_note`` vocabulary).
    """
    rows = []
    for (mid, measure), group in _series_groups(study):
        before = group.loc[group["period"] == "before", "value"].astype(float)
        after = group.loc[group["period"] == "after", "value"].astype(float)
        at_start = group.loc[group["period"] == "start_year", "value"].astype(float)
        mean_before = float(before.mean()) if len(before) else float("nan")
        mean_after = float(after.mean()) if len(after) else float("nan")
        change = mean_after - mean_before
        rel = change / mean_before if mean_before and not math.isnan(mean_before) else float("nan")
        rows.append(
            {
                "municipality_id": mid,
                "measure": measure,
                "start_year": int(group["start_year"].iloc[0]),
                "n_before": int(len(before)),
                "n_after": int(len(after)),
                "mean_before": mean_before,
                "mean_after": mean_after,
                "abs_change": change,
                "rel_change": rel,
                "start_year_value": float(at_start.iloc[0]) if len(at_start) else float("nan"),
                "start_year_excluded": True,
                "note": "start_year_excluded",
            }
        )
    columns = [
        "municipality_id",
        "measure",
        "start_year",
        "n_before",
        "n_after",
        "mean_before",
        "mean_after",
        "abs_change",
        "rel_change",
        "start_year_value",
        "start_year_excluded",
        "note",
    ]
    return suppress_small_cells(pd.DataFrame(rows, columns=columns), study)


def _slope(years: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and its standard error (NaN with fewer than three distinct years)."""
    if len(years) < 2 or np.ptp(years) == 0:
        return float("nan"), float("nan")
    x = years - years.mean()
    sxx = float((x * x).sum())
    slope = float((x * (values - values.mean())).sum() / sxx)
    if len(years) < 3:
        return slope, float("nan")
    residuals = values - values.mean() - slope * x
    return slope, math.sqrt(float(residuals @ residuals) / (len(years) - 2) / sxx)


#: Confidence level of the pre-start slope's interval (two-sided), the test's stated level.
PRE_TREND_LEVEL = 0.95


def pre_existing_trend(study, level: float = PRE_TREND_LEVEL) -> pd.DataFrame:
    """Was an increase already under way before the coordinator started? A test at a stated level.

    The years strictly before the start year are the pre-start period. The report's example:
    counts rising 96 -> 115 over the two years before a coordinator came in 2018, so the 2018
    value cannot be credited to the coordinator. The verdict (``pre_trend``):

    * fewer than two pre-start years: ``insufficient_pre_start_data``;
    * two years: the direction of the change, as in the report's reasoning, with ``note``
      ``two_points``: two values give no standard error, so nothing is tested;
    * three or more: the least-squares slope with its two-sided ``level`` confidence interval
      (Student's t, ``n - 2`` degrees of freedom). When the interval includes zero, the slope
      ``cannot_be_distinguished`` from chance (a flat, noisy series such as 41, 43, 42, 44 is not
      "already rising"); when it lies above zero the increase was ``increase_already_under_way``,
      below zero ``no_pre_start_increase``.

    Beside the verdict stand the level change at the start and its interval, from
    :func:`level_change_model` (NaN when that model cannot be fitted), so a reader sees what
    the verdict would discount.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, measure, start_year, n_pre, first_pre_year,
        first_pre_value, last_pre_year, last_pre_value, pre_slope (per year), pre_slope_se,
        pre_slope_ci_low, pre_slope_ci_high, level, increase_under_way (boolean; NA when
        insufficient or indistinguishable), pre_trend, note, level_change,
        level_change_ci_low, level_change_ci_high``. ``pre_trend`` and ``note`` are codes of the
        ``pre_trend`` and ``case_note`` vocabularies.
    """
    models = _level_change_estimates(study, level=level)  # suppressed with the rest of this table below
    shifts = models[models["term"] == "level_change"].set_index(["municipality_id", "measure"])
    rows = []
    for (mid, measure), group in _series_groups(study):
        pre = group[group["period"] == "before"].sort_values("year")
        years = pre["year"].astype(float).to_numpy()
        values = pre["value"].astype(float).to_numpy()
        slope, error = _slope(years, values)
        t_crit = t_quantile(0.5 + level / 2, len(pre) - 2) if len(pre) >= 3 else float("nan")
        low, high = slope - t_crit * error, slope + t_crit * error
        note = pd.NA
        if len(pre) < 2:
            under_way, verdict = pd.NA, "insufficient_pre_start_data"
        elif len(pre) == 2:
            under_way = bool(values[-1] > values[0])
            verdict = "increase_already_under_way" if under_way else "no_pre_start_increase"
            note = "two_points"
        elif math.isnan(low) or low <= 0 <= high:
            under_way, verdict = pd.NA, "cannot_be_distinguished"
        else:
            under_way = bool(low > 0)
            verdict = "increase_already_under_way" if under_way else "no_pre_start_increase"
        shift = shifts.loc[(mid, measure)] if (mid, measure) in shifts.index else None
        rows.append(
            {
                "municipality_id": mid,
                "measure": measure,
                "start_year": int(group["start_year"].iloc[0]),
                "n_pre": int(len(pre)),
                "first_pre_year": int(years[0]) if len(pre) else pd.NA,
                "first_pre_value": float(values[0]) if len(pre) else float("nan"),
                "last_pre_year": int(years[-1]) if len(pre) else pd.NA,
                "last_pre_value": float(values[-1]) if len(pre) else float("nan"),
                "pre_slope": slope,
                "pre_slope_se": error,
                "pre_slope_ci_low": float(low),
                "pre_slope_ci_high": float(high),
                "level": float(level),
                "increase_under_way": under_way,
                "pre_trend": verdict,
                "note": note,
                "level_change": float(shift["estimate"]) if shift is not None else float("nan"),
                "level_change_ci_low": float(shift["ci_low"]) if shift is not None else float("nan"),
                "level_change_ci_high": float(shift["ci_high"]) if shift is not None else float("nan"),
            }
        )
    columns = [
        "municipality_id",
        "measure",
        "start_year",
        "n_pre",
        "first_pre_year",
        "first_pre_value",
        "last_pre_year",
        "last_pre_value",
        "pre_slope",
        "pre_slope_se",
        "pre_slope_ci_low",
        "pre_slope_ci_high",
        "level",
        "increase_under_way",
        "pre_trend",
        "note",
        "level_change",
        "level_change_ci_low",
        "level_change_ci_high",
    ]
    frame = pd.DataFrame(rows, columns=columns).astype(
        {"first_pre_year": "Int64", "last_pre_year": "Int64", "increase_under_way": "boolean", "note": "string"}
    )
    return suppress_small_cells(frame, study)


# Student t distribution (scipy) -------------------------------------------------------------


def t_cdf(t: float, df: float) -> float:
    """Cumulative distribution function of Student's t with ``df`` degrees of freedom."""
    return float(student_t.cdf(t, df))


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t; NaN when ``df < 1`` or ``p`` is outside (0, 1)."""
    if df < 1 or not 0 < p < 1:
        return float("nan")
    return float(student_t.ppf(p, df))


def level_change_model(
    study, municipality_id: str | None = None, measure: str | None = None, level: float = 0.95
) -> pd.DataFrame:
    """Exploratory segmented regression, with the study's small cells withheld.

    See :func:`_level_change_estimates` for the model; estimates of a series
    holding a count below the study's threshold are withheld
    (:func:`evalkit.privacy.suppress_small_cells`).
    """
    frame = _level_change_estimates(study, municipality_id, measure, level)
    protected = suppress_small_cells(frame, study)
    protected.attrs.update(frame.attrs)
    return protected


def _level_change_estimates(
    study, municipality_id: str | None = None, measure: str | None = None, level: float = 0.95
) -> pd.DataFrame:
    """Exploratory segmented regression ``y = a + b*(year - start) + c*after``.

    Fitted by ordinary least squares (numpy) per municipality x measure on the
    available years, leaving the start year out (as in
    :func:`before_after_summary`). ``c`` is the shift in level after the start,
    given the linear trend. Standard errors use ``sigma^2 (X'X)^-1`` with
    ``df = n - 3``; intervals are two-sided t intervals. A series with too few
    years for that (``df < 1``, or no year on one side of the start) gets one
    row with ``term`` empty and ``note = too_few_years`` instead of estimates
    without uncertainty.

    This is exploratory: a few yearly counts cannot separate a coordinator
    effect from trends, registration changes or chance. Every row carries
    ``exploratory = True``, and the frame's ``attrs['exploratory']`` is True.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, measure, term (intercept, trend, level_change),
        estimate, std_error, df, t_crit, ci_low, ci_high, n_years, exploratory, note``.
    """
    rows = []
    for (mid, meas), group in _series_groups(study):
        if (municipality_id is not None and mid != municipality_id) or (measure is not None and meas != measure):
            continue
        used = group[group["period"] != "start_year"]
        start = float(group["start_year"].iloc[0])
        year = used["year"].astype(float).to_numpy()
        y = used["value"].astype(float).to_numpy()
        after = (used["period"] == "after").astype(float).to_numpy()
        X = np.column_stack([np.ones_like(year), year - start, after])
        n = len(y)
        df = n - 3
        rank = np.linalg.matrix_rank(X) if n else 0
        if rank < 3 or df < 1:
            rows.append(
                {
                    "municipality_id": mid,
                    "measure": meas,
                    "term": pd.NA,
                    "estimate": float("nan"),
                    "std_error": float("nan"),
                    "df": max(int(df), 0),  # no residual degrees of freedom left, never a negative count
                    "t_crit": float("nan"),
                    "ci_low": float("nan"),
                    "ci_high": float("nan"),
                    "n_years": int(n),
                    "exploratory": True,
                    "note": "too_few_years",
                }
            )
            continue
        estimates, _, _, _ = np.linalg.lstsq(X, y, rcond=None)
        residuals = y - X @ estimates
        sigma2 = float(residuals @ residuals) / df
        errors = np.sqrt(np.diag(sigma2 * np.linalg.inv(X.T @ X)))
        t_crit = t_quantile(0.5 + level / 2, df)
        for term, estimate, error in zip(("intercept", "trend", "level_change"), estimates, errors):
            rows.append(
                {
                    "municipality_id": mid,
                    "measure": meas,
                    "term": term,
                    "estimate": float(estimate),
                    "std_error": float(error),
                    "df": int(df),
                    "t_crit": t_crit,
                    "ci_low": float(estimate - t_crit * error),
                    "ci_high": float(estimate + t_crit * error),
                    "n_years": int(n),
                    "exploratory": True,
                    "note": pd.NA,
                }
            )
    columns = [
        "municipality_id",
        "measure",
        "term",
        "estimate",
        "std_error",
        "df",
        "t_crit",
        "ci_low",
        "ci_high",
        "n_years",
        "exploratory",
        "note",
    ]
    frame = pd.DataFrame(rows, columns=columns).astype({"term": "string", "note": "string"})
    frame.attrs["exploratory"] = True
    frame.attrs["note"] = (
        "Exploratory level-change regression on a few yearly counts; not evidence of a coordinator effect."
    )
    return frame


def case_findings(study) -> pd.DataFrame:
    """``cases.<municipality>.<measure>.<year>`` for every available yearly count.

    Plain counts (unit ``cases``, no denominator). The statement names the
    municipality by its pseudonymous label and the measure by its codebook
    label. ``basis`` is the basis of the count itself; ``allocation`` is
    ``reconstructed`` when which municipality the series belongs to is an
    assumption (``municipality_id`` in ``reconstructed_fields``).
    """
    from evalkit.analysis.populations import rows_allocation, rows_basis
    from evalkit.present.labels import measure_label, municipality_label
    from evalkit.present.language import decapitalise, number_word

    stats = study.tables["case_statistics"]
    stats = stats[stats["value"].notna()].sort_values(["municipality_id", "measure", "year"])
    rows = []
    for index, r in stats.iterrows():
        mid, measure, year, value = r["municipality_id"], r["measure"], int(r["year"]), int(r["value"])
        sv = (
            f"I {decapitalise(municipality_label(mid, 'sv'))} var antalet "
            f"{decapitalise(measure_label(study, measure, 'sv'))} {number_word(value, 'sv')} år {year}."
        )
        en = (
            f"In {municipality_label(mid, 'en')}, the number of "
            f"{decapitalise(measure_label(study, measure, 'en'))} was {number_word(value, 'en')} in {year}."
        )
        row = stats.loc[[index]]
        rows.append(
            {
                "finding_id": f"cases.{mid}.{measure}.{year}",
                "chapter": CHAPTER,
                "quality_area": pd.NA,
                "numerator": value,
                "denominator": None,
                "unit": "cases",
                "statement_sv": sv,
                "statement_en": en,
                "source": r["source"],
                "basis": rows_basis(row, ["value"], study),
                "allocation": rows_allocation(row, ["municipality_id"]),
            }
        )
    return findings_frame(rows)

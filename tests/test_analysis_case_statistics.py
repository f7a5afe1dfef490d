"""Chapter 03, second half: case statistics before and after the coordinator (numbers by hand)."""

import math

import pandas as pd
import pytest
from studies import findings_by_id, tiny_study

from evalkit.analysis import case_statistics as cs


def test_coordinator_start():
    starts = cs.coordinator_start(tiny_study()).set_index("municipality_id")
    assert starts.loc["A", "start_date"] == "2016-08" and starts.loc["A", "start_year"] == 2016
    assert starts.loc["B", "start_year"] == 2018
    assert starts["start_year"].isna()["C"]
    assert "D" not in starts.index


def test_case_series_periods():
    series = cs.case_series(tiny_study())
    a = series[series["municipality_id"] == "A"]
    assert list(a["period"]) == ["before", "before", "start_year", "after", "after"]
    assert list(series.loc[series["municipality_id"] == "C", "period"]) == ["start_unknown"]
    assert list(series.loc[series["municipality_id"] == "D", "period"]) == ["no_coordinator", "no_coordinator"]
    assert series["value"].isna().sum() == 1


def test_before_after_summary():
    summary = cs.before_after_summary(tiny_study()).set_index("municipality_id")
    a = summary.loc["A"]
    assert (a["n_before"], a["n_after"]) == (2, 2)
    assert a["mean_before"] == 11 and a["mean_after"] == 21.5
    assert a["abs_change"] == 10.5 and a["rel_change"] == pytest.approx(10.5 / 11)
    assert a["start_year_value"] == 15 and bool(a["start_year_excluded"])
    b = summary.loc["B"]
    assert b["n_after"] == 0 and math.isnan(b["mean_after"]) and b["mean_before"] == 105.5
    assert set(summary.index) == {"A", "B"}


def test_pre_existing_trend():
    trend = cs.pre_existing_trend(tiny_study()).set_index("municipality_id")
    b = trend.loc["B"]
    assert b["first_pre_value"] == 96 and b["last_pre_value"] == 115
    assert b["pre_slope"] == pytest.approx(19.0)
    assert bool(b["increase_under_way"]) and b["pre_trend"] == "increase_already_under_way"
    assert b["note"] == "two_points" and math.isnan(b["pre_slope_se"])
    assert trend.loc["A", "pre_slope"] == pytest.approx(2.0)


def test_pre_trend_that_cannot_be_told_from_noise():
    from studies import tiny_tables

    # Three years before the start (2013-2015): 45, 38, 60 has slope 7.5 and standard error
    # sqrt((4.83^2 + 9.67^2 + 4.83^2) / 1 / 2) = 8.37 > 7.5: no verdict either way.
    tables = tiny_tables()
    cases = tables["case_statistics"]
    a = cases[cases.municipality_id == "A"].iloc[:1]
    extra = a.assign(year=2013)
    cases = pd.concat([cases, extra], ignore_index=True)
    for year, value in ((2013, 45), (2014, 38), (2015, 60)):
        cases.loc[(cases.municipality_id == "A") & (cases.year == year), "value"] = value
    trend = cs.pre_existing_trend(tiny_study({"case_statistics": cases})).set_index("municipality_id")
    a = trend.loc["A"]
    assert a["pre_slope"] == pytest.approx(7.5) and a["pre_slope_se"] == pytest.approx(
        math.sqrt(70.0 + 1 / 12), rel=1e-3
    )
    assert a["pre_trend"] == "cannot_be_distinguished" and pd.isna(a["increase_under_way"])
    # 25, 24, 17: slope -4, standard error sqrt(3); on one degree of freedom the 95 % interval
    # (t = 12.71) is -4 +- 22.0 and includes zero: that cannot be told from chance either.
    for year, value in ((2013, 25), (2014, 24), (2015, 17)):
        cases.loc[(cases.municipality_id == "A") & (cases.year == year), "value"] = value
    trend = cs.pre_existing_trend(tiny_study({"case_statistics": cases})).set_index("municipality_id")
    assert trend.loc["A", "pre_slope_se"] == pytest.approx(math.sqrt(3))
    assert trend.loc["A", "pre_slope_ci_low"] == pytest.approx(-4 - 12.7062 * math.sqrt(3), abs=1e-3)
    assert trend.loc["A", "pre_trend"] == "cannot_be_distinguished"
    # 25, 20, 16: slope -4.5, standard error 0.29, interval (-8.2, -0.8) below zero.
    for year, value in ((2013, 25), (2014, 20), (2015, 16)):
        cases.loc[(cases.municipality_id == "A") & (cases.year == year), "value"] = value
    trend = cs.pre_existing_trend(tiny_study({"case_statistics": cases})).set_index("municipality_id")
    assert trend.loc["A", "pre_slope_ci_high"] < 0
    assert trend.loc["A", "pre_trend"] == "no_pre_start_increase"


def _series_study(before, after, start=2016):
    """A study whose municipality A has yearly counts ``before`` up to the start year and ``after`` from the next."""
    from studies import tiny_tables

    tables = tiny_tables()
    cases = tables["case_statistics"]
    template = cases[cases.municipality_id == "A"].iloc[:1]
    years = list(range(start - len(before), start)) + [start] + list(range(start + 1, start + 1 + len(after)))
    values = [*before, (before[-1] + after[0]) // 2, *after]
    own = pd.concat([template.assign(year=y, value=v) for y, v in zip(years, values)], ignore_index=True)
    return tiny_study({"case_statistics": pd.concat([cases[cases.municipality_id != "A"], own], ignore_index=True)})


def test_a_flat_noisy_series_is_not_called_rising_and_a_real_rise_is():
    """The pre-trend verdict is a test at a stated level (the slope's 95 % interval), not 'slope > SE'."""
    # Another county's series: flat and noisy before the start, a clear jump after it.
    flat = cs.pre_existing_trend(_series_study([41, 43, 42, 44], [71, 74, 76])).set_index("municipality_id").loc["A"]
    assert flat["pre_slope"] == pytest.approx(0.8) and flat["pre_slope_se"] == pytest.approx(0.4243, abs=1e-4)
    # slope > SE (the old rule said "already under way"), but t = 1.89 on 2 df: the interval includes zero.
    assert flat["pre_slope_se"] < flat["pre_slope"]
    assert flat["pre_slope_ci_low"] < 0 < flat["pre_slope_ci_high"]
    assert flat["pre_trend"] == "cannot_be_distinguished" and pd.isna(flat["increase_under_way"])
    assert flat["level"] == 0.95
    # The level change it would otherwise discount stands beside it, with its interval.
    assert flat["level_change"] > 20 and flat["level_change_ci_low"] > 0
    # A real rise before the start: 30, 41, 49, 61 (slope 10.1, interval well above zero).
    rise = cs.pre_existing_trend(_series_study([30, 41, 49, 61], [71, 80, 92])).set_index("municipality_id").loc["A"]
    assert rise["pre_slope_ci_low"] > 0
    assert rise["pre_trend"] == "increase_already_under_way" and bool(rise["increase_under_way"])


def test_pre_existing_trend_flat_and_short():
    from studies import tiny_tables

    tables = tiny_tables()
    cases = tables["case_statistics"]
    cases.loc[(cases.municipality_id == "A") & (cases.year == 2015), "value"] = 8
    trend = cs.pre_existing_trend(tiny_study({"case_statistics": cases})).set_index("municipality_id")
    assert trend.loc["A", "pre_trend"] == "no_pre_start_increase"
    cases = cases[~((cases.municipality_id == "B") & (cases.year == 2016))]
    trend = cs.pre_existing_trend(tiny_study({"case_statistics": cases})).set_index("municipality_id")
    assert trend.loc["B", "pre_trend"] == "insufficient_pre_start_data"
    assert trend["increase_under_way"].isna()["B"]


def test_t_quantiles():
    assert cs.t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-3)
    assert cs.t_quantile(0.975, 2) == pytest.approx(4.3027, abs=1e-3)
    assert cs.t_quantile(0.975, 10) == pytest.approx(2.2281, abs=1e-3)
    assert cs.t_quantile(0.025, 10) == pytest.approx(-2.2281, abs=1e-3)
    assert math.isnan(cs.t_quantile(0.975, 0))
    assert cs.t_cdf(0.0, 5) == pytest.approx(0.5)


def test_level_change_model_by_hand():
    # Years 2014, 2015, 2017, 2018 (start year 2016 left out): x = -2, -1, 1, 2; y = 10, 12, 20, 23.
    # Common slope b = 2.5, a = 14.75, c = 3; residuals +-0.25, RSS 0.25, df 1, sigma^2 0.25.
    model = cs.level_change_model(tiny_study(), "A", "m1").set_index("term")
    assert model.attrs["exploratory"] is True and model["exploratory"].all()
    assert model.loc["trend", "estimate"] == pytest.approx(2.5)
    assert model.loc["intercept", "estimate"] == pytest.approx(14.75)
    assert model.loc["level_change", "estimate"] == pytest.approx(3.0)
    assert (model["df"] == 1).all() and (model["n_years"] == 4).all()
    assert model.loc["trend", "std_error"] == pytest.approx(0.5)
    assert model.loc["level_change", "std_error"] == pytest.approx(math.sqrt(2.5))
    t = cs.t_quantile(0.975, 1)
    assert model.loc["trend", "ci_low"] == pytest.approx(2.5 - t * 0.5)
    assert model.loc["trend", "ci_high"] == pytest.approx(2.5 + t * 0.5)


def test_level_change_model_says_too_few_years():
    model = cs.level_change_model(tiny_study())
    b = model[model["municipality_id"] == "B"]  # no year after the start
    assert len(b) == 1 and b["note"].iloc[0] == "too_few_years" and pd.isna(b["term"].iloc[0])
    assert b["estimate"].isna().all()
    assert (model["df"] >= 0).all(), "a series shorter than the model's three terms has no degrees of freedom, not -1"
    from studies import tiny_tables

    cases = tiny_tables()["case_statistics"]
    cases = cases[~((cases.municipality_id == "A") & (cases.year == 2018))]  # 3 points: df 0
    a = cs.level_change_model(tiny_study({"case_statistics": cases}), "A")
    assert len(a) == 1 and a["note"].iloc[0] == "too_few_years" and int(a["df"].iloc[0]) == 0
    # With enough years, rows carry no note.
    assert cs.level_change_model(tiny_study(), "A")["note"].isna().all()


def test_case_findings():
    findings = cs.case_findings(tiny_study())
    got = findings_by_id(findings)
    assert len(got) == 10  # every non-missing value; D 2018 is missing
    assert got["cases.A.m1.2014"] == (10, None)
    assert got["cases.B.m1.2018"] == (138, None)
    assert "cases.D.m1.2018" not in got
    rows = findings.set_index("finding_id")
    assert (
        rows.loc["cases.A.m1.2014", "statement_sv"] == "I kommun A var antalet aktualiserade våldsärenden tio år 2014."
    )
    assert (
        rows.loc["cases.B.m1.2017", "statement_en"]
        == "In Municipality B, the number of violence cases opened was 115 in 2017."
    )
    assert set(rows["unit"]) == {"cases"} and rows["denominator"].isna().all()
    assert rows.loc["cases.A.m1.2014", "source"] == "Tabell 1"

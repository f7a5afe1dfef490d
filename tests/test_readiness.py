"""Readiness: which part of which chapter a study can show, and what it lacks (worked out by hand)."""

from __future__ import annotations

import pandas as pd
import pytest
from studies import tiny_study, tiny_tables

from evalkit import paths
from evalkit.scaffold import create_study
from evalkit.study import load_study
from evalkit.study import readiness as R

DEMO_DIR = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def statuses(study) -> dict[str, str]:
    table = R.readiness_table(study)
    return dict(zip(table["part"], table["status"]))


def missing(study, part: str, language: str = "en") -> str:
    table = R.readiness_table(study).set_index("part")
    return str(table.at[part, f"missing_{language}"])


def test_every_part_belongs_to_a_chapter_and_has_a_unique_id():
    from evalkit.chapters import CHAPTERS

    ids = [p.part for p in R.PARTS]
    assert len(ids) == len(set(ids))
    assert {p.chapter for p in R.PARTS} == {c.id for c in CHAPTERS}


def test_an_empty_scaffold_cannot_run_any_part_and_says_what_is_missing(tmp_path):
    study = load_study(create_study(tmp_path / "empty-2026"))
    table = R.readiness_table(study)
    assert set(table["status"]) == {R.CANNOT_RUN}
    reasons = dict(zip(table["part"], table["missing_en"]))
    assert reasons["municipalities"] == "municipalities.csv: no municipalities (0 rows)"
    assert reasons["survey"] == "coordinators.csv: no coordinators (0 rows)"
    assert reasons["case_statistics"] == "case_statistics.csv: no case counts (0 rows with a value)"
    assert reasons["quality_areas"].startswith("assessments.csv: no known value (yes, partly, no) for any of ")
    assert all(table["missing_sv"].str.len() > 0) and all(table["tables"].str.endswith(".csv"))


def test_tiny_study_statuses_worked_out_by_hand():
    # Interviews cover all four groups, both coordinators answered with a time split; the team
    # municipality D has known comparison values. Case series: A m1 has two years on each side
    # of its 2016 start (ready for trend and model); B starts 2018 with no year after it,
    # C has no start date and D no coordinator -> 3 of 4 series unusable (partial).
    # QCA: A (well), B (poorly), C (well) know both success factors -> 3 cases < 4 -> cannot run;
    # the failure explanation is unknown for C -> 2 cases.
    assert statuses(tiny_study()) == {
        "municipalities": R.READY,
        "interviews": R.READY,
        "survey": R.READY,
        "documents": R.READY,
        "provenance": R.READY,
        "robustness": R.READY,
        "posts": R.READY,
        "time_split": R.READY,
        "organisation_features": R.READY,
        "quality_areas": R.PARTIAL,  # the partner interview I10 has no access_contact row yet
        "team_comparison": R.READY,
        "case_statistics": R.PARTIAL,
        "pre_existing_trend": R.READY,
        "level_change_model": R.READY,
        "condition_table": R.READY,
        "success_factor_qca": R.CANNOT_RUN,
        "failure_qca": R.CANNOT_RUN,
    }
    assert missing(tiny_study(), "case_statistics") == (
        "case_statistics.csv: 3 of 4 series lack a start or years on one side (Municipality B: Violence cases opened, "
        "Municipality C: Violence cases opened, Municipality D: Violence cases opened)"
    )
    assert missing(tiny_study(), "success_factor_qca").startswith(
        "conditions.csv: 3 of 3 municipalities with a coordinator have all success factors and the outcome known "
        "(none left out); the analysis needs at least 4, with both outcomes (works well and poorly: 2 well, 1 poorly)"
    )
    assert missing(tiny_study(), "failure_qca").startswith("conditions.csv: 2 of 3 municipalities")


def test_qca_needs_both_outcomes_among_enough_complete_cases(monkeypatch):
    monkeypatch.setattr(R, "MIN_QCA_CASES", 3)
    assert statuses(tiny_study())["success_factor_qca"] == R.READY
    tables = tiny_tables()
    tables["municipalities"].loc[tables["municipalities"]["municipality_id"] == "B", "coordinator_functioning"] = "well"
    assert statuses(tiny_study(tables))["success_factor_qca"] == R.CANNOT_RUN
    assert "(works well and poorly: 3 well, 0 poorly)" in missing(tiny_study(tables), "success_factor_qca")


def test_qca_with_unknown_conditions_leaves_cases_out_and_is_partial(monkeypatch):
    monkeypatch.setattr(R, "MIN_QCA_CASES", 2)
    # casework is unknown for C: A and B remain, with both outcomes.
    assert statuses(tiny_study())["failure_qca"] == R.PARTIAL
    assert missing(tiny_study(), "failure_qca") == (
        "conditions.csv: 1 of 3 municipalities left out for unknown values (Municipality C)"
    )


def test_no_team_municipality_means_no_team_comparison():
    tables = tiny_tables()
    municipalities = tables["municipalities"]
    municipalities.loc[municipalities["municipality_id"] == "D", ["model"]] = "none"
    tables["assessments"] = tables["assessments"][tables["assessments"]["indicator_id"] != "team_contact"]
    study = tiny_study(tables)
    assert statuses(study)["team_comparison"] == R.CANNOT_RUN
    assert missing(study, "team_comparison") == (
        "municipalities.csv: no municipality has model team (a family-violence team): 0 of 4"
    )
    assert missing(study, "team_comparison", "sv") == (
        "municipalities.csv: ingen kommun har modellen team (familjefridsteam): 0 av 4"
    )


def test_a_series_with_one_year_cannot_show_before_and_after():
    tables = tiny_tables()
    tables["case_statistics"] = tables["case_statistics"].iloc[[3]]  # A, 2017 only (after the 2016 start)
    study = tiny_study(tables)
    assert {k: v for k, v in statuses(study).items() if k in ("case_statistics", "level_change_model")} == {
        "case_statistics": R.CANNOT_RUN,
        "level_change_model": R.CANNOT_RUN,
    }
    assert missing(study, "case_statistics") == (
        "case_statistics.csv: none of 1 series has a year both before and after the coordinator's start "
        "(the start year does not count)"
    )


def test_level_change_model_needs_four_years_outside_the_start_year():
    tables = tiny_tables()
    tables["case_statistics"] = tables["case_statistics"].iloc[[0, 1, 2, 3]]  # A: 2014, 2015, start 2016, 2017
    study = tiny_study(tables)
    assert statuses(study)["level_change_model"] == R.CANNOT_RUN
    assert missing(study, "level_change_model") == (
        "case_statistics.csv: none of 1 series has at least 4 years outside the start year"
    )
    assert statuses(study)["pre_existing_trend"] == R.READY


def test_a_missing_assessment_row_is_partial_data_not_a_refusal():
    """17.1: a population member without a row is readiness (counted as unknown), named with the pair."""
    tables = tiny_tables()
    study = tiny_study(tables)
    assert statuses(study)["quality_areas"] == R.PARTIAL
    assert "access_contact × I10" in missing(study, "quality_areas")
    assert "access_contact × I10" in missing(study, "quality_areas", "sv") and "räknas som okända" in missing(
        study, "quality_areas", "sv"
    )
    assessments = tables["assessments"]
    row = assessments[assessments["indicator_id"] == "access_contact"].iloc[[0]].assign(subject_id="I10")
    tables["assessments"] = pd.concat([assessments, row.assign(value="unknown")], ignore_index=True)
    assert "no row yet" not in missing(tiny_study(tables), "quality_areas")
    assert statuses(tiny_study(tables))["quality_areas"] == R.READY


def test_quality_areas_partial_when_an_indicator_has_no_known_value():
    tables = tiny_tables()
    assessments = tables["assessments"]
    assessments.loc[assessments["indicator_id"] == "access_contact", "value"] = "unknown"
    study = tiny_study(tables)
    assert statuses(study)["quality_areas"] == R.PARTIAL
    assert missing(study, "quality_areas") == (
        "assessments.csv: 1 of 11 indicator × subject pairs have no row yet and count as unknown until assessed "
        "(access_contact × I10); "
        "assessments.csv: 1 of 4 indicators have no known value (Contact); "
        "assessments.csv: 1 of 3 quality areas have no known value (Accessibility)"
    )


def test_survey_partial_and_time_split_missing():
    tables = tiny_tables()
    tables["survey_responses"] = tables["survey_responses"].iloc[[0]]
    study = tiny_study(tables)
    assert statuses(study)["survey"] == R.PARTIAL
    assert (
        missing(study, "survey")
        == "survey_responses.csv: survey answers from 1 of 2 coordinators (missing: Coordinator C2)"
    )
    assert missing(study, "survey", "sv") == (
        "survey_responses.csv: enkätsvar från 1 av 2 samordnare (saknas: Samordnare C2)"
    )
    assert missing(study, "time_split") == (
        "survey_responses.csv: a time split (question 3) from 1 of 2 coordinators (missing: Coordinator C2)"
    )


def test_the_default_study_can_run_every_part():
    table = R.readiness_table(load_study(paths.DEFAULT_STUDY_DIR))
    assert R.blocking_parts(table).empty, R.format_readiness(table)


def test_demo_county_readiness():
    table = R.readiness_table(load_study(DEMO_DIR))
    blocked = R.blocking_parts(table)
    # K03 (start 2018-06) has one year before and two after; K02's series all lie after its 2016 start.
    assert list(blocked["part"]) == ["pre_existing_trend", "level_change_model", "success_factor_qca"]


def test_require_raises_not_enough_data_with_both_languages(tmp_path):
    study = load_study(create_study(tmp_path / "empty"))
    with pytest.raises(R.NotEnoughData) as caught:
        R.require(study, "documents")
    assert caught.value.reason("en") == "documents.csv: no documents (0 rows)"
    assert caught.value.reason("sv") == "documents.csv: inga dokument (0 rader)"
    assert caught.value.part == "documents"
    R.require(tiny_study(), "documents")  # ready: no exception


def test_refusal_message_names_every_blocked_part_and_the_way_out(tmp_path):
    table = R.readiness_table(tiny_study())
    message = R.refusal_message(table, "data/tiny")
    assert "lacks what 2 parts of the report need" in message
    assert "  04_success_factors / success_factor_qca: conditions.csv: 3 of 3" in message
    assert "--allow-incomplete" in message and "evalkit validate data/tiny" in message


def test_format_readiness_is_an_aligned_table():
    text = R.format_readiness(R.readiness_table(tiny_study()))
    lines = text.splitlines()
    assert lines[0].split() == ["chapter", "part", "status", "missing"]
    assert any(line.startswith("04_success_factors  failure_qca") and "cannot run" in line for line in lines)


def test_chapter_status_takes_the_worst_part():
    frame = R.chapter_status(R.readiness_table(tiny_study()))
    assert dict(zip(frame["chapter"], frame["status"])) == {
        "00_study": R.READY,
        "01_organisation": R.READY,
        "02_quality_areas": R.PARTIAL,
        "03_comparison": R.PARTIAL,
        "04_success_factors": R.CANNOT_RUN,
    }


def test_series_overview_counts_years_on_each_side():
    frame = R.series_overview(tiny_study()).set_index("municipality_id")
    assert frame.loc["A", ["n_values", "n_before", "n_after"]].tolist() == [5, 2, 2]
    assert frame.loc["B", ["n_before", "n_after"]].tolist() == [2, 0]
    assert pd.isna(frame.loc["C", "start_year"]) and pd.isna(frame.loc["D", "start_year"])

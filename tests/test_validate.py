"""Tests of ``evalkit validate``: one kind of broken study per test.

Each test copies the valid fixture study ``tests/fixtures/demo-county`` to a
temporary folder, breaks one thing and checks the exact line the evaluator
would read.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from evalkit.cli import main
from evalkit.study import load_study, validate_study
from evalkit.study.validate import Problem

FIXTURE = Path(__file__).parent / "fixtures" / "demo-county"


# --------------------------------------------------------------------------- helpers
@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A fresh, writable copy of the valid demo study."""
    target = tmp_path / "demo-county"
    shutil.copytree(FIXTURE, target)
    return target


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)


def matching(header: list[str], row: list[str], key: dict[str, str]) -> bool:
    return all(row[header.index(column)] == value for column, value in key.items())


def set_cell(study: Path, file: str, key: dict[str, str], column: str, value: str) -> None:
    """Set ``column`` to ``value`` in the one row matching ``key``."""
    rows = read_rows(study / file)
    header = rows[0]
    hits = [row for row in rows[1:] if matching(header, row, key)]
    assert len(hits) == 1, f"{key} matches {len(hits)} rows of {file}"
    hits[0][header.index(column)] = value
    write_rows(study / file, rows)


def remove_rows(study: Path, file: str, key: dict[str, str]) -> None:
    rows = read_rows(study / file)
    kept = [rows[0]] + [row for row in rows[1:] if not matching(rows[0], row, key)]
    assert len(kept) < len(rows), f"{key} matches no row of {file}"
    write_rows(study / file, kept)


def add_row(study: Path, file: str, values: dict[str, str]) -> None:
    rows = read_rows(study / file)
    rows.append([values.get(column, "") for column in rows[0]])
    write_rows(study / file, rows)


def drop_column(study: Path, file: str, column: str) -> None:
    rows = read_rows(study / file)
    position = rows[0].index(column)
    write_rows(study / file, [row[:position] + row[position + 1 :] for row in rows])


def lines(study: Path) -> list[str]:
    return [problem.render() for problem in validate_study(study)]


def folder_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --------------------------------------------------------------------------- the valid fixture
def test_fixture_study_is_valid():
    assert validate_study(FIXTURE) == []


def test_problem_renders_as_one_line():
    problem = Problem("a.csv", 4, "x", "120", "value '120' is too big.", "Correct it.")
    assert str(problem) == "a.csv, row 4, column x: value '120' is too big. Correct it."
    assert Problem("a.csv", None, None, None, "m.", "f.").render() == "a.csv: m. f."


# --------------------------------------------------------------------------- files and columns
def test_missing_required_file(study):
    (study / "documents.csv").unlink()
    assert lines(study) == [
        "documents.csv: the required table 'documents' is missing: there is no file documents.csv in the study "
        "folder. Add the file documents.csv with the header row of the evalkit study format "
        "(see evalkit/schema/study.datapackage.json)."
    ]


def test_missing_descriptor(study):
    (study / "datapackage.json").unlink()
    assert lines(study) == [
        f"datapackage.json: the study descriptor is missing from {study}. Expected a datapackage.json in the "
        "study folder; copy it from evalkit/schema/study.datapackage.json (or create the study with "
        "'evalkit new') and set name and title."
    ]


def test_descriptor_that_is_not_json(study):
    (study / "datapackage.json").write_text('{"name": "demo",\n  "resources": [\n', encoding="utf-8")
    assert lines(study) == [
        "datapackage.json: the file is not valid JSON: Expecting value at line 3, column 1. "
        "Correct the JSON syntax (compare with evalkit/schema/study.datapackage.json)."
    ]


def test_descriptor_without_a_required_resource(study):
    descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "codebook_measures"]
    (study / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert lines(study) == [
        "datapackage.json: the required resource 'codebook_measures' is not listed. Add the resource "
        "'codebook_measures' (path 'codebook/measures.csv') to the resources list; copy it from "
        "evalkit/schema/study.datapackage.json."
    ]


def test_missing_column(study):
    drop_column(study, "municipalities.csv", "county")
    assert lines(study) == [
        "municipalities.csv, row 1, column county: the column 'county' is missing. Add a column 'county' to the "
        "header row (cells may stay empty where the schema allows it)."
    ]


def test_unexpected_column(study):
    rows = read_rows(study / "coordinators.csv")
    write_rows(study / "coordinators.csv", [row + ["x"] for row in rows[:1]] + [row + [""] for row in rows[1:]])
    assert lines(study) == [
        "coordinators.csv, row 1, column x: unexpected column 'x'. Expected only the columns coordinator_id, role, "
        "combined_with, seat_in_management_group, based_in, basis, source, assumption, reconstructed_fields; "
        "delete the column or correct its name."
    ]


def test_latin1_file(study):
    path = study / "municipalities.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    offset = text.encode("latin-1").index("ä".encode("latin-1"))
    assert lines(study) == [
        f"municipalities.csv, row 2: the file is not UTF-8: the byte 0xe4 at byte offset {offset} cannot be read "
        "(probably an å, ä or ö saved in an older Windows encoding such as cp1252 or latin-1). In Excel use "
        "'Save as' > 'CSV UTF-8 (comma delimited)'; in LibreOffice choose the character set Unicode (UTF-8). "
        "The study files must be UTF-8."
    ]


def test_row_with_too_many_cells(study):
    path = study / "documents.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "D09,strategy,,,Regional strategi", "D09,strategy,,,Regional, strategi"
        ),
        encoding="utf-8",
    )
    assert lines(study) == [
        "documents.csv, row 10: the row has 11 cells but the header has 10 columns. Check the row for a missing "
        "or extra ',' (a text containing ',' must be in double quotes)."
    ]


# --------------------------------------------------------------------------- cells (frictionless)
def test_text_in_a_number_column(study):
    set_cell(study, "coordinator_municipalities.csv", {"coordinator_id": "C1"}, "share_of_post_pct", "abc")
    assert lines(study) == [
        "coordinator_municipalities.csv, row 2, column share_of_post_pct: value 'abc' is not a number. Expected a "
        "share of a full-time post from 1 to 100 percent; correct the value."
    ]


def test_share_above_maximum(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K04"}, "share_of_post_pct", "120")
    assert lines(study) == [
        "coordinator_municipalities.csv, row 4, column share_of_post_pct: value '120' is above the maximum 100. "
        "Expected a share of a full-time post from 1 to 100 percent; correct the value."
    ]


def test_code_outside_the_schema_enum(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K03"}, "size_band", "tiny")
    assert lines(study) == [
        "municipalities.csv, row 4, column size_band: value 'tiny' is not an allowed code. Expected one of small, "
        "medium, large, unknown; correct the value."
    ]


def test_empty_required_cell(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C2"}, "role", "")
    assert lines(study) == [
        "coordinators.csv, row 3, column role: the cell is empty but a value is required. Expected one of "
        "operational, mixed, strategic, unknown; fill in the value (write 'unknown' if it is not known)."
    ]


def test_duplicate_key(study):
    add_row(
        study,
        "documents.csv",
        {
            "document_id": "D01",
            "document_type": "routine",
            "description": "Kopia",
            "basis": "observed",
            "source": "Dokumentinsamling 2021",
        },
    )
    assert lines(study) == [
        "documents.csv, row 12, column document_id: duplicate key: document_id 'D01' is the same as row 2. "
        "Each row must have its own document_id; delete the duplicate row or correct it."
    ]


def test_duplicate_composite_key(study):
    add_row(
        study,
        "conditions.csv",
        {
            "municipality_id": "K01",
            "condition_id": "expert_team",
            "value": "no",
            "basis": "judgement",
            "source": "Kodning",
        },
    )
    assert lines(study) == [
        "conditions.csv, row 42: duplicate key: municipality_id 'K01', condition_id 'expert_team' is the same as "
        "row 3. Each row must have its own municipality_id and condition_id combination; delete the duplicate "
        "row or correct it."
    ]


def test_comma_decimal_in_a_comma_file_is_reported(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q2_share_of_post_pct", "99,5")
    assert lines(study) == [
        "survey_responses.csv, row 2, column q2_share_of_post_pct: value '99,5' is not a number (write decimals "
        "with a point, or save the file with ';' as delimiter). Expected the share of a full-time post worked as "
        "coordinator, from 1 to 100 percent; correct the value."
    ]


# --------------------------------------------------------------------------- ids and codebook
def test_unknown_municipality_id(study):
    set_cell(study, "documents.csv", {"document_id": "D05"}, "municipality_id", "K99")
    assert lines(study) == [
        "documents.csv, row 6, column municipality_id: unknown municipality id 'K99'. Expected a municipality_id "
        "from municipalities.csv; add it there or correct the value."
    ]


def test_unknown_coordinator_based_in(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C3"}, "based_in", "K08")
    assert lines(study) == [
        "coordinators.csv, row 4, column based_in: unknown municipality id 'K08'. Expected a municipality_id from "
        "municipalities.csv; add it there or correct the value."
    ]


def test_unknown_indicator(study):
    add_row(
        study,
        "assessments.csv",
        {"indicator_id": "kb_typo", "subject_id": "K01", "value": "yes", "basis": "judgement", "source": "Kodning"},
    )
    assert lines(study) == [
        "assessments.csv, row 45, column indicator_id: unknown indicator 'kb_typo'. Expected an indicator_id from "
        "codebook/indicators.csv; add the indicator to the codebook or correct the value."
    ]


def test_unknown_measure(study):
    set_cell(
        study,
        "case_statistics.csv",
        {"municipality_id": "K03", "year": "2020", "measure": "protected_housing"},
        "measure",
        "sheltered_housing",
    )
    assert lines(study) == [
        "case_statistics.csv, row 24, column measure: unknown measure 'sheltered_housing'. Expected a measure from "
        "codebook/measures.csv; add the measure to the codebook or correct the value."
    ]


def test_unknown_quality_area(study):
    set_cell(study, "codebook/indicators.csv", {"indicator_id": "ef_follow_up"}, "quality_area_id", "economy")
    assert lines(study) == [
        "codebook/indicators.csv, row 8, column quality_area_id: unknown quality area 'economy'. Expected a "
        "quality_area_id from codebook/quality_areas.csv; add the quality area to the codebook or correct the value."
    ]


def test_code_missing_from_vocabularies(study):
    remove_rows(study, "codebook/vocabularies.csv", {"vocabulary": "document_type", "code": "web_page"})
    assert lines(study) == [
        "documents.csv, row 11, column document_type: code 'web_page' has no row in codebook/vocabularies.csv "
        "for the vocabulary 'document_type'. Add a row with vocabulary document_type, code web_page and its "
        "Swedish and English labels to codebook/vocabularies.csv, or correct the code."
    ]


def test_vocabulary_problem_names_every_row_once(study):
    remove_rows(study, "codebook/vocabularies.csv", {"vocabulary": "respondent_role", "code": "ifo_head"})
    assert lines(study) == [
        "interviews.csv, row 6, column respondent_role: code 'ifo_head' has no row in codebook/vocabularies.csv "
        "for the vocabulary 'respondent_role' (also used in rows 8, 9, 12). Add a row with vocabulary "
        "respondent_role, code ifo_head and its Swedish and English labels to codebook/vocabularies.csv, or "
        "correct the code."
    ]


# --------------------------------------------------------------------------- organisation
def test_shared_coordinator_but_model_own(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K04"}, "model", "own_coordinator")
    assert lines(study) == [
        "municipalities.csv, row 5, column model: municipality 'K04' has the model 'own_coordinator' but its "
        "coordinator C3 serves 2 municipalities (K04|K05). Expected shared_coordinator (a coordinator who also "
        "serves other municipalities means shared_coordinator); correct the model or coordinator_municipalities.csv."
    ]


def test_own_coordinator_but_model_shared(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K01"}, "model", "shared_coordinator")
    assert lines(study) == [
        "municipalities.csv, row 2, column model: municipality 'K01' has the model 'shared_coordinator' but its "
        "coordinator C1 serves only this municipality. Expected own_coordinator (a coordinator who serves one "
        "municipality only means own_coordinator); correct the model or coordinator_municipalities.csv."
    ]


def test_team_municipality_served_by_a_coordinator(study):
    add_row(
        study,
        "coordinator_municipalities.csv",
        {
            "coordinator_id": "C1",
            "municipality_id": "K06",
            "share_of_post_pct": "10",
            "basis": "observed",
            "source": "x",
        },
    )
    set_cell(
        study,
        "coordinator_municipalities.csv",
        {"coordinator_id": "C1", "municipality_id": "K01"},
        "share_of_post_pct",
        "90",
    )
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q1_municipalities", "K01|K06")
    assert lines(study) == [
        "municipalities.csv, row 2, column model: municipality 'K01' has the model 'own_coordinator' but its "
        "coordinator C1 serves 2 municipalities (K01|K06). Expected shared_coordinator (a coordinator who also "
        "serves other municipalities means shared_coordinator); correct the model or coordinator_municipalities.csv.",
        "municipalities.csv, row 7, column model: municipality 'K06' has the model 'team' but is served by "
        "coordinator C1 in coordinator_municipalities.csv. A municipality with model team or none has no "
        "coordinator; change the model or remove its rows from coordinator_municipalities.csv.",
        # the structural condition shared_post for K01 now contradicts the new link
        "conditions.csv, row 7, column value: condition shared_post is 'no' but its coordinator serves more than one "
        "municipality (coordinator_municipalities.csv) for coordinator C1. Expected yes, as the condition follows "
        "from the organisation; correct the value or the structure.",
    ]


def test_municipality_with_coordinator_model_but_no_coordinator(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K07"}, "model", "own_coordinator")
    set_cell(study, "municipalities.csv", {"municipality_id": "K07"}, "coordinator_functioning", "poorly")
    found = lines(study)
    assert found[0] == (
        "municipalities.csv, row 8, column model: municipality 'K07' has the model 'own_coordinator' but no "
        "coordinator serves it in coordinator_municipalities.csv. Add its coordinator to "
        "coordinator_municipalities.csv, or change the model to team or none."
    )
    # K07 now belongs to the population of the municipalities_with_coordinator indicators: its missing
    # assessments are a matter of readiness, not problems
    assert not any("has no row" in line for line in found)


def test_functioning_must_be_not_applicable_without_coordinator(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K06"}, "coordinator_functioning", "well")
    assert lines(study) == [
        "municipalities.csv, row 7, column coordinator_functioning: municipality 'K06' has no coordinator (model "
        "'team') but the coordinator function is judged 'well'. Expected not_applicable for a municipality with "
        "model team or none; correct the value."
    ]


def test_functioning_not_applicable_with_coordinator(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K02"}, "coordinator_functioning", "not_applicable")
    assert lines(study) == [
        "municipalities.csv, row 3, column coordinator_functioning: municipality 'K02' has a coordinator (model "
        "'own_coordinator') but the coordinator function is marked not_applicable. Expected well, poorly or "
        "unknown for a municipality with a coordinator; correct the value."
    ]


def test_total_share_above_one_post(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K05"}, "share_of_post_pct", "60")
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q2_share_of_post_pct", "")
    assert lines(study) == [
        "coordinator_municipalities.csv, row 4, column share_of_post_pct: the shares of coordinator C3 add up to "
        "110 percent, more than one full-time post. Expected a total of 1 to 100 percent over the coordinator's "
        "municipalities; correct the shares."
    ]


# --------------------------------------------------------------------------- survey
def test_q2_differs_from_link_table(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q2_share_of_post_pct", "90")
    assert lines(study) == [
        "survey_responses.csv, row 4, column q2_share_of_post_pct: value '90' differs from the total 80 of "
        "share_of_post_pct for coordinator C3 in coordinator_municipalities.csv (K04 50 + K05 30). Expected the "
        "survey share to equal the sum of the shares per municipality; correct Q2 or coordinator_municipalities.csv."
    ]


def test_time_split_not_summing_to_100(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_other_pct", "10")
    assert lines(study) == [
        "survey_responses.csv, row 2: the time split in Q3 adds up to 90 percent (50 + 20 + 10 + 10), not 100. "
        "Expected q3_strategic_pct, q3_individual_pct, q3_direct_client_pct and q3_other_pct to add up to 100; "
        "correct them, or leave the parts that are not known empty."
    ]


def test_q1_does_not_match_link_table(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q1_municipalities", "K04")
    assert lines(study) == [
        "survey_responses.csv, row 4, column q1_municipalities: the municipalities do not match "
        "coordinator_municipalities.csv, where coordinator C3 serves K04|K05. List exactly the municipalities the "
        "coordinator serves, separated by '|', or correct coordinator_municipalities.csv."
    ]


def test_q1_with_unknown_municipality(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q1_municipalities", "K04|K55")
    assert lines(study) == [
        "survey_responses.csv, row 4, column q1_municipalities: unknown municipality id 'K55'. Expected "
        "municipality ids from municipalities.csv separated by '|'; correct the list."
    ]


# --------------------------------------------------------------------------- dates
def test_start_date_that_is_not_a_real_date(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K02"}, "start_date", "2016-02-30")
    assert lines(study) == [
        "coordinator_municipalities.csv, row 3, column start_date: value '2016-02-30' is not a real date. Expected "
        "a date written YYYY, YYYY-MM or YYYY-MM-DD with a month from 01 to 12 and a day that exists in that "
        "month; correct the date."
    ]


def test_start_date_after_the_case_statistics(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K03"}, "start_date", "2022-01")
    assert lines(study) == [
        "coordinator_municipalities.csv, row 6, column start_date: value '2022-01' lies after 2021, the year after "
        "the latest case statistics (2020). Expected a start date from 1990 to 2021; correct the date."
    ]


def test_start_date_in_the_wrong_form(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K03"}, "start_date", "juni 2018")
    assert lines(study) == [
        "coordinator_municipalities.csv, row 6, column start_date: value 'juni 2018' does not have the expected "
        "form. Expected a date written YYYY, YYYY-MM or YYYY-MM-DD, or an empty cell if not known; correct the value."
    ]


def test_case_year_out_of_range(study):
    set_cell(
        study,
        "case_statistics.csv",
        {"municipality_id": "K02", "year": "2017", "measure": "children_witnessing"},
        "year",
        "1917",
    )
    assert lines(study) == [
        "case_statistics.csv, row 4, column year: value '1917' is below the minimum 1990. Expected a calendar year "
        "from 1990 to 2100; correct the value."
    ]


# --------------------------------------------------------------------------- assessments
def test_missing_assessment_for_a_population_member_is_readiness_not_a_problem(study):
    """17.1: assessments are filled as the fieldwork goes on; validate says what is missing as readiness."""
    from evalkit.study import load_study
    from evalkit.study.readiness import readiness_table

    remove_rows(study, "assessments.csv", {"indicator_id": "kb_freda", "subject_id": "K07"})
    assert lines(study) == []
    readiness = readiness_table(load_study(study, use_cache=False)).set_index("part")
    assert readiness.loc["quality_areas", "status"] == "partial"
    assert "kb_freda × K07" in readiness.loc["quality_areas", "missing_en"]


def test_assessment_outside_the_population(study):
    add_row(
        study,
        "assessments.csv",
        {
            "indicator_id": "kb_staff_knowledge",
            "subject_id": "K06",
            "value": "no",
            "basis": "judgement",
            "source": "Kodning",
        },
    )
    assert lines(study) == [
        "assessments.csv, row 45, column subject_id: 'K06' is not in the population of indicator kb_staff_knowledge, "
        "which is assessed for municipalities with model own_coordinator or shared_coordinator (population "
        "municipalities_with_coordinator). Delete the row, or correct the subject_id or the indicator's population."
    ]


def test_assessment_of_an_unknown_subject(study):
    set_cell(study, "assessments.csv", {"indicator_id": "ef_follow_up", "subject_id": "C4"}, "subject_id", "K03")
    assert lines(study) == [
        "assessments.csv, row 42, column subject_id: unknown subject 'K03': indicator ef_follow_up is assessed for "
        "every coordinator (population coordinators). Expected a coordinator_id from coordinators.csv; correct "
        "the subject_id.",
    ]


# --------------------------------------------------------------------------- provenance and conditions
def test_reconstructed_row_without_assumption(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C4"}, "assumption", "")
    assert lines(study) == [
        "coordinators.csv, row 5, column assumption: the row's basis is reconstructed but no assumption is given. "
        "Write the assumption that fixes the reconstructed values, in plain words."
    ]


def test_reconstructed_fields_naming_an_unknown_column(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C4"}, "reconstructed_fields", "role|rol")
    assert lines(study) == [
        "coordinators.csv, row 5, column reconstructed_fields: 'rol' is not a column of coordinators.csv. Expected "
        "column names of this table separated by '|' (or an empty cell, meaning every value column); correct the name."
    ]


def test_structural_condition_disagrees_with_structure(study):
    set_cell(
        study, "conditions.csv", {"municipality_id": "K02", "condition_id": "combined_with_casework"}, "value", "no"
    )
    set_cell(study, "conditions.csv", {"municipality_id": "K01", "condition_id": "shared_post"}, "value", "yes")
    assert lines(study) == [
        "conditions.csv, row 7, column value: condition shared_post is 'yes' but it is not the case that its "
        "coordinator serves more than one municipality (coordinator_municipalities.csv) for coordinator C1. "
        "Expected no, as the condition follows from the organisation; correct the value or the structure.",
        "conditions.csv, row 14, column value: condition combined_with_casework is 'no' but its coordinator "
        "combines the post with casework (coordinators.csv, combined_with) for coordinator C2. Expected yes, as "
        "the condition follows from the organisation; correct the value or the structure.",
    ]


def test_interview_without_its_municipality(study):
    set_cell(study, "interviews.csv", {"interview_id": "I05"}, "municipality_id", "")
    assert lines(study) == [
        "interviews.csv, row 6, column municipality_id: a municipal_manager interview needs "
        "a municipality_id, but the cell is empty. Fill in the municipality the manager works in."
    ]


# --------------------------------------------------------------------------- all at once, order, no writes
def test_every_problem_is_reported_at_once_in_a_stable_order(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_other_pct", "10")
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K04"}, "share_of_post_pct", "120")
    set_cell(study, "municipalities.csv", {"municipality_id": "K03"}, "size_band", "tiny")
    (study / "documents.csv").unlink()
    found = lines(study)
    assert [line.split(":")[0] for line in found] == [
        "municipalities.csv, row 4, column size_band",
        "coordinator_municipalities.csv, row 4, column share_of_post_pct",
        "survey_responses.csv, row 2",
        "documents.csv",
    ]
    assert found == lines(study)


def test_validation_never_writes_into_the_study(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_other_pct", "10")
    before = folder_hashes(study)
    assert validate_study(study)
    assert validate_study(study, use_cache=False)
    assert folder_hashes(study) == before


def test_loading_never_writes_into_the_study():
    before = folder_hashes(FIXTURE)
    load_study(FIXTURE)
    load_study(FIXTURE, use_cache=False)
    assert folder_hashes(FIXTURE) == before


def test_cache_gives_the_same_problems(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K04"}, "share_of_post_pct", "120")
    assert validate_study(study, use_cache=False) == validate_study(study) == validate_study(study)


# --------------------------------------------------------------------------- spreadsheet formats
def to_swedish_excel(path: Path) -> None:
    """Rewrite a comma CSV the way Swedish Excel saves it: BOM, ';', decimal commas."""
    rows = read_rows(path)
    swedish = [
        [cell.replace(".", ",") if cell.replace(".", "").isdigit() and "." in cell else cell for cell in row]
        for row in rows
    ]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(swedish)


def test_semicolon_bom_decimal_comma_file_gives_the_same_data(study, tmp_path):
    comma = tmp_path / "comma"
    shutil.copytree(study, comma)
    for folder in (study, comma):
        set_cell(folder, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_strategic_pct", "49.5")
        set_cell(folder, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_individual_pct", "20.5")
    for name in ("survey_responses.csv", "interviews.csv", "coordinator_municipalities.csv"):
        to_swedish_excel(study / name)
    raw = (study / "survey_responses.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"49,5;20,5" in raw
    assert validate_study(study) == []
    swedish, plain = load_study(study), load_study(comma)
    for name in plain.tables:
        assert swedish.tables[name].equals(plain.tables[name]), name
    assert swedish.tables["survey_responses"].loc[0, "q3_strategic_pct"] == 49.5
    assert "Kriminalvården, frivården" in set(swedish.tables["interviews"]["organisation"].dropna())


# --------------------------------------------------------------------------- command line
def test_cli_valid_study(capsys):
    assert main(["validate", str(FIXTURE)]) == 0
    output = capsys.readouterr().out
    assert output.startswith(f"OK: {FIXTURE} is a valid study (16 tables, ")


def test_cli_invalid_study(study, capsys):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_other_pct", "10")
    (study / "documents.csv").unlink()
    assert main(["validate", str(study)]) == 1
    output = capsys.readouterr().out.splitlines()
    assert output[0].startswith("survey_responses.csv, row 2: the time split")
    assert output[1].startswith("documents.csv: the required table")
    assert output[-1] == f"2 problems found in {study}; the study is not valid."


def test_cli_json_output(study, capsys):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_other_pct", "10")
    assert main(["validate", str(study), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["problems"][0]["file"] == "survey_responses.csv"
    assert report["problems"][0]["row"] == 2
    assert report["problems"][0]["text"].startswith("survey_responses.csv, row 2: ")


def test_cli_missing_folder(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 1
    assert "the study folder does not exist" in capsys.readouterr().out


def test_separators_inside_a_quoted_header_are_text():
    from evalkit.study.csvio import detect_delimiter

    assert detect_delimiter('municipality_id;"name, as written, in full";notes') == ";"
    assert detect_delimiter('municipality_id,"a;b;c",notes') == ","
    assert detect_delimiter('"x ""quoted"", with commas";y;z') == ";"
    assert detect_delimiter("a;b,c,d") == ","

"""Tests of ``evalkit validate``: one kind of broken study per test.

Each test copies the valid fixture study ``tests/fixtures/demo-county`` to a
temporary folder, breaks one thing and checks where the problem is reported
and its code (:data:`evalkit.study.validate.CODES`): ``(file, row, column,
code)``. The tests of the most common problems (a missing file or column, a
value of the wrong type, out of range or not an allowed code, an empty
required cell, a duplicate key, an unknown id, a code missing from the
vocabularies) also check the exact line the evaluator reads.
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


def located(study: Path) -> list[tuple[str, int | None, str | None, str]]:
    """Each problem as (file, row, column, code), in report order."""
    return [(problem.file, problem.row, problem.column, problem.code) for problem in validate_study(study)]


def worded(study: Path) -> list[tuple[str, str]]:
    """Each problem as (code, the line the evaluator reads), in report order."""
    return [(problem.code, problem.render()) for problem in validate_study(study)]


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
    assert worded(study) == [
        (
            "missing-file",
            "documents.csv: the required table 'documents' is missing: there is no file documents.csv in the study "
            "folder. Add the file documents.csv with the header row of the evalkit study format "
            "(see evalkit/schema/study.datapackage.json).",
        )
    ]


def test_missing_descriptor(study):
    (study / "datapackage.json").unlink()
    assert located(study) == [
        ("datapackage.json", None, None, "missing-descriptor"),
    ]


def test_descriptor_that_is_not_json(study):
    (study / "datapackage.json").write_text('{"name": "demo",\n  "resources": [\n', encoding="utf-8")
    assert located(study) == [
        ("datapackage.json", None, None, "bad-json"),
    ]


def test_descriptor_without_a_required_resource(study):
    descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "codebook_measures"]
    (study / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert located(study) == [
        ("datapackage.json", None, None, "missing-resource"),
    ]


def test_missing_column(study):
    drop_column(study, "municipalities.csv", "county")
    assert worded(study) == [
        (
            "missing-column",
            "municipalities.csv, row 1, column county: the column 'county' is missing. Add a column 'county' to the "
            "header row (cells may stay empty where the schema allows it).",
        )
    ]


def test_unexpected_column(study):
    rows = read_rows(study / "coordinators.csv")
    write_rows(study / "coordinators.csv", [row + ["x"] for row in rows[:1]] + [row + [""] for row in rows[1:]])
    assert located(study) == [
        ("coordinators.csv", 1, "x", "unexpected-column"),
    ]


def test_latin1_file(study):
    path = study / "municipalities.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    offset = text.encode("latin-1").index("ä".encode("latin-1"))
    problems = validate_study(study)
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [("municipalities.csv", 2, None, "bad-encoding")]
    assert f"the byte 0xe4 at byte offset {offset} cannot be read" in problems[0].message


def test_row_with_too_many_cells(study):
    path = study / "documents.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "D09,strategy,,,Regional strategi", "D09,strategy,,,Regional, strategi"
        ),
        encoding="utf-8",
    )
    assert located(study) == [
        ("documents.csv", 10, None, "row-length"),
    ]


# --------------------------------------------------------------------------- cells (frictionless)
def test_text_in_a_number_column(study):
    set_cell(study, "coordinator_municipalities.csv", {"coordinator_id": "C1"}, "share_of_post_pct", "abc")
    assert worded(study) == [
        (
            "bad-type",
            "coordinator_municipalities.csv, row 2, column share_of_post_pct: value 'abc' is not a number. Expected a "
            "share of a full-time post from 1 to 100 percent; correct the value.",
        )
    ]


def test_share_above_maximum(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K04"}, "share_of_post_pct", "120")
    assert worded(study) == [
        (
            "above-maximum",
            "coordinator_municipalities.csv, row 4, column share_of_post_pct: value '120' is above the maximum 100. "
            "Expected a share of a full-time post from 1 to 100 percent; correct the value.",
        )
    ]


def test_code_outside_the_schema_enum(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K03"}, "size_band", "tiny")
    assert worded(study) == [
        (
            "bad-code",
            "municipalities.csv, row 4, column size_band: value 'tiny' is not an allowed code. Expected one of small, "
            "medium, large, unknown; correct the value.",
        )
    ]


def test_empty_required_cell(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C2"}, "role", "")
    assert worded(study) == [
        (
            "empty-cell",
            "coordinators.csv, row 3, column role: the cell is empty but a value is required. Expected one of "
            "operational, mixed, strategic, unknown; fill in the value (write 'unknown' if it is not known).",
        )
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
    assert worded(study) == [
        (
            "duplicate-key",
            "documents.csv, row 12, column document_id: duplicate key: document_id 'D01' is the same as row 2. "
            "Each row must have its own document_id; delete the duplicate row or correct it.",
        )
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
    assert located(study) == [
        ("conditions.csv", 42, None, "duplicate-key"),
    ]


def test_comma_decimal_in_a_comma_file_is_reported(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q2_share_of_post_pct", "99,5")
    assert located(study) == [
        ("survey_responses.csv", 2, "q2_share_of_post_pct", "bad-type"),
    ]


# --------------------------------------------------------------------------- ids and codebook
def test_unknown_municipality_id(study):
    set_cell(study, "documents.csv", {"document_id": "D05"}, "municipality_id", "K99")
    assert worded(study) == [
        (
            "unknown-id",
            "documents.csv, row 6, column municipality_id: unknown municipality id 'K99'. Expected a municipality_id "
            "from municipalities.csv; add it there or correct the value.",
        )
    ]


def test_unknown_coordinator_based_in(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C3"}, "based_in", "K08")
    assert located(study) == [
        ("coordinators.csv", 4, "based_in", "unknown-id"),
    ]


def test_unknown_indicator(study):
    add_row(
        study,
        "assessments.csv",
        {"indicator_id": "kb_typo", "subject_id": "K01", "value": "yes", "basis": "judgement", "source": "Kodning"},
    )
    assert located(study) == [
        ("assessments.csv", 45, "indicator_id", "unknown-id"),
    ]


def test_unknown_measure(study):
    set_cell(
        study,
        "case_statistics.csv",
        {"municipality_id": "K03", "year": "2020", "measure": "protected_housing"},
        "measure",
        "sheltered_housing",
    )
    assert located(study) == [
        ("case_statistics.csv", 24, "measure", "unknown-id"),
    ]


def test_unknown_quality_area(study):
    set_cell(study, "codebook/indicators.csv", {"indicator_id": "ef_follow_up"}, "quality_area_id", "economy")
    assert located(study) == [
        ("codebook/indicators.csv", 8, "quality_area_id", "unknown-id"),
    ]


def test_code_missing_from_vocabularies(study):
    remove_rows(study, "codebook/vocabularies.csv", {"vocabulary": "document_type", "code": "web_page"})
    assert worded(study) == [
        (
            "undefined-code",
            "documents.csv, row 11, column document_type: code 'web_page' has no row in codebook/vocabularies.csv "
            "for the vocabulary 'document_type'. Add a row with vocabulary document_type, code web_page and its "
            "Swedish and English labels to codebook/vocabularies.csv, or correct the code.",
        )
    ]


def test_vocabulary_problem_names_every_row_once(study):
    remove_rows(study, "codebook/vocabularies.csv", {"vocabulary": "respondent_role", "code": "ifo_head"})
    assert worded(study) == [
        (
            "undefined-code",
            "interviews.csv, row 6, column respondent_role: code 'ifo_head' has no row in codebook/vocabularies.csv "
            "for the vocabulary 'respondent_role' (also used in rows 8, 9, 12). Add a row with vocabulary "
            "respondent_role, code ifo_head and its Swedish and English labels to codebook/vocabularies.csv, or "
            "correct the code.",
        )
    ]


# --------------------------------------------------------------------------- organisation
def test_shared_coordinator_but_model_own(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K04"}, "model", "own_coordinator")
    assert located(study) == [
        ("municipalities.csv", 5, "model", "model-mismatch"),
    ]


def test_own_coordinator_but_model_shared(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K01"}, "model", "shared_coordinator")
    assert located(study) == [
        ("municipalities.csv", 2, "model", "model-mismatch"),
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
    assert located(study) == [
        ("municipalities.csv", 2, "model", "model-mismatch"),
        ("municipalities.csv", 7, "model", "model-mismatch"),
        ("conditions.csv", 7, "value", "condition-mismatch"),
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
    assert located(study) == [
        ("municipalities.csv", 7, "coordinator_functioning", "functioning-mismatch"),
    ]


def test_functioning_not_applicable_with_coordinator(study):
    set_cell(study, "municipalities.csv", {"municipality_id": "K02"}, "coordinator_functioning", "not_applicable")
    assert located(study) == [
        ("municipalities.csv", 3, "coordinator_functioning", "functioning-mismatch"),
    ]


def test_total_share_above_one_post(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K05"}, "share_of_post_pct", "60")
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q2_share_of_post_pct", "")
    assert located(study) == [
        ("coordinator_municipalities.csv", 4, "share_of_post_pct", "share-over-post"),
    ]


# --------------------------------------------------------------------------- survey
def test_q2_differs_from_link_table(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q2_share_of_post_pct", "90")
    assert located(study) == [
        ("survey_responses.csv", 4, "q2_share_of_post_pct", "survey-share-mismatch"),
    ]


def test_time_split_not_summing_to_100(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C1"}, "q3_other_pct", "10")
    assert located(study) == [
        ("survey_responses.csv", 2, None, "time-split-sum"),
    ]


def test_q1_does_not_match_link_table(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q1_municipalities", "K04")
    assert located(study) == [
        ("survey_responses.csv", 4, "q1_municipalities", "survey-link-mismatch"),
    ]


def test_q1_with_unknown_municipality(study):
    set_cell(study, "survey_responses.csv", {"coordinator_id": "C3"}, "q1_municipalities", "K04|K55")
    assert located(study) == [
        ("survey_responses.csv", 4, "q1_municipalities", "unknown-id"),
    ]


# --------------------------------------------------------------------------- dates
def test_start_date_that_is_not_a_real_date(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K02"}, "start_date", "2016-02-30")
    assert located(study) == [
        ("coordinator_municipalities.csv", 3, "start_date", "bad-date"),
    ]


def test_start_date_after_the_case_statistics(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K03"}, "start_date", "2022-01")
    assert located(study) == [
        ("coordinator_municipalities.csv", 6, "start_date", "date-out-of-range"),
    ]


def test_start_date_in_the_wrong_form(study):
    set_cell(study, "coordinator_municipalities.csv", {"municipality_id": "K03"}, "start_date", "juni 2018")
    assert located(study) == [
        ("coordinator_municipalities.csv", 6, "start_date", "bad-form"),
    ]


def test_case_year_out_of_range(study):
    set_cell(
        study,
        "case_statistics.csv",
        {"municipality_id": "K02", "year": "2017", "measure": "children_witnessing"},
        "year",
        "1917",
    )
    assert located(study) == [
        ("case_statistics.csv", 4, "year", "below-minimum"),
    ]


# --------------------------------------------------------------------------- assessments
def test_missing_assessment_for_a_population_member_is_readiness_not_a_problem(study):
    """17.1: assessments are filled as the fieldwork goes on; validate says what is missing as readiness."""
    from evalkit.study import load_study
    from evalkit.study.readiness import readiness_table

    remove_rows(study, "assessments.csv", {"indicator_id": "kb_freda", "subject_id": "K07"})
    assert located(study) == []
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
    assert located(study) == [
        ("assessments.csv", 45, "subject_id", "outside-population"),
    ]


def test_assessment_of_an_unknown_subject(study):
    set_cell(study, "assessments.csv", {"indicator_id": "ef_follow_up", "subject_id": "C4"}, "subject_id", "K03")
    assert located(study) == [
        ("assessments.csv", 42, "subject_id", "unknown-id"),
    ]


# --------------------------------------------------------------------------- provenance and conditions
def test_reconstructed_row_without_assumption(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C4"}, "assumption", "")
    assert located(study) == [
        ("coordinators.csv", 5, "assumption", "missing-assumption"),
    ]


def test_reconstructed_fields_naming_an_unknown_column(study):
    set_cell(study, "coordinators.csv", {"coordinator_id": "C4"}, "reconstructed_fields", "role|rol")
    assert located(study) == [
        ("coordinators.csv", 5, "reconstructed_fields", "unknown-column"),
    ]


def test_structural_condition_disagrees_with_structure(study):
    set_cell(
        study, "conditions.csv", {"municipality_id": "K02", "condition_id": "combined_with_casework"}, "value", "no"
    )
    set_cell(study, "conditions.csv", {"municipality_id": "K01", "condition_id": "shared_post"}, "value", "yes")
    assert located(study) == [
        ("conditions.csv", 7, "value", "condition-mismatch"),
        ("conditions.csv", 14, "value", "condition-mismatch"),
    ]


def test_interview_without_its_municipality(study):
    set_cell(study, "interviews.csv", {"interview_id": "I05"}, "municipality_id", "")
    assert located(study) == [
        ("interviews.csv", 6, "municipality_id", "missing-link"),
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
    assert report["problems"][0]["code"] == "time-split-sum"
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

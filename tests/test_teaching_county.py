"""The teaching county data/ovningslan-2025: valid, ready in every part, varied, and it runs end to end."""

from __future__ import annotations

import nbformat
import pytest

from evalkit import paths
from evalkit.analysis import case_statistics, comparison, success_factors
from evalkit.analysis.findings import findings_table
from evalkit.chapters import CHAPTERS
from evalkit.study import load_study, validate_study
from evalkit.study.readiness import READY, readiness_table

TEACHING = paths.DATA_DIR / "ovningslan-2025"


@pytest.fixture(scope="module")
def study():
    return load_study(TEACHING)


def test_the_teaching_county_is_valid():
    assert validate_study(TEACHING) == []


def test_every_part_of_every_chapter_is_ready(study):
    table = readiness_table(study)
    assert set(table["status"]) == {READY}, table[table["status"] != READY].to_string()


def test_it_is_fieldwork_and_invented(study):
    for name, table in study.tables.items():
        assert set(table["basis"].dropna()) <= {"observed", "judgement"}, name
    assert study.tables["published_claims"].empty
    assert set(study.tables["municipalities"]["county"]) == {"Övningslänet"}
    readme = (TEACHING / "README.md").read_text(encoding="utf-8")
    assert "**Övningslänet is invented.**" in readme and "invented" in (TEACHING / "DATALOG.md").read_text()


def test_the_readme_table_matches_the_data(study):
    # The counts the README states, recomputed.
    tables = study.tables
    assert len(tables["municipalities"]) == 9
    assert tables["municipalities"]["model"].value_counts().to_dict() == {
        "own_coordinator": 3,
        "shared_coordinator": 3,
        "team": 2,
        "none": 1,
    }
    assert len(tables["coordinators"]) == 4 and len(tables["survey_responses"]) == 4
    assert tables["survey_responses"][["q3_strategic_pct", "q3_other_pct"]].notna().all().all()
    assert tables["interviews"]["respondent_group"].value_counts().to_dict() == {
        "municipal_manager": 9,
        "municipal_staff": 8,
        "external_partner": 5,
        "coordinator": 4,
    }
    agreed = tables["assessments"]
    assert len(agreed) == 141 and len(study.coder_assessments) == 60 and len(tables["documents"]) == 12
    values = set(agreed["value"])
    assert {"yes", "partly", "no", "unknown"} <= values
    indicators = set(study.codebook["indicators"]["indicator_id"])
    assert set(tables["assessments"]["indicator_id"]) == indicators, "every indicator of the standard codebook"
    shared = tables["coordinator_municipalities"].groupby("coordinator_id")["municipality_id"].count()
    assert shared.to_dict() == {"K1": 1, "K2": 1, "K3": 1, "K4": 3}


def test_two_coders_agree_as_the_readme_says(study):
    from evalkit.analysis.agreement import agreement_table

    overall = agreement_table(study).set_index("quality_area_id").loc["all"]
    assert round(float(overall["alpha"]), 2) == 0.88 and int(overall["units"]) == 28


def test_it_uses_the_codebook_evalkit_new_writes(tmp_path):
    from evalkit.scaffold import create_study

    scaffold = create_study(tmp_path / "new")
    for path in sorted((scaffold / "codebook").glob("*.csv")):
        assert (TEACHING / "codebook" / path.name).read_bytes() == path.read_bytes(), (
            f"codebook/{path.name} differs from the standard codebook that `evalkit new` writes; copy it over"
        )


def test_every_chapter_has_something_to_show(study):
    success = success_factors.qca_analysis(study, kind="success_factor")
    failure = success_factors.qca_analysis(study, kind="failure_explanation", outcome="~outcome")
    assert set(success.data["outcome"]) == {0, 1} and not success.dropped_cases
    assert len(success.solutions_frame()) and len(failure.solutions_frame())
    assert list(success.parsimonious.model_fit["expression"]) == ["management_support"]
    assert comparison.team_vs_coordinator(study)["n_team"].max() == 2
    trend = case_statistics.pre_existing_trend(study).set_index(["municipality_id", "measure"])["pre_trend"]
    assert trend[("P", "actualised_violence_cases")] == "cannot_be_distinguished"  # slope within its error
    assert trend[("P", "children_witnessing_violence")] == "increase_already_under_way"
    model = case_statistics.level_change_model(study)
    assert model["std_error"].notna().all(), "every series is long enough for intervals"
    assert len(findings_table(study)) > 100


@pytest.mark.slow
def test_the_teaching_county_runs_end_to_end_in_both_languages(tmp_path_factory):
    from rendered import rendered_report

    report = rendered_report(tmp_path_factory, "ovningslan-2025")  # the session's run, shared with other tests
    for language in ("sv", "en"):
        assert (report / language / "report.html").is_file()
        for chapter in CHAPTERS:
            notebook = nbformat.read(report / language / chapter.notebook, as_version=4)
            outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
            assert not [o for o in outputs if o.get("output_type") == "error"], chapter.id
            shown = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
            assert "evalkit-notice-not-enough-data" not in shown, f"{chapter.id} [{language}] shows a box"
    assert (report / "findings.csv").is_file() and (report / "claims.csv").is_file()

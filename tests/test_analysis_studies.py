"""Every chapter on the real studies: the default study and the second (demo) study.

The default study must reproduce every counted claim of the 2019 report
(``published_claims``) and the headline counts.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit import paths
from evalkit.analysis import case_statistics as cs
from evalkit.analysis import comparison as cmp
from evalkit.analysis import organisation as org
from evalkit.analysis import quality_areas as qa
from evalkit.analysis import success_factors as sf
from evalkit.analysis.findings import compare_with_published_claims, findings_table
from evalkit.analysis.populations import FINDINGS_COLUMNS, municipality_groups, population_table

try:
    from evalkit.study import load_study
except ImportError:  # pragma: no cover - until the loader exists
    load_study = None

DEMO_DIR = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def _load(path):
    if load_study is None:
        pytest.skip("evalkit.study.load_study does not exist yet")
    if not (path / paths.STUDY_DESCRIPTOR).exists():
        pytest.skip(f"study not present: {path}")
    return load_study(path)


@pytest.fixture(scope="module")
def default_study():
    return _load(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def default_findings(default_study):
    return findings_table(default_study).set_index("finding_id")


@pytest.fixture(scope="module", params=["default", "demo"])
def any_study(request):
    return _load(paths.DEFAULT_STUDY_DIR if request.param == "default" else DEMO_DIR)


# Default study: the report's numbers ------------------------------------------------------


def test_default_reproduces_every_published_claim(default_study):
    comparison = compare_with_published_claims(default_study)
    assert len(comparison) > 0
    failing = comparison[~comparison["match"]]
    assert failing.empty, failing[
        ["claim_id", "finding_id", "claim_numerator", "claim_denominator", "computed_numerator", "computed_denominator"]
    ].to_string()


def _count(findings, finding_id):
    row = findings.loc[finding_id]
    return (float(row["numerator"]), None if pd.isna(row["denominator"]) else float(row["denominator"]))


def test_default_headline_counts(default_findings):
    f = default_findings
    assert _count(f, "org.municipalities_with_coordinator") == (8, 10)
    assert _count(f, "org.coordinators_total") == (6, None)
    assert _count(f, "study.interviews_total") == (36, None)
    assert _count(f, "study.interviews.coordinator") == (6, 36)
    municipal = (
        f.loc["study.interviews.municipal_manager", "numerator"]
        + f.loc["study.interviews.municipal_staff", "numerator"]
    )
    assert municipal == 23
    assert _count(f, "study.interviews.external_partner") == (7, 36)
    assert _count(f, "org.full_time.municipalities") == (2, 8)
    assert _count(f, "org.functioning.poorly") == (2, 8)


def test_default_headline_statements(default_findings):
    assert default_findings.loc["org.municipalities_with_coordinator", "statement_sv"].startswith(
        "Åtta av tio kommuner"
    )
    assert default_findings.loc["qa.knowledge_improved", "statement_sv"].startswith("I sju av åtta kommuner med")
    assert (
        "seven of eight municipalities with a coordinator"
        in default_findings.loc["qa.knowledge_improved", "statement_en"]
    )


def test_default_pre_existing_trend_matches_the_report(default_study):
    # The report: counts rose 96 -> 115 -> 138 around a 2018 start, so the rise is not credited.
    trend = cs.pre_existing_trend(default_study)
    c = trend[trend["municipality_id"] == "C"]
    assert list(c["pre_trend"]) == ["increase_already_under_way"] and list(c["note"]) == ["two_points"]
    # Tabell 1, children who witnessed violence: 45, 38, 60 before the 2016 start; the slope (7.5
    # a year) is smaller than its standard error, so the report's tentative reading is not overturned.
    d = trend[(trend["municipality_id"] == "D") & (trend["measure"] == "children_witnessing_violence")]
    assert list(d["pre_trend"]) == ["cannot_be_distinguished"]


# Every chapter on both studies --------------------------------------------------------------


def test_findings_contract(any_study):
    table = findings_table(any_study)
    assert tuple(table.columns) == FINDINGS_COLUMNS
    assert table["finding_id"].is_unique
    assert table["statement_sv"].str.len().gt(0).all() and table["statement_en"].str.len().gt(0).all()
    assert set(table["basis"]) <= {"stated", "observed", "judgement", "reconstructed"}
    assert set(table["allocation"].dropna()) <= {"reconstructed"}
    counted = table["denominator"].notna()
    assert (table["numerator"][counted] + table["unknown"][counted] <= table["denominator"][counted]).all()
    assert not table["statement_sv"].str.contains("{count}", regex=False).any()


def test_every_chapter_runs(any_study):
    s = any_study
    assert len(population_table(s)) == 5
    assert set(municipality_groups(s)) <= {
        "well_functioning",
        "poorly_functioning",
        "unknown_functioning",
        "team_based",
        "no_coordinator",
    }
    for frame in (
        org.posts_by_coordinator(s),
        org.posts_by_municipality(s),
        org.time_split(s),
        org.time_split(s, wide=True),
        org.placement_summary(s),
        org.combination_summary(s),
        org.role_summary(s),
        org.management_group_seats(s),
        org.expert_teams(s),
        qa.indicator_tally(s),
        qa.quality_area_by_group(s),
        cmp.team_vs_coordinator(s),
        cmp.team_model_profile(s),
        cs.case_series(s),
        cs.before_after_summary(s),
        cs.pre_existing_trend(s),
        cs.level_change_model(s),
        sf.condition_table(s),
        sf.condition_summary(s),
    ):
        assert isinstance(frame, pd.DataFrame)
    matrix = qa.quality_area_matrix(s)
    assert ((matrix >= 0) & (matrix <= 1) | matrix.isna()).all().all()
    tally = qa.indicator_tally(s)
    assert (tally[["yes", "partly", "no", "unknown"]].sum(axis=1) == tally["denominator"]).all()
    result = sf.qca_analysis(s)
    assert result.conservative is not None or result.notes

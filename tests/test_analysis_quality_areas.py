"""Chapter 02 on the tiny study (scores worked out by hand in tests/studies.py comments)."""

import math

import pytest
from studies import findings_by_id, tiny_study

from evalkit.analysis import quality_areas as qa


def test_indicator_tally():
    tally = qa.indicator_tally(tiny_study()).set_index("indicator_id")
    # Sorted by quality-area order, then id.
    assert list(tally.index) == [
        "know_plan",
        "know_training",
        "team_basic",
        "safe_routines",
        "access_contact",
        "team_contact",
    ]
    row = tally.loc["know_plan"]
    assert (row["yes"], row["partly"], row["no"], row["unknown"], row["denominator"]) == (1, 1, 1, 0, 3)
    assert row["outside_population"] == 1  # the row for team municipality D is ignored
    assert row["basis"] == "reconstructed"
    row = tally.loc["safe_routines"]
    assert (row["yes"], row["no"], row["unknown"], row["denominator"], row["unit"]) == (2, 1, 1, 4, "municipalities")
    row = tally.loc["access_contact"]
    assert (row["yes"], row["unknown"], row["not_assessed"], row["unit"]) == (1, 1, 1, "interviews")
    for _, r in tally.iterrows():
        assert r["yes"] + r["partly"] + r["no"] + r["unknown"] == r["denominator"]


def test_municipality_values_maps_coordinator_indicators():
    values = qa.municipality_values(tiny_study())
    via = values[values["via"] == "coordinator"]
    assert sorted(via["municipality_id"]) == ["A", "B", "C"]  # C1 -> A, C2 -> B and C
    assert "access_contact" not in set(values["indicator_id"])  # interview level excluded
    assert not ((values["indicator_id"] == "know_plan") & (values["municipality_id"] == "D")).any()


def test_quality_area_matrix_by_hand():
    matrix = qa.quality_area_matrix(tiny_study())
    assert list(matrix.index) == ["A", "B", "C", "D"]
    assert list(matrix.columns) == ["knowledge", "safety", "access"]
    assert matrix.loc["A", "knowledge"] == pytest.approx(1.0)  # yes, yes (C1), yes
    assert matrix.loc["B", "knowledge"] == pytest.approx(2 / 3)  # no, yes (C2), yes
    assert matrix.loc["C", "knowledge"] == pytest.approx(0.5)  # partly, yes (C2), no
    assert matrix.loc["D", "knowledge"] == pytest.approx(1.0)  # team_basic yes
    assert matrix.loc["A", "safety"] == 1.0 and matrix.loc["C", "safety"] == 0.0
    assert math.isnan(matrix.loc["B", "safety"])  # only 'unknown'
    assert matrix.loc["D", "access"] == 0.0 and math.isnan(matrix.loc["A", "access"])


def test_partly_score_parameter():
    matrix = qa.quality_area_matrix(tiny_study(), partly_score=1.0)
    assert matrix.loc["C", "knowledge"] == pytest.approx(2 / 3)
    matrix = qa.quality_area_matrix(tiny_study(), partly_score=0.0)
    assert matrix.loc["C", "knowledge"] == pytest.approx(1 / 3)


def test_quality_area_cells_counts():
    cells = qa.quality_area_cells(tiny_study()).set_index(["municipality_id", "quality_area_id"])
    assert cells.loc[("B", "knowledge"), "n_known"] == 3
    assert cells.loc[("B", "safety"), "n_unknown"] == 1 and cells.loc[("B", "safety"), "n_known"] == 0
    assert cells.loc[("A", "access"), "n_indicators"] == 0


def test_quality_area_by_group():
    groups = qa.quality_area_by_group(tiny_study()).set_index(["group", "quality_area_id"])
    assert groups.loc[("well_functioning", "knowledge"), "mean_score"] == pytest.approx(0.75)  # A 1, C 0.5
    assert groups.loc[("well_functioning", "knowledge"), "n_municipalities"] == 2
    assert groups.loc[("well_functioning", "knowledge"), "n_indicators"] == 3
    assert groups.loc[("well_functioning", "safety"), "mean_score"] == pytest.approx(0.5)
    assert groups.loc[("poorly_functioning", "knowledge"), "mean_score"] == pytest.approx(2 / 3)
    assert groups.loc[("poorly_functioning", "safety"), "n_municipalities"] == 0
    assert groups.loc[("team_based", "access"), "mean_score"] == 0.0
    assert math.isnan(groups.loc[("well_functioning", "access"), "mean_score"])
    order = list(dict.fromkeys(g for g, _ in groups.index))
    assert order == ["well_functioning", "poorly_functioning", "team_based"]


def test_quality_area_findings():
    findings = qa.quality_area_findings(tiny_study())
    got = findings_by_id(findings)
    assert got == {
        "qa.know_plan": (1, 3),
        "qa.know_training": (2, 2),
        "qa.safe_routines": (2, 4),
        "qa.access_contact": (1, 2),
    }
    rows = findings.set_index("finding_id")
    assert (
        rows.loc["qa.know_plan", "statement_sv"]
        == "En av tre kommuner med samordnare har en plan för kunskapsutveckling."
    )
    assert (
        rows.loc["qa.know_plan", "statement_en"]
        == "One of three municipalities with a coordinator has a plan for knowledge development."
    )
    assert rows.loc["qa.know_training", "statement_en"] == "Both coordinators pass on information about training."
    # One municipality's routines are unknown: the sentence says so instead of counting it as no.
    assert rows.loc["qa.safe_routines", "statement_sv"] == "I två av fyra kommuner finns rutiner; okänt för en."
    assert rows.loc["qa.safe_routines", "unknown"] == 1
    assert rows.loc["qa.know_plan", "source"] == "Kap. 2, Kunskap"
    assert rows.loc["qa.safe_routines", "source"] == "Kap. 2"  # no report_section: rows' sources
    assert rows.loc["qa.know_plan", "basis"] == "reconstructed"
    assert rows.loc["qa.know_training", "basis"] == "stated"
    assert rows.loc["qa.know_plan", "quality_area"] == "knowledge"
    assert set(rows["chapter"]) == {"quality_areas"}

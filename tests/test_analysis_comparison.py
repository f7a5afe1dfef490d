"""Chapter 03, first half: team-based municipalities against coordinator municipalities."""

import math

import pytest
from studies import findings_by_id, tiny_study

from evalkit.analysis import comparison as cmp


def test_team_vs_coordinator():
    table = cmp.team_vs_coordinator(tiny_study()).set_index("quality_area_id")
    row = table.loc["knowledge"]
    assert row["mean_coordinator"] == pytest.approx((1 + 2 / 3 + 0.5) / 3)
    assert row["mean_team"] == pytest.approx(1.0)
    assert row["difference"] == pytest.approx(1.0 - (1 + 2 / 3 + 0.5) / 3)
    assert (row["n_municipalities_team"], row["n_municipalities_coordinator"]) == (1, 3)
    assert (row["n_indicators_team"], row["n_indicators_coordinator"]) == (1, 3)
    row = table.loc["safety"]
    assert row["mean_coordinator"] == pytest.approx(0.5) and row["n_municipalities_coordinator"] == 2
    row = table.loc["access"]
    assert math.isnan(row["mean_coordinator"]) and row["mean_team"] == 0 and math.isnan(row["difference"])


def test_team_model_profile():
    profile = cmp.team_model_profile(tiny_study()).set_index("indicator_id")
    assert list(profile.index) == ["team_basic", "team_contact"]
    assert profile.loc["team_basic", "scope"] == "team_municipalities"
    assert profile.loc["team_basic", "n_subjects"] == 1 and profile.loc["team_basic", "yes"] == 1
    assert profile.loc["team_basic", "verdict"] == "gives"
    assert profile.loc["team_contact", "verdict"] == "lacks"


def test_comparison_findings():
    findings = cmp.comparison_findings(tiny_study())
    assert findings_by_id(findings) == {
        "team.municipalities": (1, 4),
        "qa.team_basic": (3, 4),
        "qa.team_contact": (0, 1),
    }
    rows = findings.set_index("finding_id")
    assert (
        rows.loc["team.municipalities", "statement_sv"]
        == "En av fyra kommuner arbetar med ett familjefridsteam i stället för en samordnare."
    )
    assert (
        rows.loc["team.municipalities", "statement_en"]
        == "One of four municipalities works with a family-violence team instead of a coordinator."
    )
    assert rows.loc["qa.team_contact", "statement_sv"].startswith("Ingen av en kommuner med familjefridsteam")
    assert set(rows["chapter"]) == {"comparison"}

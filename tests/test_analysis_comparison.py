"""Chapter 03, first half: team-based municipalities against coordinator municipalities."""

import math

import pytest
from studies import findings_by_id, tiny_study

from evalkit.analysis import comparison as cmp


def test_team_vs_coordinator_only_on_indicators_assessed_for_both():
    # A and C work well, B poorly, D is the team municipality.
    table = cmp.team_vs_coordinator(tiny_study()).set_index("indicator_id")
    # know_plan is assessed only for municipalities with a coordinator; team_contact only for teams.
    assert sorted(table.index) == ["safe_routines", "team_basic"]
    row = table.loc["safe_routines"]  # A yes, B unknown (left out), C no, D yes
    assert (row["mean_team"], row["mean_coordinator"], row["mean_well"]) == (1.0, 0.5, 0.5)
    assert math.isnan(row["mean_poorly"]) and (row["n_team"], row["n_coordinator"]) == (1, 2)
    row = table.loc["team_basic"]  # A yes, B yes, C no, D yes
    assert row["mean_coordinator"] == pytest.approx(2 / 3) and row["mean_poorly"] == 1.0
    assert row["difference"] == pytest.approx(1 / 3) and row["difference_poorly"] == 0.0
    assert (row["reconstructed_team"], row["reconstructed_coordinator"]) == (0, 0)


def test_team_model_profile():
    profile = cmp.team_model_profile(tiny_study()).set_index("indicator_id")
    assert list(profile.index) == ["team_basic", "team_contact"]
    assert profile.loc["team_basic", "scope"] == "team_municipalities"
    assert profile.loc["team_basic", "n_subjects"] == 1 and profile.loc["team_basic", "yes"] == 1
    assert profile.loc["team_basic", "team_model"] == "gives"
    assert profile.loc["team_contact", "team_model"] == "lacks"


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
    assert rows.loc["qa.team_contact", "statement_sv"].startswith("Ingen kommun med familjefridsteam (av en)")
    assert set(rows["chapter"]) == {"comparison"}

"""The report's small-team conclusion as a finding, and the posts tables' basis per column (issue 9, items 3 and 5)."""

from __future__ import annotations

import dataclasses

import pytest

from evalkit import paths
from evalkit.analysis import organisation as org
from evalkit.analysis.findings import compare_with_published_claims, findings_table
from evalkit.present.tables import display_frame
from evalkit.study import load_study

FINDING = "qa.team_as_good_with_fewer_resources"
TEACHING = paths.PROJECT_ROOT / "data" / "ovningslan-2025"


@pytest.fixture(scope="module")
def default():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def teaching():
    return load_study(TEACHING)


def test_the_small_team_conclusion_is_a_stated_finding_with_its_section(default):
    row = findings_table(default).set_index("finding_id").loc[FINDING]
    assert (row["numerator"], row["denominator"], row["unknown"]) == (2, 2, 0)
    assert row["basis"] == "stated"
    assert row["source"].startswith("Sammanfattning")
    assert row["chapter"] == "comparison"
    claims = compare_with_published_claims(default).set_index("finding_id")
    assert bool(claims.loc[FINDING, "match"])


def test_it_computes_for_the_teaching_county(teaching):
    row = findings_table(teaching).set_index("finding_id").loc[FINDING]
    assert row["denominator"] == 2 and row["basis"] == "judgement"
    assert row["numerator"] == 1  # one yes; 'partly' is not counted as yes


def test_unknown_is_said_as_unknown_not_no(teaching):
    assessments = teaching.tables["assessments"].copy()
    assessments.loc[assessments["indicator_id"] == FINDING.split(".")[1], "value"] = "unknown"
    changed = dataclasses.replace(teaching, tables={**teaching.tables, "assessments": assessments})
    row = findings_table(changed).set_index("finding_id").loc[FINDING]
    assert (row["numerator"], row["unknown"]) == (0, 2)
    assert row["statement_en"].startswith("An unknown number of the two")
    assert row["statement_sv"].startswith("Ett okänt antal av två")
    for text in (row["statement_en"], row["statement_sv"]):
        assert not text.lower().startswith(("none", "no ", "ingen"))


def test_posts_tables_carry_the_basis_of_each_column(default, teaching):
    posts = org.posts_by_coordinator(default).set_index("coordinator_id")
    shown = [c for c in posts.columns if not c.endswith("_basis")]
    for column in ("municipalities", "share_of_post_pct", *org.COORDINATOR_FIELDS):
        assert f"{column}_basis" in posts.columns and column in shown
    # The report leaves C3's seat and the shared coordinator's strategic role open (fidelity.md Part 1).
    assert posts.loc["C3", "seat_in_management_group_basis"] == "reconstructed"
    assert posts.loc["C6", "role_basis"] == "reconstructed"
    assert posts.loc["C6", "municipalities_basis"] == "stated"
    assert set(org.posts_by_coordinator(teaching)["role_basis"]) == {"observed"}
    by_municipality = org.posts_by_municipality(default)
    assert {"coordinators_basis", "share_of_post_pct_basis", "model_basis"} <= set(by_municipality.columns)
    sv = display_frame(posts.reset_index(), default, "sv")
    en = display_frame(posts.reset_index(), default, "en")
    assert "Roll: belägg" in sv.columns and "Role: basis" in en.columns
    assert "reconstructed" not in set(sv["Roll: belägg"])  # labelled, not the code

"""Chapter 01 on the tiny study: every number worked out by hand."""

import pandas as pd
from studies import findings_by_id, tiny_study, tiny_tables

from evalkit.analysis import organisation as org


def test_posts_by_coordinator():
    posts = org.posts_by_coordinator(tiny_study()).set_index("coordinator_id")
    assert list(posts.index) == ["C1", "C2"]
    assert posts.loc["C1", "share_of_post_pct"] == 100 and posts.loc["C1", "share_source"] == "survey_q2"
    assert bool(posts.loc["C1", "full_time"])
    # C2 has no Q2 answer: 25 + 25 from the links, part time.
    assert posts.loc["C2", "share_of_post_pct"] == 50 and posts.loc["C2", "share_source"] == "link_sum"
    assert not bool(posts.loc["C2", "full_time"])
    assert posts.loc["C2", "municipalities"] == "B|C" and posts.loc["C2", "n_municipalities"] == 2
    assert bool(posts.loc["C2", "serves_several"]) and not bool(posts.loc["C1", "serves_several"])


def test_posts_by_municipality():
    posts = org.posts_by_municipality(tiny_study()).set_index("municipality_id")
    assert list(posts.index) == ["A", "B", "C"]
    assert posts.loc["A", "share_of_post_pct"] == 100 and bool(posts.loc["A", "full_time"])
    assert posts.loc["B", "share_of_post_pct"] == 25 and bool(posts.loc["B", "shared"])
    assert not bool(posts.loc["A", "shared"])


def test_time_split_long_and_wide():
    long = org.time_split(tiny_study())
    assert len(long) == 8
    assert list(long["activity"][:4]) == ["strategic", "individual", "direct_client", "other"]
    wide = org.time_split(tiny_study(), wide=True).set_index("coordinator_id")
    assert wide.loc["C1"].to_dict() == {
        "strategic": 40,
        "individual": 30,
        "direct_client": 20,
        "other": 10,
        "total_pct": 100,
    }
    assert wide.loc["C2", "direct_client"] == 0


def test_placement_role_seat_summaries():
    study = tiny_study()
    placement = org.placement_summary(study).set_index("q4_placement")
    assert placement.loc["ifo_management", "n"] == 1 and placement.loc["ifo_unit", "coordinators"] == "C2"
    assert placement.loc["ifo_unit", "denominator"] == 2
    roles = org.role_summary(study)
    assert list(roles["role"]) == ["mixed", "strategic"]
    assert list(roles["n"]) == [1, 1]
    seats = org.management_group_seats(study).set_index("seat_in_management_group")
    assert seats.loc["yes", "n"] == 1 and seats.loc["no", "coordinators"] == "C2"


def test_combination_summary_counts_municipalities():
    combination = org.combination_summary(tiny_study()).set_index("combined_with")
    assert combination.loc["none", "n"] == 1 and combination.loc["none", "municipalities"] == "A"
    assert combination.loc["other_strategic_tasks", "n"] == 2
    assert combination.loc["other_strategic_tasks", "n_coordinators"] == 1
    assert combination.loc["other_strategic_tasks", "denominator"] == 3


def test_expert_teams():
    teams = org.expert_teams(tiny_study())
    assert list(teams["municipality_id"]) == ["A", "B", "C"]
    assert list(teams["value"]) == ["yes", "no", "no"]
    assert org.expert_teams(tiny_study(), "no_such_condition").empty


def test_organisation_findings():
    findings = org.organisation_findings(tiny_study())
    got = findings_by_id(findings)
    assert got["org.municipalities_with_coordinator"] == (3, 4)
    assert got["org.coordinators_total"] == (2, None)
    assert got["org.coordinators_serving_several"] == (1, 2)
    assert got["org.municipalities_sharing_a_coordinator"] == (2, 3)
    assert got["org.full_time.municipalities"] == (1, 3)
    assert got["org.part_time.coordinators"] == (1, 2)
    assert got["org.placement.ifo_management"] == (1, 2)
    assert got["org.placement.ifo_unit"] == (1, 2)
    assert got["org.combined_with.none"] == (1, 3)
    assert got["org.combined_with.other_strategic_tasks"] == (2, 3)
    assert got["org.role.mixed"] == (1, 2)
    assert got["org.role.strategic"] == (1, 2)
    assert got["org.role.operational"] == (0, 2)  # every enum code, zero counts included
    assert got["org.placement.municipality_wide"] == (0, 2)
    assert got["org.combined_with.casework"] == (0, 3)
    assert "org.role.unknown" not in got
    assert got["org.seat_in_management_group"] == (1, 2)
    assert got["org.functioning.well"] == (2, 3)
    assert got["org.functioning.poorly"] == (1, 3)
    assert set(findings["chapter"]) == {"organisation"}


def test_organisation_findings_basis_and_statements():
    findings = org.organisation_findings(tiny_study()).set_index("finding_id")
    # C2's role is reconstructed, its seat is not.
    assert findings.loc["org.role.strategic", "basis"] == "reconstructed"
    assert findings.loc["org.seat_in_management_group", "basis"] == "stated"
    assert (
        findings.loc["org.municipalities_with_coordinator", "statement_sv"]
        == "Tre av fyra kommuner har en kvinnofridssamordnare."
    )
    assert (
        findings.loc["org.full_time.municipalities", "statement_en"]
        == "One of three municipalities with a coordinator has a full-time coordinator."
    )
    assert findings.loc["org.coordinators_total", "statement_en"] == "The county has two coordinators in post."
    assert findings.loc["org.role.strategic", "statement_sv"] == "En av två samordnare har en rent strategisk roll."
    assert findings.loc["org.municipalities_with_coordinator", "source"] == "Kap. 1, Org; Kap. 2, Team"


def test_link_share_basis_flows_into_full_time():
    tables = tiny_tables()
    links = tables["coordinator_municipalities"]
    links["basis"] = ["reconstructed", "observed", "observed"]
    links["assumption"] = ["share assumed", "", ""]
    links["reconstructed_fields"] = ["share_of_post_pct", "", ""]
    findings = org.organisation_findings(tiny_study({"coordinator_municipalities": links})).set_index("finding_id")
    assert findings.loc["org.full_time.municipalities", "basis"] == "reconstructed"
    assert findings.loc["org.coordinators_serving_several", "basis"] == "stated"
    assert pd.isna(findings.loc["org.full_time.municipalities", "quality_area"])

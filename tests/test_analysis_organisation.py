"""Chapter 01 on the tiny study: every number worked out by hand."""

import pandas as pd
from studies import findings_by_id, tiny_study, tiny_tables

from evalkit.analysis import organisation as org


def test_posts_by_coordinator():
    posts = org.posts_by_coordinator(tiny_study()).set_index("coordinator_id")
    assert list(posts.index) == ["C1", "C2"]
    # A published evaluation prints no coordinator's answer: the tiny study's Q2 is the report's figure.
    assert posts.loc["C1", "share_of_post_pct"] == 100 and posts.loc["C1", "share_source"] == "report"
    assert bool(posts.loc["C1", "full_time"])
    # C2 has no Q2 answer: 25 + 25 from the links, part time.
    assert posts.loc["C2", "share_of_post_pct"] == 50 and posts.loc["C2", "share_source"] == "link_sum"
    assert not bool(posts.loc["C2", "full_time"])
    assert posts.loc["C2", "municipalities"] == "B|C" and posts.loc["C2", "n_municipalities"] == 2
    assert bool(posts.loc["C2", "serves_several"]) and not bool(posts.loc["C1", "serves_several"])


def test_share_source_says_survey_only_in_fieldwork_and_reconstructed_where_it_is():
    fieldwork = org.posts_by_coordinator(tiny_study(descriptor={"evalkit:kind": "fieldwork"}))
    assert fieldwork.set_index("coordinator_id").loc["C1", "share_source"] == "survey_q2"
    from evalkit import paths
    from evalkit.study import load_study

    posts = org.posts_by_coordinator(load_study(paths.DEFAULT_STUDY_DIR)).set_index("coordinator_id")
    assert "survey_q2" not in set(posts["share_source"])
    for cid in posts.index:
        reconstructed = posts.loc[cid, "share_of_post_pct_basis"] == "reconstructed"
        assert posts.loc[cid, "share_source"] == ("reconstructed" if reconstructed else "report"), cid


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
    assert got["org.combined_with.none.municipalities"] == (1, 3)
    assert got["org.combined_with.other_strategic_tasks.municipalities"] == (2, 3)
    assert got["org.role.mixed"] == (1, 2)
    assert got["org.role.strategic"] == (1, 2)
    assert got["org.role.operational"] == (0, 2)  # every enum code, zero counts included
    assert got["org.placement.municipality_wide"] == (0, 2)
    assert got["org.combined_with.casework.municipalities"] == (0, 3)
    assert "org.role.unknown" not in got
    assert got["org.seat_in_management_group"] == (1, 2)
    assert got["org.functioning.well"] == (2, 3)
    assert got["org.functioning.poorly"] == (1, 3)
    assert set(findings["chapter"]) == {"organisation"}


def test_counts_that_can_be_read_two_ways_are_given_in_both_units():
    """C1 (100 %, A) is full time; C2 (25 % + 25 %, B and C) is part time: 1 of 2 coordinators, 1 of 3 municipalities."""
    findings = org.organisation_findings(tiny_study())
    got = findings_by_id(findings)
    assert got["org.full_time.coordinators"] == (1, 2)
    assert got["org.part_time.coordinators"] == (1, 2)
    assert got["org.full_time.municipalities"] == (1, 3)
    assert got["org.part_time.municipalities"] == (2, 3)
    # C2 (other strategic tasks) serves two municipalities: one coordinator, two municipalities.
    assert got["org.combined_with.other_strategic_tasks.coordinators"] == (1, 2)
    assert got["org.combined_with.other_strategic_tasks.municipalities"] == (2, 3)
    assert got["org.combined_with.none.coordinators"] == (1, 2)
    assert got["org.combined_with.casework.coordinators"] == (0, 2)
    rows = findings.set_index("finding_id")
    assert rows.loc["org.part_time.municipalities", "statement_en"] == (
        "Two of three municipalities with a coordinator have a part-time coordinator post."
    )
    assert rows.loc["org.combined_with.other_strategic_tasks.coordinators", "statement_sv"] == (
        "En av två samordnare har en tjänst som kombineras med andra strategiska uppgifter."
    )


def test_each_municipalitys_part_of_a_shared_post_is_a_finding():
    rows = org.organisation_findings(tiny_study()).set_index("finding_id")
    shares = rows[rows.index.str.startswith("org.shared_post_share.")]
    assert list(shares.index) == ["org.shared_post_share.B", "org.shared_post_share.C"]  # A's post is not shared
    assert list(shares["numerator"]) == [25, 25] and set(shares["unit"]) == {"percent"}
    assert shares["denominator"].isna().all()
    assert rows.loc["org.shared_post_share.B", "statement_sv"] == (
        "Kommun B har 25 procent av en samordnartjänst som delas av två kommuner."
    )
    # A 75 % post over three municipalities gives 25 each.
    tables = tiny_tables()
    links = tables["coordinator_municipalities"]
    links.loc[len(links)] = ["C2", "D", 25, "", "Kap. 1, Org"]
    municipalities = tables["municipalities"]
    municipalities.loc[municipalities.municipality_id == "D", ["model", "coordinator_functioning"]] = [
        "shared_coordinator",
        "well",
    ]
    got = findings_by_id(org.organisation_findings(tiny_study(tables)))
    assert [got[f"org.shared_post_share.{m}"] for m in "BCD"] == [(25, None)] * 3


def test_unknown_values_are_not_counted_as_no():
    tables = tiny_tables()
    coordinators = tables["coordinators"]
    coordinators["combined_with"] = ["none", "unknown"]
    coordinators["seat_in_management_group"] = ["yes", "unknown"]
    links = tables["coordinator_municipalities"]
    links["share_of_post_pct"] = [100, None, None]
    survey = tables["survey_responses"]
    survey["q2_share_of_post_pct"] = [100, None]
    rows = org.organisation_findings(tiny_study(tables)).set_index("finding_id")
    assert rows.loc["org.part_time.coordinators", ["numerator", "unknown"]].tolist() == [0, 1]
    assert rows.loc["org.part_time.coordinators", "statement_en"] == (
        "Neither of the two coordinators works part time as coordinator; not known for one."
    )
    assert rows.loc["org.part_time.municipalities", ["numerator", "unknown"]].tolist() == [0, 2]
    assert rows.loc["org.combined_with.casework.coordinators", "unknown"] == 1
    assert rows.loc["org.combined_with.casework.municipalities", "unknown"] == 2
    assert rows.loc["org.seat_in_management_group", "statement_sv"] == (
        "En av två samordnare sitter i ledningsgruppen; okänt för en."
    )
    assert rows.loc["org.shared_post_share.B", "statement_en"] == (
        "The part of the shared coordinator post that Municipality B has is not known."
    )
    assert pd.isna(rows.loc["org.shared_post_share.B", "numerator"])
    posts = org.posts_by_municipality(tiny_study(tables)).set_index("municipality_id")
    assert pd.isna(posts.loc["B", "full_time"]) and pd.isna(posts.loc["B", "share_of_post_pct"])


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
    # The links' municipality column is not reconstructed: their own basis (observed) carries through.
    assert findings.loc["org.coordinators_serving_several", "basis"] == "observed"
    assert pd.isna(findings.loc["org.full_time.municipalities", "quality_area"])

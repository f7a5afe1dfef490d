"""The findings table and the published-claims check on the tiny study."""

import pandas as pd
from studies import findings_by_id, tiny_study, tiny_tables

from evalkit.analysis import findings as F
from evalkit.analysis.populations import FINDINGS_COLUMNS


def test_study_findings_by_hand():
    got = findings_by_id(F.study_findings(tiny_study()))
    assert got["study.municipalities_total"] == (4, None)
    assert got["study.interviews_total"] == (10, None)
    assert got["study.interviews.coordinator"] == (2, 10)
    assert got["study.interviews.municipal_manager"] == (4, 10)
    assert got["study.interviews.municipal_staff"] == (2, 10)
    assert got["study.interviews.external_partner"] == (2, 10)
    assert got["study.managers.ifo_head"] == (2, 4)
    assert got["study.managers.adult_unit_head"] == (1, 4)
    assert got["study.managers.violence_team_head"] == (1, 4)
    assert got["study.staff.social_worker"] == (1, None)
    assert got["study.staff.former_coordinator"] == (1, None)
    assert got["study.survey_respondents"] == (2, 2)
    assert "study.documents_total" not in got  # the documents table is a list, not the count analysed


def test_study_statements():
    rows = F.study_findings(tiny_study()).set_index("finding_id")
    assert rows.loc["study.survey_respondents", "statement_en"] == "Both coordinators answered the survey."
    assert rows.loc["study.interviews_total", "statement_sv"] == "Sammanlagt gjordes tio intervjuer."
    assert (
        rows.loc["study.staff.social_worker", "statement_en"]
        == "In one interview with staff, the interviewee's role was social worker."
    )


def test_findings_table_contract():
    table = F.findings_table(tiny_study())
    assert tuple(table.columns) == FINDINGS_COLUMNS
    assert table["finding_id"].is_unique
    assert set(table["unit"]) <= {"municipalities", "coordinators", "interviews", "cases", "documents", "percent"}
    # Rows without provenance columns default to observed; the tiny study's own rows are stated or reconstructed.
    assert set(table["basis"]) == {"stated", "observed", "reconstructed"}
    assert table["statement_sv"].notna().all() and table["statement_en"].notna().all()
    assert table["source"].notna().all()
    chapters = list(dict.fromkeys(table["chapter"]))
    assert chapters == ["study", "organisation", "quality_areas", "comparison", "success_factors"]
    assert table.loc[table["unit"] == "cases", "denominator"].isna().all()
    # All sentences start with a capital letter and end with a full stop.
    for text in list(table["statement_sv"]) + list(table["statement_en"]):
        assert text[0].isupper() and text.endswith("."), text


def test_findings_table_is_deterministic_and_sectionable():
    study = tiny_study()
    pd.testing.assert_frame_equal(F.findings_table(study), F.findings_table(study))
    only = F.findings_table(study, sections=["cases"])
    assert set(only["finding_id"].str.split(".").str[0]) == {"cases"}
    assert F.sections_reading("conditions") == ["success_factors"]


def test_compare_with_published_claims():
    comparison = F.compare_with_published_claims(tiny_study()).set_index("claim_id")
    assert list(comparison.index) == ["P1", "P2", "P3", "P4"]
    assert bool(comparison.loc["P1", "match"])
    assert not bool(comparison.loc["P2", "match"]) and bool(comparison.loc["P2", "found"])
    assert comparison.loc["P2", "computed_numerator"] == 1
    assert not bool(comparison.loc["P3", "found"]) and not bool(comparison.loc["P3", "match"])
    assert bool(comparison.loc["P4", "match"])  # plain count: both denominators empty


def test_compare_without_claims():
    tables = tiny_tables()
    tables["published_claims"] = tables["published_claims"].iloc[0:0]
    assert F.compare_with_published_claims(tiny_study(tables)).empty


def test_findings_csv_writes_counts_as_integers(tmp_path):
    import pandas as pd

    from evalkit.report.artefacts import whole_counts

    frame = pd.DataFrame(
        {
            "numerator": pd.array([7.0, 2.0, 25.0], dtype="Float64"),
            "denominator": pd.array([8.0, None, None], dtype="Float64"),
        }
    )
    path = tmp_path / "findings.csv"
    whole_counts(frame).to_csv(path, index=False)
    assert path.read_text().splitlines() == ["numerator,denominator", "7,8", "2,", "25,"]
    mixed = whole_counts(pd.DataFrame({"numerator": [7.0, 37.5], "denominator": [8.0, None]}))
    mixed.to_csv(path, index=False)
    assert path.read_text().splitlines() == ["numerator,denominator", "7,8", "37.5,"]


def test_a_claimed_finding_cites_the_section_that_states_it():
    """R01, R12 and R23: the claim's section, not the union of every row's source."""
    from evalkit import paths
    from evalkit.analysis.findings import findings_table
    from evalkit.study import load_study

    study = load_study(paths.DEFAULT_STUDY_DIR)
    sources = findings_table(study).set_index("finding_id")["source"]
    assert (
        sources["org.municipalities_with_coordinator"]
        == "Kap. 1, Åtta av tio kommuner i länet har kvinnofridssamordnare"
    )
    assert sources["study.municipalities_total"] == "Kap. 1, Undersökningen är kvalitativ"
    assert sources["study.survey_respondents"] == "Kap. 1, Undersökningen är kvalitativ; Bilaga 1"
    assert "Kap. 4" not in sources["org.combined_with.casework.municipalities"]

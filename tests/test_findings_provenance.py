"""A finding's basis and source follow from its inputs and from the kind of study."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from studies import tiny_study, tiny_tables

from evalkit import paths
from evalkit.analysis.findings import findings_table
from evalkit.study import load_study

DEMO = Path(__file__).parent / "fixtures" / "demo-county"


@pytest.fixture(scope="module")
def default():
    return findings_table(load_study(paths.DEFAULT_STUDY_DIR)).set_index("finding_id")


@pytest.fixture(scope="module")
def demo():
    return findings_table(load_study(DEMO)).set_index("finding_id")


def test_a_count_the_report_states_stays_stated_with_its_allocation_marked(default):
    # Seven of eight is stated (claim R25); which municipality is the exception is reconstructed.
    assert default.loc["qa.knowledge_improved", ["basis", "allocation"]].tolist() == ["stated", "reconstructed"]
    # Tabell 1's values are stated; that they belong to D is the reconstruction.
    row = default.loc["cases.D.children_witnessing_violence.2014"]
    assert row["basis"] == "stated" and row["allocation"] == "reconstructed"


def test_a_count_no_source_states_stays_reconstructed(default):
    claimed = set(load_study(paths.DEFAULT_STUDY_DIR).tables["published_claims"]["finding_id"])
    reconstructed = default[(default["basis"] == "reconstructed")]
    assert len(reconstructed) and not (set(reconstructed.index) & claimed)


def test_fieldwork_findings_never_say_stated_and_cite_their_own_evidence(demo):
    assert "stated" not in set(demo["basis"])
    assert set(demo["basis"]) <= {"observed", "judgement", "reconstructed"}
    # The demo codebook names a 'Demorapport' section for every indicator; fieldwork cites the coding instead.
    qa = demo[demo.index.str.startswith("qa.")]
    assert not qa["source"].str.contains("Demorapport").any()
    assert qa["source"].str.contains(r"\bI\d{2}\b").all()


def test_the_same_data_cite_the_codebook_section_only_as_a_published_evaluation():
    published = findings_table(tiny_study()).set_index("finding_id")
    fieldwork = findings_table(tiny_study(descriptor={"evalkit:kind": "fieldwork"})).set_index("finding_id")
    assert published.loc["qa.know_training", "source"] != fieldwork.loc["qa.know_training", "source"]
    codebook_section = (
        tiny_study().codebook["indicators"].set_index("indicator_id").loc["know_training", "report_section"]
    )
    assert published.loc["qa.know_training", "source"] == codebook_section
    assert codebook_section not in fieldwork.loc["qa.know_training", "source"]


def test_basis_is_the_weakest_input():
    tables = tiny_tables()
    coordinators = tables["coordinators"]
    coordinators["basis"] = ["judgement", "observed"]
    coordinators["assumption"] = ["", ""]
    coordinators["reconstructed_fields"] = ["", ""]
    rows = findings_table(tiny_study(tables, descriptor={"evalkit:kind": "fieldwork"})).set_index("finding_id")
    assert rows.loc["org.role.mixed", "basis"] == "judgement"
    assert rows.loc["org.coordinators_total", "basis"] == "judgement"
    assert pd.isna(rows.loc["org.role.mixed", "allocation"])


FORCED = (
    "org.full_time.coordinators",  # four of six are part-time (stated)
    "org.part_time.municipalities",  # two of eight have a full-time post (stated)
    "org.functioning.well",  # two of eight function poorly (stated)
    "org.role.operational",  # C5 is the casework post; the others handle no cases (K02, stated)
    "org.role.mixed",  # six less two strategic (stated) less the operational one
)


def test_a_count_the_stated_counts_force_is_stated_with_its_allocation_marked(default):
    for finding_id in FORCED:
        assert default.loc[finding_id, ["basis", "allocation"]].tolist() == ["stated", "reconstructed"], finding_id


def test_a_count_only_the_studys_readings_force_stays_reconstructed(default):
    # Eight of ten hold in every allocation only because K37/K38 (readings) forbid 'no'.
    for finding_id in ("qa.single_contact_point", "qa.specialist_knowledge_available"):
        assert default.loc[finding_id, "basis"] == "reconstructed", finding_id


def _study_with_constraints(tmp_path, edit):
    import shutil

    folder = tmp_path / "study"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, folder)
    path = folder / "constraints.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False)
    return load_study(folder, use_cache=False)


def test_a_rule_read_rather_than_stated_forces_nothing(tmp_path):
    def as_reading(frame):
        frame.loc[frame["constraint_id"] == "K02", "standing"] = "reading"

    rows = findings_table(_study_with_constraints(tmp_path, as_reading)).set_index("finding_id")
    assert rows.loc["org.role.operational", "basis"] == "reconstructed"
    assert rows.loc["org.role.mixed", "basis"] == "reconstructed"
    assert rows.loc["org.functioning.well", "basis"] == "stated"  # forced by R-claims and K16, not K02


def test_an_unknown_standing_names_file_row_and_column(tmp_path):
    from evalkit.analysis.allocations import ConstraintError, read_constraints

    def misspelt(frame):
        frame.loc[frame["constraint_id"] == "K02", "standing"] = "statd"

    study = _study_with_constraints(tmp_path, misspelt)
    with pytest.raises(ConstraintError, match=r"constraints.csv, row 3, column standing: 'statd'"):
        read_constraints(study)


def test_a_forced_count_cites_the_passages_that_fix_it_not_every_row(default):
    claims = load_study(paths.DEFAULT_STUDY_DIR).tables["published_claims"].set_index("finding_id")
    well = default.loc["org.functioning.well", "source"].split("; ")
    # two of eight function poorly (the claim) and D's post works well (K16)
    assert claims.loc["org.functioning.poorly", "source"] in well
    assert "Kap. 3, Det fungerar inte att kombinera samordnartjänsten med handläggning" in well
    assert len(well) == 2
    # part time per municipality: the passage of the same statement per coordinator (four part-time posts)
    assert default.loc["org.part_time.municipalities", "source"] == claims.loc["org.part_time.coordinators", "source"]


def test_a_statement_counted_in_two_units_cites_the_claim_of_either(default):
    claims = load_study(paths.DEFAULT_STUDY_DIR).tables["published_claims"].set_index("finding_id")
    assert (
        default.loc["org.combined_with.casework.coordinators", "source"]
        == claims.loc["org.combined_with.casework.municipalities", "source"]
    )

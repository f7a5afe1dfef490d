"""Provenance corrections of the default study, one test each (issue 9, item 3; fidelity review, Part 1 and 2).

Each test names the row and says what the report does and does not state, so that a later edit
that relabels a reconstruction as stated (or re-invents a count) fails here.
"""

from __future__ import annotations

import json

import pytest

from evalkit import paths
from evalkit.analysis.findings import findings_table
from evalkit.analysis.populations import row_is_reconstructed
from evalkit.study import load_study

STUDY_DIR = paths.DEFAULT_STUDY_DIR


@pytest.fixture(scope="module")
def study():
    return load_study(STUDY_DIR)


def row(study, table: str, **key):
    frame = study.tables[table]
    mask = True
    for column, value in key.items():
        mask = mask & (frame[column] == value)
    hit = frame[mask]
    assert len(hit) == 1, (table, key)
    return hit.iloc[0]


def reconstructed(study, table: str, field: str, **key) -> bool:
    r = row(study, table, **key)
    return row_is_reconstructed(r["basis"], r["reconstructed_fields"], [field])


def test_no_document_count_is_presented_as_a_finding(study):
    # The report analyses documents but gives no number; the documents table is the project's list.
    assert "study.documents_total" not in set(findings_table(study)["finding_id"])


def test_the_shared_coordinators_strategic_role_is_reconstructed(study):
    assert reconstructed(study, "coordinators", "role", coordinator_id="C6")
    for m in ("F", "G", "H"):
        assert reconstructed(study, "conditions", "value", municipality_id=m, condition_id="purely_strategic_role")


def test_sounding_board_of_the_strategic_posts_is_reconstructed(study):
    for c in ("C1", "C6"):
        assert reconstructed(study, "assessments", "value", indicator_id="sounding_board", subject_id=c)


def test_c3_seat_role_and_management_support_are_reconstructed(study):
    assert reconstructed(study, "coordinators", "seat_in_management_group", coordinator_id="C3")
    assert reconstructed(study, "coordinators", "role", coordinator_id="C3")
    assert reconstructed(study, "conditions", "value", municipality_id="C", condition_id="management_support")


def test_no_survey_free_text_the_report_does_not_publish(study):
    survey = study.tables["survey_responses"]
    assert survey["q4_advantages"].isna().all() and survey["q4_disadvantages"].isna().all()


def test_internal_coordination_claim_dropped_and_e_recoded(study):
    claims = study.tables["published_claims"]
    assert "qa.internal_coordination_without_major_gaps" not in set(claims["finding_id"])
    # Kap. 3: the casework coordinator sits in one unit and cannot reach beyond it.
    assert row(study, "assessments", indicator_id="internal_coordination_without_major_gaps", subject_id="E")[
        "value"
    ] in ("partly", "no")


def test_size_readings_are_not_invented(study):
    municipalities = study.tables["municipalities"].set_index("municipality_id")
    # The "large municipality" sentence is generic, and the sharing municipalities are never called small.
    for m in ("A", "F", "G", "H", "C"):
        assert municipalities.at[m, "size_band"] == "unknown"
    # Both team municipalities call themselves small: stated.
    assert municipalities.at["I", "size_band"] == "small"
    assert not reconstructed(study, "municipalities", "size_band", municipality_id="I")


def test_the_2018_municipality_is_treated_consistently(study):
    # Stated for C: what the before-and-after passage lists (team, routines, SUV).
    assert not reconstructed(study, "conditions", "value", municipality_id="C", condition_id="expert_team")
    assert not reconstructed(study, "documents", "municipality_id", document_id="D07")
    # Resting on "C is the only municipality with a coordinator from 2018": the web page and Tabell 2.
    assert reconstructed(study, "assessments", "value", indicator_id="maintains_web_information", subject_id="C3")
    assert reconstructed(study, "documents", "municipality_id", document_id="D12")
    tabell_2 = study.tables["case_statistics"]
    tabell_2 = tabell_2[tabell_2["measure"] == "actualised_violence_cases"]
    assert all(
        row_is_reconstructed(b, f, ["municipality_id"])
        for b, f in zip(tabell_2["basis"], tabell_2["reconstructed_fields"])
    )


def test_tabell_2_tension_is_noted(study):
    tabell_2 = study.tables["case_statistics"]
    notes = set(tabell_2.loc[tabell_2["measure"] == "actualised_violence_cases", "assumption"])
    assert len(notes) == 1 and "uneasily" in notes.pop()


def test_management_support_needs_a_seat(study):
    seats = study.tables["coordinators"].set_index("coordinator_id")["seat_in_management_group"]
    links = study.tables["coordinator_municipalities"]
    conditions = study.tables["conditions"]
    support = conditions[conditions["condition_id"] == "management_support"].set_index("municipality_id")["value"]
    for coordinator, municipality in zip(links["coordinator_id"], links["municipality_id"]):
        if seats[coordinator] != "yes":
            assert support[municipality] == "no", municipality


def test_descriptor_does_not_claim_the_report_uses_the_pseudonyms():
    descriptor = json.loads((STUDY_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert "as in the report" not in descriptor["description"]


def test_datalog_addresses_the_shared_post_sentence():
    datalog = (STUDY_DIR / "DATALOG.md").read_text(encoding="utf-8")
    assert "## The second poorly functioning municipality" in datalog
    assert "Sammanfattning" in datalog or "summary" in datalog
    assert "admits both readings" in datalog

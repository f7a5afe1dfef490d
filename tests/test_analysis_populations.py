"""Populations, groups and provenance helpers on the tiny study."""

import pandas as pd
import pytest
from studies import tiny_study

from evalkit.analysis.populations import (
    FINDINGS_COLUMNS,
    combine_basis,
    coordinators_of_municipality,
    findings_frame,
    join_sources,
    municipalities_of_coordinator,
    municipality_groups,
    population_basis,
    population_members,
    population_table,
    population_unit,
    row_is_reconstructed,
    rows_basis,
)


def test_population_members_and_units():
    study = tiny_study()
    assert population_members(study, "all_municipalities") == ["A", "B", "C", "D"]
    assert population_members(study, "municipalities_with_coordinator") == ["A", "B", "C"]
    assert population_members(study, "team_municipalities") == ["D"]
    assert population_members(study, "coordinators") == ["C1", "C2"]
    assert population_members(study, "external_partner_interviews") == ["I10", "I9"]
    assert population_unit("external_partner_interviews") == "interviews"
    assert population_unit("coordinators") == "coordinators"
    with pytest.raises(ValueError):
        population_members(study, "everyone")


def test_population_table():
    table = population_table(tiny_study()).set_index("population")
    assert table.loc["municipalities_with_coordinator", "size"] == 3
    assert table.loc["team_municipalities", "members"] == "D"
    assert table.loc["coordinators", "unit"] == "coordinators"


def test_municipality_groups():
    groups = municipality_groups(tiny_study())
    assert groups.to_dict() == {
        "A": "well_functioning",
        "B": "poorly_functioning",
        "C": "well_functioning",
        "D": "team_based",
    }
    assert groups.index.name == "municipality_id"


def test_groups_none_and_unknown_functioning():
    from studies import tiny_tables

    m = tiny_tables()["municipalities"]
    m.loc[m.municipality_id == "D", "model"] = "none"
    m.loc[m.municipality_id == "C", "coordinator_functioning"] = "unknown"
    groups = municipality_groups(tiny_study({"municipalities": m}))
    assert groups["D"] == "no_coordinator"
    assert groups["C"] == "unknown_functioning"


def test_link_maps():
    study = tiny_study()
    assert municipalities_of_coordinator(study) == {"C1": ["A"], "C2": ["B", "C"]}
    assert coordinators_of_municipality(study) == {"A": ["C1"], "B": ["C2"], "C": ["C2"], "D": []}


def test_row_is_reconstructed():
    assert not row_is_reconstructed("stated", pd.NA, ["value"])
    assert row_is_reconstructed("reconstructed", pd.NA, ["value"])  # empty = all value columns
    assert row_is_reconstructed("reconstructed", "value|evidence", ["value"])
    assert not row_is_reconstructed("reconstructed", "size_band", ["model"])
    assert row_is_reconstructed("reconstructed", "size_band", None)


def test_rows_basis_and_population_basis():
    study = tiny_study()
    municipalities = study.tables["municipalities"]
    assert rows_basis(municipalities, ["model"]) == "stated"  # B reconstructs only size_band
    assert rows_basis(municipalities, ["size_band"]) == "reconstructed"
    assert rows_basis(municipalities.iloc[0:0]) == "stated"
    assert population_basis(study, "municipalities_with_coordinator") == "stated"
    assert combine_basis("stated", "reconstructed") == "reconstructed"
    assert combine_basis("stated", "stated") == "stated"


def test_join_sources_deduplicates_parts():
    assert join_sources(["Kap. 1, X; Kap. 2, Y", "Kap. 2, Y", pd.NA, "Kap. 3"]) == "Kap. 1, X; Kap. 2, Y; Kap. 3"


def test_findings_frame_contract():
    frame = findings_frame(
        [
            {
                "finding_id": "b",
                "chapter": "x",
                "quality_area": None,
                "numerator": 1,
                "denominator": None,
                "unit": "cases",
                "statement_sv": "s",
                "statement_en": "e",
                "source": "src",
                "basis": "stated",
            },
            {
                "finding_id": "a",
                "chapter": "x",
                "quality_area": "q",
                "numerator": 2,
                "denominator": 3,
                "unit": "municipalities",
                "statement_sv": "s",
                "statement_en": "e",
                "source": "src",
                "basis": "stated",
            },
        ]
    )
    assert tuple(frame.columns) == FINDINGS_COLUMNS
    assert list(frame["finding_id"]) == ["a", "b"]
    assert str(frame["numerator"].dtype) == "Float64"
    assert pd.isna(frame.loc[1, "denominator"])
    assert findings_frame([]).empty

"""Reconstruction sensitivity on the tiny study."""

import dataclasses

import pandas as pd
import pytest
from studies import tiny_study, tiny_tables

from evalkit.analysis import sensitivity as S
from evalkit.analysis.findings import findings_table


def test_reconstructed_values():
    cells = S.reconstructed_values(tiny_study())
    got = set(zip(cells["table"], cells["key"], cells["field"], cells["value"]))
    assert got == {
        ("municipalities", "B", "size_band", "small"),
        ("coordinators", "C2", "role", "strategic"),
        ("assessments", "know_plan/C", "value", "partly"),
        ("conditions", "C/closeness", "value", "partly"),
    }
    assert cells.set_index("field").loc["role", "assumption"] == "role read from a paraphrase"


def test_empty_reconstructed_fields_means_all_value_columns():
    tables = tiny_tables()
    c = tables["coordinators"]
    c.loc[c.coordinator_id == "C2", "reconstructed_fields"] = ""
    cells = S.reconstructed_values(tiny_study({"coordinators": c}))
    fields = list(cells.loc[cells["table"] == "coordinators", "field"])
    assert fields == ["role", "combined_with", "seat_in_management_group", "based_in"]
    assert S.value_columns("coordinators") == fields


def test_alternatives_domains():
    study = tiny_study()
    assert S.alternatives(study, "assessments", 2, "value") == ["yes", "no"]
    assert S.alternatives(study, "coordinators", 1, "role") == ["operational", "mixed"]
    assert S.alternatives(study, "municipalities", 1, "size_band") == ["medium", "large"]
    assert S.alternatives(study, "municipalities", 1, "coordinator_functioning") == ["well"]
    assert S.alternatives(study, "interviews", 2, "respondent_role") == ["adult_unit_head", "violence_team_head"]
    assert S.alternatives(study, "case_statistics", 0, "value") == [12.0, 15.0, 20.0, 23.0]
    assert S.alternatives(study, "coordinator_municipalities", 1, "share_of_post_pct") == [100.0]
    assert S.alternatives(study, "assessments", 0, "evidence") == []
    assert S.alternatives(study, "interviews", 2, "municipality_id") == ["B", "C", "D"]


def test_sensitivity_table_by_hand():
    table = S.sensitivity_table(tiny_study())
    rows = {(r.table, r.field, r.alternative): r for r in table.itertuples()}
    role = rows[("coordinators", "role", "mixed")]
    assert role.changed_findings == "org.role.mixed|org.role.strategic"
    assert "org.role.mixed: 1/2 -> 2/2" in role.changes and "org.role.strategic: 1/2 -> 0/2" in role.changes
    assert rows[("assessments", "value", "yes")].changes == "qa.know_plan: 1/3 -> 2/3"
    assert rows[("assessments", "value", "no")].n_changed == 0
    assert rows[("conditions", "value", "yes")].changes == "sf.closeness: 1/3 -> 2/3"
    size = rows[("municipalities", "size_band", "large")]
    assert size.n_changed == 0 and size.note == "no finding reads this field"
    assert list(table.columns) == [
        "table",
        "key",
        "field",
        "value",
        "alternative",
        "n_changed",
        "changed_findings",
        "changes",
        "note",
    ]


def test_targeted_recomputation_agrees_with_full_recomputation():
    study = tiny_study()
    base = findings_table(study).set_index("finding_id")[["numerator", "denominator"]]
    table = S.sensitivity_table(study)
    cells = S.reconstructed_values(study)
    for _, cell in cells.iterrows():
        for option in S.alternatives(study, cell["table"], int(cell["row"]), cell["field"]):
            changed = S._with_value(study, cell["table"], int(cell["row"]), cell["field"], option)
            after = findings_table(changed).set_index("finding_id")[["numerator", "denominator"]]
            joined = base.add_suffix("_b").join(after.add_suffix("_a"), how="outer")
            differs = joined[
                (joined["numerator_b"].fillna(-1) != joined["numerator_a"].fillna(-1))
                | (joined["denominator_b"].fillna(-1) != joined["denominator_a"].fillna(-1))
            ]
            expected = "|".join(sorted(differs.index))
            got = table[
                (table["table"] == cell["table"])
                & (table["key"] == cell["key"])
                & (table["field"] == cell["field"])
                & (table["alternative"] == S._text(option))
            ]
            assert got["changed_findings"].iloc[0] == expected


@pytest.mark.parametrize(
    "table, field",
    [(t, f) for t, fields in S.FIELD_SECTIONS.items() for f, sections in fields.items() if sections == ()],
)
def test_fields_declared_unread_do_not_move_findings(table, field):
    """Every field declared 'read by no finding' really leaves the findings unchanged."""
    study = tiny_study()
    frame = study.tables[table]
    if not len(frame) or field not in frame.columns:
        pytest.skip("no rows in the tiny study")
    base = findings_table(study)
    for option in S.alternatives(study, table, 0, field) or ["zzz"]:
        changed = S._with_value(study, table, 0, field, option)
        after = findings_table(changed)
        pd.testing.assert_frame_equal(
            base[["finding_id", "numerator", "denominator"]], after[["finding_id", "numerator", "denominator"]]
        )


def test_finding_sensitivity():
    frame = S.finding_sensitivity(tiny_study()).set_index("finding_id")
    assert frame.loc["qa.know_plan", "cells"] == "assessments[know_plan/C].value"
    assert frame.loc["org.role.strategic", "n_cells"] == 1
    assert "study.municipalities_total" not in frame.index


def test_study_is_not_modified():
    study = tiny_study()
    before = study.tables["assessments"].copy()
    S.sensitivity_table(study)
    pd.testing.assert_frame_equal(before, study.tables["assessments"])
    assert dataclasses.is_dataclass(study)

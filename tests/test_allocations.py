"""Every allocation consistent with the report (issue 9, items 1, 2 and 8).

The model is checked against the analysis code, not against itself: allocations are applied to
the study and the findings, the published claims and the QCA solutions are recomputed by the
ordinary functions.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from studies import tiny_study, tiny_tables

from evalkit import paths
from evalkit.analysis import allocations as A
from evalkit.analysis import qca
from evalkit.analysis import robustness as R
from evalkit.analysis import success_factors as S
from evalkit.analysis.findings import compare_with_published_claims, findings_table
from evalkit.analysis.quality_areas import indicator_findings
from evalkit.study import load_study


@pytest.fixture(scope="module")
def study():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def allocations(study):
    return A.consistent_allocations(study)


@pytest.fixture(scope="module")
def table(study, allocations):
    return R.robustness_table(study, allocations)


def test_the_study_is_one_of_the_consistent_allocations(study, allocations):
    assert allocations.model.is_consistent({}) == []
    baseline_hub = {c: allocations.model.baseline[c] for c in allocations.model.hub}
    assert baseline_hub in allocations.hub_solutions


def test_the_count_is_exact_and_matches_the_enumeration_of_the_hub(allocations):
    assert allocations.count == sum(allocations.weight(h) for h in allocations.hub_solutions)
    assert allocations.count > 1
    # Lazy enumeration agrees with the factorisation on the first hub solution.
    first = allocations.hub_solutions[0]
    listed = sum(1 for a in allocations.iter_allocations(limit=10_000) if all(a[c] == first[c] for c in first))
    assert listed == min(10_000, allocations.weight(first))


def test_every_counted_claim_holds_in_every_allocation(study, allocations):
    """For every claim the model translates, every distinct value of its cells, applied to the
    study, reproduces the claim through the ordinary findings code."""
    claims = study.tables["published_claims"]
    checked = 0
    for _, claim in claims.iterrows():
        counted = A.count_finding_cells(study, str(claim["finding_id"]))
        if counted is None:
            continue
        cells, _ = counted
        variable = [c for c in cells if c in allocations.model.variables]
        if not variable:
            continue
        for values in allocations.projection(variable):
            changed = A.apply_allocation(study, dict(zip(variable, values)))
            if claim["finding_id"].startswith("qa."):
                found = indicator_findings(changed, None, [claim["finding_id"][3:]])
            else:
                found = findings_table(changed, sections=["organisation", "success_factors"])
            row = found.set_index("finding_id").loc[claim["finding_id"]]
            assert float(row["numerator"]) == float(claim["numerator"]), (claim["claim_id"], values)
            checked += 1
    assert checked > 100


def test_every_claim_holds_in_uniformly_sampled_allocations(study, allocations):
    """All claims, including those the model does not translate, on whole allocations."""
    for allocation in allocations.sample(8, seed=3):
        changed = A.apply_allocation(study, allocation)
        result = compare_with_published_claims(changed, findings_table(changed))
        moved = {m for (t, m, _), v in allocation.items() if t == "case_statistics" and m != v}
        bad = result[~result["match"] & ~result["finding_id"].str.split(".").str[1].isin(moved)]
        assert bad.empty, bad[["claim_id", "claim_numerator", "computed_numerator"]]


def test_a_planted_allocation_that_breaks_one_count_is_rejected(allocations):
    # Knowledge clearly improved in seven of eight: making B an eighth breaks R25.
    broken = allocations.model.is_consistent({("assessments", "knowledge_improved/B", "value"): "partly"})
    assert "R25" in broken
    # A value outside the cell's domain is reported too.
    assert allocations.model.is_consistent({("coordinators", "C1", "role"): "boss"}) == [
        "domain:coordinators[C1].role",
        *allocations.model.is_consistent({("coordinators", "C1", "role"): "boss"})[1:],
    ]


def test_an_impossible_constraint_is_reported(study, tmp_path):
    path = tmp_path / "constraints.csv"
    path.write_text(
        "constraint_id,for_each,rule,source,note\n"
        "X1,,count(municipalities[*].coordinator_functioning == poorly) == 3,Kap. 2,contradicts R11\n",
        encoding="utf-8",
    )
    with pytest.raises(A.ConstraintError, match="no allocation"):
        A.solve(A.build_model(study, path))


def test_a_rule_that_cannot_be_read_names_file_row_and_column(study, tmp_path):
    path = tmp_path / "constraints.csv"
    path.write_text(
        "constraint_id,for_each,rule,source,note\nX1,,municipalities[A].coordinator_functioning = poorly,Kap. 2,\n",
        encoding="utf-8",
    )
    with pytest.raises(A.ConstraintError, match=r"constraints.csv, row 2, column rule"):
        A.build_model(study, path)
    path.write_text("constraint_id,for_each,rule,source,note\nX1,,municipalities[Q].model == well,Kap. 2,\n")
    with pytest.raises(A.ConstraintError, match="not a modelled field|no row"):
        A.build_model(study, path)


def test_every_constraint_cites_a_report_section(study):
    for constraint in A.read_constraints(study):
        assert constraint.source.startswith(("Kap. ", "Bilaga ", "Sammanfattning")), constraint.constraint_id


def test_a_study_without_reconstructed_cells_has_exactly_one_allocation():
    tables = tiny_tables()
    for name, frame in tables.items():
        if "basis" in frame.columns:
            tables[name] = frame.assign(basis="stated", reconstructed_fields="")
    study = tiny_study(tables)
    allocations = A.consistent_allocations(study)
    assert allocations.count == 1
    table = R.robustness_table(study, allocations)
    assert table["holds_everywhere"].all()


def test_both_readings_of_the_second_poorly_functioning_municipality_are_admitted(study, allocations):
    sizes = R.allocations_by_poorly_functioning(study, allocations)
    assert "A|E" in sizes  # the study's reading
    assert any(key in sizes for key in ("E|F", "E|G", "E|H"))  # a sharing municipality
    assert sum(sizes.values()) == allocations.count
    # Under either reading the indicators that describe the second municipality move with it.
    cells = [("municipalities", m, "coordinator_functioning") for m in "ABFGH"]
    cells += [("assessments", f"knowledge_improved/{m}", "value") for m in "ABFGH"]
    cells += [("conditions", f"{m}/right_person", "value") for m in "ABFGH"]
    for values in allocations.projection(cells):
        functioning, knowledge, person = values[:5], values[5:10], values[10:]
        for m, f, k, p in zip("ABFGH", functioning, knowledge, person):
            assert (f == "poorly") == (k != "yes")
            # The right person moves with a post of its own (K25); a sharing municipality keeps it (K42).
            assert (p == "no") == (f == "poorly" and m in "AB")


def test_robustness_rows_for_findings_and_qca_solutions(study, table):
    assert list(table.columns) == list(R.ROBUSTNESS_COLUMNS)
    findings = findings_table(study)
    assert set(findings["finding_id"]) <= set(table["finding_id"])
    for prefix in ("qca.success.conservative.", "qca.success.parsimonious.", "qca.success.intermediate."):
        assert table["finding_id"].str.startswith(prefix).any()
    for prefix in ("qca.failure.conservative.", "qca.failure.parsimonious.", "qca.failure.intermediate."):
        assert table["finding_id"].str.startswith(prefix).any()
    assert (table["holds_in"] <= table["of_allocations"]).all()
    # The study's own solutions are among the rows and flagged.
    frame = S.qca_analysis(study, kind="failure_explanation", outcome="~outcome").solutions_frame()
    own = set(frame.loc[frame["solution_type"] == "parsimonious", "expression"])
    flagged = table[table["in_study"] & table["finding_id"].str.startswith("qca.failure.parsimonious.")]
    assert {f.split(".", 3)[3] for f in flagged["finding_id"]} == own


def test_every_finding_the_report_states_holds_in_every_allocation(study, table):
    claims = study.tables["published_claims"]
    stated = set(claims["finding_id"]) - {f for f in claims["finding_id"] if f.startswith("cases.")}
    holds = table.set_index("finding_id")["holds_everywhere"]
    assert all(holds[f] for f in stated), [f for f in stated if not holds[f]]
    # A count the report does not state rests on the reconstruction.
    assert not holds["org.seat_in_management_group"]


def test_case_findings_rest_on_the_attribution_of_the_tables(study, table):
    rows = table.set_index("finding_id")
    share = rows.loc["cases.D.children_witnessing_violence.2013", "share"]
    assert 0 < share < 1


def test_fast_qca_equals_the_analysis_on_sampled_allocations(study, allocations):
    for allocation in allocations.sample(6, seed=11):
        changed = A.apply_allocation(study, allocation)
        for kind, outcome in (("success_factor", "outcome"), ("failure_explanation", "~outcome")):
            result = S.qca_analysis(changed, kind=kind, outcome=outcome)
            data = result.data
            negate = outcome.startswith("~")
            cases = [
                (
                    tuple(int(row[c]) for c in result.conditions),
                    1 - int(row["outcome"]) if negate else int(row["outcome"]),
                )
                for _, row in data.iterrows()
            ]
            fast = qca.solution_expressions(
                *S.truth_table_sets(cases), result.conditions, directional_expectations=result.expectations
            )
            frame = result.solutions_frame()
            for solution_type in S.SOLUTION_TYPES:
                expected = tuple(frame.loc[frame["solution_type"] == solution_type, "expression"])
                assert fast[solution_type] == expected, (kind, solution_type)


def test_robustness_of_a_fixed_allocation_matches_the_analysis(study, allocations, tmp_path):
    """End to end: an allocation turned into a study with nothing reconstructed has one allocation,
    and its QCA rows are exactly the solutions the analysis gives."""
    (allocation,) = allocations.sample(1, seed=5)
    changed = A.apply_allocation(study, allocation)
    tables = {
        name: frame.assign(basis="stated", reconstructed_fields=pd.NA) if "basis" in frame.columns else frame
        for name, frame in changed.tables.items()
    }
    fixed = dataclasses.replace(changed, tables=tables)
    empty = tmp_path / "constraints.csv"
    empty.write_text("constraint_id,for_each,rule,source,note\n", encoding="utf-8")
    table = R.robustness_table(fixed, A.consistent_allocations(fixed, empty))
    assert set(table["of_allocations"]) == {1}
    rows = table[table["kind"] == "qca"]
    assert rows["in_study"].all() and rows["holds_everywhere"].all()


def test_reconstructed_values():
    cells = A.reconstructed_values(tiny_study())
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
    cells = A.reconstructed_values(tiny_study({"coordinators": c}))
    fields = list(cells.loc[cells["table"] == "coordinators", "field"])
    assert fields == ["role", "combined_with", "seat_in_management_group", "based_in"]
    assert A._value_columns("coordinators") == fields


def test_validate_shows_an_edit_that_breaks_the_report_s_rules(tmp_path, capsys):
    """The exercises swap the functioning of two municipalities; `evalkit validate` must show what breaks."""
    import csv
    import shutil

    from evalkit import paths
    from evalkit.commands.validate import cli_validate
    from evalkit.study.completeness import allocation_check

    copy = tmp_path / "study"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, copy)
    assert allocation_check(load_study(copy)).empty
    path = copy / "municipalities.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for row in rows:
        if row["municipality_id"] in ("A", "F"):
            row["coordinator_functioning"] = {"A": "well", "F": "poorly"}[row["municipality_id"]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    broken = set(allocation_check(load_study(copy))["constraint_id"])
    assert {"K17[A]", "K17[F]", "K19[A]", "K19[F]", "K25[A]"} <= broken
    import argparse

    cli_validate(argparse.Namespace(study=str(copy), format="text", allow_personal_data=False))
    out = capsys.readouterr().out
    assert "Allocation check: the study's values break" in out and "K25[A]" in out

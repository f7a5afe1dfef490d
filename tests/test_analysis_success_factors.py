"""Chapter 04 on the tiny study: crisp condition table and QCA."""

import pandas as pd
import pytest
from studies import findings_by_id, tiny_study

from evalkit.analysis import success_factors as sf


def test_condition_kinds_and_order():
    study = tiny_study()
    assert sf.condition_kinds(study) == {
        "success_factor": ["closeness", "expert_team"],
        "failure_explanation": ["casework"],
    }
    assert sf.ordered_conditions(study) == ["closeness", "expert_team", "casework"]


def test_condition_table_partly_as_one():
    table = sf.condition_table(tiny_study())
    assert list(table.index) == ["A", "B", "C"]
    assert list(table.columns) == ["closeness", "expert_team", "casework", "outcome"]
    assert list(table["closeness"]) == [1, 0, 1]
    assert list(table["outcome"]) == [1, 0, 1]
    assert pd.isna(table.at["C", "casework"])
    assert table.attrs["unknown"] == [("C", "casework")]
    assert str(table["closeness"].dtype) == "Int64"


def test_condition_table_partly_as_zero_or_unknown():
    assert sf.condition_table(tiny_study(), partly_as=0).at["C", "closeness"] == 0
    table = sf.condition_table(tiny_study(), partly_as=None)
    assert pd.isna(table.at["C", "closeness"])
    unknown = sf.unknown_conditions(tiny_study(), partly_as=None)
    assert unknown.to_dict("records") == [
        {"municipality_id": "C", "column": "closeness", "raw_value": "partly"},
        {"municipality_id": "C", "column": "casework", "raw_value": "unknown"},
    ]
    with pytest.raises(ValueError):
        sf.condition_table(tiny_study(), partly_as=0.5)


def test_condition_summary():
    summary = sf.condition_summary(tiny_study()).set_index("condition_id")
    row = summary.loc["closeness"]
    assert (row["yes"], row["partly"], row["no"], row["unknown"], row["denominator"]) == (1, 1, 1, 0, 3)
    assert (row["yes_well"], row["no_poorly"], row["yes_poorly"]) == (1, 1, 0)
    assert row["kind"] == "success_factor" and row["basis"] == "reconstructed"
    assert summary.loc["casework", "unknown"] == 1 and summary.loc["casework", "yes_poorly"] == 1


def test_directional_expectations():
    assert sf.directional_expectations(tiny_study()) == {"closeness": 1, "expert_team": 1, "casework": 0}


def test_qca_success_factors_by_hand():
    # Cases: A (1,1) -> 1, B (0,0) -> 0, C (1,0) -> 1. Every solution reduces to 'closeness'.
    result = sf.qca_analysis(tiny_study(), kind="success_factor")
    assert result.conditions == ["closeness", "expert_team"]
    assert result.dropped_cases == []
    table = result.truth_table
    assert list(table["n"]) == [1, 1, 1] and list(table["outcome"]) == [0, 1, 1]
    assert result.conservative.expressions() == ["closeness"]
    assert result.parsimonious.expressions() == ["closeness"]
    assert result.intermediate.expressions() == ["closeness"]
    assert result.expectations == {"closeness": 1, "expert_team": 1}
    necessity = result.necessity.set_index("condition")
    assert necessity.loc["closeness", "consistency"] == pytest.approx(1.0)
    frame = result.solutions_frame()
    assert list(frame["solution_type"]) == ["conservative", "parsimonious", "intermediate"]


def test_qca_drops_unknown_cases_and_reports():
    result = sf.qca_analysis(tiny_study())  # casework unknown for C
    assert result.dropped_cases == ["C"]
    assert any("C" in note for note in result.notes)
    assert list(result.data.index) == ["A", "B"]


def test_qca_failure_explanations_negated_outcome():
    result = sf.qca_analysis(tiny_study(), kind="failure_explanation", outcome="~outcome")
    assert result.expectations == {"casework": 1}
    assert result.conservative.expressions() == ["casework"]


def test_qca_undefined_solution_is_noted():
    # Only outcome-1 cases left (partly -> unknown drops nobody; restrict to one condition where B is 0):
    from studies import tiny_tables

    m = tiny_tables()["municipalities"]
    m.loc[m.municipality_id == "B", "coordinator_functioning"] = "well"
    result = sf.qca_analysis(tiny_study({"municipalities": m}), kind="success_factor")
    assert result.parsimonious is None and any("parsimonious" in n for n in result.notes)
    assert result.conservative is not None


def test_success_factor_findings():
    findings = sf.success_factor_findings(tiny_study())
    assert findings_by_id(findings) == {"sf.closeness": (1, 3), "sf.expert_team": (1, 3), "sf.casework": (1, 3)}
    rows = findings.set_index("finding_id")
    assert rows.loc["sf.closeness", "basis"] == "reconstructed"
    assert rows.loc["sf.casework", "basis"] == "stated"
    assert rows.loc["sf.closeness", "statement_sv"] == "Närhet – gäller i en av tre kommuner med samordnare."
    assert (
        rows.loc["sf.closeness", "statement_en"]
        == "Closeness – holds in one of three municipalities with a coordinator."
    )
    assert rows.loc["sf.casework", "source"] == "Kap. 3, Handläggning"
    assert list(sf.success_factor_findings(tiny_study(), ["casework"])["finding_id"]) == ["sf.casework"]


def test_failure_truth_table_says_its_outcome_is_working_poorly():
    result = sf.qca_analysis(tiny_study(), kind="failure_explanation", outcome="~outcome")
    assert sf.OUTCOME_POORLY in result.truth_table.columns and "outcome" not in result.truth_table.columns
    success = sf.qca_analysis(tiny_study(), kind="success_factor")
    assert "outcome" in success.truth_table.columns


def test_reconstruction_counts_of_the_default_study():
    from evalkit import paths
    from evalkit.study import load_study

    counts = sf.reconstruction_counts(load_study(paths.DEFAULT_STUDY_DIR)).set_index("part")
    # Success factors: proximity A-F, expert team A, B, D-H, support A-E, right person A-H.
    assert (counts.loc["success_factor", "n_reconstructed"], counts.loc["success_factor", "n_values"]) == (26, 32)
    # Failure explanations: purely strategic role A-H, unclear role A-D and F-H, placement A-D.
    assert (counts.loc["failure_explanation", "n_reconstructed"], counts.loc["failure_explanation", "n_values"]) == (
        19,
        40,
    )
    assert (counts.loc["outcome", "n_reconstructed"], counts.loc["outcome", "n_stated"]) == (5, 3)


def test_every_solution_is_read_in_words():
    study = tiny_study()
    result = sf.qca_analysis(study, kind="failure_explanation", outcome="~outcome")
    sentences = sf.solution_sentences(study, result, "en", outcome="~outcome")
    assert len(sentences) == len(result.solutions_frame())
    first = sentences.iloc[0]
    assert first["expression"] == "casework"
    # An association among these cases, never a cause.
    assert first["sentence"].startswith(
        "A coordinator function that works poorly is associated with 'Casework' holding."
    )
    assert first["sentence"].endswith("This covers municipality B.")
    swedish = sf.solution_sentences(study, result, "sv", outcome="~outcome").iloc[0]["sentence"]
    assert swedish.startswith("En samordnarfunktion som fungerar dåligt går samman med att ”") and "gäller" in swedish
    negated = sf.solution_sentences(study, sf.qca_analysis(study, kind="success_factor"), "en")
    assert all(s.startswith("A coordinator function that works well is associated with") for s in negated["sentence"])
    for language in ("sv", "en"):
        for text in sf.solution_sentences(study, result, language, outcome="~outcome")["sentence"]:
            assert not any(w in text for w in ("leder till", "lead to", "leads to", "orsak", "cause"))


def test_the_default_study_s_qca_is_shown_with_its_assumptions():
    """Remainders, skew, partly and the outcome-assignment baseline (22 of 28 pairs, as the review counted)."""
    from evalkit import paths
    from evalkit.study import load_study

    study = load_study(paths.DEFAULT_STUDY_DIR)
    success = sf.qca_analysis(study, kind="success_factor")
    failure = sf.qca_analysis(study, kind="failure_explanation", outcome="~outcome")
    # Five of 16 configurations observed; the parsimonious solution assumes the outcome for five remainders.
    assert sf.diversity(success) == {"observed": 5, "possible": 16, "cases": 8}
    used = sf.simplifying_assumptions(success)
    assert list(used.loc[used["solution_type"] == "parsimonious", "row"]) == [9, 11, 13, 14, 15]
    assert set(used["assumption_kind"]) == {"simplifying", "easy_counterfactual"}
    # Skew: the right person in seven of eight, the outcome in six of eight.
    skew = sf.qca_skew(success, failure).set_index("condition")
    assert skew.at["right_person", "present"] == 7 and bool(skew.at["right_person", "skewed"])
    assert skew.at["outcome", "present"] == 6 and bool(skew.at["outcome", "skewed"])
    assert list(skew["kind"]).count("outcome") == 2
    # partly_as = 0: the success solution becomes ambiguous and coverage falls from 0.67 to 0.50.
    by_partly = sf.solutions_by_partly(study, "success_factor")
    parsimonious = by_partly[by_partly["solution_type"] == "parsimonious"]
    assert list(parsimonious.loc[parsimonious["partly_as"] == 1, "expression"]) == ["proximity_to_social_workers"]
    assert list(parsimonious.loc[parsimonious["partly_as"] == 0, "expression"]) == [
        "proximity_to_social_workers",
        "management_support",
    ]
    assert parsimonious.loc[parsimonious["partly_as"] == 0, "coverage"].tolist() == pytest.approx([0.5, 0.5])
    # The baseline: 22 of the 28 ways to pick the two poorly functioning municipalities give a
    # success solution as good as the study's; for the failure solution only the study's own does.
    baseline = sf.baseline_summary(study).set_index("kind")
    assert (baseline.at["success_factor", "n_as_good"], baseline.at["success_factor", "n_assignments"]) == (22, 28)
    assert baseline.at["failure_explanation", "n_as_good"] == 1
    frame = sf.outcome_assignment_baseline(study, "failure_explanation", "~outcome")
    assert frame.loc[frame["as_good"], "poorly"].tolist() == ["A|E"] and bool(
        frame.loc[frame["as_good"], "is_study"].iloc[0]
    )
    # Intermediate models carry the pair they come from (the failure analysis has two parsimonious models).
    assert failure.solutions_frame().set_index("solution_type").loc["intermediate", "qca_model"] == "C1P1, C1P2"

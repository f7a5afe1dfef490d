"""The study's most consequential assumption, changed: which municipality is the second poorly functioning one.

The data log takes A; the report leaves it open. Moving it to F (a sharing
municipality) must keep every counted claim about functioning (still two of
eight) while changing the success-factor analysis: the counts rest on the
report, the QCA solutions rest on the assumption.
"""

from __future__ import annotations

import dataclasses

import pytest

from evalkit import paths
from evalkit.analysis.findings import findings_table
from evalkit.analysis.success_factors import qca_analysis
from evalkit.study import load_study


@pytest.fixture(scope="module")
def default():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def alternative(default):
    municipalities = default.tables["municipalities"].copy()
    functioning = municipalities.set_index("municipality_id")["coordinator_functioning"]
    assert (functioning["A"], functioning["F"]) == ("poorly", "well")
    municipalities.loc[municipalities["municipality_id"] == "A", "coordinator_functioning"] = "well"
    municipalities.loc[municipalities["municipality_id"] == "F", "coordinator_functioning"] = "poorly"
    return dataclasses.replace(default, tables={**default.tables, "municipalities": municipalities})


def test_counted_findings_about_functioning_do_not_move(default, alternative):
    before = findings_table(default).set_index("finding_id")
    after = findings_table(alternative).set_index("finding_id")
    for finding in ("org.functioning.poorly", "org.functioning.well"):
        assert before.loc[finding, "numerator"] == after.loc[finding, "numerator"]


def parsimonious(study) -> tuple[set, float]:
    result = qca_analysis(study, kind="failure_explanation", outcome="~outcome")
    frame = result.solutions_frame()
    frame = frame[frame["solution_type"] == "parsimonious"]
    return set(frame["expression"]), float(frame["coverage"].max())


def test_failure_explanation_solutions_do_move(default, alternative):
    # As encoded (A and E poorly functioning): two tied parsimonious solutions cover both cases.
    assert parsimonious(default) == ({"~shared_post*unclear_role", "~shared_post*placement_misfit"}, 1.0)
    # With F instead of A, F shares every condition with the well-functioning G and H: its row is
    # contradictory, so only the casework post is explained and coverage halves.
    assert parsimonious(alternative) == ({"combined_with_casework"}, 0.5)

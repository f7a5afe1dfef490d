"""Tests for the crisp-set QCA engine (evalkit.analysis.qca).

Published reference results used here (see tests/data/qca/README.md):

* Lipset crisp-set data ``LC`` (18 European countries, conditions DEV URB LIT
  IND STB, outcome SURV) as shipped with the R package QCA (Dusa). The
  truth table, conservative, parsimonious and negated-outcome solutions with
  their parameters of fit are printed in the examples of ``?minimize`` in the
  QCA package documentation (QCA 3.x, ``inst/staticdocs/minimize.html``); the
  conservative solution is the one of Rihoux & De Meur (2009, p. 57), and the
  same analysis is discussed in Dusa (2019), *QCA with R*, chapter 8.
* The intermediate solution of the Lipset fuzzy-set example (Ragin 2009,
  p. 112; same ``?minimize`` examples), reproduced on a crisp truth table with
  the same positive/negative row structure.
* Model ambiguity: the textbook Petrick's-method example
  f(A,B,C) = sum m(0,1,2,5,6,7) (Wikipedia, "Petrick's method"), whose prime
  implicant chart has exactly two minimal covers, and the prime implicant
  chart of the QCA package's ``?solveChart`` example (two solutions a + b and
  a + ~c).
"""

from __future__ import annotations

import math
from itertools import combinations, product
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.analysis import qca

DATA_DIR = Path(__file__).parent / "data" / "qca"
LIPSET_CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]
ALL_PRESENT = {condition: 1 for condition in LIPSET_CONDITIONS}


@pytest.fixture(scope="module")
def lipset() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "lipset_lc.csv", index_col="case")


@pytest.fixture(scope="module")
def lipset_table(lipset) -> pd.DataFrame:
    return qca.truth_table(lipset, LIPSET_CONDITIONS, "SURV")


def petrick_data() -> pd.DataFrame:
    """One case per configuration of A, B, C; Y = 1 on minterms 0, 1, 2, 5, 6, 7.

    Minterm numbers read A as the most significant bit (m5 = A*~B*C).
    """
    positive = {0, 1, 2, 5, 6, 7}
    rows = [{"A": (m >> 2) & 1, "B": (m >> 1) & 1, "C": m & 1, "Y": int(m in positive)} for m in range(8)]
    return pd.DataFrame(rows, index=[f"m{m}" for m in range(8)])


# ---------------------------------------------------------------------------
# Hand-checked formulas
# ---------------------------------------------------------------------------


def test_consistency_and_pri_on_four_crisp_cases_by_hand():
    # X = 1,1,1,0 ; Y = 1,1,0,1
    # min(X,Y) = 1,1,0,0 -> sum 2 ; sum X = 3 ; sum Y = 3
    # consistency = 2/3 ; coverage = 2/3
    # min(X,Y,~Y) = 0 for every crisp case -> PRI = (2-0)/(3-0) = 2/3
    x, y = [1, 1, 1, 0], [1, 1, 0, 1]
    assert qca.sufficiency_consistency(x, y) == pytest.approx(2 / 3)
    assert qca.sufficiency_coverage(x, y) == pytest.approx(2 / 3)
    assert qca.proportional_reduction_in_inconsistency(x, y) == pytest.approx(2 / 3)


def test_pri_formula_on_four_fuzzy_cases_by_hand():
    # X = .8 .6 .3 .9 ; Y = .7 .4 .5 .2 ; ~Y = .3 .6 .5 .8
    # min(X,Y)    = .7 .4 .3 .2 -> 1.6 ; sum X = 2.6
    # min(X,Y,~Y) = .3 .4 .3 .2 -> 1.2
    # consistency = 1.6/2.6 ; PRI = (1.6-1.2)/(2.6-1.2) = 0.4/1.4
    x, y = [0.8, 0.6, 0.3, 0.9], [0.7, 0.4, 0.5, 0.2]
    assert qca.sufficiency_consistency(x, y) == pytest.approx(1.6 / 2.6)
    assert qca.proportional_reduction_in_inconsistency(x, y) == pytest.approx(0.4 / 1.4)


def test_truth_table_on_four_cases_by_hand():
    # cases: a (A=1,Y=1), b (A=1,Y=0), c (A=0,Y=0), d (A=0,Y=0)
    # row A=1: n=2, sum min(X,Y)=1, sum X=2 -> consistency 0.5, PRI 0.5,
    #          outcome 0 at cut 1 and 1 at cut 0.5; 0 < 0.5 < 1 -> contradiction
    # row A=0: n=2, consistency 0/2 = 0 -> outcome 0, no contradiction
    data = pd.DataFrame({"A": [1, 1, 0, 0], "Y": [1, 0, 0, 0]}, index=list("abcd"))
    table = qca.truth_table(data, ["A"], "Y")
    assert list(table.index) == [1, 2]
    assert table.loc[2, ["n", "n_outcome"]].tolist() == [2, 1]
    assert table.loc[2, "consistency"] == pytest.approx(0.5)
    assert table.loc[2, "pri"] == pytest.approx(0.5)
    assert table.loc[2, "outcome"] == 0
    assert bool(table.loc[2, "contradiction"]) is True
    assert table.loc[2, "cases"] == "a,b"
    assert table.loc[1, "consistency"] == 0.0
    assert bool(table.loc[1, "contradiction"]) is False
    assert qca.truth_table(data, ["A"], "Y", consistency_cut=0.5).loc[2, "outcome"] == 1


def test_necessity_on_four_cases_by_hand():
    # X = 1,1,0,1 ; Y = 1,1,0,0
    # sum min(X,Y) = 2 ; sum Y = 2 ; sum X = 3
    # consistency = 2/2 = 1 ; coverage = 2/3
    # RoN = sum(1-X) / sum(1-min(X,Y)) = 1 / (0+0+1+1) = 0.5
    # ~X = 0,0,1,0: consistency 0/2 = 0 ; coverage 0/1 = 0 ; RoN = 3/4
    data = pd.DataFrame({"X": [1, 1, 0, 1], "Y": [1, 1, 0, 0]}, index=list("abcd"))
    result = qca.necessity(data, ["X"], "Y")
    assert result["condition"].tolist() == ["X", "~X"]
    assert result.loc[0, ["consistency", "coverage", "relevance"]].tolist() == pytest.approx([1.0, 2 / 3, 0.5])
    assert result.loc[1, ["consistency", "coverage", "relevance"]].tolist() == pytest.approx([0.0, 0.0, 0.75])


def test_necessity_on_lipset_by_hand(lipset):
    # All 8 surviving democracies are developed (DEV=1) and stable (STB=1).
    # DEV: 10 developed countries -> coverage 8/10; RoN = 8 / (18-8) = 0.8
    # STB: 11 stable countries -> coverage 8/11; RoN = 7 / (18-8) = 0.7
    result = qca.necessity(lipset, LIPSET_CONDITIONS, "SURV").set_index("condition")
    assert list(result.index) == [
        "DEV",
        "~DEV",
        "URB",
        "~URB",
        "LIT",
        "~LIT",
        "IND",
        "~IND",
        "STB",
        "~STB",
    ]
    assert result.loc["DEV"].tolist() == pytest.approx([1.0, 0.8, 0.8])
    assert result.loc["STB"].tolist() == pytest.approx([1.0, 8 / 11, 0.7])
    assert result.loc["~DEV", "consistency"] == 0.0


# ---------------------------------------------------------------------------
# Published Lipset (LC) results
# ---------------------------------------------------------------------------


def test_lipset_truth_table_matches_published(lipset_table):
    # QCA docs, ?minimize: truthTable(LC, "SURV") - rows, n, incl and OUT
    published = {
        32: (1, 1, 1, 1, 1, 1, 4, 1.0),
        22: (1, 0, 1, 0, 1, 1, 2, 1.0),
        24: (1, 0, 1, 1, 1, 1, 2, 1.0),
        1: (0, 0, 0, 0, 0, 0, 3, 0.0),
        2: (0, 0, 0, 0, 1, 0, 2, 0.0),
        5: (0, 0, 1, 0, 0, 0, 2, 0.0),
        6: (0, 0, 1, 0, 1, 0, 1, 0.0),
        23: (1, 0, 1, 1, 0, 0, 1, 0.0),
        31: (1, 1, 1, 1, 0, 0, 1, 0.0),
    }
    assert list(lipset_table.index) == sorted(published)
    for row, (*configuration, out, n, incl) in published.items():
        assert lipset_table.loc[row, LIPSET_CONDITIONS].tolist() == configuration
        assert lipset_table.loc[row, "outcome"] == out
        assert lipset_table.loc[row, "n"] == n
        assert lipset_table.loc[row, "consistency"] == incl
        assert lipset_table.loc[row, "pri"] == incl
    assert lipset_table.loc[32, "cases"] == "BE,CZ,NL,UK"
    assert lipset_table.loc[1, "cases"] == "ES,GR,PT"
    assert not lipset_table["contradiction"].any()
    assert lipset_table.attrs["outcome"] == "SURV"


def test_lipset_conservative_solution_matches_published(lipset_table):
    # Rihoux & De Meur (2009, p. 57); QCA docs ?minimize:
    # M1: DEV*~URB*LIT*STB + DEV*LIT*IND*STB <=> SURV
    #   inclS 1, covS 0.500 / 0.750, covU 0.250 / 0.500; M1 incl 1, cov 1
    result = qca.minimise(lipset_table)
    assert result.kind == "conservative"
    assert result.solutions == [("DEV*~URB*LIT*STB", "DEV*LIT*IND*STB")]
    fit = result.term_fit.set_index("term")
    assert fit.loc["DEV*~URB*LIT*STB", ["consistency", "raw_coverage", "unique_coverage"]].tolist() == pytest.approx(
        [1.0, 0.5, 0.25]
    )
    assert fit.loc["DEV*LIT*IND*STB", ["consistency", "raw_coverage", "unique_coverage"]].tolist() == pytest.approx(
        [1.0, 0.75, 0.5]
    )
    assert fit.loc["DEV*~URB*LIT*STB", "cases"] == "FI,IE; FR,SE"
    assert fit.loc["DEV*LIT*IND*STB", "cases"] == "FR,SE; BE,CZ,NL,UK"
    assert result.model_fit[["consistency", "pri", "coverage"]].iloc[0].tolist() == [1.0, 1.0, 1.0]
    assert result.remainders_used == [()]


def test_lipset_parsimonious_solution_and_simplifying_assumptions_match_published(lipset_table):
    # QCA docs ?minimize: M1: DEV*STB <=> SURV, covS 1.000;
    # pLC$SA rows 18, 20, 26, 28, 30 = 10001, 10011, 11001, 11011, 11101
    result = qca.minimise(lipset_table, include_remainders=True)
    assert result.solutions == [("DEV*STB",)]
    assert result.model_fit.loc[0, "coverage"] == 1.0
    assert result.remainders_used == [
        (
            "DEV*~URB*~LIT*~IND*STB",
            "DEV*~URB*~LIT*IND*STB",
            "DEV*URB*~LIT*~IND*STB",
            "DEV*URB*~LIT*IND*STB",
            "DEV*URB*LIT*~IND*STB",
        )
    ]


@pytest.mark.parametrize("outcome, negate", [("~SURV", False), ("SURV", True)])
def test_lipset_negated_outcome_matches_published(lipset, outcome, negate):
    # QCA docs ?minimize, truthTable(LC, "~SURV"):
    #   conservative M1: ~DEV*~URB*~IND + DEV*LIT*IND*~STB
    #   parsimonious M1: ~DEV + ~STB, covS 0.8 / 0.7, covU 0.3 / 0.2
    table = qca.truth_table(lipset, LIPSET_CONDITIONS, outcome, negate_outcome=negate)
    assert table.attrs["outcome"] == "~SURV"
    assert qca.minimise(table).solutions == [("~DEV*~URB*~IND", "DEV*LIT*IND*~STB")]
    parsimonious = qca.minimise(table, include_remainders=True)
    assert parsimonious.solutions == [("~DEV", "~STB")]
    fit = parsimonious.term_fit.set_index("term")
    assert fit.loc["~DEV", ["raw_coverage", "unique_coverage"]].tolist() == pytest.approx([0.8, 0.3])
    assert fit.loc["~STB", ["raw_coverage", "unique_coverage"]].tolist() == pytest.approx([0.7, 0.2])
    assert fit.loc["~DEV", "cases"] == "ES,GR,PT; IT,RO; HU,PL; EE"


def test_intermediate_solution_reproduces_published_lipset_fuzzy_example(lipset):
    # Ragin (2009, p. 112) / QCA docs ?minimize on LF with incl.cut = 0.8:
    #   conservative: DEV*URB*LIT*IND*STB + DEV*~URB*LIT*~IND*STB
    #   parsimonious: DEV*~IND + URB*STB
    #   intermediate (dir.exp all present): DEV*URB*LIT*STB + DEV*LIT*~IND*STB
    # Only the truth table's row outcomes matter for the minimisation. We use
    # the LC rows with the FR/SE row (10111) negative: it then has the two
    # positive rows of the LF table and reproduces all three published
    # solutions. Derivation of the intermediate solution: widening
    # DEV*~URB*LIT*~IND*STB (subset of DEV*~IND) drops ~URB, which contradicts
    # the expectation URB=1, giving DEV*LIT*~IND*STB; its only simplifying
    # assumption is 11101, the one easy counterfactual. Minimising 11111,
    # 10101 and 11101 gives exactly the published two terms - note that IND
    # disappears from the first term although it agrees with its expectation,
    # so pruning conservative terms literal by literal would not be enough.
    data = lipset.copy()
    data.loc[["FR", "SE"], "SURV"] = 0
    table = qca.truth_table(data, LIPSET_CONDITIONS, "SURV")
    assert qca.minimise(table).solutions == [("DEV*URB*LIT*IND*STB", "DEV*~URB*LIT*~IND*STB")]
    assert qca.minimise(table, include_remainders=True).solutions == [("DEV*~IND", "URB*STB")]
    intermediate = qca.minimise(table, include_remainders=True, directional_expectations=ALL_PRESENT)
    assert intermediate.kind == "intermediate"
    assert intermediate.solutions == [("DEV*URB*LIT*STB", "DEV*LIT*~IND*STB")]
    assert intermediate.remainders_used == [("DEV*URB*LIT*~IND*STB",)]


def test_lipset_intermediate_solution_by_hand(lipset_table):
    # Conservative DEV*~URB*LIT*STB + DEV*LIT*IND*STB, parsimonious DEV*STB.
    # With every condition expected present, ~URB is dropped: DEV*LIT*STB.
    # The simplifying assumptions of DEV*STB inside DEV*LIT*STB: only 11101.
    # Minimising 10101, 10111, 11111 + 11101 gives the single term DEV*LIT*STB.
    result = qca.minimise(lipset_table, include_remainders=True, directional_expectations=ALL_PRESENT)
    assert result.solutions == [("DEV*LIT*STB",)]
    assert result.remainders_used == [("DEV*URB*LIT*~IND*STB",)]
    assert result.model_fit.loc[0, ["consistency", "coverage"]].tolist() == [1.0, 1.0]


def test_intermediate_without_any_expectation_equals_conservative(lipset_table):
    no_expectations = {condition: "-" for condition in LIPSET_CONDITIONS}
    intermediate = qca.minimise(lipset_table, include_remainders=True, directional_expectations=no_expectations)
    assert intermediate.solutions == qca.minimise(lipset_table).solutions


def test_intermediate_is_between_conservative_and_parsimonious(lipset_table):
    # Every intermediate term is a subset of a parsimonious term and a superset
    # of a conservative term (Ragin & Sonnett 2005).
    conditions = tuple(LIPSET_CONDITIONS)
    expectations = {"DEV": 1, "URB": 0, "LIT": 1, "IND": None, "STB": 1}
    intermediate = qca.minimise(lipset_table, True, expectations)
    parsimonious = qca.minimise(lipset_table, True).solutions[0]
    conservative = qca.minimise(lipset_table).solutions[0]
    for term in intermediate.solutions[0]:
        cube = qca.parse_term(term, conditions)
        assert any(qca._cube_is_within(cube, qca.parse_term(p, conditions)) for p in parsimonious)
        assert any(qca._cube_is_within(qca.parse_term(c, conditions), cube) for c in conservative)


# ---------------------------------------------------------------------------
# Model ambiguity: all tied minimal solutions
# ---------------------------------------------------------------------------


def test_petrick_textbook_example_returns_both_tied_solutions():
    # f(A,B,C) = sum m(0,1,2,5,6,7); 011 and 100 are negative.
    # Prime implicants (Wikipedia, "Petrick's method"):
    #   K=~A*~B (m0,m1) L=~A*~C (m0,m2) M=~B*C (m1,m5)
    #   N=B*~C (m2,m6)  P=A*C (m5,m7)   Q=A*B (m6,m7)
    # Every minterm is covered by exactly two PIs, so none is essential.
    # Proof that there are exactly two minimal covers: each PI covers 2 of the
    # 6 minterms, so a cover needs >= 3 PIs, and 3 PIs must cover disjoint
    # pairs. The six PIs form a 6-cycle K-M-P-Q-N-L-K (consecutive PIs share
    # a minterm), and the only ways to pick 3 pairwise disjoint edges of a
    # 6-cycle are the two alternating sets {K,P,N} and {M,Q,L}. Both have 6
    # literals, so both are minimal: ~A*~B + B*~C + A*C and ~A*~C + ~B*C + A*B.
    table = qca.truth_table(petrick_data(), ["A", "B", "C"], "Y")
    result = qca.minimise(table)
    assert result.solutions == [("A*B", "~A*~C", "~B*C"), ("A*C", "~A*~B", "B*~C")]
    assert sorted(result.prime_implicants) == sorted(["~A*~B", "~A*~C", "~B*C", "B*~C", "A*C", "A*B"])
    assert result.essential == ()
    assert result.model_fit["solution"].tolist() == [1, 2]
    assert result.model_fit["expression"].tolist() == ["A*B + ~A*~C + ~B*C", "A*C + ~A*~B + B*~C"]
    assert len(result.term_fit) == 6
    assert result.term_fit["unique_coverage"].tolist() == pytest.approx([1 / 3] * 6)
    # no remainders: the parsimonious solution is the same pair
    assert qca.minimise(table, include_remainders=True).solutions == result.solutions


def test_chart_from_qca_package_solvechart_example_has_two_solutions():
    # QCA docs ?solveChart: makeChart("a, b, ~c", "abc, a~b~c, a~bc, ~ab~c");
    # a is essential; solutions a + b and a + ~c.
    a, b, not_c = (1, None, None), (None, 1, None), (None, None, 0)
    chart = {
        a: frozenset({"abc", "a~b~c", "a~bc"}),
        b: frozenset({"abc", "~ab~c"}),
        not_c: frozenset({"a~b~c", "~ab~c"}),
    }
    covers = {frozenset(cover) for cover in qca.minimal_covers(chart)}
    assert covers == {frozenset({a, b}), frozenset({a, not_c})}


def test_literal_count_breaks_ties_between_covers_of_equal_size():
    # Both {A, B} and {A, C*D} cover the chart with two prime implicants, but
    # {A, B} has 2 literals and {A, C*D} has 3.
    a, b, cd = (1, None, None, None), (None, 1, None, None), (None, None, 1, 1)
    chart = {a: frozenset({1, 2}), b: frozenset({3}), cd: frozenset({3})}
    assert qca.minimal_covers(chart) == [(a, b)]
    assert {frozenset(c) for c in qca.minimal_covers(chart, fewest_literals=False)} == {
        frozenset({a, b}),
        frozenset({a, cd}),
    }


def test_frequency_cut_turns_rare_rows_into_remainders_and_creates_ties(lipset):
    # frequency_cut=2: the single-case rows 6 (EE), 23 (AU), 31 (DE) become
    # remainders. DEV and LIT*STB then both cover rows 22, 24, 32 without
    # touching a negative row (1, 2, 5): two one-term solutions, DEV with fewer
    # literals.
    table = qca.truth_table(lipset, LIPSET_CONDITIONS, "SURV", frequency_cut=2)
    assert table.loc[[6, 23, 31], "outcome"].isna().all()
    assert table.loc[[1, 2, 5], "outcome"].tolist() == [0, 0, 0]
    assert qca.minimise(table, include_remainders=True).solutions == [("DEV",)]
    assert qca.minimise(table, include_remainders=True, fewest_literals=False).solutions == [
        ("DEV",),
        ("LIT*STB",),
    ]
    # rare rows are not explained either: the conservative solution is unchanged
    assert qca.minimise(table).solutions == [("DEV*~URB*LIT*STB", "DEV*LIT*IND*STB")]


# ---------------------------------------------------------------------------
# Contradictions, remainders, errors
# ---------------------------------------------------------------------------


def test_contradictions_are_flagged_and_follow_the_consistency_cut(lipset):
    # Without STB: row 1011 holds AU (SURV 0), FR, SE (SURV 1) -> 2/3;
    # row 1111 holds BE, CZ, NL, UK (1) and DE (0) -> 4/5.
    conditions = ["DEV", "URB", "LIT", "IND"]
    strict = qca.truth_table(lipset, conditions, "SURV")
    assert strict.loc[12, "cases"] == "AU,FR,SE"
    assert strict.loc[12, "consistency"] == pytest.approx(2 / 3)
    assert strict.loc[16, "consistency"] == pytest.approx(4 / 5)
    assert strict.loc[[12, 16], "contradiction"].tolist() == [True, True]
    assert strict.loc[[12, 16], "outcome"].tolist() == [0, 0]
    lenient = qca.truth_table(lipset, conditions, "SURV", consistency_cut=0.75)
    assert lenient.loc[[12, 16], "outcome"].tolist() == [0, 1]
    assert lenient.loc[16, "contradiction"]


def test_remainder_rows_are_listed_on_request_and_do_not_change_solutions(lipset, lipset_table):
    complete = qca.truth_table(lipset, LIPSET_CONDITIONS, "SURV", include_remainders=True)
    assert list(complete.index) == list(range(1, 33))
    remainders = complete[complete["n"] == 0]
    assert len(remainders) == 23
    assert remainders["outcome"].isna().all()
    assert remainders["consistency"].isna().all()
    assert (remainders["cases"] == "").all()
    for include in (False, True):
        assert (
            qca.minimise(complete, include_remainders=include).solutions
            == qca.minimise(lipset_table, include_remainders=include).solutions
        )


@pytest.mark.parametrize("missing", [np.nan, pd.NA, None])
def test_missing_value_raises_naming_case_and_condition(lipset, missing):
    data = lipset.astype(object)
    data.loc["FI", "LIT"] = missing
    with pytest.raises(ValueError, match=r"case 'FI' in 'LIT'"):
        qca.truth_table(data, LIPSET_CONDITIONS, "SURV")
    with pytest.raises(ValueError, match=r"case 'FI' in 'LIT'"):
        qca.necessity(data, LIPSET_CONDITIONS, "SURV")


def test_non_crisp_value_raises(lipset):
    data = lipset.copy()
    data.loc["IE", "SURV"] = 2
    with pytest.raises(ValueError, match=r"'IE'.*'SURV'.*0 or 1"):
        qca.truth_table(data, LIPSET_CONDITIONS, "SURV")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda d, t: qca.truth_table(d, LIPSET_CONDITIONS, "~SURV", negate_outcome=True), "already negated"),
        (lambda d, t: qca.truth_table(d, LIPSET_CONDITIONS, "SURV", consistency_cut=1.5), "consistency_cut"),
        (lambda d, t: qca.truth_table(d, LIPSET_CONDITIONS, "SURV", frequency_cut=0), "frequency_cut"),
        (lambda d, t: qca.truth_table(d, ["DEV", "NOPE"], "SURV"), "NOPE"),
        (lambda d, t: qca.truth_table(d, ["DEV", "SURV"], "SURV"), "cannot also be a condition"),
        (lambda d, t: qca.minimise(t, directional_expectations=ALL_PRESENT), "include_remainders"),
        (lambda d, t: qca.minimise(t, True, {"NOPE": 1}), "unknown conditions"),
        (lambda d, t: qca.minimise(t, True, {"DEV": 2}), "must be 1, 0"),
    ],
)
def test_invalid_arguments_raise_clear_errors(lipset, lipset_table, call, message):
    with pytest.raises(ValueError, match=message):
        call(lipset, lipset_table)


def test_nothing_to_explain_raises(lipset):
    data = lipset.assign(SURV=0)
    with pytest.raises(ValueError, match="nothing to explain"):
        qca.minimise(qca.truth_table(data, LIPSET_CONDITIONS, "SURV"))


# ---------------------------------------------------------------------------
# Determinism, idempotence, helpers
# ---------------------------------------------------------------------------


def test_output_does_not_depend_on_case_order(lipset, lipset_table):
    shuffled = lipset.sample(frac=1.0, random_state=7)
    table = qca.truth_table(shuffled, LIPSET_CONDITIONS, "SURV")
    pd.testing.assert_frame_equal(table, lipset_table)
    for include in (False, True):
        first = qca.minimise(table, include_remainders=include)
        second = qca.minimise(lipset_table, include_remainders=include)
        assert first.solutions == second.solutions
        pd.testing.assert_frame_equal(first.term_fit, second.term_fit)
    pd.testing.assert_frame_equal(
        qca.necessity(shuffled, LIPSET_CONDITIONS, "SURV"),
        qca.necessity(lipset, LIPSET_CONDITIONS, "SURV"),
    )


def test_case_labels_are_sorted_naturally_and_can_come_from_a_column():
    data = pd.DataFrame({"id": ["m10", "m2", "m1"], "A": [1, 1, 1], "Y": [1, 1, 1]})
    table = qca.truth_table(data, ["A"], "Y", case_labels="id")
    assert table.loc[2, "cases"] == "m1,m2,m10"
    with pytest.raises(ValueError, match="unique"):
        qca.truth_table(data, ["A"], "Y", case_labels=["x", "x", "y"])


def test_minimise_is_idempotent_and_pure(lipset, lipset_table):
    before = lipset.copy()
    table_copy = lipset_table.copy()
    first = qca.minimise(lipset_table, True, ALL_PRESENT)
    second = qca.minimise(lipset_table, True, ALL_PRESENT)
    assert first.solutions == second.solutions
    assert first.remainders_used == second.remainders_used
    pd.testing.assert_frame_equal(first.model_fit, second.model_fit)
    pd.testing.assert_frame_equal(first.term_fit, second.term_fit)
    pd.testing.assert_frame_equal(lipset_table, table_copy)
    qca.truth_table(lipset, LIPSET_CONDITIONS, "SURV")
    pd.testing.assert_frame_equal(lipset, before)


def test_analyse_bundles_every_part(lipset):
    result = qca.analyse(lipset, LIPSET_CONDITIONS, "SURV", directional_expectations=ALL_PRESENT)
    assert result.conservative.solutions == [("DEV*~URB*LIT*STB", "DEV*LIT*IND*STB")]
    assert result.parsimonious.solutions == [("DEV*STB",)]
    assert result.intermediate.solutions == [("DEV*LIT*STB",)]
    assert len(result.truth_table) == 9
    assert len(result.necessity) == 10
    assert qca.analyse(lipset, LIPSET_CONDITIONS, "SURV").intermediate is None


def test_format_and_parse_terms():
    assert qca.format_solution(("A*~B", "C")) == "A*~B + C"
    assert qca.format_solution(("A*~B", "C"), "Y") == "A*~B + C -> Y"
    assert qca.parse_term("A*~C", ("A", "B", "C")) == (1, None, 0)
    with pytest.raises(ValueError, match="Unknown condition"):
        qca.parse_term("A*D", ("A", "B", "C"))
    with pytest.raises(ValueError, match="twice"):
        qca.parse_term("A*~A", ("A", "B", "C"))


def test_prime_implicants_by_hand():
    # on-set 000, 001, 011 -> ~A*~B (000+001) and ~A*C (001+011)
    primes = qca.prime_implicants({(0, 0, 0), (0, 0, 1), (0, 1, 1)})
    assert primes == [(0, 0, None), (0, None, 1)]


# ---------------------------------------------------------------------------
# Optional cross-check against setqca (not a dependency of evalkit)
# ---------------------------------------------------------------------------


def test_the_setqca_cross_check_runs_in_ci():
    """CI installs setqca (``.ci/run``), so the cross-checks below cannot be skipped there unnoticed."""
    import os

    if os.environ.get("CI") != "true":
        pytest.skip("outside CI the setqca cross-check runs only where setqca is installed")
    import setqca

    assert setqca.__version__ == "0.2.0"


def _as_term_sets(expressions, conditions):
    return {
        frozenset(qca.parse_term(term.strip(), conditions) for term in expression.split("+"))
        for expression in expressions
    }


@pytest.mark.parametrize("dataset", ["lipset", "petrick"])
def test_cross_check_with_setqca(lipset, dataset):
    setqca = pytest.importorskip("setqca")
    if dataset == "lipset":
        data, conditions, outcome = lipset, tuple(LIPSET_CONDITIONS), "SURV"
    else:
        data, conditions, outcome = petrick_data(), ("A", "B", "C"), "Y"
    theirs = setqca.CSQCA().fit(data, outcome=outcome, conditions=list(conditions))
    table = qca.truth_table(data, list(conditions), outcome)
    for kind, include in (("conservative", False), ("parsimonious", True)):
        their_expressions = [s.expression(conditions) for s in theirs.solutions(kind)]
        ours = qca.minimise(table, include_remainders=include).expressions()
        assert _as_term_sets(ours, conditions) == _as_term_sets(their_expressions, conditions)
    assert not math.isnan(qca.minimise(table).model_fit.loc[0, "consistency"])


def _brute_force_minimal_covers(chart, fewest_literals):

    columns = frozenset().union(*chart.values())
    keys = sorted(chart, key=qca._term_sort_key)
    for size in range(1, len(keys) + 1):
        covers = [
            frozenset(combo)
            for combo in combinations(keys, size)
            if columns <= frozenset().union(*(chart[k] for k in combo))
        ]
        if covers:
            break
    if fewest_literals:
        least = min(sum(qca._literal_count(k) for k in cover) for cover in covers)
        covers = [c for c in covers if sum(qca._literal_count(k) for k in c) == least]
    return set(covers)


@pytest.mark.parametrize("seed", range(40))
def test_chart_solver_agrees_with_brute_force_on_random_charts(seed):
    # Random charts over 4 conditions: the exact search must return exactly the
    # covers that exhaustive enumeration of all combinations finds.
    rng = np.random.default_rng(seed)
    all_cubes = list(product((0, 1, None), repeat=4))
    chosen = rng.choice(len(all_cubes), size=int(rng.integers(3, 10)), replace=False)
    columns = list(range(int(rng.integers(2, 9))))
    chart = {}
    for index in chosen:
        covered = frozenset(c for c in columns if rng.random() < 0.35)
        if covered:
            chart[all_cubes[index]] = covered
    for column in columns:  # make sure every column can be covered
        if not any(column in covered for covered in chart.values()):
            key = next(iter(sorted(chart, key=qca._term_sort_key)), all_cubes[chosen[0]])
            chart[key] = chart.get(key, frozenset()) | {column}
    for fewest_literals in (True, False):
        ours = {frozenset(cover) for cover in qca.minimal_covers(chart, fewest_literals)}
        assert ours == _brute_force_minimal_covers(chart, fewest_literals)


@pytest.mark.parametrize("seed", range(20))
def test_random_tables_agree_with_setqca_and_respect_the_truth_table(seed):
    # Random crisp data with 3-5 conditions. Every solution covers every
    # positive row, no negative row, and (conservative) no remainder; and the
    # set of tied solutions equals setqca's when it is installed.
    rng = np.random.default_rng(seed)
    conditions = tuple(f"C{i}" for i in range(int(rng.integers(3, 6))))
    data = pd.DataFrame(rng.integers(0, 2, (int(rng.integers(6, 20)), len(conditions))), columns=conditions)
    data["Y"] = rng.integers(0, 2, len(data))
    table = qca.truth_table(data, list(conditions), "Y")
    if not (table["outcome"] == 1).any() or not (table["outcome"] == 0).any():
        pytest.skip("degenerate random table")
    configurations = qca._configurations(table, conditions)
    positives = {c for c, o in zip(configurations, table["outcome"]) if o == 1}
    negatives = {c for c, o in zip(configurations, table["outcome"]) if o == 0}
    for include in (False, True):
        result = qca.minimise(table, include_remainders=include)
        for solution in result.solutions:
            cubes = [qca.parse_term(term, conditions) for term in solution]
            covered = {
                c for c in product((0, 1), repeat=len(conditions)) if any(qca._cube_contains(cube, c) for cube in cubes)
            }
            assert positives <= covered
            assert not negatives & covered
            if not include:
                assert covered == positives
    setqca = pytest.importorskip("setqca")
    theirs = setqca.CSQCA(max_solutions=10_000).fit(data, outcome="Y", conditions=list(conditions))
    for kind, include in (("conservative", False), ("parsimonious", True)):
        expected = [s.expression(conditions) for s in theirs.solutions(kind)]
        ours = qca.minimise(table, include_remainders=include).expressions()
        assert _as_term_sets(ours, conditions) == _as_term_sets(expected, conditions)

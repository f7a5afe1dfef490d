"""evalkit's QCA engine against outputs printed by R's QCA package (vendored, always run).

The expected values come from R 4.5.1 / QCA 3.25 (``tests/fixtures/r_qca/``): solutions are
compared as sets of terms (a term as a set of literals), so the order R prints them in does not
matter. For the fuzzy Lipset analyses the minimisation is fed R's own truth table (which rows are
1, 0 or remainders): the minimisation, not the fuzzy calibration, is what is checked.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from evalkit.analysis import qca

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "r_qca" / "r_qca.json").read_text(encoding="utf-8"))
ANALYSES = {a["id"]: a for a in FIXTURE["analyses"]}


def _terms(solution, conditions) -> frozenset:
    terms = solution if isinstance(solution, list) else [solution]
    return frozenset(qca.parse_term(t, conditions) for t in terms)


def _models(solutions, conditions) -> set:
    """R's solutions (a list of models, or one model written as a flat list of terms) as term sets."""
    if solutions and all(isinstance(s, str) for s in solutions):
        solutions = [solutions]
    return {_terms(s, conditions) for s in solutions}


def _ours(result: qca.QCASolutions, conditions) -> set:
    return {frozenset(qca.parse_term(t, conditions) for t in solution) for solution in result.solutions}


def _rows(value) -> list:
    """R's counterfactual rows, as the fixture stores them (minterms, 0-based), as 1-based row numbers."""
    minterms = [] if value is None else ([value] if isinstance(value, int) else list(value))
    return [m + 1 for m in minterms]


def _table_from_r(analysis) -> pd.DataFrame:
    """A truth table in evalkit's form with R's decision for every row (1, 0 or remainder)."""
    conditions = analysis["conditions"]
    rows = []
    for row in analysis["truth_table"]:
        out = {"1": 1, "0": 0}.get(row["out"], pd.NA)
        rows.append({**dict(zip(conditions, row["configuration"])), "n": row["n"], "outcome": out})
    frame = pd.DataFrame(rows)
    frame["outcome"] = frame["outcome"].astype("Int64")
    frame["n_outcome"] = 0
    frame["cases"] = ""
    frame.index = pd.Index([r["minterm"] + 1 for r in analysis["truth_table"]], name="row")
    frame.attrs.update({"conditions": tuple(conditions), "outcome": analysis["outcome"]})
    return frame


@pytest.mark.parametrize("analysis_id", sorted(ANALYSES))
def test_conservative_and_parsimonious_solutions_equal_r(analysis_id):
    analysis = ANALYSES[analysis_id]
    conditions = analysis["conditions"]
    table = _table_from_r(analysis)
    assert _ours(qca.minimise(table), conditions) == _models(analysis["conservative"], conditions)
    parsimonious = qca.minimise(table, include_remainders=True)
    assert _ours(parsimonious, conditions) == _models(analysis["parsimonious"], conditions)


def test_the_crisp_lipset_analysis_equals_r_from_the_raw_data():
    """LC: the truth table, the solutions and every term's fit, computed from the cases themselves."""
    analysis = ANALYSES["LC-SURV-crisp"]
    conditions = analysis["conditions"]
    data = pd.DataFrame(analysis["data"], index=analysis["case_ids"])
    table = qca.truth_table(data, conditions, "SURV", include_remainders=True)
    for row in analysis["truth_table"]:
        ours = table.loc[row["minterm"] + 1]
        assert int(ours["n"]) == row["n"]
        expected = {"1": 1, "0": 0}.get(row["out"])
        assert (pd.isna(ours["outcome"]) and expected is None) or int(ours["outcome"]) == expected
        if row["consistency"] is not None:
            assert ours["consistency"] == pytest.approx(row["consistency"])
    fits = {(f["family"], f["term"]): f for f in analysis["term_fits"]}
    for family, include in (("conservative", False), ("parsimonious", True)):
        result = qca.minimise(table, include_remainders=include)
        assert _ours(result, conditions) == _models(analysis[family], conditions)
        for _, term in result.term_fit.iterrows():
            key = next(
                k for k in fits if k[0] == family and _terms(k[1], conditions) == _terms(term["term"], conditions)
            )
            expected = fits[key]
            assert term["consistency"] == pytest.approx(expected["consistency"])
            assert term["raw_coverage"] == pytest.approx(expected["raw_coverage"])
            if expected["unique_coverage"] is None:
                # R prints "-" for a one-term model: not defined, not 1.0.
                assert math.isnan(term["unique_coverage"])
            else:
                assert term["unique_coverage"] == pytest.approx(expected["unique_coverage"])
            cases = {c for group in str(term["cases"]).split("; ") for c in group.split(",") if c}
            assert cases == set(expected["cases"])


@pytest.mark.parametrize("entry", FIXTURE["intermediate"], ids=[e["id"] for e in FIXTURE["intermediate"]])
def test_intermediate_solutions_and_counterfactuals_equal_r(entry):
    source = "LF-SURV-three" if entry["conditions"] == ["DEV", "LIT", "STB"] else "LF-SURV-incl80"
    analysis = ANALYSES[source]
    assert analysis["conditions"] == entry["conditions"] and analysis["incl_cut"] == entry["incl_cut"]
    conditions = entry["conditions"]
    table = _table_from_r(analysis)
    result = qca.minimise(table, include_remainders=True, directional_expectations=entry["expectations"])
    assert _ours(result, conditions) == _models(entry["intermediate"], conditions)
    # The simplifying assumptions of the parsimonious solution, and which of them are easy.
    parsimonious = qca.minimise(table, include_remainders=True)
    assumptions = {
        int(qca._row_number(qca.parse_term(term, conditions))) for used in parsimonious.remainders_used for term in used
    }
    assert assumptions == set(_rows(entry["simplifying_assumptions"]))
    easy = {int(qca._row_number(qca.parse_term(term, conditions))) for used in result.remainders_used for term in used}
    assert easy == set(_rows(entry["easy"]))
    assert assumptions - easy == set(_rows(entry["difficult"]))
    # One conservative and one parsimonious model: the intermediate one comes from the pair C1P1.
    assert result.models == ("C1P1",)

"""The robustness analysis: computed once per run, shown in chapters 00 and 04, split by reading."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evalkit import paths
from evalkit.analysis import allocations as A
from evalkit.analysis import robustness as R
from evalkit.analysis.success_factors import SOLUTION_TYPES, qca_analysis
from evalkit.present import narrative
from evalkit.report import store
from evalkit.study import load_study

DEMO = Path(__file__).parent / "fixtures" / "demo-county"
TEACHING = paths.PROJECT_ROOT / "data" / "ovningslan-2025"


@pytest.fixture(scope="module")
def study():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def allocations(study):
    return A.consistent_allocations(study)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def analysis(study, folder):
    return store.shared_in(folder, R.robustness_analysis, study)


def test_the_analysis_is_computed_once_and_shared(study, folder, analysis):
    entries = list(folder.glob("*.pickle"))
    assert len(entries) == 1
    stamp = entries[0].stat().st_mtime_ns
    # Giving the defaults explicitly (as chapter 04 does) is the same entry as leaving them out
    # (chapter 00, the run's artefact), so a run computes the analysis once.
    again = store.shared_in(folder, R.robustness_analysis, study, partly_as=1, consistency_cut=1.0)
    assert [p.name for p in folder.glob("*.pickle")] == [entries[0].name]
    assert entries[0].stat().st_mtime_ns == stamp
    pd.testing.assert_frame_equal(again.table, analysis.table)
    assert again.allocations == analysis.allocations


def test_the_run_writes_the_shared_table_as_robustness_csv():
    from evalkit.report.artefacts import REPORT_ARTEFACTS, precomputed_analyses

    artefact = {a.filename: a for a in REPORT_ARTEFACTS}["robustness.csv"]
    assert artefact.compute.__module__ == "evalkit.report.artefacts"
    assert R.robustness_analysis in precomputed_analyses()


def test_table_and_readings_agree_with_a_separate_computation(study, allocations, analysis):
    assert analysis.allocations == allocations.count
    assert analysis.variables == len(allocations.model.variables)
    by_reading = R.qca_by_reading(study, allocations)
    pd.testing.assert_frame_equal(by_reading, analysis.by_reading)


def test_every_qca_solution_of_the_study_has_a_row(study, analysis):
    """Every solution the chapter prints (both analyses, all three types) is a robustness row."""
    table = analysis.table.set_index("finding_id")
    for name, kind, outcome in R.ANALYSES:
        frame = qca_analysis(study, kind=kind, outcome=outcome).solutions_frame()
        for solution_type in SOLUTION_TYPES:
            expressions = list(frame.loc[frame["solution_type"] == solution_type, "expression"]) or [R.NO_SOLUTION]
            for expression in expressions:
                row = table.loc[f"qca.{name}.{solution_type}.{expression}"]
                assert row["kind"] == "qca" and bool(row["in_study"])
                assert 0 < row["holds_in"] <= row["of_allocations"]
    assert set(R.study_solutions(analysis)["solution_type"]) == set(SOLUTION_TYPES)


def test_shares_of_the_qca_rows_sum_to_at_least_one_per_type(analysis):
    qca_rows = analysis.table[analysis.table["kind"] == "qca"]
    prefix = qca_rows["finding_id"].str.split(".").str[:3].str.join(".")
    for _, group in qca_rows.groupby(prefix):
        # Every allocation returns at least one solution of each type (ties count once each).
        assert sum(int(v) for v in group["holds_in"]) >= analysis.allocations


def test_findings_resting_on_the_reconstruction(analysis):
    resting = R.resting_findings(analysis, "en")
    table = analysis.table[analysis.table["kind"] == "finding"]
    assert len(resting) == int((~table["holds_everywhere"]).sum()) > 0
    assert resting["holds_pct"].is_monotonic_increasing
    assert (resting["holds_pct"] < 100).all() and (resting["holds_pct"] > 0).all()
    assert "org.seat_in_management_group" in set(resting["finding_id"])
    assert resting["statement"].notna().all()
    assert set(R.resting_findings(analysis, "sv")["statement"]).isdisjoint(set(resting["statement"]))


def test_every_stated_count_holds_everywhere_except_where_the_municipality_is_reconstructed(analysis):
    """A finding a published claim checks holds in every allocation, unless it is a yearly count of
    a table the report publishes without naming the municipality."""
    joined = analysis.table.merge(analysis.findings, on="finding_id")
    claimed = joined[joined["claimed"]]
    assert len(claimed) > 40
    assert claimed.loc[~claimed["holds_everywhere"], "finding_id"].str.startswith("cases.").all()


def test_solutions_under_each_reading(study, allocations, analysis):
    by_model = R.qca_by_model(study, allocations, analysis.by_reading)
    assert set(by_model["models"]) == {"own_coordinator|own_coordinator", "own_coordinator|shared_coordinator"}
    sizes = by_model.drop_duplicates("models").set_index("models")["of_allocations"]
    assert sum(int(v) for v in sizes) == allocations.count
    failure = by_model[(by_model["analysis"] == "failure") & (by_model["solution_type"] == "parsimonious")]
    own = failure[failure["models"] == "own_coordinator|own_coordinator"]
    shared = failure[failure["models"] == "own_coordinator|shared_coordinator"]
    # The reading decides the failure solution: where the second municipality shares the post, no
    # solution names a post that is not shared; only the casework post is explained.
    assert own["expression"].str.contains("~shared_post").any()
    assert not shared["expression"].str.contains("~shared_post").any()
    assert list(shared["expression"]) == ["combined_with_casework"] and float(shared["share"].iloc[0]) == 1.0


def test_both_readings_are_shown(study, analysis):
    readings = R.readings(study, analysis)
    assert {(r["always"], r["one_of"]) for _, r in readings.iterrows()} == {("E", "A|B"), ("E", "F|G|H")}
    shown = R.solutions_by_reading(study, analysis)
    assert set(shown["poorly_one_of"]) == {"A|B", "F|G|H"}
    assert len(shown) == 2 * 2 * len(SOLUTION_TYPES)
    assert shown["n_solutions"].min() >= 1
    for language, words in (("en", ("one of", "Municipality F")), ("sv", ("en av", "kommun F"))):
        text = narrative.qca_robustness_summary(study, analysis, language=language)
        assert all(w in text for w in words)
        assert text.count("\n- ") == 2


def test_summary_sentences_come_from_the_table(study, analysis):
    english = narrative.robustness_summary(study, analysis, language="en")
    swedish = narrative.robustness_summary(study, analysis, language="sv")
    findings = analysis.table[analysis.table["kind"] == "finding"]
    n_everywhere = int(findings["holds_everywhere"].sum())
    assert "3.88 × 10<sup>32</sup> different allocations" in english
    assert "3,88 × 10<sup>32</sup> olika fördelningar" in swedish
    assert f"{n_everywhere} of {len(findings)} findings hold in every one of them" in english
    assert f"{n_everywhere} av {len(findings)} resultat gäller i varenda en av dem" in swedish
    assert "None of the study's QCA solutions holds in every allocation" in english


@pytest.mark.parametrize("path", [TEACHING, DEMO], ids=["teaching", "demo"])
def test_other_studies(path):
    other = load_study(path)
    result = R.robustness_analysis(other)
    solved = A.consistent_allocations(other)
    assert result.allocations == solved.count >= 1
    table = result.table
    assert (table["of_allocations"] == result.allocations).all()
    assert ((table["holds_in"] >= 0) & (table["holds_in"] <= table["of_allocations"])).all()
    if not solved.model.variables:
        # No reconstructed cell is modelled: exactly one allocation, nothing to show but a sentence.
        assert result.allocations == 1 and table["holds_everywhere"].all()
        assert R.resting_findings(result).empty and R.study_solutions(result).empty
        assert R.solutions_by_reading(other, result).empty
        assert "one way only" in narrative.robustness_summary(other, result, language="en")
        assert "bara fördelas på ett sätt" in narrative.robustness_summary(other, result, language="sv")
        assert "only ones" in narrative.qca_robustness_summary(other, result, language="en")
    else:
        # A case left out of the QCA (an unknown value) still counts in its reading.
        assert sum(R.allocations_by_poorly_functioning(other, solved).values()) == solved.count
        # The demo county's QCA cannot run (too few complete cases): chapter 00 does not point to
        # solutions chapter 04 does not show.
        for language in ("en", "sv"):
            text = narrative.robustness_summary(other, result, language=language)
            assert "45 " in text and "(chapter 4)" not in text and "(kapitel 4)" not in text


def _outputs(language: str, chapter: str) -> str:
    """All text the stored reference notebook of a chapter shows (what a reader sees)."""
    import json

    notebook = json.loads((paths.PROJECT_ROOT / "tests" / "references" / language / f"{chapter}.ipynb").read_text())
    texts = []
    for cell in notebook["cells"]:
        texts.append("".join(cell["source"]) if cell["cell_type"] == "markdown" else "")
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for kind in ("text/markdown", "text/html", "text/plain"):
                if kind in data:
                    texts.append("".join(data[kind]))
    return "\n".join(texts)


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", ("Which findings rest on the reconstruction", "findings hold in every one of them", "Holds in share")),
        (
            "sv",
            ("Vilka resultat som vilar på rekonstruktionen", "resultat gäller i varenda en av dem", "Gäller i andel"),
        ),
    ],
)
def test_chapter_00_shows_robustness_not_sensitivity(language, words):
    shown = _outputs(language, "00_study")
    assert all(w in shown for w in words)
    from evalkit.analysis.findings import findings_table

    # A finding resting on the reconstruction, with its share; shown by its statement (ids stay in the findings table)
    statements = findings_table(load_study(paths.DEFAULT_STUDY_DIR)).set_index("finding_id")["statement_" + language]
    assert statements["org.seat_in_management_group"] in shown
    for gone in ("one at a time", "ett i taget", "Reconstructed values that affect it"):
        assert gone not in shown


@pytest.mark.parametrize(
    "language, words",
    [
        (
            "en",
            (
                "The solutions across every consistent allocation",
                "one of Municipality A or Municipality B",
                "one of Municipality F, Municipality G or Municipality H",
                "Reading: functions poorly (one of)",
                "illustrate the method and test nothing",
            ),
        ),
        (
            "sv",
            (
                "Lösningarna i alla fördelningar som stämmer med underlaget",
                "en av kommun A eller kommun B",
                "en av kommun F, kommun G eller kommun H",
                "Läsning: fungerar dåligt (en av)",
                "illustrerar metoden och prövar ingenting",
            ),
        ),
    ],
)
def test_chapter_04_shows_the_solutions_under_both_readings(language, words):
    shown = _outputs(language, "04_success_factors")
    missing = [w for w in words if w not in shown]
    assert not missing

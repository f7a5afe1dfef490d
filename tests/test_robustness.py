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
    entries = list((folder / "analyses").rglob("*.json"))
    assert len(entries) == 1
    blobs = sorted(p.name for p in (folder / "blobs").rglob("*") if p.is_file())
    # Giving the defaults explicitly (as chapter 04 does) is the same entry as leaving them out
    # (chapter 00, the run's artefact), so a run computes the analysis once.
    again = store.shared_in(folder, R.robustness_analysis, study, partly_as=1, consistency_cut=1.0)
    assert list((folder / "analyses").rglob("*.json")) == entries
    assert sorted(p.name for p in (folder / "blobs").rglob("*") if p.is_file()) == blobs, "nothing stored again"
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


def test_findings_resting_on_the_reconstruction(study, analysis):
    resting = R.resting_findings(analysis, "en", study)
    table = analysis.table[analysis.table["kind"] == "finding"]
    assert len(resting) == int((~table["holds_everywhere"]).sum()) > 0
    assert "org.seat_in_management_group" in set(resting["finding_id"])
    assert resting["statement"].notna().all()
    assert set(R.resting_findings(analysis, "sv", study)["statement"]).isdisjoint(set(resting["statement"]))
    # A verdict, overall and per reading, and never a share of allocations.
    assert list(resting.columns) == [
        "finding_id",
        "statement",
        "robustness",
        "If municipality A or B works poorly",
        "If municipality F, G or H works poorly",
    ]
    assert set(resting["robustness"]) == {"Holds in some, not in all", "The source does not address the values"}
    assert not any("%" in str(c) or "share" in str(c).lower() for c in resting.columns)
    shown = R.study_solutions(analysis, "sv", study)
    assert "Om kommun F, G eller H fungerar dåligt" in shown.columns
    assert not shown.map(lambda v: "%" in str(v)).any().any()


def test_verdicts_say_what_they_measure(study, analysis):
    """Every / some / none / unaddressed, overall and per reading, with no weights."""
    table = analysis.table.set_index("finding_id")
    verdicts = analysis.reading_verdicts
    per = verdicts.pivot(index="finding_id", columns="reading", values="verdict")
    own, shared = "own_coordinator|own_coordinator", "own_coordinator|shared_coordinator"
    # Eight cells the report never addresses: no share ("16 of 3^8"), the source is silent.
    assert table.at["qa.basic_knowledge_spread", "verdict"] == "unaddressed"
    assert table.at["qa.basic_knowledge_spread", "unaddressed_cells"] == 8
    assert int(analysis.unaddressed["n_cells"].sum()) == 15
    # The right person: 7/8 wherever a post of its own functions poorly; under the sharing reading
    # the sharing municipality keeps the right person (K42), so the count is 8/8 and 7/8 holds in none.
    assert per.at["sf.right_person", own] == "every" and per.at["sf.right_person", shared] == "none"
    assert table.at["sf.right_person", "verdict"] == "some"
    # Each case table moves over seven municipalities: some, never a share like 14.3 %.
    assert table.at["cases.D.children_witnessing_violence.2018", "verdict"] == "some"
    # Overall "every" exactly when every reading says "every"; a reading never says more than overall.
    for fid, row in per.iterrows():
        assert (table.at[fid, "verdict"] == "every") == all(v == "every" for v in row)
    # Each reading is counted within itself: its allocations add up to the total.
    readings = R.readings(study, analysis)
    assert sum(int(v) for v in readings["allocations"]) == analysis.allocations
    assert set(verdicts["verdict"]) <= set(R.VERDICTS)


def test_a_sharing_municipality_never_blames_personal_qualities(study, allocations):
    """K42: the managers of the sharing municipalities are very positive, and one coordinator serves all
    three; the municipality whose managers blame personal qualities is not a sharing one."""
    cells = [("conditions", f"{m}/right_person", "value") for m in "FGH"] + [
        ("municipalities", m, "coordinator_functioning") for m in "FGH"
    ]
    for values in allocations.projection(cells):
        assert values[:3] == ("yes", "yes", "yes")
    assert any(v[3:] != ("well", "well", "well") for v in allocations.projection(cells))


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
    shown = R.solutions_by_reading(study, analysis)
    failure_shown = shown[(shown["kind"] == "failure_explanation") & (shown["solution_type"] == "parsimonious")]
    assert dict(zip(failure_shown["poorly_one_of"], failure_shown["expression"])) == {
        "A|B": R.VARIES,
        "F|G|H": "combined_with_casework",
    }


def test_both_readings_are_shown(study, analysis):
    readings = R.readings(study, analysis)
    assert {(r["always"], r["one_of"]) for _, r in readings.iterrows()} == {("E", "A|B"), ("E", "F|G|H")}
    shown = R.solutions_by_reading(study, analysis)
    assert set(shown["poorly_one_of"]) == {"A|B", "F|G|H"}
    assert len(shown) == 2 * 2 * len(SOLUTION_TYPES)
    assert shown["n_solutions"].min() >= 1
    for language, words in (("en", ("If municipality F, G or H",)), ("sv", ("Om kommun F, G eller H",))):
        text = narrative.qca_robustness_summary(study, analysis, language=language)
        assert all(w in text for w in words)
        assert text.count("\n- ") == 2
        # The readings are not weighed: no share of allocations anywhere (the 60/40 split was 3 : 2).
        assert "%" not in text and "60" not in text


def test_summary_sentences_come_from_the_table(study, analysis):
    english = narrative.robustness_summary(study, analysis, language="en")
    swedish = narrative.robustness_summary(study, analysis, language="sv")
    findings = analysis.table[analysis.table["kind"] == "finding"]
    n_everywhere = int((findings["verdict"] == "every").sum())
    assert "5.77 × 10<sup>35</sup> different allocations" in english
    assert "5,77 × 10<sup>35</sup> olika fördelningar" in swedish
    assert f"{n_everywhere} of {len(findings)} findings hold in every one of them" in english
    assert f"{n_everywhere} av {len(findings)} resultat gäller i samtliga fördelningar" in swedish
    # The silent cells are named, with what they alone do to the count.
    assert "15 of the values are named by neither a published count nor a constraint" in english
    assert "about 10<sup>7</sup> times larger" in english
    assert "None of the study's QCA solutions holds in every allocation" in english
    # Holding everywhere is conditional on the constraints, and is said to be.
    assert "still depends on the constraints" in english and "beror fortfarande på villkoren" in swedish
    for text in (english, swedish):
        assert "%" not in text and "beror inte på studiens val" not in text
        assert "does not depend on the study's choice" not in text


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
        ("en", ("Which findings rest on the reconstruction", "findings hold in every one of them", "Holds in some")),
        (
            "sv",
            (
                "Vilka resultat som vilar på rekonstruktionen",
                "resultat gäller i samtliga fördelningar",
                "Gäller i vissa",
            ),
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
    for gone in (
        "one at a time",
        "ett i taget",
        "Reconstructed values that affect it",
        "Holds in share",
        "Gäller i andel",
    ):
        assert gone not in shown
    assert "beror inte på studiens val" not in shown and "does not depend on the study's choice" not in shown


@pytest.mark.parametrize(
    "language, words",
    [
        (
            "en",
            (
                "The solutions across every consistent allocation",
                "If municipality A or B works poorly",
                "If municipality F, G or H works poorly",
                "Reading: functions poorly (one of)",
                "illustrate the method and test nothing",
            ),
        ),
        (
            "sv",
            (
                "Lösningarna i alla fördelningar som stämmer med underlaget",
                "Om kommun A eller B fungerar dåligt",
                "Om kommun F, G eller H fungerar dåligt",
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

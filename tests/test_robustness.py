"""The robustness table as a report artefact: cached by content, summarised in words, split by reading."""

from __future__ import annotations

import pytest

from evalkit import paths
from evalkit.analysis import allocations as A
from evalkit.analysis import robustness as R
from evalkit.study import load_study


@pytest.fixture(scope="module")
def study():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def allocations(study):
    return A.consistent_allocations(study)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def table(study, cache):
    return R.cached_robustness_table(study, cache)


def test_cached_table_is_computed_once_and_read_back_equal(study, cache, table):
    tmp_path = cache
    first = table
    files = list((tmp_path / "robustness").glob("*.csv"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = R.cached_robustness_table(study, tmp_path)
    assert files[0].stat().st_mtime_ns == stamp  # read, not written again
    for column in ("finding_id", "kind", "holds_in", "of_allocations", "in_study", "holds_everywhere"):
        assert list(second[column]) == list(first[column]), column
    assert second["share"].tolist() == pytest.approx(first["share"].tolist(), rel=1e-12)
    assert [type(v) for v in second["of_allocations"][:1]] == [int]
    # Another parameter is another entry (its digest differs; not computed here).
    assert R.study_digest(study, partly_as=0) != R.study_digest(study)


def test_the_run_registers_robustness_as_a_report_artefact():
    from evalkit.report.artefacts import REPORT_ARTEFACTS

    assert "robustness.csv" in {artefact.filename for artefact in REPORT_ARTEFACTS}


def test_summary_sentences_come_from_the_table(table):
    english = R.summary(table, "en")
    swedish = R.summary(table, "sv")
    assert english[0].startswith(
        "The report's counts and the written constraints allow 3.88e+32".replace("e+32", " × 10^32")
    )
    n_findings = int((table["kind"] == "finding").sum())
    n_everywhere = int(((table["kind"] == "finding") & table["holds_everywhere"]).sum())
    assert english[1] == f"{n_everywhere} of {n_findings} findings hold in all of them."
    assert swedish[1] == f"{n_everywhere} av {n_findings} resultat gäller i alla dessa fördelningar."
    assert "org.seat_in_management_group" in english[2] and "org.seat_in_management_group" in swedish[2]
    assert english[-1] == "No QCA solution holds in every allocation."


def test_solutions_under_each_reading(study, allocations):
    by_reading = R.qca_by_reading(study, allocations)
    by_model = R.qca_by_model(study, allocations, by_reading)
    assert set(by_model["models"]) == {"own_coordinator|own_coordinator", "own_coordinator|shared_coordinator"}
    sizes = by_model.drop_duplicates("models").set_index("models")["of_allocations"]
    assert sum(int(v) for v in sizes) == allocations.count
    failure = by_model[(by_model["analysis"] == "failure") & (by_model["solution_type"] == "parsimonious")]
    own = failure[failure["models"] == "own_coordinator|own_coordinator"]
    shared = failure[failure["models"] == "own_coordinator|shared_coordinator"]
    # The reading decides the failure solution: where the second municipality shares the post, no
    # solution names a post that is not shared.
    assert own["expression"].str.contains("~shared_post").any()
    assert not shared["expression"].str.contains("~shared_post").any()

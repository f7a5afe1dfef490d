"""Each analysis once: the content-keyed analysis store and the per-chapter run cache."""

from __future__ import annotations

import shutil

import nbformat
import pandas.testing as pd_testing
import pytest
from test_runner import FIXTURES, make_study, run

from evalkit import paths
from evalkit.report import store
from evalkit.study import load_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"
calls: list[dict] = []


def counted(study, factor=1):
    """A stand-in analysis that records each real computation."""
    calls.append({"study": study.name, "factor": factor})
    return len(study.tables["municipalities"]) * factor


@pytest.fixture
def demo(tmp_path):
    folder = tmp_path / "demo-county"
    shutil.copytree(DEMO, folder)
    return folder


def test_an_analysis_is_computed_once_per_content_and_parameters(tmp_path, demo):
    calls.clear()
    folder = tmp_path / "store"
    study = load_study(demo)
    assert store.shared_in(folder, counted, study) == 7
    assert store.shared_in(folder, counted, load_study(demo)) == 7, "same content, another Study object"
    assert len(calls) == 1
    assert store.shared_in(folder, counted, study, factor=2) == 14
    assert len(calls) == 2, "other parameters, another entry"
    municipalities = demo / "municipalities.csv"
    municipalities.write_text(
        municipalities.read_text(encoding="utf-8").replace(",small,", ",medium,", 1), encoding="utf-8"
    )
    assert store.shared_in(folder, counted, load_study(demo)) == 7
    assert len(calls) == 3, "changed study content, computed again"


def test_a_damaged_entry_is_computed_again(tmp_path, demo):
    calls.clear()
    folder = tmp_path / "store"
    study = load_study(demo)
    store.shared_in(folder, counted, study)
    (blob,) = [p for p in (folder / "blobs").rglob("*") if p.is_file()]
    blob.write_bytes(blob.read_bytes()[:-3] + b"xyz")
    assert store.shared_in(folder, counted, study) == 7
    assert len(calls) == 2


def test_a_chapters_findings_are_computed_once_for_every_language(tmp_path, monkeypatch):
    """A chapter shows its own sections of the findings, computed once for both languages (and only those)."""
    from evalkit.analysis import findings as findings_module
    from evalkit.notebook import open_chapter

    real = findings_module.findings_table
    seen = []

    def spy(study, sections=None):
        seen.append((study.name, sections))
        return real(study, sections=sections)

    spy.__module__, spy.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(findings_module, "findings_table", spy)
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "store"))
    for language in ("sv", "en"):
        open_chapter("01_organisation", study=DEMO, language=language).findings()
    assert seen == [("demo-county", ["organisation"])]


def test_a_chapters_own_findings_are_the_rows_of_the_whole_table():
    """sections_of_chapter gives exactly the rows the whole findings table has for each chapter."""
    from evalkit.analysis.findings import CHAPTER_ORDER, findings_table, sections_of_chapter

    study = load_study(paths.DEFAULT_STUDY_DIR)
    whole = findings_table(study)
    for chapter in CHAPTER_ORDER:
        own = findings_table(study, sections=sections_of_chapter(chapter))
        expected = whole[whole["chapter"] == chapter].reset_index(drop=True)
        pd_testing.assert_frame_equal(own[own["chapter"] == chapter].reset_index(drop=True), expected)


@pytest.mark.slow
def test_a_changed_chapter_notebook_executes_only_that_chapter(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    study = make_study(tmp_path / "data" / "fixture-study")
    first = run(study, tmp_path, notebooks_dir=notebooks)
    assert first.status == "ran"
    nb = nbformat.read(notebooks / "11_plot.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("One more sentence."))
    nb.cells[-1]["id"] = "extra"
    nbformat.write(nb, notebooks / "11_plot.ipynb")
    second = run(study, tmp_path, notebooks_dir=notebooks)
    assert second.status == "ran"
    assert "1 of 2 chapter notebooks unchanged: taken from the cache" in second.messages
    report = tmp_path / "reports" / "fixture-study" / "en"
    assert nbformat.read(report / "11_plot.ipynb", as_version=4).cells[-1].source == "One more sentence."
    assert (report / "values_copy.csv").is_file(), "the unchanged chapter's own files come back from the cache"
    assert "One more sentence." in (report / "report.html").read_text(encoding="utf-8")

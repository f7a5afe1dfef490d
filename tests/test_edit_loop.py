"""The edit loop (issue 17 item 6): a change to one table re-executes only the chapters that read it.

What a chapter reads is recorded while it runs (evalkit.study.tracing); these tests pin what the
recording finds for the shipped chapters, and that a run which reuses chapters from the cache
publishes the same bytes as a run that executes everything.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_runner import tree_digests

from evalkit import paths
from evalkit.chapters import CHAPTERS
from evalkit.report.pipeline import run_study
from evalkit.study import tracing

STUDY = paths.DEFAULT_STUDY_DIR


def chapter_reads(chapter_id: str, folder: Path) -> set[str]:
    """Run one chapter's code in this process with reads recorded (as a kernel of evalkit run does)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from evalkit.report.execute import materialise_notebook
    from evalkit.report.plan import language_parameters

    source = materialise_notebook(paths.NOTEBOOKS_DIR / f"{chapter_id}.py", folder / "sources")
    report = folder / "reports" / STUDY.name
    cwd = report / "en"
    cwd.mkdir(parents=True, exist_ok=True)
    nb = parameterize_notebook(load_notebook_node(str(source)), language_parameters(STUDY, report, "en", False))
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    previous = os.getcwd()
    os.chdir(cwd)
    os.environ[tracing.READS_ENV] = "1"
    try:
        exec(compile(code, chapter_id, "exec"), {"__name__": "__main__", "display": lambda *a, **k: None})
    finally:
        os.environ.pop(tracing.READS_ENV, None)
        os.chdir(previous)
        tracing._process_logs.clear()
    return tracing.read_names(cwd / tracing.READS_FILE) or set()


@pytest.mark.slow
def test_what_each_chapter_reads_is_recorded(tmp_path, monkeypatch):
    """The recorded inputs: organisation and quality areas never read the case statistics."""
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    import matplotlib

    matplotlib.use("Agg")
    reads = {c.id: chapter_reads(c.id, tmp_path / c.id) for c in CHAPTERS}
    assert "table:case_statistics" not in reads["01_organisation"]
    assert "table:case_statistics" not in reads["02_quality_areas"]
    assert "table:*" not in reads["01_organisation"] and "table:*" not in reads["02_quality_areas"]
    assert "table:case_statistics" in reads["03_comparison"]
    # the allocation model (which counts are forced by stated ones) reads only which municipality a series is
    assert "table:case_statistics[basis,municipality_id,reconstructed_fields]" in reads["01_organisation"]
    assert "file:commentary/01_organisation.en.md" in reads["01_organisation"]
    assert "file:commentary/02_quality_areas.en.md" not in reads["01_organisation"]


@pytest.mark.slow
def test_a_case_statistics_change_executes_only_the_chapters_that_read_it(tmp_path, request):
    """Change one case count: 01 and 02 come from the cache; the report equals one made from scratch."""
    from unittest import mock

    study = tmp_path / "data" / STUDY.name
    shutil.copytree(STUDY, study)
    options = dict(languages="en", pdf=False, cache_dir=tmp_path / "cache", reports_root=tmp_path / "reports")
    # evalkit's own source digest is pinned: editing the package while the test runs must not change every key
    pinned = mock.patch("evalkit.report.manifest.evalkit_source_digest", return_value="0" * 64)
    pinned.start()
    request.addfinalizer(pinned.stop)
    assert run_study(study, **options).status == "ran"
    table = study / "case_statistics.csv"
    text = table.read_text(encoding="utf-8")
    assert "\nD,2014,family_violence_investigations,24," in text
    table.write_text(
        text.replace("\nD,2014,family_violence_investigations,24,", "\nD,2014,family_violence_investigations,23,")
    )
    again = run_study(study, **options)
    assert again.status == "ran", again.messages
    assert {"01_organisation [en]", "02_quality_areas [en]"} <= set(again.cached)
    assert "03_comparison [en]" in again.executed
    fresh = run_study(study, **{**options, "reports_root": tmp_path / "fresh", "cache_dir": tmp_path / "cache2"})
    assert fresh.status == "ran"
    incremental = tree_digests(tmp_path / "reports" / STUDY.name)
    scratch = tree_digests(tmp_path / "fresh" / STUDY.name)
    incremental.pop("manifest.json"), scratch.pop("manifest.json")
    assert incremental == scratch, "a chapter taken from the cache is the chapter a fresh run makes"

"""The whole product on the default study: evalkit run, the report in a browser, determinism, audit.

These tests execute the real chapter notebooks (about half a minute per run)
on a copy of data/vastmanland-2019, so that the audit test can change a data
value without touching the shipped study.
"""

from __future__ import annotations

import io
import shutil

import nbformat
import pandas as pd
import pytest
from rich.console import Console
from test_browser import A4_WIDTH_PX, Collector, check_printed_report, layout_problems

from evalkit import paths
from evalkit.audit import audit_report
from evalkit.chapters import CHAPTERS
from evalkit.report.pdf import find_chromium, run_chromium
from evalkit.report.pipeline import CACHE_MESSAGE, run_study

pytestmark = pytest.mark.slow
STUDY = paths.DEFAULT_STUDY_NAME


def notebook_titles(language: str) -> list[str]:
    """The '# ' title of each chapter notebook in ``language`` (what the report shows as chapter heading)."""
    titles = []
    for chapter in CHAPTERS:
        nb = nbformat.read(paths.NOTEBOOKS_DIR / language / chapter.notebook, as_version=4)
        cell = next(
            c for c in nb.cells if f"lang-{language}" in c.metadata.get("tags", []) and c.source.startswith("# ")
        )
        titles.append(cell.source.splitlines()[0][2:].strip())
    return titles


def quiet_console() -> Console:
    return Console(file=io.StringIO(), width=200)


def run(root, **options):
    options = (
        dict(languages="sv,en", reports_root=root / "reports", cache_dir=root / "cache", console=quiet_console())
        | options
    )
    return run_study(root / "data" / STUDY, **options)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(paths.DEFAULT_STUDY_DIR, root / "data" / STUDY)
    result = run(root)
    assert result.status == "ran", "\n".join(result.messages)
    return root


@pytest.fixture(scope="module")
def report(workspace):
    return workspace / "reports" / STUDY


@pytest.mark.parametrize("language", ["sv", "en"])
def test_run_writes_every_output_in_both_languages(report, language):
    for chapter in CHAPTERS:
        assert (report / language / chapter.notebook).stat().st_size > 0
        assert (report / language / f"{chapter.id}.html").stat().st_size > 0
    assert (report / language / "report.html").stat().st_size > 0
    if find_chromium():
        assert (report / language / "report.pdf").read_bytes().startswith(b"%PDF")
    assert (report / "manifest.json").exists()


def test_findings_csv_reproduces_the_reports_claims(report):
    findings = pd.read_csv(report / "findings.csv").set_index("finding_id")
    claims = pd.read_csv(paths.DEFAULT_STUDY_DIR / "published_claims.csv")
    for claim in claims.itertuples():
        assert findings.loc[claim.finding_id, "numerator"] == claim.numerator, claim.finding_id


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not installed")
@pytest.mark.parametrize("language", ["sv", "en"])
def test_combined_report_renders_every_chapter_figure_and_table(report, language):
    done = run_chromium(["--dump-dom", (report / language / "report.html").resolve().as_uri()], timeout=180)
    assert done.returncode == 0, done.stderr[-800:]
    dom = Collector()
    dom.feed(done.stdout)
    for title in notebook_titles(language):
        assert title in dom.headings, (title, dom.headings[:10])
    # figures: time split, heat map and one case series per municipality with statistics
    assert dom.svgs + len(dom.images) >= 4
    assert dom.tables >= 30
    assert "Traceback" not in done.stdout and "Error" not in " ".join(dom.cells)
    assert ("Kommun A" if language == "sv" else "Municipality A") in dom.cells


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not installed")
@pytest.mark.parametrize("language", ["sv", "en"])
def test_combined_report_fits_an_a4_page(report, language, tmp_path):
    found = layout_problems(report / language / "report.html", tmp_path)
    assert found["width"] <= A4_WIDTH_PX and found["tables"] >= 30, found
    assert found["problems"] == []


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not installed")
@pytest.mark.parametrize("language", ["sv", "en"])
def test_printed_report_is_a4_numbered_with_bookmarks_and_every_table_cell(report, language):
    check_printed_report(report / language / "report.html", report / language / "report.pdf", language)


def test_unchanged_rerun_is_served_from_cache(workspace):
    result = run(workspace)
    assert result.status == "cached"
    assert any(CACHE_MESSAGE in message for message in result.messages)


def test_forced_rerun_gives_byte_identical_outputs(workspace, report):
    again = run(workspace, reports_root=workspace / "again", force=True)
    assert again.status == "ran"
    second = workspace / "again" / STUDY
    compared = 0
    for language in ("sv", "en"):
        for name in [c.notebook for c in CHAPTERS] + [f"{c.id}.html" for c in CHAPTERS] + ["report.html"]:
            assert (report / language / name).read_bytes() == (second / language / name).read_bytes(), name
            compared += 1
    assert (report / "findings.csv").read_bytes() == (second / "findings.csv").read_bytes()
    assert compared == 22
    if find_chromium():  # the PDF is deterministic too (the study's date, content-derived /ID)
        for language in ("sv", "en"):
            first, again_pdf = (
                (report / language / "report.pdf").read_bytes(),
                (second / language / "report.pdf").read_bytes(),
            )
            assert first == again_pdf, f"{language}/report.pdf differs between two runs"
            import pikepdf

            with pikepdf.open(report / language / "report.pdf") as pdf:
                from evalkit.report import pdfua

                # dated by the study (its evalkit:date, "2026-12"), never by the time of the run
                assert str(pdf.docinfo["/CreationDate"]) == "D:20261201000000Z"
                assert str(pdf.docinfo["/CreationDate"]) == pdfua.pdf_date(
                    pdfua.document_date(workspace / "data" / STUDY)
                )


def test_the_manifest_hashes_every_output_and_the_audit_names_a_changed_pdf(report, tmp_path):
    from evalkit.audit import verify_outputs
    from evalkit.report.manifest import load_manifest

    manifest = load_manifest(report)
    published = {p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["outputs"]) == published
    if find_chromium():
        assert {"sv/report.pdf", "en/report.pdf"} <= set(manifest["outputs"])
    copy = report.parent / "tampered-copy"
    shutil.copytree(report, copy)
    try:
        with open(copy / "en" / "report.pdf", "ab") as handle:
            handle.write(b"garbage")
        (copy / "sv" / "02_quality_areas.html").write_text("edited", encoding="utf-8")
        changed = verify_outputs(manifest, copy)
    finally:
        shutil.rmtree(copy)
    expected = ["changed: sv/02_quality_areas.html"] + (["changed: en/report.pdf"] if find_chromium() else [])
    assert sorted(changed) == sorted(expected)


def test_audit_finds_no_difference_on_a_fresh_run(report):
    result = audit_report(report, console=quiet_console())
    assert result.ok, (result.changed_inputs, result.differences)


def test_audit_names_the_changed_input_and_cell_after_a_data_change(workspace, report):
    assessments = workspace / "data" / STUDY / "assessments.csv"
    original = assessments.read_text(encoding="utf-8")
    changed = original.replace("knowledge_improved,B,yes,", "knowledge_improved,B,no,", 1)
    assert changed != original
    assessments.write_text(changed, encoding="utf-8")
    try:
        quick = audit_report(report, console=quiet_console())
        result = audit_report(report, console=quiet_console(), full=True)
    finally:
        assessments.write_text(original, encoding="utf-8")
    assert not quick.ok and not quick.differences, "the changed input decides the verdict: nothing re-executed"
    assert not result.ok
    assert any("assessments.csv" in str(item) for item in result.changed_inputs)
    described = " ".join(str(d) for d in result.differences)
    assert "02_quality_areas" in described and "cell" in described

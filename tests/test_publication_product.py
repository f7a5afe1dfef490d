"""The publication as files: byte-stable HTML and PDF, contents with page numbers, made by every run and hashed."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from bs4 import BeautifulSoup
from rich.console import Console

from evalkit import paths
from evalkit.publication.html import pages_of_anchors
from evalkit.publication.product import HTML_NAME, PDF_NAME, README_NAME, folder_readme, write_publication
from evalkit.report.pdf import find_chromium
from evalkit.study import load_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not installed")
def test_the_printed_publication_is_byte_stable_a4_and_its_contents_give_the_pages(tmp_path):
    import pikepdf

    study = load_study(DEMO)
    first, _ = write_publication(study, "sv", tmp_path / "one")
    second, _ = write_publication(study, "sv", tmp_path / "two")
    assert [p.name for p in first] == [HTML_NAME, PDF_NAME]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two builds"
    pdf_path = tmp_path / "one" / PDF_NAME
    with pikepdf.open(pdf_path) as pdf:
        assert len(pdf.pages) >= 8
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5
        with pdf.open_outline() as outline:  # bookmarks from the headings

            def count(items):
                return sum(1 + count(item.children) for item in items)

            assert count(outline.root) >= 20
    pages = pages_of_anchors(pdf_path)
    soup = BeautifulSoup((tmp_path / "one" / HTML_NAME).read_text(encoding="utf-8"), "html.parser")
    entries = soup.select("nav.contents a")
    assert entries
    for entry in entries:  # the contents say where each part starts in the printed file
        assert entry.find(class_="toc-page").get_text() == str(pages[entry["href"][1:]])
    assert pages["summary"] > 1 and pages["introduction"] > pages["summary"]


def test_without_chromium_the_html_is_written_and_the_pdf_is_reported_missing(tmp_path, monkeypatch):
    from evalkit.report import pdf as pdf_module

    def no_chromium(*args, **kwargs):
        raise FileNotFoundError("no Chromium")

    monkeypatch.setattr(pdf_module, "print_pdf", no_chromium)
    files, missing = write_publication(load_study(DEMO), "en", tmp_path)
    assert [p.name for p in files] == [HTML_NAME]
    assert "no Chromium" in missing
    assert not (tmp_path / PDF_NAME).exists()


def test_the_folder_readme_tells_the_publication_from_the_analysis():
    text = folder_readme(("sv", "en"))
    assert "publication/sv/publication.pdf" in text and "sv/report.pdf" in text
    assert "PUBLIKATIONEN" in text and "ANALYSEN" in text and "THE PUBLICATION" in text and "THE ANALYSIS" in text


@pytest.mark.slow
def test_a_run_makes_the_publication_hashes_it_and_the_audit_sees_a_change(tmp_path):
    from evalkit.audit import verify_outputs
    from evalkit.report.manifest import load_manifest
    from evalkit.report.pipeline import run_study

    study = tmp_path / "data" / "demo-county"
    shutil.copytree(DEMO, study)
    options = dict(languages="sv", pdf=False, reports_root=tmp_path / "reports", cache_dir=tmp_path / "cache")
    options["overrides"] = ("readiness",)  # the demo county lacks what three analysis parts need
    result = run_study(study, console=Console(file=io.StringIO()), **options)
    assert result.status == "ran", "\n".join(result.messages)
    report = tmp_path / "reports" / "demo-county"
    publication = report / "publication" / "sv" / HTML_NAME
    assert publication.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (report / README_NAME).read_text(encoding="utf-8") == folder_readme(("sv",))
    assert any(m.startswith("publication [sv]") for m in result.messages)
    manifest = load_manifest(report)
    assert {"publication/sv/publication.html", README_NAME} <= set(manifest["outputs"])
    assert json.loads((report / "manifest.json").read_text(encoding="utf-8"))["outputs"] == manifest["outputs"]
    # the audit's first check names a changed publication
    copy = tmp_path / "tampered"
    shutil.copytree(report, copy)
    (copy / "publication" / "sv" / HTML_NAME).write_text("edited", encoding="utf-8")
    assert verify_outputs(manifest, copy) == ["changed: publication/sv/publication.html"]
    # a forced re-run makes the same bytes (the audit re-makes the publication and compares them)
    again = run_study(
        study, console=Console(file=io.StringIO()), force=True, **{**options, "reports_root": tmp_path / "again"}
    )
    assert again.status == "ran"
    assert (
        tmp_path / "again" / "demo-county" / "publication" / "sv" / HTML_NAME
    ).read_bytes() == publication.read_bytes()

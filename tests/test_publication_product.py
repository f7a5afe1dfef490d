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
from evalkit.publication.product import DOCX_NAME, HTML_NAME, PDF_NAME, README_NAME, folder_readme, write_publication
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
    assert [p.name for p in first] == [HTML_NAME, DOCX_NAME, PDF_NAME]
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
    assert set(page_scales(pdf_path)) == {0.75}, "Chromium shrank a page: something is wider than A4"
    pages = pages_of_anchors(pdf_path)
    soup = BeautifulSoup((tmp_path / "one" / HTML_NAME).read_text(encoding="utf-8"), "html.parser")
    entries = soup.select("nav.contents a")
    assert entries
    for entry in entries:  # the contents say where each part starts in the printed file
        assert entry.find(class_="toc-page").get_text() == str(pages[entry["href"][1:]])
    assert pages["summary"] > 1 and pages["introduction"] > pages["summary"]


def page_scales(pdf_path) -> list[float]:
    """Per page, the scale of CSS px to PDF points Chromium printed at (0.75 unless it shrank the page to fit)."""
    import pikepdf

    scales = []
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            matrices = [o.operands for o in pikepdf.parse_content_stream(page) if str(o.operator) == "cm"][:2]
            scales.append(round(abs(float(matrices[0][0]) * float(matrices[1][0])), 4))
    return scales


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not installed")
def test_page_scales_detects_a_page_chromium_shrank(tmp_path):
    from evalkit.report.pdf import print_pdf

    wide = tmp_path / "wide.html"
    wide.write_text(
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><style>@page{size:A4;margin:20mm}'
        "td{white-space:nowrap}</style></head><body><table><tr><td>"
        + "ett ord som inte bryts " * 8
        + "</td></tr></table></body></html>",
        encoding="utf-8",
    )
    print_pdf(wide, tmp_path / "wide.pdf")
    assert page_scales(tmp_path / "wide.pdf")[0] < 0.7


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="headless Chromium not installed")
def test_the_teaching_countys_printed_publication_fits_a4_numbers_its_pages_and_keeps_every_cell(tmp_path):
    import pikepdf
    from test_browser import PAGE_NUMBER, html_table_cells, pdf_page_texts, squeeze

    from evalkit.report.pdfua import document_date, pdf_date

    files, missing = write_publication(load_study(paths.DATA_DIR / "ovningslan-2025"), "sv", tmp_path)
    assert missing is None
    pdf_path = tmp_path / PDF_NAME
    with pikepdf.open(pdf_path) as pdf:  # dated by the study (its year), not 1980
        created = str(pdf.docinfo["/CreationDate"])
    assert created == pdf_date(document_date(paths.DATA_DIR / "ovningslan-2025"))
    assert not created.startswith("D:1980")
    again, _ = write_publication(load_study(paths.DATA_DIR / "ovningslan-2025"), "sv", tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in files]
    assert set(page_scales(pdf_path)) == {0.75}, "Chromium shrank a page: something is wider than A4"
    texts = pdf_page_texts(pdf_path)
    for number, text in enumerate(texts[1:], start=2):  # the title page has no page number
        assert squeeze(PAGE_NUMBER["sv"].format(n=number, total=len(texts))) in squeeze(text)
    printed = squeeze("".join(texts))
    cells = [squeeze(cell) for cell in html_table_cells(tmp_path / HTML_NAME) if squeeze(cell)]
    assert [cell for cell in cells if cell not in printed] == []


def test_without_chromium_the_html_is_written_and_the_pdf_is_reported_missing(tmp_path, monkeypatch):
    from evalkit.report import pdf as pdf_module

    def no_chromium(*args, **kwargs):
        raise FileNotFoundError("no Chromium")

    monkeypatch.setattr(pdf_module, "print_pdf", no_chromium)
    files, missing = write_publication(load_study(DEMO), "en", tmp_path)
    assert [p.name for p in files] == [HTML_NAME, DOCX_NAME]
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
    assert {"publication/sv/publication.html", "publication/sv/publication.docx", README_NAME} <= set(
        manifest["outputs"]
    )
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
    for name in (HTML_NAME, DOCX_NAME):  # the Word file too: byte-identical across runs
        again_file = tmp_path / "again" / "demo-county" / "publication" / "sv" / name
        assert again_file.read_bytes() == (report / "publication" / "sv" / name).read_bytes(), name


def test_the_word_template_is_checked_before_the_run_and_recorded_for_the_audit(tmp_path):
    import docx

    from evalkit.audit import recorded_template, template_notes
    from evalkit.report.manifest import sha256_file
    from evalkit.report.plan import RunError, word_template

    study = tmp_path / "study"
    study.mkdir()
    (study / "datapackage.json").write_text('{"name": "x", "evalkit:docx_template": "mall.dotx"}', encoding="utf-8")
    with pytest.raises(RunError, match="evalkit:docx_template: the Word template .*mall.dotx is not a file"):
        word_template(study)
    (study / "mall.dotx").write_text("inte en mall", encoding="utf-8")
    with pytest.raises(RunError, match="is not a Word document or template"):
        word_template(study)
    docx.Document().save(study / "mall.dotx")
    assert word_template(study) == (study / "mall.dotx").resolve()
    given = tmp_path / "lan.docx"
    docx.Document().save(given)
    assert word_template(study, given) == given.resolve()  # the option wins
    with pytest.raises(RunError, match="--docx-template"):
        word_template(study, tmp_path / "saknas.docx")
    report = tmp_path / "reports" / "x"
    report.mkdir(parents=True)
    manifest = {"docx_template": {"path": "../../lan.docx", "sha256": sha256_file(given)}}
    assert recorded_template(manifest, report) == given.resolve()
    assert template_notes(manifest, report) == []
    given.write_bytes(given.read_bytes() + b"\0")
    assert template_notes(manifest, report) == [
        "the Word template ../../lan.docx has changed since the report was made"
    ]
    given.unlink()
    assert "is not there any more" in template_notes(manifest, report)[0]

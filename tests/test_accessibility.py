"""Accessible formats on the default study and the teaching county, in both languages (issue 16).

One run of each study (HTML and PDF, the session's shared report,
``tests/rendered.py``), then in headless Chromium, loading each page once
(``page_checks.check_page``):

* axe-core's WCAG 2.1 A and AA rules, and its best practices, report no
  violation on any page at 1280 px (every chapter page, the combined report
  and the publication);
* no word of any table cell is broken, at A4 print width and at 1280 px and
  400 px screen widths, and no printed table is wider than its page.

Each check is first shown to find what it looks for on a planted page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from chromium import Browser
from page_checks import axe_violations, check_page, require_axe, table_fit_problems
from rendered import rendered_report

from evalkit import paths
from evalkit.report.pdf import DEBIAN_CHROMIUM, find_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason=f"headless Chromium not installed ({DEBIAN_CHROMIUM} missing)"),
]
STUDIES = (paths.DEFAULT_STUDY_NAME, "ovningslan-2025")
LANGUAGES = ("sv", "en")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """Both studies' reports (the session's shared runs): ``{study: <report folder>}``."""
    return {study: rendered_report(tmp_path_factory, study) for study in STUDIES}


@pytest.fixture(scope="module")
def browser():
    with Browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def checked(browser):
    """:func:`page_checks.check_page` of a page, once per page for all the tests of this module."""
    require_axe()
    return cache(lambda page: check_page(browser, page))


def pages(report: Path, language: str) -> list[Path]:
    """Every page of the analysis (chapters and the combined report) and of the publication."""
    found = sorted((report / language).glob("*.html"))
    assert any(page.name == "report.html" for page in found), found
    publication = sorted((report / "publication" / language).glob("*.html"))
    assert [page.name for page in publication] == ["publication.html"]
    return found + publication


def pdfs(report: Path, language: str) -> list[tuple[Path, Path]]:
    """``(pdf, the page it was printed from)`` for the analysis report and the publication."""
    pairs = [(report / language / "report.pdf", report / language / "report.html")]
    publication = report / "publication" / language
    pairs += [(pdf, pdf.with_suffix(".html")) for pdf in sorted(publication.glob("*.pdf"))]
    assert len(pairs) == 2, pairs
    return pairs


# ---------------------------------------------------------------- the checks find what they look for


def test_axe_reports_what_it_is_there_to_find(browser, tmp_path):
    require_axe()
    page = tmp_path / "planted.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Prov</title></head><body><main><h1>Prov</h1>'
        '<p style="color:#aaa">grå text</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<h4>Rubrik som hoppar över nivåer</h4></main></body></html>",
        encoding="utf-8",
    )
    found = {violation["id"] for violation in axe_violations(browser, page)}
    assert {"color-contrast", "image-alt", "heading-order"} <= found, found


def test_the_table_measurement_finds_a_broken_word(browser, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Prov</title></head><body>'
        '<table style="width:3em"><tr><td style="overflow-wrap:anywhere">kvinnofridssamordnare</td>'
        "<td>ja</td></tr></table></body></html>",
        encoding="utf-8",
    )
    problems = table_fit_problems(browser, page)
    assert len(problems) == 3 and all("['kvinnofridssamordnare']" in problem for problem in problems), problems
    _, problems = check_page(browser, page, axe=False)  # one load, three views: the same findings
    assert len(problems) == 3 and all("['kvinnofridssamordnare']" in problem for problem in problems), problems


# ---------------------------------------------------------------- the reports


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("study", STUDIES)
def test_axe_finds_no_violation_on_any_page(reports, checked, study, language):
    found = {}
    for page in pages(reports[study], language):
        for violation in checked(page)[0]:
            found[f"{page.name}: {violation['id']} ({violation['help']})"] = violation["nodes"][:3]
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("study", STUDIES)
def test_no_table_breaks_a_word_in_print_or_on_a_wide_or_narrow_screen(reports, checked, study, language):
    problems = [problem for page in pages(reports[study], language) for problem in checked(page)[1]]
    assert problems == []


# ---------------------------------------------------------------- PDF/UA-1


PLANTED_FIGURE_PAGE = """<!DOCTYPE html><html lang="sv"><head><title>Prov</title>
<style>@page {{ size: A4; margin: 20mm; @top-center {{ content: "Löphuvud"; }} }}</style>{meta}</head>
<body><main><h1>Prov</h1><p><a href="#mal">Till målet</a></p>
<figure><img alt="Ett rött fält." src="data:image/svg+xml;base64,{svg}"><figcaption>Figur 1. Rött.</figcaption></figure>
<h2 id="mal">Mål</h2><table><tr><th scope="col">A</th></tr><tr><td>1</td></tr></table></main></body></html>"""


def planted_pdf_page(tmp_path: Path, meta: str = "") -> Path:
    import base64

    svg = base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>'
    )
    page = tmp_path / "figure.html"
    page.write_text(PLANTED_FIGURE_PAGE.format(meta=meta, svg=svg.decode()), encoding="utf-8")
    return page


def test_the_pdfua_check_finds_what_chromium_leaves_out(tmp_path):
    import pikepdf

    from evalkit.report import pdfua
    from evalkit.report.pdf import PRINT_FLAGS, run_chromium

    raw = tmp_path / "raw.pdf"
    run_chromium([*PRINT_FLAGS, f"--print-to-pdf={raw}", planted_pdf_page(tmp_path).resolve().as_uri()])
    with pikepdf.open(raw) as pdf:
        found = " | ".join(pdfua.problems(pdf))
    for expected in ("no XMP metadata", "a Figure without alternate text", "without a description", "outside marked"):
        assert expected in found, found


def test_a_printed_pdf_is_pdfua_dated_by_its_page_and_the_same_bytes_twice(tmp_path):
    import pikepdf

    from evalkit.report import pdfua
    from evalkit.report.pdf import print_pdf

    page = planted_pdf_page(tmp_path, meta='<meta name="dcterms.created" content="2019-03-05">')
    first, second = print_pdf(page, tmp_path / "a.pdf"), print_pdf(page, tmp_path / "b.pdf")
    assert first.read_bytes() == second.read_bytes()
    with pikepdf.open(first) as pdf:
        assert pdfua.problems(pdf) == []
        assert str(pdf.docinfo["/CreationDate"]) == str(pdf.docinfo["/ModDate"]) == "D:20190305000000Z"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<xmp:CreateDate>2019-03-05T00:00:00Z</xmp:CreateDate>" in xmp and "<rdf:li>sv</rdf:li>" in xmp
        figures = [e for e in pdfua.structure_elements(pdf) if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == ["Ett rött fält."]
        links = [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert [str(a.Contents) for a in links] == ["Till målet"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("study", STUDIES)
def test_every_report_pdf_passes_the_machine_checkable_part_of_pdfua(reports, study, language):
    import pikepdf

    from evalkit.report import pdfua

    for printed, page in pdfs(reports[study], language):
        facts = pdfua.page_facts(page.read_text(encoding="utf-8"))
        with pikepdf.open(printed) as pdf:
            assert pdfua.problems(pdf) == [], printed.name
            assert str(pdf.Root.Lang) == language
            figures = [str(e.Alt) for e in pdfua.structure_elements(pdf) if e.S == "/Figure"]
            assert figures == list(facts.alt_texts)  # every figure, with the alt text the page gives it
            created = pdfua.document_date(paths.DATA_DIR / study)
            assert str(pdf.docinfo["/CreationDate"]) == pdfua.pdf_date(created), printed.name

"""Accessible formats on the default study and the teaching county, in both languages (issue 16).

One run of each study (HTML and PDF), then in headless Chromium:

* axe-core's WCAG 2.1 A and AA rules, and its best practices, report no
  violation on any page (every chapter page and the combined report at
  1280 px, the combined report at 400 px too);
* no word of any table cell is broken, at A4 print width and at 1280 px and
  400 px screen widths, and no printed table is wider than its page.

Each check is first shown to find what it looks for on a planted page.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from chromium import Browser
from page_checks import axe_violations, require_axe, table_fit_problems
from rich.console import Console

from evalkit import paths
from evalkit.report.pdf import DEBIAN_CHROMIUM, find_chromium
from evalkit.report.pipeline import run_study

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason=f"headless Chromium not installed ({DEBIAN_CHROMIUM} missing)"),
]
STUDIES = (paths.DEFAULT_STUDY_NAME, "ovningslan-2025")
LANGUAGES = ("sv", "en")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """Both studies run once, in both languages, with their PDFs: ``<root>/<study>/<language>/…``."""
    root = tmp_path_factory.mktemp("accessible")
    for study in STUDIES:
        shutil.copytree(paths.DATA_DIR / study, root / "data" / study)
        result = run_study(
            root / "data" / study,
            languages=",".join(LANGUAGES),
            reports_root=root / "reports",
            cache_dir=root / "cache",
            console=Console(file=io.StringIO(), width=200),
        )
        assert result.status == "ran", "\n".join(result.messages)
    return root / "reports"


@pytest.fixture(scope="module")
def browser():
    with Browser() as chromium:
        yield chromium


def pages(reports: Path, study: str, language: str) -> list[Path]:
    found = sorted((reports / study / language).glob("*.html"))
    assert any(page.name == "report.html" for page in found), found
    return found


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


# ---------------------------------------------------------------- the reports


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("study", STUDIES)
def test_axe_finds_no_violation_on_any_page(reports, browser, study, language):
    found = {}
    for page in pages(reports, study, language):
        views = [1280, 400] if page.name == "report.html" else [1280]
        for width in views:
            for violation in axe_violations(browser, page, width):
                found[f"{page.name} at {width} px: {violation['id']} ({violation['help']})"] = violation["nodes"][:3]
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("study", STUDIES)
def test_no_table_breaks_a_word_in_print_or_on_a_wide_or_narrow_screen(reports, browser, study, language):
    problems = [problem for page in pages(reports, study, language) for problem in table_fit_problems(browser, page)]
    assert problems == []

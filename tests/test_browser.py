"""Open the combined report in headless Chromium and check what it renders.

Needs the Debian ``chromium`` package (CI installs it); skipped with a reason
when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from test_runner import GOOD, make_study, run

from evalkit.report.pdf import DEBIAN_CHROMIUM, find_chromium, run_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason=f"headless Chromium not installed ({DEBIAN_CHROMIUM} missing)"),
]


class Collector(HTMLParser):
    """Collect headings, images, inline SVGs, tables and table cells of a DOM dump."""

    def __init__(self):
        super().__init__()
        self.headings, self.images, self.svgs, self.tables, self.cells = [], [], 0, 0, []
        self._heading = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = ""
        elif tag == "img" and attrs.get("src", "").startswith("data:image/"):
            self.images.append(attrs["src"][:30])
        elif tag == "svg":
            self.svgs += 1
        elif tag == "table":
            self.tables += 1
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_data(self, data):
        if self._heading is not None:
            self._heading += data
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append(self._heading.replace("¶", "").strip())
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self.cells.append(self._cell.strip())
            self._cell = None


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    study = make_study(root / "data" / "fixture-study")
    result = run(study, root, languages="sv,en", pdf=True)
    assert result.status == "ran", result.messages
    return root / "reports" / "fixture-study"


def dump_dom(page) -> Collector:
    done = run_chromium(["--dump-dom", page.resolve().as_uri()], timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    collector = Collector()
    collector.feed(done.stdout)
    return collector


@pytest.mark.parametrize("language", ["sv", "en"])
def test_combined_report_renders_every_chapter(report, language):
    dom = dump_dom(report / language / "report.html")
    titles = [chapter.title(language) for chapter in GOOD]
    for title in titles:
        assert title in dom.headings, f"chapter heading {title!r} missing; headings: {dom.headings}"
    toc_position = dom.headings.index({"sv": "Innehåll", "en": "Contents"}[language])
    assert toc_position < dom.headings.index(titles[0])
    figures = [src for src in dom.images if src.startswith("data:image/svg+xml") or src.startswith("data:image/png")]
    assert len(figures) == 1, "the bar chart is rendered as an embedded image"
    assert dom.tables >= 2, "the data table and the summary table are rendered"
    assert {"a", "b", "c", "3", "5", "2"} <= set(dom.cells)
    assert {"sv": "Antal", "en": "Count"}[language] in dom.cells


def test_report_has_no_scripts_or_external_resources(report):
    text = (report / "en" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in text
    assert not re.search(r'(src|href)="https?://', text), "the page is self-contained"


def test_pdf_is_printed(report):
    for language in ("sv", "en"):
        pdf = report / language / "report.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")

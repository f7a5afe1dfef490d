"""Open the combined report in headless Chromium and check what it renders and prints.

Needs the Debian ``chromium`` package (CI installs it); skipped with a reason
when /usr/bin/chromium is absent. The layout and PDF helpers here are used by
tests/test_end_to_end.py on the default study as well.
"""

from __future__ import annotations

import json
import re
import unicodedata
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pypdf
import pytest
from test_runner import GOOD, make_study, run

from evalkit.report.pdf import DEBIAN_CHROMIUM, find_chromium, print_pdf, run_chromium

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


# ---------------------------------------------------------------- layout at A4 width and the printed PDF

#: A4 is 210 mm wide: 794 CSS px at 96 px per inch.
A4_WIDTH_PX = 794
A4_POINTS = (595.28, 841.89)
PAGE_NUMBER = {"sv": "Sida {n} av {total}", "en": "Page {n} of {total}"}
#: Run in the page after loading: every way content can be wider than the page or cut off.
LAYOUT_CHECK = """
window.addEventListener("load", () => {
  const root = document.documentElement;
  const main = document.querySelector("main") || document.body;
  const right = main.getBoundingClientRect().right;
  const name = (e) => e.tagName.toLowerCase() + " «" + (e.textContent || "").trim().slice(0, 60) + "»";
  const problems = [];
  if (root.scrollWidth > root.clientWidth) problems.push(`page ${root.scrollWidth} px wide > ${root.clientWidth} px`);
  for (const e of document.querySelectorAll("body *")) {
    const style = getComputedStyle(e);
    if (style.position === "fixed" || style.display === "none" || e.closest("svg") !== null && e.tagName !== "svg") continue;
    // A table's own box may scroll on a narrow screen: it is a labelled region a keyboard can focus.
    const tableBox = e.matches('.evalkit-table-box[role="region"][tabindex="0"][aria-label]');
    if (/auto|scroll|hidden|clip/.test(style.overflowX) && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && !tableBox)
      problems.push(`${name(e)} scrolls or clips sideways: ${e.scrollWidth} > ${e.clientWidth} px`);
    if (/^(table|img|svg|pre|figure)$/i.test(e.tagName) && e.closest(".evalkit-table-box") === null && e.getBoundingClientRect().right > right + 1)
      problems.push(`${name(e)} ends at ${Math.round(e.getBoundingClientRect().right)} px, past the text at ${Math.round(right)} px`);
  }
  const out = document.createElement("pre");
  out.id = "evalkit-layout-check";
  out.textContent = JSON.stringify({width: root.clientWidth, tables: document.querySelectorAll("table").length, problems});
  document.body.appendChild(out);
});
"""


def layout_problems(page: Path, tmp_path: Path, width: int = A4_WIDTH_PX) -> dict:
    """Open a copy of ``page`` with :data:`LAYOUT_CHECK` at ``width`` CSS px; return its findings.

    The copy is written to ``tmp_path`` (report pages are self-contained: figures and styles are
    inline), so the report folder is never touched.
    """
    probe = tmp_path / f"layout-check-{page.parent.name}-{page.name}"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", f"<script>{LAYOUT_CHECK}</script></body>"))
    done = run_chromium([f"--window-size={width},1123", "--dump-dom", probe.resolve().as_uri()], timeout=180)
    assert done.returncode == 0, done.stderr[-800:]
    found = re.search(r'<pre id="evalkit-layout-check">(.*?)</pre>', done.stdout, re.S)
    assert found, "the layout check did not run"
    return json.loads(unescape(found.group(1)))


def squeeze(text: str) -> str:
    """Compare text as printed: compatibility forms (ligatures), no whitespace, no soft hyphens."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("\u00ad", "")


def html_table_cells(page: Path) -> list[str]:
    """Text of every non-empty table cell of ``page``, in document order."""
    collector = Collector()
    collector.feed(page.read_text(encoding="utf-8"))
    return [cell for cell in collector.cells if squeeze(cell)]


def pdf_page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pypdf), in content order."""
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


def cells_missing_from(cells: list[str], printed: str) -> list[str]:
    """Cells not found in ``printed`` in document order (each after the previous one found).

    Matching in order makes short cells count: a clipped column's ``0.5`` is
    not found somewhere else on the page.
    """
    position, missing = 0, []
    for cell in cells:
        found = printed.find(squeeze(cell), position)
        if found < 0:
            missing.append(cell)
        else:
            position = found + len(squeeze(cell))
    return missing


def outline_titles(pdf: Path) -> list[str]:
    """Every title of the PDF outline (bookmarks), depth first."""
    titles = []
    with pikepdf.open(pdf) as document, document.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(reversed(item.children))
    return titles


def check_printed_report(html: Path, pdf: Path, language: str) -> None:
    """Assert what a printed report must be: A4, numbered pages, an outline of every heading, every table cell."""
    with pikepdf.open(pdf) as document:
        sizes = {tuple(round(float(v), 1) for v in page.mediabox[2:]) for page in document.pages}
    portrait, landscape = A4_POINTS, A4_POINTS[::-1]  # a wide table may have a landscape page of its own
    assert all(any(abs(w - a) <= 1 and abs(h - b) <= 1 for a, b in (portrait, landscape)) for w, h in sizes), sizes
    texts = pdf_page_texts(pdf)
    for number, text in enumerate(texts, start=1):
        label = PAGE_NUMBER[language].format(n=number, total=len(texts))
        assert squeeze(label) in squeeze(text), f"page {number} does not say {label!r}"
    dom = Collector()
    dom.feed(html.read_text(encoding="utf-8"))
    bookmarks = {squeeze(title) for title in outline_titles(pdf)}
    assert bookmarks, "the PDF has no outline"
    assert [h for h in dom.headings if squeeze(h) not in bookmarks] == []
    cells = html_table_cells(html)
    missing = cells_missing_from(cells, squeeze("".join(texts)))
    assert missing == [], f"{len(missing)} of {len(cells)} table cells are not in the PDF: {missing[:20]}"


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


@pytest.mark.parametrize("language", ["sv", "en"])
def test_nothing_is_wider_than_an_a4_page(report, language, tmp_path):
    for page in sorted((report / language).glob("*.html")):
        found = layout_problems(page, tmp_path)
        assert found["width"] <= A4_WIDTH_PX and found["problems"] == [], (page.name, found)


def test_the_layout_check_finds_content_wider_than_the_page(report, tmp_path):
    page = tmp_path / "planted.html"
    clipped = '<div style="overflow-x:auto;width:10em"><table><tr><td>' + "x" * 400 + "</td></tr></table></div>"
    wide = '<p style="width:2000px">wider than any page</p>'
    page.write_text(
        (report / "en" / "report.html")
        .read_text(encoding="utf-8")
        .replace('<main id="evalkit-main" tabindex="-1">', f"<main>{clipped}{wide}")
    )
    problems = " ".join(layout_problems(page, tmp_path)["problems"])
    assert "scrolls or clips sideways" in problems and "px wide >" in problems, problems


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pdf_is_a4_with_page_numbers_an_outline_and_every_table_cell(report, language):
    check_printed_report(report / language / "report.html", report / language / "report.pdf", language)


def test_the_pdf_check_finds_cells_cut_off_at_the_margin(tmp_path):
    cells = [f"v{column}" for column in range(40)]
    page = tmp_path / "clipped.html"
    page.write_text(
        '<html><body><div style="overflow:hidden;width:12cm"><table><tr>'
        + "".join(f'<td style="min-width:2cm">{cell}</td>' for cell in cells)
        + "</tr></table></div></body></html>",
        encoding="utf-8",
    )
    printed = print_pdf(page, tmp_path / "clipped.pdf")
    missing = cells_missing_from(html_table_cells(page), squeeze("".join(pdf_page_texts(printed))))
    assert "v0" not in missing and "v39" in missing, missing


@pytest.mark.parametrize("language", ["sv", "en"])
def test_chapter_pages_link_their_neighbours_the_contents_and_the_other_language(report, language):
    pages = [f"{chapter.id}.html" for chapter in GOOD]
    other = {"sv": "en", "en": "sv"}[language]
    for position, name in enumerate(pages):
        text = (report / language / name).read_text(encoding="utf-8")
        links = set(re.findall(r'href="([^"#]*)(#[^"]*)?"', text))
        assert ("report.html", "#evalkit-contents") in links
        assert (f"../{other}/{name}", "") in links
        hrefs = {href for href, _ in links}
        neighbours = set(pages[max(position - 1, 0) : position + 2]) - {name}
        assert {page for page in pages if page in hrefs} == neighbours, (name, hrefs)
        for href, _ in links:
            if href and not href.startswith(("http", "data:")):
                assert (report / language / href).resolve().is_file(), href
    combined = (report / language / "report.html").read_text(encoding="utf-8")
    assert 'id="evalkit-contents"' in combined and f'href="../{other}/report.html"' in combined


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_contents_list_every_section_and_its_links_work(report, language):
    text = (report / language / "report.html").read_text(encoding="utf-8")
    contents = re.search(r'<nav[^>]*class="evalkit-toc".*?</nav>', text, re.S).group(0)
    anchors = re.findall(r'href="#([^"]+)"', contents)
    assert anchors[0] == f"chapter-{GOOD[0].id}"
    assert {"Values", "Figure", "Summary"} <= set(anchors), anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in text, anchor

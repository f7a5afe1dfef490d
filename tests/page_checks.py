"""Checks run inside a page in headless Chromium: axe-core's accessibility rules and words broken in tables.

axe-core comes from npm: ``tests/axe/package.json`` pins it and ``.ci/run``
installs it with ``npm ci --prefix tests/axe`` (offline after that: the page
gets the script injected through the DevTools protocol, nothing is fetched).
Where it is not installed the tests that need it are skipped with that
command as the reason; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from chromium import Browser

AXE_SCRIPT = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: The rules run: every WCAG 2.0/2.1 level A and AA rule, and axe's best practices (headings in order,
#: landmarks unique and holding all content, one main, a level-one heading, …).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
#: Widths (CSS px) and media of the table-fit measurement: the A4 text width in print (210 mm less 2 × 16 mm
#: margins at 96 px per inch), a desktop window and a phone.
A4_TEXT_PX = 673
LANDSCAPE_TEXT_PX = 1001
FIT_VIEWS = ((A4_TEXT_PX, "print"), (1280, "screen"), (400, "screen"))
#: The publication's print text widths (210 mm and 297 mm less 2 × 20 mm margins, ``publication.css``).
PUBLICATION_TEXT_PX = (642, 971)

AXE_RUN = """
axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']}).then(result =>
  result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(0, 2).join(' '))
  })))
"""

#: Every word of every table cell and the line boxes it occupies (more than one: the word is broken), and
#: each table's width. A word ends at a space, a <wbr> (a text node ends) or after a hyphen or a slash.
BROKEN_WORDS = r"""
(() => {
  const WORD = /[^\s\-\/\u2010\u2013]+[\-\/\u2010\u2013]?/g;
  const lines = (range) => {
    const tops = [];
    for (const r of range.getClientRects()) {
      if (r.width <= 0 || r.height <= 0) continue;
      if (!tops.some(t => Math.abs(t - r.top) < r.height / 2)) tops.push(r.top);
    }
    return tops.length;
  };
  return [...document.querySelectorAll('table')].map((table, index) => {
    const caption = table.caption ? table.caption.textContent.trim().replace(/\s+/g, ' ').slice(0, 80) : `table ${index + 1}`;
    const broken = [];
    for (const cell of table.querySelectorAll('th, td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(WORD)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          if (lines(range) > 1) broken.push(match[0]);
        }
      }
    }
    return {caption, broken, width: table.getBoundingClientRect().width,
            landscape: table.closest('.evalkit-landscape-box') !== null};
  });
})()
"""


def require_axe() -> str:
    """The axe-core script, or skip (fail under CI) when ``npm ci --prefix tests/axe`` has not been run."""
    if AXE_SCRIPT.is_file():
        return AXE_SCRIPT.read_text(encoding="utf-8")
    message = f"axe-core is not installed ({AXE_SCRIPT} missing): run `npm ci --prefix tests/axe`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def axe_violations(browser: Browser, page: Path, width: int = 1280) -> list[dict]:
    """axe-core's violations of :data:`AXE_TAGS` on ``page`` at ``width`` CSS px (empty when it passes)."""
    script = require_axe()
    with browser.page(page, width) as tab:
        tab.evaluate(script + ";true")
        return tab.evaluate(AXE_RUN % list(AXE_TAGS), timeout=600)


def table_fit_problems(browser: Browser, page: Path) -> list[str]:
    """Every broken word and every table wider than its printed page, at each of :data:`FIT_VIEWS`."""
    problems = []
    for width, media in FIT_VIEWS:
        with browser.page(page, width, media=media) as tab:
            tables = tab.evaluate(BROKEN_WORDS)
        for table in tables:
            where = f"{page.parent.name}/{page.name} at {width} px {media}: {table['caption']}"
            if table["broken"]:
                problems.append(f"{where}: broken words {table['broken'][:6]}")
            limit = LANDSCAPE_TEXT_PX if table["landscape"] else A4_TEXT_PX
            if media == "print" and table["width"] > limit + 1:
                problems.append(f"{where}: {table['width']:.0f} px wide, the page has {limit} px")
    return problems


def print_widths(page: Path) -> tuple[int, int]:
    """The printed text width (portrait, landscape) in CSS px of ``page``: the publication's margins are wider."""
    return PUBLICATION_TEXT_PX if page.name == "publication.html" else (A4_TEXT_PX, LANDSCAPE_TEXT_PX)


def check_page(browser: Browser, page: Path, axe: bool = True) -> tuple[list[dict], list[str]]:
    """axe-core's violations at 1280 px and the table-fit problems at every width, from one load of ``page``.

    The tab is re-sized and its media switched between the measurements
    (the layout follows at once), so a page is loaded once, not once per view.
    """
    portrait, landscape = print_widths(page)
    problems = []
    with browser.page(page, 1280) as tab:
        for width, media in ((1280, "screen"), (400, "screen"), (portrait, "print")):
            tab.media(media)
            tab.resize(width)
            for table in tab.evaluate(BROKEN_WORDS):
                where = f"{page.parent.name}/{page.name} at {width} px {media}: {table['caption']}"
                if table["broken"]:
                    problems.append(f"{where}: broken words {table['broken'][:6]}")
                limit = landscape if table["landscape"] else portrait
                if media == "print" and table["width"] > limit + 1:
                    problems.append(f"{where}: {table['width']:.0f} px wide, the page has {limit} px")
        violations = []
        if axe:
            tab.media("screen")
            tab.resize(1280)
            tab.evaluate(require_axe() + ";true")
            violations = tab.evaluate(AXE_RUN % list(AXE_TAGS), timeout=600)
    return violations, problems

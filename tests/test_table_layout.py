"""Tables that fit (evalkit.report.fit): the narrowest width, the print layout, splitting, the scroll box.

The browser measures the result on real reports in tests/test_accessibility.py
(every word of every cell on one line at A4 print width and at 1280 px and 400 px).
"""

from __future__ import annotations

import re

import pytest

from evalkit.report import fit


def table(columns: int, word: str, rows: int = 2, css: str = "evalkit-table") -> str:
    head = "".join(f'<th scope="col">{word} {column}</th>' for column in range(columns))
    body = "".join(
        "<tr>" + '<th scope="row">Kommun A</th>' + "<td>1</td>" * (columns - 1) + "</tr>" for _ in range(rows)
    )
    return f'<table class="{css}"><caption>Tabell 1.1. Prov.</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def test_text_widths_are_dejavu_sans_glyph_widths():
    assert fit.text_width_em("Kommun") == pytest.approx(4.4334, abs=1e-3)
    assert fit.text_width_em("Kommun", bold=True) > fit.text_width_em("Kommun")
    assert fit.text_width_em("iii") < fit.text_width_em("WWW")


def test_a_cell_breaks_only_at_spaces_wbr_hyphens_and_slashes():
    assert fit.cell_words("Rekonstruerat (antagande)") == ["Rekonstruerat", "(antagande)"]
    assert fit.cell_words("study.<wbr>staff.<wbr>former_<wbr>coordinator") == [
        "study.",
        "staff.",
        "former_",
        "coordinator",
    ]
    assert fit.cell_words("kvinnofrids-samordnare och/eller") == ["kvinnofrids-", "samordnare", "och/", "eller"]
    assert fit.cell_words("<em>Ja</em>, &amp; nej") == ["Ja,", "&", "nej"]


def test_the_narrowest_column_is_its_longest_word_bold_in_the_header_plus_padding():
    widths = fit.column_widths_em(table(2, "Kvalitetsområde"))
    assert widths[0] == pytest.approx(fit.text_width_em("Kvalitetsområde", bold=True) + fit.CELL_PADDING_EM)
    numeric = '<table><tr><td class="num">12 345</td><td>12 345</td></tr></table>'
    assert fit.column_widths_em(numeric)[0] > fit.column_widths_em(numeric)[1]  # a numeric cell does not wrap
    spanning = '<table><tr><th colspan="20">' + "Rubrik " * 30 + "</th></tr><tr><td>1</td></tr></table>"
    assert fit.column_widths_em(spanning) == [pytest.approx(fit.text_width_em("1") + fit.CELL_PADDING_EM)]


@pytest.mark.parametrize(
    ("columns", "layout"), [(3, "portrait"), (8, "portrait-small"), (10, "landscape"), (12, "landscape-small")]
)
def test_a_table_gets_the_first_layout_it_fits(columns, layout):
    chosen = fit.print_layout(table(columns, "Samordnare"))
    assert chosen.name == layout
    assert fit.narrowest_width_pt(table(columns, "Samordnare"), chosen.size_pt) <= chosen.width_pt


def test_a_table_too_wide_for_a_landscape_page_is_split_into_even_parts_that_repeat_the_row_headers():
    wide = table(17, "Rekonstruerade", rows=3)
    assert fit.print_layout(wide) is None
    parts = fit.split_columns(wide, continued="forts.")
    assert len(parts) == 2
    smallest = fit.LAYOUTS[-1]
    for number, part in enumerate(parts):
        assert fit.narrowest_width_pt(part, smallest.size_pt) <= smallest.width_pt
        assert part.count('<th scope="row">Kommun A</th>') == 3  # every part keeps the row headers
        assert ("(forts.)" in fit.caption_text(part)) == (number > 0)
    headers = [re.findall(r"Rekonstruerade (\d+)", part) for part in parts]
    assert all(part[0] == "0" for part in headers)  # the row-header column in every part
    assert [h for part in headers for h in part[1:]] == [str(c) for c in range(1, 17)]  # the rest once, in order
    assert abs(len(headers[0]) - len(headers[1])) <= 1  # even parts, not one full and one stub


def test_every_table_gets_a_focusable_labelled_scroll_box_and_its_print_classes():
    page = "<p>x</p>" + table(3, "Kommun") + table(10, "Samordnare") + "<table><tr><td>a</td></tr></table>"
    fitted = fit.fit_tables(page, "sv")
    boxes = re.findall(r'<div class="([^"]*)" role="region" tabindex="0" aria-label="([^"]*)">', fitted)
    assert boxes == [
        ("evalkit-table-box", "Tabell 1.1. Prov."),
        ("evalkit-table-box evalkit-landscape-box", "Tabell 1.1. Prov."),
        ("evalkit-table-box", "Tabell 3"),
    ]
    assert '<table class="evalkit-landscape evalkit-table">' in fitted
    assert fitted.count("</table></div>") == 3


def test_the_stylesheet_never_breaks_words_or_hyphenates():
    from evalkit import paths

    css = (paths.TEMPLATES_DIR / "nbconvert" / "evalkit" / "evalkit.css").read_text(encoding="utf-8")
    assert not re.search(r"overflow-wrap:\s*(anywhere|break-word)|word-break:\s*break-all|hyphens:\s*auto", css)
    assert "@page evalkit-landscape { size: A4 landscape; }" in css


def test_text_widths_measured_in_parallel_threads_equal_those_measured_alone():
    """The combined reports and the publications measure table text in parallel threads of one run;
    the shared font must give each thread its own text's width (a race gave wrong widths and
    'failed to load glyph')."""
    from concurrent.futures import ThreadPoolExecutor

    from evalkit.report import fit

    texts = [f"Kvinnofridssamordnare {n} " + "ÅÄÖ" * (n % 7) for n in range(400)]
    fit.text_width_em.cache_clear()
    alone = [fit.text_width_em(text) for text in texts]
    fit.text_width_em.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(fit.text_width_em, texts))
    assert together == alone
